"""The main window: the sync's live status, what waits for a person, and the whole journal.

The journal is read through the service facade in a worker (it can be large, and a sync may be writing): search,
filters (entity, action, problems, dates), sort by any column, paging through the full history, export to CSV.
All text is plain (no rich text): record names come from 1C and the portal and are shown exactly as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.service import JournalPage, JournalQuery
from gui.error_text import describe_error
from gui.icons import app_icon, snapshot_icon
from gui.journal_model import JournalModel, action_label, entity_label, format_timestamp, reason_for
from gui.status_text import capitalised, live_counts_text, progress_details, status_line
from gui.sync_controller import SyncController, SyncState
from gui.sync_progress_bar import SyncProgressBar
from gui.task_runner import TaskContext, TaskRunner

PAGE_SIZE = 200
LIVE_RELOAD_MS = 1500  # while a sync runs the journal re-reads itself this often
SEARCH_DELAY_MS = 350
#: journal column → the store's sort key
SORT_KEYS = {"time": "ts", "object": "title", "action": "action", "onec": "onec_ref", "b24": "b24_id",
             "reason": "reason_text"}
FILTER_ACTIONS = ("create", "update", "link", "skip", "fail", "duplicate", "mark", "review")


@dataclass
class JournalData:
    page: JournalPage | None = None
    last_run: Any | None = None
    duplicates: int = 0
    conflicts: int = 0
    entries: list[Any] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.page is not None and not self.entries:
            self.entries = list(self.page.rows)


JournalLoader = Callable[[JournalQuery], JournalData]


def service_loader(service: Any) -> JournalLoader:
    """The real loader: one facade call per piece, run in a worker thread."""

    def load(query: JournalQuery) -> JournalData:
        status = service.status()
        return JournalData(page=service.journal(query), last_run=status.last_run,
                           duplicates=status.duplicates_open, conflicts=status.conflicts_open)

    return load


def state_restorer(service: Any) -> Callable[[], str]:
    """Puts the newest sound backup of the state database in place (the damaged file is kept beside it)."""

    def restore() -> str:
        backup, moved = service.restore_state_backup()
        kept = QCoreApplication.translate("JournalWindow", " Повреждённый файл сохранён как {name}.").format(
            name=moved) if moved else ""
        return QCoreApplication.translate(
            "JournalWindow", "База состояния восстановлена из копии {name}.").format(name=backup) + kept

    return restore


def counts_text(counts: Mapping[str, int]) -> str:
    """The run's counters in the shared vocabulary (core/service/vocabulary.py), the same words the CLI prints."""
    from core.service.vocabulary import COUNT_LABELS

    def n(*keys: str) -> int:
        # counts come as SyncReport attribute names or as journal action codes, depending on who wrote them
        return sum(int(counts.get(key, 0) or 0) for key in keys)

    figures = (("created", n("created", "create")), ("updated", n("updated", "update")),
               ("linked", n("linked", "link")), ("skipped", n("skipped", "skip", "unchanged")),
               ("failed", n("failed", "fail")), ("duplicates", n("duplicates", "duplicate")))
    return ", ".join(f"{QCoreApplication.translate('vocabulary', COUNT_LABELS[key])} {value}"
                     for key, value in figures)


def run_status_text(status: str) -> str:
    from core.service.vocabulary import RUN_STATUS

    return QCoreApplication.translate("vocabulary", RUN_STATUS[status]) if status in RUN_STATUS else status


def last_run_text(run: Any | None) -> str:
    if run is None:
        return QCoreApplication.translate("JournalWindow", "Синхронизация ещё не выполнялась.")
    moment = run.finished_at or run.started_at
    head = QCoreApplication.translate("JournalWindow", "Последняя синхронизация: {time}, {status}.").format(
        time=format_timestamp(moment), status=run_status_text(run.status))
    counts = counts_text(run.counts or {})
    error = getattr(run, "error", None)
    text = f"{head}\n{capitalised(counts)}."
    return f"{text}\n{error}" if error else text


