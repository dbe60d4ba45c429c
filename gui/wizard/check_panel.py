"""«Проверить подключение»: the button, the result lines (✔/✖) and the «Продолжить без проверки» escape hatch.

The page owns the inputs and decides what a check means; this widget only shows state. It remembers the inputs a
successful check was made with (the page's "fingerprint"), so editing a field after the check asks for a new one.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.plain_text import plain_label

OK_MARK = "✔"
FAIL_MARK = "✖"
WARN_MARK = "⚠"
_OK_COLOUR = QColor("#1d7a3a")
_FAIL_COLOUR = QColor("#b3261e")
_WARN_COLOUR = QColor("#a15c00")


class CheckPanel(QWidget):
    #: the user pressed the check button
    check_requested = Signal()
    #: the user pressed «Отменить» while a check runs
    cancel_requested = Signal()
    #: the outcome changed in a way that may change whether "Next" is allowed
    state_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._passed_for: Hashable | None = None
        self._running = False
        self.button = QPushButton(self.tr("Проверить подключение"))
        self.button.clicked.connect(self._on_clicked)
        self.cancel_button = QPushButton(self.tr("Отменить"))
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.status = plain_label()
        self.status.setWordWrap(True)
        self.results = QListWidget()
        self.results.setWordWrap(True)
        self.results.setFixedHeight(64)
        self.results.setVisible(False)
        self.results.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.skip = QCheckBox(self.tr("Продолжить без проверки (ошибки в адресе или пароле обнаружатся только "
                                      "при первой синхронизации)"))
        self.skip.toggled.connect(self._on_skip_toggled)
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.results)
        layout.addWidget(self.skip)
        self.show_prompt()

    # ---- state for the page ----------------------------------------------------------------------------------
    def passed_for(self, fingerprint: Hashable) -> bool:
        return self._passed_for is not None and self._passed_for == fingerprint

    @property
    def skip_confirmed(self) -> bool:
        return self.skip.isChecked()

    @property
    def running(self) -> bool:
        return self._running

    # ---- showing ---------------------------------------------------------------------------------------------
    def show_prompt(self) -> None:
        self.status.setText(self.tr("Нажмите «Проверить подключение»: кнопка «Далее» станет доступна после "
                                    "успешной проверки."))

    def set_running(self) -> None:
        self._running = True
        self.button.setEnabled(False)
        self.cancel_button.setVisible(True)
        self.status.setText(self.tr("Проверяю подключение…"))
        self.results.clear()
        self.results.setVisible(False)
        self.state_changed.emit()

    def show_report(self, report: Any, fingerprint: Hashable, still_current: bool) -> None:
        """Show the lines of a CheckReport; a passed check counts only if the inputs did not change meanwhile."""
        self._finish()
        for line in getattr(report, "lines", []) or []:
            self._add_line(bool(line.ok), translated_check_text(line), required=bool(getattr(line, "required", True)))
        ok = bool(getattr(report, "ok", False))
        if ok and still_current:
            self._passed_for = fingerprint
            self.status.setText(self.tr("Проверка пройдена — нажмите «Далее»."))
            self.skip.setChecked(False)
            self.skip.setVisible(False)  # nothing to skip any more
        elif ok:
            self.status.setText(self.tr("Данные изменились во время проверки — проверьте ещё раз."))
        else:
            self._passed_for = None
            self.status.setText(self.tr("Проверка не пройдена. Исправьте данные и проверьте ещё раз или отметьте "
                                        "«Продолжить без проверки»."))
        self.state_changed.emit()

    def show_error(self, text: str) -> None:
        self._finish()
        self._passed_for = None
        self._add_line(False, text)
        self.status.setText(self.tr("Проверка не пройдена. Исправьте данные и проверьте ещё раз или отметьте "
                                    "«Продолжить без проверки»."))
        self.state_changed.emit()

    def show_unchanged(self) -> None:
        """Settings mode, nothing edited: the saved connection is not re-checked unless the user asks."""
        self.status.setText(self.tr("Подключение не менялось — проверять не обязательно."))

    def invalidate(self) -> None:
        """The inputs changed: a previous success no longer counts."""
        if self._running:
            return
        had_result = self.results.count() > 0
        self._passed_for = None
        self.skip.setVisible(True)
        if had_result:
            self.results.clear()
            self.results.setVisible(False)
            self.status.setText(self.tr("Данные изменились — проверьте подключение ещё раз."))
        self.state_changed.emit()

    def show_cancelled(self, text: str) -> None:
        self._running = False
        self.button.setEnabled(True)
        self.cancel_button.setVisible(False)
        self._passed_for = None
        self.status.setText(text)
        self.state_changed.emit()

    def _finish(self) -> None:
        self._running = False
        self.button.setEnabled(True)
        self.cancel_button.setVisible(False)
        self.results.clear()
        self.results.setVisible(True)

    def _add_line(self, ok: bool, text: str, required: bool = True) -> None:
        # an optional step that failed (a scope needed only by later features) warns but does not block
        mark, colour = ((OK_MARK, _OK_COLOUR) if ok else (FAIL_MARK, _FAIL_COLOUR) if required
                        else (WARN_MARK, _WARN_COLOUR))
        item = QListWidgetItem(f"{mark}  {text}")
        item.setForeground(QBrush(colour))
        self.results.addItem(item)
        self._fit_results()

    def _fit_results(self) -> None:
        """As tall as its lines (up to the cap, then it scrolls): a short report leaves room on a small screen."""
        metrics = self.results.fontMetrics()
        width = max(200, (self.width() or 600) - 2 * self.results.frameWidth() - 24)  # scroll bar and margins
        rows = sum(metrics.boundingRect(0, 0, width, 10_000, Qt.TextFlag.TextWordWrap,
                                        self.results.item(r).text()).height() + 2
                   for r in range(self.results.count()))
        self.results.setFixedHeight(max(44, min(120, rows + 2 * self.results.frameWidth() + 4)))

    @Slot()
    def _on_clicked(self) -> None:
        self.check_requested.emit()

    @Slot(bool)
    def _on_skip_toggled(self, checked: bool) -> None:
        self.state_changed.emit()


def translated_check_text(line: Any) -> str:
    """The check line in the UI language: its core template translated (context "checks"), then formatted;
    the Russian text core rendered when there is no template or a parameter is missing."""
    template = getattr(line, "template", "")
    if not template:
        return str(line.text)
    try:
        return QCoreApplication.translate("checks", template).format(**getattr(line, "params", {}))
    except (KeyError, IndexError, ValueError):
        return str(line.text)
