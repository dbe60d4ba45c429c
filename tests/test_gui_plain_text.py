"""Data is never rendered as rich text: a company called ``<b>x</b>`` shows as those exact characters in the
journal window, its details, its tooltips and the tray's notifications."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as QtGuiNamespace
from PySide6.QtGui import QTextDocument

from gui.journal_window import JournalData, JournalWindow
from gui.plain_text import notification_text
from tests import gui_fixtures
from tests.gui_fixtures import journal_entry

task_runner = gui_fixtures.task_runner
ui_language = gui_fixtures.ui_language

NAME = "<b>x</b>"
HOSTILE = '<img src="file://attacker/share/pixel.png">Ромашка'


def shown_as(text: str | None) -> str:
    """What Qt puts on screen for a label/tooltip string in auto mode: rich text when it "might be" rich."""
    if not text:
        return ""
    if QtGuiNamespace.mightBeRichText(text):
        document = QTextDocument()
        document.setHtml(text)
        return document.toPlainText()
    return text


def test_journal_window_shows_a_company_called_b_x_b_as_typed(qtbot: Any, task_runner: Any,
                                                               ui_language: Any) -> None:
    entries = [journal_entry(title=NAME),
               journal_entry(id=2, title=HOSTILE, action="fail", reason_code="failed_remote",
                             reason_params={"error": "<i>портал</i>"})]
    window = JournalWindow(task_runner, None, lambda _query: JournalData(entries=entries))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=3000)

    model = window.model
    assert model.data(model.index(0, 1)) == NAME  # item views draw DisplayRole as plain text
    assert shown_as(model.data(model.index(0, 1), Qt.ItemDataRole.ToolTipRole)) == f"Контрагент: {NAME}"
    assert shown_as(model.data(model.index(1, 1), Qt.ItemDataRole.ToolTipRole)) == f"Контрагент: {HOSTILE}"
    assert "<i>портал</i>" in shown_as(model.data(model.index(1, 5), Qt.ItemDataRole.ToolTipRole))

    window.table.selectRow(0)
    assert NAME in window.details.toPlainText()  # a plain-text editor: what is on screen, tags included
    window.table.selectRow(1)
    assert HOSTILE in window.details.toPlainText() and "<i>портал</i>" in window.details.toPlainText()
    for label in (window.summary_label, window.state_label, window.attention_label, window.count_label,
                  window.progress_label, window.live_counts_label, window.banner):
        assert label.textFormat() == Qt.TextFormat.PlainText


def test_notification_text_cannot_carry_markup() -> None:
    text = notification_text(f"Ошибка: {HOSTILE} & {NAME}")
    assert "<" not in text and ">" not in text and "&" not in text
    assert "Ромашка" in text and "‹b›x‹/b›" in text


def test_journal_window_on_a_damaged_state_database_says_what_to_do(qtbot: Any, task_runner: Any,
                                                                     ui_language: Any, home: Any) -> None:
    from core.service import SyncService
    from core.state.store import StateStore
    from gui.journal_window import service_loader

    store = StateStore.open(home.state_db)
    run = store.start_run("manual", False)
    store.finish_run(run, "ok", {})  # leaves a backup
    store.close()
    home.state_db.write_bytes(b"\x00" * 8192)
    window = JournalWindow(task_runner, None, service_loader(SyncService(home)))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "повреждена" in window.summary_label.text(), timeout=3000)
    assert "syncbridge state restore" in window.summary_label.text()
    assert not window.restore_button.isVisibleTo(window)  # this window was not given a way to restore


def test_journal_window_offers_to_restore_the_backup(qtbot: Any, task_runner: Any, ui_language: Any,
                                                     home: Any) -> None:
    from core.service import SyncService
    from core.state.store import StateStore
    from gui.journal_window import service_loader, state_restorer

    store = StateStore.open(home.state_db)
    run = store.start_run("manual", False)
    store.journal_add(run_id=run, entity="counterparty", direction="1c->b24", action="create",
                      reason_code="created", reason_params={"inn": "7701234567"}, title="ООО «Ромашка»")
    store.finish_run(run, "ok", {"created": 1})
    store.close()
    home.state_db.write_bytes(b"\x00" * 8192)
    service = SyncService(home)
    window = JournalWindow(task_runner, None, service_loader(service), restore=state_restorer(service))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.restore_button.isVisibleTo(window), timeout=3000)
    window.restore_button.click()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    assert "восстановлена" in window.banner.text() and not window.restore_button.isVisibleTo(window)
    assert list(home.state_db.parent.glob("state.sqlite3.damaged-*"))
