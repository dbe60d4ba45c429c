"""The journal window: model columns and reasons (Russian source, English via the .qm), «Только проблемы»,
last-run summary, duplicates, reading the real state store in a worker, sync button and progress."""

from __future__ import annotations

import csv
import threading
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from core.profile import Profile, ProfileStore
from core.service import JournalQuery, SyncService
from core.state.store import RunInfo, StateStore
from gui.journal_model import JournalModel, reason_for
from gui.journal_window import PAGE_SIZE, JournalData, JournalWindow, last_run_text, service_loader
from gui.sync_controller import SyncController
from tests import gui_fixtures
from tests.gui_fixtures import FakeSyncRunner, dispose, journal_entry

task_runner = gui_fixtures.task_runner
ui_language = gui_fixtures.ui_language
fake_sync_runner = gui_fixtures.fake_sync_runner


def _row(model: JournalModel, row: int) -> list[str]:
    return [model.data(model.index(row, column)) for column in range(model.columnCount())]


def test_model_columns_and_reason(qapp: Any, ui_language: Any) -> None:
    model = JournalModel()
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)] == [
        "Время", "Объект", "Действие", "1С", "Битрикс24", "Причина"]
    local = datetime(2025, 11, 30, 11, 5, 7, tzinfo=UTC).astimezone().strftime("%d.%m.%Y %H:%M")
    model.set_entries([journal_entry()])
    assert _row(model, 0) == [
        local, "ООО «ТехПром»", "Создано", "a1b2c3d4…", "42",
        "Создана в Битрикс24: в 1С есть, в портале не было ни связи, ни компании с ИНН 7701234567"]
    from tests.test_gui_plain_text import shown_as

    assert shown_as(model.data(model.index(0, 3), Qt.ItemDataRole.ToolTipRole)) == \
        "a1b2c3d4-1111-2222-3333-444455556666"
    assert shown_as(model.data(model.index(0, 1), Qt.ItemDataRole.ToolTipRole)) == "Контрагент: ООО «ТехПром»"
    failed = journal_entry(action="fail", reason_code="failed_remote", reason_params={"error": "нет поля"})
    model.set_entries([failed])
    assert model.data(model.index(0, 2), Qt.ItemDataRole.ForegroundRole) is not None


def test_reason_is_translated_then_formatted(qapp: Any, ui_language: Any) -> None:
    entry = journal_entry(reason_code="linked_by_inn",
                          reason_params={"b24_title": "ТехПром", "inn": "7701234567", "kpp_part": ", КПП 770101001"})
    assert reason_for(entry) == ("Связана с компанией «ТехПром» портала по ИНН 7701234567, КПП 770101001: "
                                 "дубль не создан, название и реквизиты обновлены из 1С")
    ui_language("en")
    assert reason_for(entry) == ("Linked to the portal company “ТехПром” by INN 7701234567, КПП 770101001: "
                                 "no duplicate created, name and requisites updated from 1C")
    # a parameter missing from an old journal line: the stored Russian text is shown instead of a crash
    broken = journal_entry(reason_code="updated", reason_params={}, reason_text="Обновлена (текст из базы)")
    assert reason_for(broken) == "Обновлена (текст из базы)"


def test_last_run_summary_text(qapp: Any, ui_language: Any) -> None:
    run = RunInfo(id=3, started_at=datetime(2025, 11, 30, 14, 4), finished_at=datetime(2025, 11, 30, 14, 5),
                  trigger="schedule", dry_run=False, status="ok",
                  counts={"created": 2, "updated": 1, "skipped": 3, "unchanged": 4}, error=None)
    assert last_run_text(run) == ("Последняя синхронизация: 30.11.2025 14:05, завершена успешно.\n"
                                   "Создано 2, обновлено 1, связано 0, пропущено 7, ошибок 0, возможных дублей 0.")
    assert last_run_text(None) == "Синхронизация ещё не выполнялась."


