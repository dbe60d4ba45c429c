"""`syncbridge setup` detects the configuration from $metadata; `check` reports the profile it uses."""

from __future__ import annotations

import json

import pytest

from core.cli import main
from core.sandbox.bitrix24.server import Bitrix24Sandbox
from core.sandbox.onec.server import OneCSandbox

pytestmark = pytest.mark.integration
USER, PASSWORD = "Интеграция", "секрет-1С"


@pytest.fixture
def bp30(tmp_path, monkeypatch):
    onec = OneCSandbox(users={USER: PASSWORD}, base_path="/bp30")
    b24 = Bitrix24Sandbox(cert_dir=tmp_path / "b24", rate=50, burst=500)
    onec.start()
    b24.start()
    monkeypatch.setenv("SYNCBRIDGE_ONEC_PASSWORD", PASSWORD)
    monkeypatch.setenv("SYNCBRIDGE_BITRIX24_WEBHOOK", b24.webhook_url)
    yield onec, b24
    onec.stop()
    b24.stop()


def args(onec, b24, *extra: str) -> list[str]:
    return ["setup", "--onec-url", onec.url, "--onec-user", USER, "--bitrix24-url",
            b24.webhook_url.split("/rest/")[0], "--bitrix24-ca-file", str(b24.ca_file), "--onec-allow-http", *extra]


def test_setup_detects_bp30_and_check_reports_it(bp30, capsys, home):
    onec, b24 = bp30
    assert main(args(onec, b24)) == 0  # --onec-profile auto is the default
    out = capsys.readouterr().out
    assert "1С:Бухгалтерия предприятия 3.0 (профиль bp30)" in out
    assert json.loads(home.config_file.read_text(encoding="utf-8"))["onec_profile"] == "bp30"
    assert list((home.data_dir / "onec").glob("metadata-*.xml"))  # the publication, cached with its date
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "Конфигурация 1С: 1С:Бухгалтерия предприятия 3.0 (профиль bp30)" in out
    assert "Раздел «Заказы» не синхронизируется" in out  # stated, not silently missing
    assert main(["sync", "--once"]) == 1  # one БП card has no «Юр./физ. лицо»: partial, named in the journal
    assert "Контактные лица" in capsys.readouterr().out


def test_explicit_profile_is_judged_as_chosen(bp30, capsys, home):
    onec, b24 = bp30
    # the admin's choice wins over detection: the base is judged by the УНФ table, and what БП does not publish
    # under УНФ names is named attribute by attribute — here a required one, so nothing is saved
    assert main(args(onec, b24, "--onec-profile", "unf")) == 2
    out = capsys.readouterr().out
    assert "похожа на 1С:Бухгалтерия предприятия 3.0" in out
    assert "нет обязательного реквизита ЮрФизЛицо" in out and "СвязиКонтрагентов" in out
    assert not home.config_file.exists()


def test_auto_without_check_is_refused_readably(bp30, capsys):
    onec, b24 = bp30
    assert main(args(onec, b24, "--no-check")) == 2
    assert "--onec-profile ut11, bp30 или unf" in capsys.readouterr().err
