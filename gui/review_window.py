"""What waits for a person: probable duplicates (link / not a duplicate / merge in Bitrix24 / open) and conflicts
(both values side by side, choose one). Every decision goes through the service facade in a worker.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui.error_text import describe_error
from gui.icons import app_icon
from gui.journal_model import format_timestamp
from gui.task_runner import TaskContext, TaskRunner


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table


def _value_text(value: Any) -> str:
    """One version of a conflict (a dict of fields from the pipeline) as plain lines."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        return "\n".join(f"{key}: {_value_text(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


class ReviewWindow(QWidget):
    #: a decision was taken (the tray re-counts what waits)
    decided = Signal()

    def __init__(self, service: Any, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._runner = runner
        self._duplicates: list[Any] = []
        self._conflicts: list[Any] = []
        self._busy = False
        self.last_outcome: Any = None
        self.opened_urls: list[str] = []
        self.setWindowTitle(self.tr("SyncBridge — проверка: дубли и конфликты"))
        self.setWindowIcon(app_icon())
        self.resize(980, 560)

        self.tabs = QTabWidget()
        # --- duplicates
        dup_page = QWidget()
        dup_layout = QVBoxLayout(dup_page)
        hint = QLabel(self.tr(
            "SyncBridge не объединяет похожие компании сам: у компании портала нет ИНН, совпадают только "
            "названия. Выберите, что сделать с каждой парой."))
        hint.setWordWrap(True)
        dup_layout.addWidget(hint)
        self.duplicates_table = _table([self.tr("Запись 1С"), self.tr("Компания в Битрикс24"), self.tr("Почему"),
                                        self.tr("Найдено")])
        self.duplicates_table.itemSelectionChanged.connect(self._update_buttons)
        dup_layout.addWidget(self.duplicates_table, 1)
        row = QHBoxLayout()
        self.link_button = QPushButton(self.tr("Связать с этой компанией"))
        self.link_button.setToolTip(self.tr("Компания портала — та же фирма: запись 1С будет переноситься в неё"))
        self.link_button.clicked.connect(lambda: self._decide("link_duplicate"))
        self.dismiss_button = QPushButton(self.tr("Не дубль"))
        self.dismiss_button.setToolTip(self.tr("Это разные фирмы; пара больше не будет предлагаться"))
        self.dismiss_button.clicked.connect(lambda: self._decide("dismiss_duplicate"))
        self.merge_button = QPushButton(self.tr("Объединить в Битрикс24"))
        self.merge_button.setToolTip(self.tr("Объединить карточки средствами портала (сделки и история "
                                             "переходят в оставшуюся карточку)"))
        self.merge_button.clicked.connect(lambda: self._decide("merge_duplicate"))
        self.open_button = QPushButton(self.tr("Открыть в Битрикс24"))
        self.open_button.clicked.connect(self._open_selected)
        for button in (self.link_button, self.dismiss_button, self.merge_button, self.open_button):
            row.addWidget(button)
        row.addStretch(1)
        dup_layout.addLayout(row)
        self.tabs.addTab(dup_page, self.tr("Возможные дубли"))

        # --- conflicts
        conf_page = QWidget()
        conf_layout = QVBoxLayout(conf_page)
        conf_hint = QLabel(self.tr("Эти изменения не записаны поверх другой стороны: например, сделку изменили после "
                                   "отгрузки заказа. Сравните версии и решите, какую оставить."))
        conf_hint.setWordWrap(True)
        conf_layout.addWidget(conf_hint)
        self.conflicts_table = _table([self.tr("Запись"), self.tr("Почему"), self.tr("Изменение источника"),
                                       self.tr("Сейчас на другой стороне")])
        self.conflicts_table.itemSelectionChanged.connect(self._update_buttons)
        conf_layout.addWidget(self.conflicts_table, 1)
        crow = QHBoxLayout()
        self.keep_source_button = QPushButton(self.tr("Записать изменение источника"))
        self.keep_source_button.setToolTip(self.tr("Изменение будет записано при следующей синхронизации"))
        self.keep_source_button.clicked.connect(lambda: self._resolve("source"))
        self.keep_target_button = QPushButton(self.tr("Оставить как есть"))
        self.keep_target_button.setToolTip(self.tr("Другая сторона остаётся как есть; конфликт уходит из списка"))
        self.keep_target_button.clicked.connect(lambda: self._resolve("target"))
        crow.addWidget(self.keep_source_button)
        crow.addWidget(self.keep_target_button)
        crow.addStretch(1)
        conf_layout.addLayout(crow)
        self.conflicts_index = self.tabs.addTab(conf_page, self.tr("Конфликты"))
        self.tabs.setTabVisible(self.conflicts_index, False)  # shown once conflicts exist

        self.outcome_label = QLabel()
        self.outcome_label.setTextFormat(Qt.TextFormat.PlainText)
        self.outcome_label.setWordWrap(True)
        self.outcome_url_button = QPushButton(self.tr("Открыть страницу объединения"))
        self.outcome_url_button.setVisible(False)
        self.outcome_url_button.clicked.connect(self._open_outcome_url)
        self.refresh_button = QPushButton(self.tr("Обновить"))
        self.refresh_button.clicked.connect(self.reload)
        bottom = QHBoxLayout()
        bottom.addWidget(self.outcome_label, 1)
        bottom.addWidget(self.outcome_url_button)
        bottom.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self._update_buttons()

    # ---- loading ---------------------------------------------------------------------------------------------
    @Slot()
    def reload(self) -> None:
        service = self._service

        def work(context: TaskContext) -> tuple[list[Any], list[Any]]:
            return service.duplicates(), service.conflicts()

        self._runner.submit(work, on_result=self._on_loaded,
                            on_error=lambda e: self._show_outcome(describe_error(e)), owner=self)

    def _on_loaded(self, data: tuple[list[Any], list[Any]]) -> None:
        self._duplicates, self._conflicts = data
        self.duplicates_table.setRowCount(len(self._duplicates))
        for row, item in enumerate(self._duplicates):
            cells = [item.onec_title, self.tr("№ {id}: {title}").format(id=item.b24_id, title=item.b24_title),
                     item.reason, format_timestamp(item.created_at)]
            for column, text in enumerate(cells):
                self.duplicates_table.setItem(row, column, QTableWidgetItem(text))
        self.conflicts_table.setRowCount(len(self._conflicts))
        for row, item in enumerate(self._conflicts):
            cells = [item.title or item.key, item.reason, _value_text(item.ours), _value_text(item.theirs)]
            for column, text in enumerate(cells):
                self.conflicts_table.setItem(row, column, QTableWidgetItem(text))
        self.tabs.setTabVisible(self.conflicts_index, bool(self._conflicts))
        self.tabs.setTabText(0, self.tr("Возможные дубли ({n})").format(n=len(self._duplicates)))
        self.tabs.setTabText(self.conflicts_index, self.tr("Конфликты ({n})").format(n=len(self._conflicts)))
        if self._duplicates and self.duplicates_table.currentRow() < 0:
            self.duplicates_table.selectRow(0)
        if self._conflicts and self.conflicts_table.currentRow() < 0:
            self.conflicts_table.selectRow(0)
        self._update_buttons()

    def _selected_duplicate(self) -> Any:
        row = self.duplicates_table.currentRow()
        return self._duplicates[row] if 0 <= row < len(self._duplicates) else None

    def _selected_conflict(self) -> Any:
        row = self.conflicts_table.currentRow()
        return self._conflicts[row] if 0 <= row < len(self._conflicts) else None

    @Slot()
    def _update_buttons(self) -> None:
        has_dup = self._selected_duplicate() is not None and not self._busy
        for button in (self.link_button, self.dismiss_button, self.merge_button, self.open_button):
            button.setEnabled(has_dup)
        has_conflict = self._selected_conflict() is not None and not self._busy
        self.keep_source_button.setEnabled(has_conflict)
        self.keep_target_button.setEnabled(has_conflict)

    # ---- decisions -------------------------------------------------------------------------------------------
    def _decide(self, method: str) -> None:
        item = self._selected_duplicate()
        if item is None:
            return
        service = self._service

        def work(context: TaskContext) -> Any:
            return getattr(service, method)(item.id)

        self._run(work)

    def _resolve(self, side: str) -> None:
        item = self._selected_conflict()
        if item is None:
            return
        service = self._service

        def work(context: TaskContext) -> Any:
            service.resolve_conflict(item.id, side)
            return None

        self._run(work)

    def _run(self, work: Any) -> None:
        self._busy = True
        self._update_buttons()
        self._show_outcome(self.tr("Выполняю…"))
        self._runner.submit(work, on_result=self._on_decided, on_error=self._on_failed, owner=self)

    def _on_decided(self, outcome: Any) -> None:
        self._busy = False
        self._update_buttons()
        self.last_outcome = outcome
        if outcome is None:
            self._show_outcome(self.tr("Решение сохранено и записано в журнал."))
        else:
            self._show_outcome(outcome.message, None if outcome.ok else outcome.url)
        self.decided.emit()
        self.reload()

    def _on_failed(self, error: BaseException) -> None:
        self._busy = False
        self._update_buttons()
        self._show_outcome(describe_error(error))

    def _show_outcome(self, text: str, url: str | None = None) -> None:
        self.outcome_label.setText(text)
        self._outcome_url = url
        self.outcome_url_button.setVisible(bool(url))

    # ---- opening the portal ----------------------------------------------------------------------------------
    @Slot()
    def _open_selected(self) -> None:
        item = self._selected_duplicate()
        if item is None:
            return
        url = self._service.portal_card_url(item.b24_type, item.b24_id)
        if url:
            self.open_url(url)

    @Slot()
    def _open_outcome_url(self) -> None:
        if self._outcome_url:
            self.open_url(self._outcome_url)

    def open_url(self, url: str) -> None:
        self.opened_urls.append(url)
        QDesktopServices.openUrl(QUrl(url))