def test_window_loads_in_a_worker_and_filters_problems(qtbot: Any, task_runner: Any, ui_language: Any) -> None:
    calls: list[tuple[JournalQuery, int]] = []
    entries = [journal_entry(), journal_entry(id=2, action="fail", reason_code="failed_invalid",
                                              reason_params={"problem": "пустое наименование"})]

    def load(query: JournalQuery) -> JournalData:
        calls.append((query, threading.get_ident()))
        shown = [e for e in entries if e.action == "fail"] if query.problems_only else entries
        return JournalData(entries=shown)

    window = JournalWindow(task_runner, None, load)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=3000)
    assert window.count_label.text() == "Записей: 2"
    assert not window.attention_frame.isVisibleTo(window)
    window.problems_only.setChecked(True)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=3000)
    assert [query.problems_only for query, _ in calls] == [False, True]
    assert all(ident != threading.get_ident() for _, ident in calls)
    window.table.selectRow(0)
    assert "Не перенесена: пустое наименование" in window.details.toPlainText()


def _fill_store(home: Any, lines: int = 0) -> None:
    store = StateStore.open(home.state_db)
    run_id = store.start_run("manual", False)
    store.journal_add(run_id=run_id, entity="counterparty", direction="1c->b24", action="create",
                      reason_code="created", reason_params={"inn": "7701234567"}, onec_ref="ref-1", b24_id="42",
                      title="ООО «ТехПром»")
    store.journal_add(run_id=run_id, entity="counterparty", direction="1c->b24", action="duplicate",
                      reason_code="probable_duplicate", onec_ref="ref-2", b24_id="57", title="ООО «Север»",
                      reason_params={"b24_title": "Север Москва", "onec_title": "ООО «Север»"})
    for n in range(lines):
        store.journal_add(run_id=run_id, entity="counterparty", direction="1c->b24", action="skip",
                          reason_code="skip_unchanged", onec_ref=f"ref-x{n}", title=f"<b>Контрагент {n}</b>")
    store.add_duplicate(entity="counterparty", onec_ref="ref-2", b24_type="company", b24_id="57",
                        onec_title="ООО «Север»", b24_title="Север Москва", reason="похожее название, нет ИНН")
    store.finish_run(run_id, "ok", {"created": 1, "duplicates": 1})
    store.close()


def test_window_reads_the_real_state_store(qtbot: Any, task_runner: Any, ui_language: Any, home: Any) -> None:
    _fill_store(home)
    ProfileStore(home).save(Profile(onec_url="http://srv1c/ut11/odata/standard.odata/", onec_user="Интеграция",
                                    bitrix24_url="https://portal.example.ru"))
    service = SyncService(home)
    window = JournalWindow(task_runner, None, service_loader(service), service=service)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=3000)
    assert _row(window.model, 0)[2] == "Возможный дубль"  # newest first
    # people see the ИНН and a link to the portal card, not a GUID
    assert _row(window.model, 1)[3] == "ИНН 7701234567"
    tooltip = window.model.data(window.model.index(1, 4), Qt.ItemDataRole.ToolTipRole)
    assert "https://portal.example.ru/crm/company/details/42/" in tooltip  # escaped for a rich-text tooltip
    assert window.attention_frame.isVisibleTo(window)
    assert window.attention_label.text() == "Ждут вашего решения — возможных дублей: 1."
    assert "завершена успешно" in window.summary_label.text()
    assert "Создано 1," in window.summary_label.text()


