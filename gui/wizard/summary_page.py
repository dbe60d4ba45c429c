"""Page 5: everything the user entered (secrets masked) and «Завершить», which saves profile and secrets."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWizardPage

from gui.plain_text import plain_label


class SummaryPage(QWizardPage):
    def __init__(self, save: Callable[[], None]) -> None:
        super().__init__()
        self._save = save
        self.saved = False
        self.saving = False
        self.setTitle(self.tr("Проверьте настройки"))
        self.setSubTitle(self.tr("Нажмите «Завершить», чтобы сохранить настройки и запустить синхронизацию."))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = plain_label()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.after = QLabel(self.tr(
            "После сохранения программа будет работать в фоне: значок SyncBridge появится в области уведомлений "
            "рядом с часами. Первая синхронизация начнётся сразу; щелчок по значку открывает журнал."))
        self.after.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addStretch(1)
        layout.addWidget(self.after)
        layout.addWidget(self.status)

    def set_rows(self, rows: list[tuple[str, str, bool]]) -> None:
        """(caption, value, needs attention): values that need attention are shown in orange."""
        cells = "".join(
            f"<tr><td style='padding:2px 12px 2px 0; color:#5a5f66'>{html.escape(name)}</td>"
            f"<td style='padding:2px 0;{' color:#a15c00; font-weight:bold' if warn else ''}'>"
            f"{html.escape(value)}</td></tr>"
            for name, value, warn in rows)
        self.summary.setText(f"<table>{cells}</table>")

    def show_saving(self) -> None:
        self.saving = True
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Сохраняю настройки…"))

    def show_save_error(self, text: str) -> None:
        self.saving = False
        self.status.setStyleSheet("color: #b3261e;")
        self.status.setText(self.tr("Настройки не сохранены: {error}").format(error=text))

    def mark_saved(self) -> None:
        self.saving = False
        self.saved = True
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Настройки сохранены."))

    def validatePage(self) -> bool:
        # saving may block (keyring, disk), so it runs in a worker; the wizard closes itself when it is done
        if self.saved:
            return True
        if not self.saving:
            self._save()
        return False
