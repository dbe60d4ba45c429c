"""A scan of the data folder and of everything printed finds no secret: after setup, check, syncs that go well
and syncs that fail (lost answers, refused connections, a crash inside a run), status, and verbose logging."""

from __future__ import annotations

import base64
import logging
from pathlib import Path

import pytest

from core.cli import main
from core.paths import AppPaths
from tests.test_cli import PASSWORD, USER, servers, setup_args  # noqa: F401  (fixture)

pytestmark = pytest.mark.integration


def _secrets(webhook: str) -> list[bytes]:
    code = webhook.rstrip("/").rsplit("/", 1)[-1]
    basic = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    return [code.encode(), PASSWORD.encode(), basic.encode()]


def _scan(root: Path, secrets: list[bytes]) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.relative_to(root)}: {s[:4]!r}…" for s in secrets if s in data]
    return found


def test_no_secret_in_the_data_folder_or_any_output(servers, monkeypatch, capsys, caplog) -> None:  # noqa: F811
    onec, b24 = servers
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("SYNCBRIDGE_ONEC_PASSWORD", PASSWORD)
    monkeypatch.setenv("SYNCBRIDGE_BITRIX24_WEBHOOK", b24.webhook_url)
    assert main(["-v", *setup_args(onec, b24)]) == 0
    monkeypatch.delenv("SYNCBRIDGE_ONEC_PASSWORD")
    monkeypatch.delenv("SYNCBRIDGE_BITRIX24_WEBHOOK")
    main(["-v", "check"])
    main(["-v", "sync", "--once"])
    # failures with URLs and server texts in them
    b24.inject_fault("batch:crm.company.update", "reset_after_write", times=3)
    onec.modify("Catalog_Контрагенты", onec.rows("Catalog_Контрагенты")[0]["Ref_Key"], Description="Изменено")
    main(["-v", "sync", "--once"])
    onec.stop()
    main(["-v", "sync", "--once"])
    main(["-v", "status"])
    main(["-v", "status", "--json"])
    logging.getLogger("test").exception("after all that", exc_info=RuntimeError(b24.webhook_url + " " + PASSWORD))

    home = AppPaths.resolve().home
    secrets = _secrets(b24.webhook_url)
    printed = capsys.readouterr()
    leaks = _scan(home, secrets)
    leaks += [f"stdout/stderr: {s[:4]!r}…" for s in secrets
              if s.decode() in printed.out or s.decode() in printed.err]
    assert leaks == []
    assert (home / "secrets.bin").exists()  # the secrets are there — encrypted