def test_search_sort_paging_copy_and_export(qtbot: Any, task_runner: Any, ui_language: Any, home: Any,
                                            tmp_path: Any) -> None:
    _fill_store(home, lines=450)
    service = SyncService(home)
    window = JournalWindow(task_runner, None, service_loader(service), service=service)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.rowCount() == PAGE_SIZE, timeout=5000)
    assert window.count_label.text() == "1–200 из 452"  # the full history, a page at a time
    window.next_button.click()
    qtbot.waitUntil(lambda: window.count_label.text() == "201–400 из 452", timeout=5000)
    window.next_button.click()
    qtbot.waitUntil(lambda: window.model.rowCount() == 52, timeout=5000)
    assert not window.next_button.isEnabled()
    # search (case-insensitive Cyrillic) goes back to the first page
    window.search_edit.setText("техпром")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    assert window.model.entry(0).title == "ООО «ТехПром»"
    window.search_edit.setText("")
    qtbot.waitUntil(lambda: window.model.rowCount() == PAGE_SIZE, timeout=5000)
    # filter by action, sort by name
    window.action_combo.setCurrentIndex(window.action_combo.findData("create"))
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    window.action_combo.setCurrentIndex(0)
    window.table.horizontalHeader().setSortIndicator(1, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: window.current_query().sort == "title" and window.model.rowCount() == PAGE_SIZE
                    and window.model.entry(0).title.startswith("<b>Контрагент 0"), timeout=5000)
    # names are plain text: markup from a record name is shown, never interpreted
    window.table.selectRow(0)
    assert "<b>Контрагент 0</b>" in window.details.toPlainText()
    window.copy_selected()
    copied = QGuiApplication.clipboard().text()
    assert copied.split("\t")[1] == "<b>Контрагент 0</b>" and "Пропущена" in copied
    # a date range that excludes everything
    window.period_check.setChecked(True)
    window.date_from.setDate(window.date_from.date().addYears(-3))
    window.date_to.setDate(window.date_to.date().addYears(-2))
    qtbot.waitUntil(lambda: window.model.rowCount() == 0, timeout=5000)
    window.period_check.setChecked(False)
    qtbot.waitUntil(lambda: window.model.rowCount() == PAGE_SIZE, timeout=5000)
    # export: every matching line of every page
    target = tmp_path / "journal.csv"
    window.export_to(str(target))
    qtbot.waitUntil(lambda: "Выгружено строк: 452" in window.export_status, timeout=5000)
    rows = list(csv.reader(target.open(encoding="utf-8-sig"), delimiter=";"))
    assert len(rows) == 453 and rows[0][0] == "Время"
    assert any(r[2] == "ООО «ТехПром»" and r[4] == "ИНН 7701234567" for r in rows)


def test_missing_state_store_is_not_created_just_to_look(qapp: Any, home: Any) -> None:
    data = service_loader(SyncService(home))(JournalQuery())
    assert data.entries == [] and data.last_run is None
    assert not home.state_db.exists()


def test_sync_button_and_progress(qtbot: Any, task_runner: Any, ui_language: Any,
                                  fake_sync_runner: FakeSyncRunner) -> None:
    controller = SyncController(task_runner, lambda: fake_sync_runner)
    loads: list[JournalQuery] = []
    window = JournalWindow(task_runner, controller, lambda query: loads.append(query) or JournalData())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: len(loads) == 1, timeout=3000)
    fake_sync_runner.release.clear()
    qtbot.mouseClick(window.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.progress.isVisible() and window.progress.maximum() == 25, timeout=3000)
    assert not window.sync_button.isEnabled()
    assert window.state_label.text() == "Идёт синхронизация: 0 из 25"
    fake_sync_runner.release.set()
    qtbot.waitUntil(lambda: not window.progress.isVisible(), timeout=3000)
    assert window.sync_button.isEnabled()
    qtbot.waitUntil(lambda: len(loads) == 2, timeout=3000)  # the journal reloads after the run
    assert fake_sync_runner.threads[0] != threading.get_ident()
    controller.stop()
    window.close()
    dispose(controller)  # the window is qtbot's: it closes and deletes it at teardown


def test_conflicts_show_both_versions(qtbot: Any, task_runner: Any, ui_language: Any) -> None:
    """Conflicts live in the review window now (the main window shows how many wait and a button to it)."""
    from types import SimpleNamespace

    from gui.review_window import ReviewWindow

    conflict = SimpleNamespace(id=1, key="7", title="Сделка № 7 «Станки»",
                               reason="по заказу уже есть отгрузка № ТД00-000003",
                               ours={"сумма": "10,00", "товары": ["Станок — 2 × 5,00"]},
                               theirs={"заказ": "ТД00-000001", "товары": ["Станок — 1 × 5,00"]})

    class Service:
        def duplicates(self) -> list[Any]:
            return []

        def conflicts(self) -> list[Any]:
            return [conflict]

    window = ReviewWindow(Service(), task_runner)
    qtbot.addWidget(window)
    window.show()
    window.reload()
    qtbot.waitUntil(lambda: window.conflicts_table.rowCount() == 1, timeout=3000)
    cells = [window.conflicts_table.item(0, c).text() for c in range(4)]
    assert cells[0] == "Сделка № 7 «Станки»" and "отгрузка" in cells[1]
    assert "Станок — 2 × 5,00" in cells[2] and "заказ: ТД00-000001" in cells[3]
    assert window.tabs.isTabVisible(window.conflicts_index)
    assert window.tabs.tabText(window.conflicts_index) == "Конфликты (1)"
