"""A small status window used instead of the tray icon when the desktop has no system tray."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gui.icons import app_icon, state_icon
from gui.plain_text import plain_label
from gui.status_text import capitalised, last_sync_line, next_sync_line, status_line
from gui.sync_controller import SyncSnapshot, SyncState
from gui.sync_progress_bar import SyncProgressBar


class StatusWindow(QWidget):
    def __init__(self, commands: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._closing_allowed = False
        self.setWindowTitle(self.tr("SyncBridge — состояние"))
        self.setWindowIcon(app_icon())
        self.icon_label = QLabel()
        self.status_label = plain_label()
        font = self.status_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.status_label.setFont(font)
        self.status_label.setWordWrap(True)
        self.last_label = plain_label()
        self.next_label = plain_label()
        self.progress = SyncProgressBar()
        self.message_label = plain_label()
        self.message_label.setWordWrap(True)
        self.message_label.setVisible(False)
        note = QLabel(self.tr(
            "Значок в области уведомлений недоступен, поэтому SyncBridge показывает это окно. "
            "Закрытие окна сворачивает его: синхронизация по расписанию продолжается. "
            "Чтобы завершить программу, нажмите «Выход»."))
        note.setWordWrap(True)
        note.setStyleSheet("color: #5a5f66;")

        self.sync_button = QPushButton(self.tr("Синхронизировать сейчас"))
        self.sync_button.setDefault(True)
        self.journal_button = QPushButton(self.tr("Открыть журнал"))
        self.settings_button = QPushButton(self.tr("Настройки…"))
        self.quit_button = QPushButton(self.tr("Выход"))
        self.sync_button.clicked.connect(commands.sync_now)  # type: ignore[attr-defined]
        self.journal_button.clicked.connect(commands.show_journal)  # type: ignore[attr-defined]
        self.settings_button.clicked.connect(commands.open_settings)  # type: ignore[attr-defined]
        self.quit_button.clicked.connect(commands.quit_app)  # type: ignore[attr-defined]

        header = QHBoxLayout()
        header.addWidget(self.icon_label, 0, Qt.AlignmentFlag.AlignTop)
        texts = QVBoxLayout()
        texts.addWidget(self.status_label)
        texts.addWidget(self.last_label)
        texts.addWidget(self.next_label)
        header.addLayout(texts, 1)
        buttons = QHBoxLayout()
        for button in (self.sync_button, self.journal_button, self.settings_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.progress)
        layout.addWidget(self.message_label)
        layout.addLayout(buttons)
        layout.addWidget(note)
        self.setMinimumWidth(560)

    def show_snapshot(self, snapshot: SyncSnapshot) -> None:
        self.icon_label.setPixmap(state_icon(snapshot.state).pixmap(32, 32))
        self.status_label.setText(capitalised(status_line(snapshot)))
        self.last_label.setText(last_sync_line(snapshot))
        next_line = next_sync_line(snapshot)
        self.next_label.setText(next_line or "")
        self.next_label.setVisible(bool(next_line))
        syncing = snapshot.state == SyncState.SYNCING
        self.sync_button.setEnabled(not syncing)
        self.progress.show_snapshot(snapshot)

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def allow_close(self) -> None:
        self._closing_allowed = True

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closing_allowed:
            event.accept()
            return
        # without a tray this window is the only handle on the program: minimise instead of vanishing
        event.ignore()
        self.showMinimized()