def entry_details(entry: Any) -> str:
    """The selected journal line in full (the table cuts long reasons and shows 1C references shortened)."""
    lines = [
        f"{format_timestamp(entry.ts)} — {action_label(entry.action)}: {entity_label(entry.entity)} {entry.title}",
        reason_for(entry),
    ]
    refs = []
    if entry.onec_ref:
        refs.append(QCoreApplication.translate("JournalWindow", "ссылка 1С: {ref}").format(ref=entry.onec_ref))
    if entry.b24_id:
        refs.append(QCoreApplication.translate("JournalWindow", "ID в Битрикс24: {id}").format(id=entry.b24_id))
    if refs:
        lines.append("; ".join(refs))
    url = getattr(entry, "portal_url", None)
    if url:
        lines.append(QCoreApplication.translate("JournalWindow", "Карточка в Битрикс24: {url}").format(url=url))
    return "\n".join(lines)


def entry_line(entry: Any) -> str:
    """One line for the clipboard: the columns as shown, separated by tabs (pastes into a spreadsheet)."""
    return "\t".join([format_timestamp(entry.ts), entry.title or entity_label(entry.entity), action_label(entry.action),
                      getattr(entry, "onec_label", "") or (entry.onec_ref or ""), str(entry.b24_id or ""),
                      reason_for(entry), getattr(entry, "portal_url", None) or ""])


