"""The preview: a dry run per entity before the first write (and on demand). Nothing is written by it.

After the wizard the first real sync starts only when the admin presses «Начать синхронизацию» here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.icons import app_icon
from gui.status_text import entity_text, progress_details
from gui.sync_controller import SyncController, SyncState
from gui.sync_progress_bar import SyncProgressBar


class PreviewDialog(QDialog):
    #: the admin allowed the real sync
    confirmed = Signal()

    def __init__(self, controller: SyncController, *, first_run: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self.first_run = first_run
        self.preview: Any = None
        self.setWindowTitle(self.tr("SyncBridge — предпросмотр синхронизации"))
        self.setWindowIcon(app_icon())
        self.resize(860, 520)
        intro = QLabel(self.tr(
            "Пробный запуск: SyncBridge прочитал 1С и портал и показывает, что сделает синхронизация. "
            "Ничего не записано. Проверьте цифры — особенно возможные дубли — и начните синхронизацию.")
            if first_run else self.tr("Пробный запуск: что сделает следующая синхронизация. Ничего не записано."))
        intro.setWordWrap(True)
        self.state_label = QLabel(self.tr("Готовлю предпросмотр…"))
        self.state_label.setTextFormat(Qt.TextFormat.PlainText)
        self.state_label.setWordWrap(True)
        self.progress = SyncProgressBar()
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels([
            self.tr("Объекты"), self.tr("Создать"), self.tr("Связать"), self.tr("Обновить"),
            self.tr("Возможные дубли"), self.tr("Не переносятся"), self.tr("Без изменений")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # headers whole, numbers narrow
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.problems = QPlainTextEdit()
        self.problems.setReadOnly(True)
        self.problems.setPlaceholderText(self.tr("Значения, которые не переносятся, появятся здесь."))
        self.start_button = QPushButton(self.tr("Начать синхронизацию") if first_run
                                        else self.tr("Синхронизировать сейчас"))
        self.start_button.setEnabled(False)
        self.start_button.clicked.connect(self._on_start)
        self.stop_button = QPushButton(self.tr("Остановить"))
        self.stop_button.clicked.connect(controller.cancel)
        self.again_button = QPushButton(self.tr("Повторить"))
        self.again_button.clicked.connect(self.start)
        self.close_button = QPushButton(self.tr("Отложить") if first_run else self.tr("Закрыть"))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.again_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.start_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.state_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel(self.tr("Не переносятся:")))
        layout.addWidget(self.problems)
        layout.addLayout(buttons)
        controller.changed.connect(self._on_changed)
        controller.preview_ready.connect(self._on_ready)

    @Slot()
    def start(self) -> None:
        if self._controller.sync_now("preview", dry_run=True):
            self.start_button.setEnabled(False)
            self.state_label.setText(self.tr("Готовлю предпросмотр…"))

    @Slot()
    def _on_changed(self) -> None:
        snapshot = self._controller.snapshot()
        running = snapshot.state == SyncState.SYNCING
        self.stop_button.setVisible(running)
        self.again_button.setEnabled(not running)
        self.progress.show_snapshot(snapshot)
        if running:
            details = progress_details(snapshot.progress)
            if details:
                self.state_label.setText(details)

    @Slot(object, str)
    def _on_ready(self, preview: Any, error_text: str) -> None:
        self.preview = preview
        if preview is None:
            self.state_label.setText(error_text or self.tr("Предпросмотр остановлен."))
            return
        self.table.setRowCount(len(preview.entities))
        problems: list[str] = []
        for row, entity in enumerate(preview.entities):
            values = [entity_text(entity.entity), entity.create, entity.link, entity.update, entity.duplicates,
                      entity.invalid, entity.unchanged]
            for column, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
            problems.extend(entity.problems)
        self.problems.setPlainText("\n".join(problems))
        self.state_label.setText(self.tr("Будет записано в портал: {n}. Ничего ещё не записано.").format(
            n=preview.writes))
        self.start_button.setEnabled(True)

    @Slot()
    def _on_start(self) -> None:
        self.confirmed.emit()
        self.accept()
