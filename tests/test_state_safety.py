"""The state database: private from the first write, bounded against huge incoming data, damage detected with a
clear message, a backup after each successful run and a restore command; logs masked including tracebacks."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from core.cli import main
from core.log_setup import setup_logging
from core.paths import AppPaths
from core.redact import register_secret
from core.state.health import StateCorrupt, backup_paths
from core.state.store import StateStore

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _fill(store: StateStore) -> int:
    run = store.start_run("manual", False)
    store.journal_add(run_id=run, entity="counterparty", direction="1c->b24", action="create",
                      reason_code="created", reason_params={"inn": "7701234567"}, onec_ref="r1", title="ООО «А»")
    store.add_duplicate(entity="counterparty", onec_ref="r1", b24_type="company", b24_id="7", onec_title="А",
                        b24_title="А", reason="похожее название")
    return run


@posix_only
def test_database_wal_shm_and_logs_are_private_from_the_first_write(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(os, "umask", os.umask)  # nothing below may rely on a strict umask
    old = os.umask(0o022)
    try:
        paths = AppPaths.resolve(tmp_path / "home")
        store = StateStore.open(paths.state_db)
        _fill(store)
        for suffix in ("", "-wal", "-shm"):
            assert _mode(paths.state_db.with_name(paths.state_db.name + suffix)) == 0o600, suffix
        assert _mode(paths.state_db.parent) == 0o700
        store.close()
        setup_logging(paths, file_name="t.log")
        logging.getLogger("t").warning("hello")
        assert _mode(paths.log_dir) == 0o700 and _mode(paths.log_dir / "t.log") == 0o600
    finally:
        os.umask(old)
        logging.getLogger().handlers.clear()


def test_tracebacks_in_the_log_are_masked(tmp_path: Path) -> None:
    paths = AppPaths.resolve(tmp_path / "home")
    secret = "Zq8hiddenWebhookCode"
    register_secret(secret)
    setup_logging(paths, file_name="t.log")
    try:
        try:
            raise RuntimeError(f"POST https://portal/rest/1/{secret}/crm.company.add failed; password=hunter22x")
        except RuntimeError:
            logging.getLogger("t").exception("sync failed")
        for handler in logging.getLogger().handlers:
            handler.flush()
        text = (paths.log_dir / "t.log").read_text(encoding="utf-8")
    finally:
        logging.getLogger().handlers.clear()
    assert "Traceback" in text and "RuntimeError" in text
    assert secret not in text


def test_stored_run_error_and_journal_are_masked_and_bounded(tmp_path: Path) -> None:
    secret = "Zq8anotherSecretCode"
    register_secret(secret)
    store = StateStore.open(tmp_path / "state.sqlite3")
    run = store.start_run("manual", False)
    store.finish_run(run, "failed", {}, f"ConnectionError: https://portal/rest/1/{secret}/x.json " + "x" * 50_000)
    store.journal_add(run_id=run, entity="counterparty", direction="1c->b24", action="fail",
                      reason_code="failed_remote", reason_params={"error": "Я" * 10_000_000 + secret},
                      title="Н" * 10_000_000)
    stored = store.last_run()
    assert stored is not None and stored.error is not None
    assert secret not in stored.error and len(stored.error) <= 4000
    entry = store.journal(limit=1)[0]
    assert len(entry.title) <= 500 and len(entry.reason_text) < 3000 and secret not in entry.reason_text
    store.close()
    assert (tmp_path / "state.sqlite3").stat().st_size < 2_000_000  # 20 MB offered, kilobytes stored


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_damaged_database_is_detected_and_restored_from_the_backup(tmp_path: Path, monkeypatch, capsys,
                                                                   damage: str) -> None:
    monkeypatch.setenv("SYNCBRIDGE_HOME", str(tmp_path / "home"))
    paths = AppPaths.resolve()
    store = StateStore.open(paths.state_db)
    for _ in range(30):  # enough pages that a cut loses some
        _fill(store)
    run = store.start_run("manual", False)
    store.finish_run(run, "ok", {"created": 1})  # a successful run leaves a backup
    store.close()
    assert backup_paths(paths.state_db)[0].exists()
    assert _mode(backup_paths(paths.state_db)[0]) == 0o600 or os.name != "posix"
    data = paths.state_db.read_bytes()
    for suffix in ("-wal", "-shm"):
        paths.state_db.with_name(paths.state_db.name + suffix).unlink(missing_ok=True)
    paths.state_db.write_bytes({"truncate": data[: len(data) // 2], "garbage": b"\x00" * 4096 + data[4096:],
                                "empty": b""}[damage])

    with pytest.raises(StateCorrupt) as caught:
        StateStore.open(paths.state_db)
    assert "повреждена" in caught.value.message and "syncbridge state restore" in caught.value.hint

    assert main(["state", "check"]) == 2
    assert main(["state", "restore"]) == 0
    out = capsys.readouterr().out
    assert "восстановлена" in out and "сохранён как" in out
    restored = StateStore.open(paths.state_db)
    try:
        assert len(restored.open_duplicates()) == 1  # review decisions survive
        assert restored.last_run() is not None
    finally:
        restored.close()
    assert list(paths.state_db.parent.glob("state.sqlite3.damaged-*"))  # the damaged file is kept, not deleted


def test_sync_status_on_a_damaged_database_is_a_message_not_a_traceback(tmp_path: Path, monkeypatch,
                                                                         capsys) -> None:
    monkeypatch.setenv("SYNCBRIDGE_HOME", str(tmp_path / "home"))
    paths = AppPaths.resolve()
    paths.ensure()
    paths.state_db.write_bytes(b"this is not a database at all" * 100)
    code = main(["status"])
    err = capsys.readouterr().err
    assert code == 2 and "повреждена" in err and "Traceback" not in err
