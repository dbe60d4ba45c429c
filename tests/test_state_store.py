from __future__ import annotations

import sqlite3
import threading

import pytest

from core.errors import ConfigError
from core.state.migrations import MIGRATIONS
from core.state.store import Link, StateStore


def test_migrates_to_latest_and_uses_wal(home):
    store = StateStore.open(home.state_db)
    assert store.schema_version == len(MIGRATIONS)
    mode = sqlite3.connect(home.state_db).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    store.close()
    # reopening does not re-run migrations
    assert StateStore.open(home.state_db).schema_version == len(MIGRATIONS)


def test_refuses_newer_schema(home):
    StateStore.open(home.state_db).close()
    conn = sqlite3.connect(home.state_db)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    with pytest.raises(ConfigError, match="более новой версией"):
        StateStore.open(home.state_db)


def test_links_versions_and_journal_round_trip(home):
    store = StateStore.open(home.state_db)
    store.save_link(Link("counterparty", "ref-1", "company", "42", {"requisite_id": "7"}))
    store.save_link(Link("counterparty", "ref-1", "company", "43", {"requisite_id": "8"}))  # update, not duplicate
    assert store.get_link("counterparty", "ref-1", "company").b24_id == "43"
    assert store.link_by_b24("company", "43", "counterparty").meta == {"requisite_id": "8"}
    store.save_version("onec", "counterparty", "ref-1", "AAAAAAAAAAE=", "h1")
    assert store.versions("onec", "counterparty") == {"ref-1": ("AAAAAAAAAAE=", "h1")}

    run = store.start_run("cli", dry_run=False)
    store.journal_add(run_id=run, entity="counterparty", direction="1c->b24", action="create",
                      reason_code="created", reason_params={"inn": "7728145639"}, onec_ref="ref-1", b24_id="43",
                      title="ООО «ТехПром»")
    store.journal_add(run_id=run, entity="counterparty", direction="1c->b24", action="fail",
                      reason_code="failed_remote", reason_params={"error": "Not found"})
    store.finish_run(run, "partial", {"created": 1, "failed": 1})
    entries = store.journal()
    assert [e.action for e in entries] == ["fail", "create"]
    assert "7728145639" in entries[1].reason_text
    assert entries[1].reason_template.startswith("Создана в Битрикс24")
    assert [e.action for e in store.journal(problems_only=True)] == ["fail"]
    assert store.last_run().counts == {"created": 1, "failed": 1}


def test_interrupted_run_is_marked(home):
    store = StateStore.open(home.state_db)
    first = store.start_run("cli", dry_run=False)  # process "dies" here
    store.start_run("cli", dry_run=False)
    assert {r.id: r.status for r in store.runs()}[first] == "interrupted"


def test_outbox_survives_reopen(home):
    store = StateStore.open(home.state_db)
    item = store.outbox_add(run_id=None, target="b24", entity="counterparty", onec_ref="r", operation="create",
                            payload={"TITLE": "Ромашка"})
    store.outbox_mark(item, "in_flight")
    store.close()
    again = StateStore.open(home.state_db)
    [pending] = again.outbox()
    assert (pending.state, pending.attempts, pending.payload) == ("in_flight", 1, {"TITLE": "Ромашка"})
    again.outbox_mark(item, "done")
    assert again.outbox() == []


def test_duplicates_are_recorded_once(home):
    store = StateStore.open(home.state_db)
    kwargs = dict(entity="counterparty", onec_ref="r", b24_type="company", b24_id="5", onec_title="ООО «ТехПром»",
                  b24_title="ТехПром Москва", reason="похожее название, нет ИНН")
    assert store.add_duplicate(**kwargs) is True
    assert store.add_duplicate(**kwargs) is False
    [item] = store.open_duplicates()
    store.resolve_duplicate(item.id, "dismissed")
    assert store.open_duplicates() == []
    assert store.add_duplicate(**kwargs) is False  # a dismissed pair is not raised again


def test_concurrent_reader_while_writing(home):
    writer = StateStore.open(home.state_db)
    reader = StateStore.open(home.state_db)
    run = writer.start_run("cli", False)
    errors = []

    def read() -> None:
        try:
            for _ in range(50):
                reader.journal(limit=10)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=read)
    thread.start()
    with writer.transaction():
        for i in range(200):
            writer.journal_add(run_id=run, entity="counterparty", direction="1c->b24", action="skip",
                               reason_code="skip_unchanged", onec_ref=str(i))
    thread.join()
    assert not errors
    assert len(reader.journal(limit=1000)) == 200