class JournalWindow(QMainWindow):
    #: the admin wants to decide on duplicates / conflicts
    review_requested = Signal()
    #: the admin wants the dry run
    preview_requested = Signal()
    #: the admin wants the overview (per entity, last runs, reconciliation report)
    overview_requested = Signal()

    def __init__(
        self,
        runner: TaskRunner,
        controller: SyncController | None,
        load: JournalLoader,
        *,
        banner_text: str = "",
        service: Any = None,
        restore: Callable[[], str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._restore = restore  # puts the state database's backup back (a worker job); None: not offered
        self._runner = runner
        self._controller = controller
        self._load = load
        self._service = service
        self._loading = False
        self._reload_pending = False
        self._query = JournalQuery(limit=PAGE_SIZE)
        self._total = 0
        self.setWindowTitle(self.tr("SyncBridge — журнал синхронизации"))
        self.setWindowIcon(app_icon())
        self.resize(1060, 660)

        central = QWidget()
        layout = QVBoxLayout(central)

        self.banner = QLabel(banner_text)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setWordWrap(True)
        self.banner.setVisible(bool(banner_text))
        self.banner.setStyleSheet(
            "QLabel { background: #fff4cc; border: 1px solid #e0c060; border-radius: 4px; padding: 6px; }")
        layout.addWidget(self.banner)

        # --- status: last run, live state with whole-run progress, the buttons
        self.summary_label = self._plain_label(self.tr("Загружаю журнал…"))
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state_icon = QLabel()
        self.state_label = self._plain_label()
        self.progress = SyncProgressBar()
        self.progress_label = self._plain_label()
        self.progress_label.setVisible(False)
        self.live_counts_label = self._plain_label()
        self.live_counts_label.setVisible(False)
        self.sync_button = QPushButton(self.tr("Синхронизировать сейчас"))
        self.sync_button.clicked.connect(self._on_sync_clicked)
        self.cancel_button = QPushButton(self.tr("Остановить"))
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.preview_button = QPushButton(self.tr("Предпросмотр…"))
        self.preview_button.setToolTip(self.tr("Пробный запуск: что будет создано, связано и обновлено — "
                                               "ничего не записывается"))
        self.preview_button.clicked.connect(self.preview_requested)
        status_row = QHBoxLayout()
        status_row.addWidget(self.state_icon, 0, Qt.AlignmentFlag.AlignTop)
        status_col = QVBoxLayout()
        for widget in (self.summary_label, self.state_label, self.progress, self.progress_label,
                       self.live_counts_label):
            status_col.addWidget(widget)
        status_row.addLayout(status_col, 1)
        buttons_col = QVBoxLayout()
        buttons_col.addWidget(self.sync_button)
        buttons_col.addWidget(self.cancel_button)
        buttons_col.addWidget(self.preview_button)
        self.overview_button = QPushButton(self.tr("Обзор и сверка…"))
        self.overview_button.clicked.connect(self.overview_requested)
        buttons_col.addWidget(self.overview_button)
        buttons_col.addStretch(1)
        status_row.addLayout(buttons_col)
        layout.addLayout(status_row)

        # --- what waits for a person: one line and a button (the decisions live in the review window)
        self.attention_frame = QFrame()
        self.attention_frame.setFrameShape(QFrame.Shape.StyledPanel)
        self.attention_frame.setStyleSheet("QFrame { background: #fff8e1; }")
        attention_row = QHBoxLayout(self.attention_frame)
        self.attention_label = self._plain_label()
        self.review_button = QPushButton(self.tr("Разобрать…"))
        self.review_button.clicked.connect(self.review_requested)
        attention_row.addWidget(self.attention_label, 1)
        attention_row.addWidget(self.review_button)
        self.attention_frame.setVisible(False)
        layout.addWidget(self.attention_frame)

        # --- filters
        filter_row = QHBoxLayout()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Поиск: название, ИНН, причина, ID в Битрикс24…"))
        self.search_edit.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_filters)
        self.search_edit.textChanged.connect(lambda _: self._search_timer.start())
        self.entity_combo = QComboBox()
        self.entity_combo.addItem(self.tr("Все объекты"), "")
        self.entity_combo.currentIndexChanged.connect(self._apply_filters)
        self.action_combo = QComboBox()
        self.action_combo.addItem(self.tr("Все действия"), "")
        for action in FILTER_ACTIONS:
            self.action_combo.addItem(action_label(action), action)
        self.action_combo.currentIndexChanged.connect(self._apply_filters)
        self.problems_only = QCheckBox(self.tr("Только проблемы"))
        self.problems_only.setToolTip(self.tr("Показать только ошибки и возможные дубли"))
        self.problems_only.toggled.connect(self._on_filter_toggled)
        self.period_check = QCheckBox(self.tr("Период:"))
        self.date_from = QDateEdit(QDate.currentDate().addDays(-7))
        self.date_to = QDateEdit(QDate.currentDate())
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd.MM.yyyy")
            edit.setEnabled(False)
            edit.dateChanged.connect(self._apply_filters)
        self.period_check.toggled.connect(self._on_period_toggled)
        for widget in (self.search_edit, self.entity_combo, self.action_combo, self.problems_only,
                       self.period_check, self.date_from, QLabel("—"), self.date_to):
            filter_row.addWidget(widget)
        filter_row.setStretch(0, 1)
        layout.addLayout(filter_row)

        self.model = JournalModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        # reasons are whole sentences and the point of the journal: wrap them instead of cutting them off
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount() - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((120, 210, 120, 150, 80)):
            self.table.setColumnWidth(column, width)
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        header.sortIndicatorChanged.connect(self._on_sort_changed)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        layout.addWidget(self.table, 1)

        # --- paging, export, copy
        page_row = QHBoxLayout()
        self.prev_button = QPushButton(self.tr("← Новее"))
        self.prev_button.clicked.connect(lambda: self._go_page(-1))
        self.next_button = QPushButton(self.tr("Старее →"))
        self.next_button.clicked.connect(lambda: self._go_page(1))
        self.count_label = self._plain_label()
        self.count_label.setWordWrap(False)
        self.copy_button = QPushButton(self.tr("Копировать строку"))
        self.copy_button.clicked.connect(self.copy_selected)
        self.export_button = QPushButton(self.tr("Выгрузить в CSV…"))
        self.export_button.clicked.connect(self._on_export_clicked)
        self.export_button.setEnabled(service is not None)
        self.refresh_button = QPushButton(self.tr("Обновить"))
        self.refresh_button.clicked.connect(self.reload)
        self.restore_button = QPushButton(self.tr("Восстановить базу из резервной копии"))
        self.restore_button.setVisible(False)
        self.restore_button.clicked.connect(self._on_restore_clicked)
        page_row.addWidget(self.restore_button)
        for widget in (self.prev_button, self.count_label, self.next_button):
            page_row.addWidget(widget)
        page_row.addStretch(1)
        for widget in (self.copy_button, self.export_button, self.refresh_button):
            page_row.addWidget(widget)
        layout.addLayout(page_row)
        QShortcut(QKeySequence.StandardKey.Copy, self.table, self.copy_selected)

        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setPlainText(self.tr("Выберите строку журнала, чтобы увидеть её полностью."))
        self.details.setMaximumHeight(self.details.fontMetrics().lineSpacing() * 4 + 16)
        layout.addWidget(self.details)
        self.setCentralWidget(central)

        self._live_timer = QTimer(self)
        self._live_timer.setInterval(LIVE_RELOAD_MS)
        self._live_timer.timeout.connect(self._on_live_tick)
        self.export_status = ""
        if controller is not None:
            controller.changed.connect(self._on_controller_changed)
            controller.finished.connect(self._on_sync_finished)
            self._on_controller_changed()
        else:
            self.sync_button.setEnabled(False)
            self.preview_button.setEnabled(False)

    @staticmethod
    def _plain_label(text: str = "") -> QLabel:
        label = QLabel(text)
        label.setTextFormat(Qt.TextFormat.PlainText)  # names from 1C/the portal are never interpreted as HTML
        label.setWordWrap(True)
        return label

    # ---- query -----------------------------------------------------------------------------------------------
    def current_query(self) -> JournalQuery:
        return self._query

    def _build_query(self, offset: int = 0) -> JournalQuery:
        entity = self.entity_combo.currentData() or ""
        action = self.action_combo.currentData() or ""
        period = self.period_check.isChecked()
        return replace(self._query, text=self.search_edit.text().strip(), entities=(entity,) if entity else (),
                       actions=(action,) if action else (), problems_only=self.problems_only.isChecked(),
                       date_from=self.date_from.date().toPython() if period else None,
                       date_to=self.date_to.date().toPython() if period else None, offset=offset)

    @Slot()
    def _apply_filters(self) -> None:
        self._query = self._build_query(0)
        self.reload()

    @Slot(bool)
    def _on_filter_toggled(self, checked: bool) -> None:
        self._apply_filters()

    @Slot(bool)
    def _on_period_toggled(self, checked: bool) -> None:
        self.date_from.setEnabled(checked)
        self.date_to.setEnabled(checked)
        self._apply_filters()

    @Slot(int, Qt.SortOrder)
    def _on_sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        key = SORT_KEYS.get(JournalModel.COLUMNS[column], "ts") if 0 <= column < len(JournalModel.COLUMNS) else "ts"
        self._query = replace(self._query, sort=key, descending=order == Qt.SortOrder.DescendingOrder, offset=0)
        self.reload()

    def _go_page(self, step: int) -> None:
        offset = max(0, self._query.offset + step * self._query.limit)
        if offset >= max(self._total, 1):
            return
        self._query = replace(self._query, offset=offset)
        self.reload()

    # ---- loading ---------------------------------------------------------------------------------------------
    @Slot()
    def reload(self) -> None:
        if self._loading:
            self._reload_pending = True
            return
        self._loading = True
        query = self._query

        def work(context: TaskContext) -> JournalData:
            return self._load(query)

        self._runner.submit(work, on_result=self._on_loaded, on_error=self._on_load_failed, owner=self)

    def _on_loaded(self, data: JournalData) -> None:
        self._loading = False
        selected = self.table.currentIndex().row()
        self.model.set_entries(data.entries)
        if 0 <= selected < self.model.rowCount():
            self.table.selectRow(selected)
        self.summary_label.setText(last_run_text(data.last_run))
        page = data.page
        self._total = page.total if page is not None else len(data.entries)
        first = self._query.offset + 1 if data.entries else 0
        last = self._query.offset + len(data.entries)
        self.count_label.setText(self.tr("Записей: {n}").format(n=self._total) if self._total <= len(data.entries)
                                 else self.tr("{first}–{last} из {total}").format(first=first, last=last,
                                                                                   total=self._total))
        self.prev_button.setEnabled(self._query.offset > 0)
        self.next_button.setEnabled(last < self._total)
        if page is not None:
            self._fill_entities(page.entities)
        waiting = data.duplicates + data.conflicts
        parts = []
        if data.duplicates:
            parts.append(self.tr("возможных дублей: {n}").format(n=data.duplicates))
        if data.conflicts:
            parts.append(self.tr("конфликтов: {n}").format(n=data.conflicts))
        self.attention_label.setText(self.tr("Ждут вашего решения — {items}.").format(items=", ".join(parts)))
        self.attention_frame.setVisible(bool(waiting))
        self._after_load()

    def _fill_entities(self, entities: list[str]) -> None:
        known = {self.entity_combo.itemData(i) for i in range(self.entity_combo.count())}
        self.entity_combo.blockSignals(True)
        for entity in entities:
            if entity not in known:
                self.entity_combo.addItem(entity_label(entity), entity)
        self.entity_combo.blockSignals(False)

    def _on_load_failed(self, error: BaseException) -> None:
        self._loading = False
        self.summary_label.setText(self.tr("Журнал не прочитан: {error}").format(error=describe_error(error)))
        # a damaged state database (core.state.health.StateCorrupt) with a backup beside it: offer to put it back
        self.restore_button.setVisible(self._restore is not None and bool(getattr(error, "backup_available", False)))
        self._after_load()

    @Slot()
    def _on_restore_clicked(self) -> None:
        if self._restore is None:
            return
        restore = self._restore
        self.restore_button.setEnabled(False)
        self._runner.submit(lambda _context: restore(), on_result=self._on_restored,
                            on_error=self._on_restore_failed, owner=self)

    def _on_restored(self, text: object) -> None:
        self.restore_button.setVisible(False)
        self.restore_button.setEnabled(True)
        self.reload()
        self.banner.setText(str(text))
        self.banner.setVisible(True)

    def _on_restore_failed(self, error: BaseException) -> None:
        self.restore_button.setEnabled(True)
        self.summary_label.setText(self.tr("База не восстановлена: {error}").format(error=describe_error(error)))

    def _after_load(self) -> None:
        if self._reload_pending:
            self._reload_pending = False
            self.reload()

    @Slot(QModelIndex, QModelIndex)
    def _on_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if current.isValid():
            self.details.setPlainText(entry_details(self.model.entry(current.row())))

    @Slot()
    def copy_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()}) or (
            [self.table.currentIndex().row()] if self.table.currentIndex().isValid() else [])
        if rows:
            QGuiApplication.clipboard().setText("\n".join(entry_line(self.model.entry(r)) for r in rows))

    # ---- export ----------------------------------------------------------------------------------------------
    @Slot()
    def _on_export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Выгрузить журнал"), "syncbridge-journal.csv",
                                              self.tr("Таблица CSV (*.csv)"))
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        """Every line matching the current filters (all pages) into ``path``; the result shows in the count line."""
        service, query = self._service, self._query

        def work(context: TaskContext) -> int:
            return int(service.export_journal_csv(path, query))

        def done(count: int) -> None:
            self.export_status = self.tr("Выгружено строк: {n} — {path}").format(n=count, path=path)
            self.statusBar().showMessage(self.export_status, 10_000)

        def failed(error: BaseException) -> None:
            self.export_status = self.tr("Не удалось выгрузить журнал: {error}").format(error=describe_error(error))
            self.statusBar().showMessage(self.export_status, 10_000)

        self._runner.submit(work, on_result=done, on_error=failed, owner=self)

    # ---- sync status -----------------------------------------------------------------------------------------
    @Slot()
    def _on_controller_changed(self) -> None:
        assert self._controller is not None
        snapshot = self._controller.snapshot()
        syncing = snapshot.state == SyncState.SYNCING
        self.state_icon.setPixmap(snapshot_icon(snapshot).pixmap(32, 32))
        self.state_label.setText(capitalised(status_line(snapshot)))
        self.sync_button.setEnabled(not syncing)
        self.preview_button.setEnabled(not syncing)
        self.cancel_button.setVisible(syncing)
        self.progress.show_snapshot(snapshot)
        details = progress_details(snapshot.progress) if syncing else ""
        self.progress_label.setText(details)
        self.progress_label.setVisible(bool(details))
        counts = getattr(snapshot.progress, "counts", None) if syncing else None
        self.live_counts_label.setText(capitalised(live_counts_text(counts)) if counts else "")
        self.live_counts_label.setVisible(bool(counts))
        if syncing and not self._live_timer.isActive():
            self._live_timer.start()
        elif not syncing:
            self._live_timer.stop()

    @Slot()
    def _on_live_tick(self) -> None:
        if self.isVisible():
            self.reload()

    @Slot(object, str)
    def _on_sync_finished(self, report: object, error_text: str) -> None:
        if self.isVisible():
            self.reload()

    @Slot()
    def _on_sync_clicked(self) -> None:
        if self._controller is not None:
            self._controller.sync_now()

    @Slot()
    def _on_cancel_clicked(self) -> None:
        if self._controller is not None:
            self._controller.cancel()

    def set_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    # ---- window ----------------------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()

    def closeEvent(self, event: QCloseEvent) -> None:
        # the program lives in the tray; closing the journal only hides it
        self._live_timer.stop()
        event.accept()
