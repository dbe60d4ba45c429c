"""The main window: what the last sync did, what needs a person (errors, probable duplicates), and the journal.

The journal is read from the state store in a worker (it can be large, and a sync may be writing); the store is
opened and closed inside that worker so its SQLite connection never crosses threads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, Slot
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMainWindow,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.paths import AppPaths
from core.state.health import StateCorrupt
from gui.error_text import describe_error
from gui.icons import app_icon, state_icon
from gui.journal_model import JournalModel, action_label, entity_label, format_timestamp, reason_for
from gui.plain_text import plain_label
from gui.status_text import capitalised, status_line
from gui.sync_controller import SyncController, SyncState
from gui.sync_progress_bar import SyncProgressBar
from gui.task_runner import TaskContext, TaskRunner

JOURNAL_LIMIT = 500


@dataclass
class JournalData:
    entries: list[Any] = field(default_factory=list)
    last_run: Any | None = None
    duplicates: list[Any] = field(default_factory=list)
    conflicts: list[Any] = field(default_factory=list)


JournalLoader = Callable[[bool], JournalData]


def state_store_loader(paths: AppPaths, limit: int = JOURNAL_LIMIT) -> JournalLoader:
    """The real loader: opens the state store, reads, closes (runs in a worker thread)."""

    def load(problems_only: bool) -> JournalData:
        from core.state.store import StateStore

        if not paths.state_db.exists():
            return JournalData()  # nothing synced yet: do not create an empty database just to look at it
        store = StateStore.open(paths.state_db)
        try:
            return JournalData(
                entries=store.journal(limit=limit, problems_only=problems_only),
                last_run=store.last_run(),
                duplicates=store.open_duplicates(),
                conflicts=store.conflicts(),
            )
        finally:
            store.close()

    return load


def state_restorer(paths: AppPaths) -> Callable[[], str]:
    """Puts the newest sound backup of the state database in place (the damaged file is kept beside it)."""

    def restore() -> str:
        from core.state.health import restore_backup

        backup, moved = restore_backup(paths.state_db)
        kept = QCoreApplication.translate("JournalWindow", " Повреждённый файл сохранён как {name}.").format(
            name=moved.name) if moved else ""
        return QCoreApplication.translate(
            "JournalWindow", "База состояния восстановлена из копии {name}.").format(name=backup.name) + kept

    return restore


def counts_text(counts: Mapping[str, int]) -> str:
    def n(*keys: str) -> int:
        # counts come as SyncReport attribute names or as journal action codes, depending on who wrote them
        return sum(int(counts.get(key, 0) or 0) for key in keys)

    return ", ".join((
        QCoreApplication.translate("JournalWindow", "создано {n}").format(n=n("created", "create")),
        QCoreApplication.translate("JournalWindow", "обновлено {n}").format(n=n("updated", "update")),
        QCoreApplication.translate("JournalWindow", "связано {n}").format(n=n("linked", "link")),
        QCoreApplication.translate("JournalWindow", "пропущено {n}").format(n=n("skipped", "skip", "unchanged")),
        QCoreApplication.translate("JournalWindow", "ошибок {n}").format(n=n("failed", "fail")),
        QCoreApplication.translate("JournalWindow", "возможных дублей {n}").format(n=n("duplicates", "duplicate")),
    ))


def run_status_text(status: str) -> str:
    texts = {
        "ok": QCoreApplication.translate("JournalWindow", "завершена успешно"),
        "partial": QCoreApplication.translate("JournalWindow", "завершена, но часть записей не перенесена"),
        "failed": QCoreApplication.translate("JournalWindow", "прервана ошибкой"),
        "interrupted": QCoreApplication.translate("JournalWindow", "прервана (программа была закрыта)"),
        "running": QCoreApplication.translate("JournalWindow", "идёт сейчас"),
        "cancelled": QCoreApplication.translate("JournalWindow", "остановлена пользователем"),
    }
    return texts.get(status, status)


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


def duplicate_text(item: Any) -> str:
    # titles often carry their own «» (ООО «ТехПром»), so they are not quoted again here
    return QCoreApplication.translate(
        "JournalWindow", "1С: {onec}  ↔  Битрикс24 № {b24_id}: {b24} — {reason}").format(
        onec=getattr(item, "onec_title", ""), b24=getattr(item, "b24_title", ""),
        b24_id=getattr(item, "b24_id", ""), reason=getattr(item, "reason", ""))


def conflict_text(item: Any) -> str:
    """One conflict with both versions: what the source wants now and what the other side holds."""

    def side(values: Mapping[str, Any]) -> str:
        return "; ".join(f"{key}: {', '.join(value) if isinstance(value, list) else value}"
                         for key, value in values.items())

    return QCoreApplication.translate("JournalWindow", "{title} — {reason}\nСейчас в источнике: {ours}\nНа другой "
                                      "стороне: {theirs}").format(
        title=getattr(item, "title", ""), reason=getattr(item, "reason", ""), ours=side(getattr(item, "ours", {})),
        theirs=side(getattr(item, "theirs", {})))


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
    return "\n".join(lines)


class JournalWindow(QMainWindow):
    def __init__(
        self,
        runner: TaskRunner,
        controller: SyncController | None,
        load: JournalLoader,
        *,
        banner_text: str = "",
        restore: Callable[[], str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._controller = controller
        self._load = load
        self._restore = restore  # puts the state database's backup back (a worker job); None: not offered
        self._loading = False
        self._reload_pending = False
        self.setWindowTitle(self.tr("SyncBridge — журнал синхронизации"))
        self.setWindowIcon(app_icon())
        self.resize(1060, 660)

        central = QWidget()
        layout = QVBoxLayout(central)

        self.banner = plain_label(banner_text)
        self.banner.setWordWrap(True)
        self.banner.setVisible(bool(banner_text))
        self.banner.setStyleSheet(
            "QLabel { background: #fff4cc; border: 1px solid #e0c060; border-radius: 4px; padding: 6px; }")
        layout.addWidget(self.banner)

        # --- status: last run, live state, the "sync now" button
        self.summary_label = plain_label(self.tr("Загружаю журнал…"))
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state_icon = QLabel()
        self.state_label = plain_label()
        self.state_label.setWordWrap(True)
        self.progress = SyncProgressBar()
        self.sync_button = QPushButton(self.tr("Синхронизировать сейчас"))
        self.sync_button.clicked.connect(self._on_sync_clicked)
        self.cancel_button = QPushButton(self.tr("Остановить"))
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        status_row = QHBoxLayout()
        status_row.addWidget(self.state_icon, 0, Qt.AlignmentFlag.AlignTop)
        status_col = QVBoxLayout()
        status_col.addWidget(self.summary_label)
        status_col.addWidget(self.state_label)
        status_col.addWidget(self.progress)
        status_row.addLayout(status_col, 1)
        buttons_col = QVBoxLayout()
        buttons_col.addWidget(self.sync_button)
        buttons_col.addWidget(self.cancel_button)
        buttons_col.addStretch(1)
        status_row.addLayout(buttons_col)
        layout.addLayout(status_row)

        # --- probable duplicates: never merged automatically, a person decides
        self.duplicates_frame = QFrame()
        self.duplicates_frame.setFrameShape(QFrame.Shape.StyledPanel)
        dup_layout = QVBoxLayout(self.duplicates_frame)
        self.duplicates_label = plain_label()
        self.duplicates_label.setWordWrap(True)
        self.duplicates_list = QListWidget()
        self.duplicates_list.setWordWrap(True)
        dup_hint = QLabel(self.tr(
            "Эти записи не объединены автоматически: у записи в Битрикс24 нет ИНН, совпадают только названия. "
            "Сравните их в Битрикс24 и при необходимости объедините вручную."))
        dup_hint.setWordWrap(True)
        dup_layout.addWidget(self.duplicates_label)
        dup_layout.addWidget(self.duplicates_list)
        dup_layout.addWidget(dup_hint)
        self.duplicates_frame.setVisible(False)
        layout.addWidget(self.duplicates_frame)

        # --- conflicts: a change not written over the other side (a shipped or closed order), both versions kept
        self.conflicts_frame = QFrame()
        self.conflicts_frame.setFrameShape(QFrame.Shape.StyledPanel)
        conflicts_layout = QVBoxLayout(self.conflicts_frame)
        self.conflicts_label = QLabel()
        self.conflicts_list = QListWidget()
        self.conflicts_list.setWordWrap(True)
        conflicts_hint = QLabel(self.tr(
            "Эти изменения не записаны поверх другой стороны: например, сделку изменили после отгрузки заказа. "
            "Сравните версии и поправьте вручную там, где нужно."))
        conflicts_hint.setWordWrap(True)
        conflicts_layout.addWidget(self.conflicts_label)
        conflicts_layout.addWidget(self.conflicts_list)
        conflicts_layout.addWidget(conflicts_hint)
        self.conflicts_frame.setVisible(False)
        layout.addWidget(self.conflicts_frame)

        # --- journal
        filter_row = QHBoxLayout()
        self.problems_only = QCheckBox(self.tr("Только проблемы"))
        self.problems_only.setToolTip(self.tr("Показать только ошибки и возможные дубли"))
        self.problems_only.toggled.connect(self._on_filter_toggled)
        self.count_label = plain_label()
        # offered only when the state database is damaged and a backup exists
        self.restore_button = QPushButton(self.tr("Восстановить базу из резервной копии"))
        self.restore_button.setVisible(False)
        self.restore_button.clicked.connect(self._on_restore_clicked)
        self.refresh_button = QPushButton(self.tr("Обновить"))
        self.refresh_button.clicked.connect(self.reload)
        filter_row.addWidget(self.problems_only)
        filter_row.addStretch(1)
        filter_row.addWidget(self.count_label)
        filter_row.addWidget(self.restore_button)
        filter_row.addWidget(self.refresh_button)
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
        for column, width in enumerate((120, 210, 135, 85, 75)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        layout.addWidget(self.table, 1)
        self.details = plain_label(self.tr("Выберите строку журнала, чтобы увидеть её полностью."))
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setStyleSheet("QLabel { border: 1px solid #c9ccd1; border-radius: 4px; padding: 6px; }")
        self.details.setMinimumHeight(self.details.fontMetrics().lineSpacing() * 3 + 14)
        layout.addWidget(self.details)
        self.setCentralWidget(central)

        if controller is not None:
            controller.changed.connect(self._on_controller_changed)
            controller.finished.connect(self._on_sync_finished)
            self._on_controller_changed()
        else:
            self.sync_button.setEnabled(False)

    # ---- loading ---------------------------------------------------------------------------------------------
    @Slot()
    def reload(self) -> None:
        if self._loading:
            self._reload_pending = True
            return
        self._loading = True
        problems_only = self.problems_only.isChecked()

        def work(context: TaskContext) -> JournalData:
            return self._load(problems_only)

        self._runner.submit(work, on_result=self._on_loaded, on_error=self._on_load_failed, owner=self)

    def _on_loaded(self, data: JournalData) -> None:
        self._loading = False
        self.model.set_entries(data.entries)
        self.summary_label.setText(last_run_text(data.last_run))
        shown = len(data.entries)
        self.count_label.setText(self.tr("Записей: {n}").format(n=shown) if shown < JOURNAL_LIMIT
                                 else self.tr("Показаны последние {n} записей").format(n=shown))
        self.duplicates_list.clear()
        for item in data.duplicates:
            self.duplicates_list.addItem(duplicate_text(item))
        rows = min(max(len(data.duplicates), 1), 4)  # up to four lines; more scroll
        row_height = self.duplicates_list.sizeHintForRow(0) if data.duplicates else 0
        row_height = max(row_height, self.duplicates_list.fontMetrics().height() + 4)
        self.duplicates_list.setFixedHeight(row_height * rows + 2 * self.duplicates_list.frameWidth() + 4)
        self.duplicates_label.setText(self.tr("Вероятные дубли на проверку: {n}").format(n=len(data.duplicates)))
        self.duplicates_frame.setVisible(bool(data.duplicates))
        self.conflicts_list.clear()
        for item in data.conflicts:
            self.conflicts_list.addItem(conflict_text(item))
        self.conflicts_list.setFixedHeight(min(len(data.conflicts), 3) * 3 * (self.conflicts_list.fontMetrics()
                                                                             .height() + 2) + 8)
        self.conflicts_label.setText(self.tr("Конфликты: {n}").format(n=len(data.conflicts)))
        self.conflicts_frame.setVisible(bool(data.conflicts))
        self._after_load()

    def _on_load_failed(self, error: BaseException) -> None:
        self._loading = False
        self.summary_label.setText(self.tr("Журнал не прочитан: {error}").format(error=describe_error(error)))
        self.restore_button.setVisible(self._restore is not None and isinstance(error, StateCorrupt)
                                       and error.backup_available)
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
            self.details.setText(entry_details(self.model.entry(current.row())))

    @Slot(bool)
    def _on_filter_toggled(self, checked: bool) -> None:
        self.reload()

    # ---- sync status -----------------------------------------------------------------------------------------
    @Slot()
    def _on_controller_changed(self) -> None:
        assert self._controller is not None
        snapshot = self._controller.snapshot()
        syncing = snapshot.state == SyncState.SYNCING
        self.state_icon.setPixmap(state_icon(snapshot.state).pixmap(32, 32))
        self.state_label.setText(capitalised(status_line(snapshot)))
        self.sync_button.setEnabled(not syncing)
        self.cancel_button.setVisible(syncing)
        self.progress.show_snapshot(snapshot)

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
        event.accept()
