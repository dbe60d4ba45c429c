"""The headless CLI as an admin scripts it: setup from environment variables, check, sync, status, exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli import main
from core.sandbox.bitrix24.server import Bitrix24Sandbox
from core.sandbox.onec.server import OneCSandbox

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parent.parent
USER, PASSWORD = "Интеграция", "секрет-1С"


@pytest.fixture
def servers(tmp_path):
    onec = OneCSandbox(users={USER: PASSWORD})
    b24 = Bitrix24Sandbox(cert_dir=tmp_path / "b24", rate=50, burst=500)
    onec.start()
    b24.start()
    yield onec, b24
    onec.stop()
    b24.stop()


def setup_args(onec, b24) -> list[str]:
    return ["setup", "--onec-url", onec.url, "--onec-user", USER, "--onec-profile", "ut11",
            "--bitrix24-url", b24.webhook_url.split("/rest/")[0], "--bitrix24-ca-file", str(b24.ca_file),
            "--onec-allow-http"]  # the 1C sandbox speaks plain http


def test_setup_check_sync_status(servers, monkeypatch, capsys, home):
    onec, b24 = servers
    monkeypatch.setenv("SYNCBRIDGE_ONEC_PASSWORD", PASSWORD)
    monkeypatch.setenv("SYNCBRIDGE_BITRIX24_WEBHOOK", b24.webhook_url)
    assert main(setup_args(onec, b24)) == 0
    out = capsys.readouterr().out
    assert "Профиль сохранён" in out and "мастер-пароля" in out
    profile_text = home.config_file.read_text(encoding="utf-8")
    assert PASSWORD not in profile_text and b24.code not in profile_text  # secrets never in the profile
    assert b24.code.encode() not in home.secrets_file.read_bytes()

    assert main(["check"]) == 0
    assert "Оба подключения работают" in capsys.readouterr().out

    assert main(["sync", "--once", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Пробный запуск" in out and "создать: ООО «ТехПром» (возможный дубль: ТехПром Москва)" in out
    assert main(["sync", "--once"]) == 0
    assert "создано: " in capsys.readouterr().out

    assert main(["status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["last_run"]["status"] == "ok" and status["duplicates_open"] >= 1
    assert status["queue"] == {}
    assert main(["status"]) == 0
    assert "Возможных дублей на проверку" in capsys.readouterr().out


def test_check_reports_each_failure_and_exits_2(servers, monkeypatch, capsys):
    onec, b24 = servers
    monkeypatch.setenv("SYNCBRIDGE_ONEC_PASSWORD", "неверный")
    monkeypatch.setenv("SYNCBRIDGE_BITRIX24_WEBHOOK", b24.webhook_url.replace(b24.code, "wrongcode123"))
    assert main(setup_args(onec, b24)) == 2
    captured = capsys.readouterr()
    assert "✖" in captured.out and "Настройки не сохранены" in captured.err
    assert "wrongcode123" not in captured.out + captured.err  # the webhook code is never printed
    assert main([*setup_args(onec, b24), "--no-check"]) == 0
    capsys.readouterr()
    assert main(["check"]) == 2
    out = capsys.readouterr().out
    assert "1С отклонила" in out and "Портал не принял вебхук" in out and "Создайте новый" in out


def test_sync_with_failures_exits_1(servers, monkeypatch, capsys):
    onec, b24 = servers
    monkeypatch.setenv("SYNCBRIDGE_ONEC_PASSWORD", PASSWORD)
    monkeypatch.setenv("SYNCBRIDGE_BITRIX24_WEBHOOK", b24.webhook_url)
    assert main(setup_args(onec, b24)) == 0
    ref = next(r["Ref_Key"] for r in onec.rows("Catalog_Контрагенты") if r["Description"] == "ООО «ТехПром»")
    onec.modify("Catalog_Контрагенты", ref, ИНН="1234567890")
    assert main(["sync", "--once"]) == 1
    assert "ошибок: 1" in capsys.readouterr().out


def test_unreachable_1c_exits_2_with_a_message(servers, monkeypatch, capsys):
    onec, b24 = servers
    monkeypatch.setenv("SYNCBRIDGE_ONEC_PASSWORD", PASSWORD)
    monkeypatch.setenv("SYNCBRIDGE_BITRIX24_WEBHOOK", b24.webhook_url)
    assert main(setup_args(onec, b24)) == 0
    capsys.readouterr()  # setup's own output (the plain-http warning) is not what is checked here
    onec.stop()
    assert main(["sync", "--once"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Ошибка:") and "Traceback" not in err


def test_missing_profile_and_missing_secret_are_explained(capsys, monkeypatch):
    assert main(["sync", "--once"]) == 2
    assert "не настроен" in capsys.readouterr().err
    assert main(["setup", "--onec-url", "http://1c/ut11", "--onec-allow-http", "--onec-user", "u", "--bitrix24-url",
                 "https://b24.example"]) == 2
    assert "SYNCBRIDGE_ONEC_PASSWORD" in capsys.readouterr().err


def test_demo_headless_in_a_subprocess(tmp_path):
    env = dict(os.environ, SYNCBRIDGE_HOME=str(tmp_path / "demo-home"))
    out = subprocess.run([sys.executable, "-m", "gui.launcher", "demo", "--headless"], capture_output=True,
                         text=True, cwd=ROOT, env=env, timeout=240)
    assert out.returncode == 0, out.stderr
    assert "Связана с компанией «УЗМК» портала по ИНН 6671039180" in out.stdout
    assert "ТехПром Москва" in out.stdout
    assert "Повторная синхронизация без изменений в 1С. Синхронизация завершена: создано: 0, обновлено: 0" \
        in out.stdout
    # the sales loop: a won deal becomes an order, a quantity change reaches the same order, payment and shipment
    # appear on the deal's timeline
    number = re.search(r"→ в 1С заказ клиента (ТД00-\d{6})", out.stdout)
    assert number is not None and f"тот же заказ {number.group(1)}" in out.stdout
    assert "п/п № 418" in out.stdout and "реализация № ТД00-" in out.stdout
    assert "Заказов по сделке в 1С: 1." in out.stdout
    # the deal is made of products the catalogue brought from 1C, not of stand-in links
    assert "демо-связями" not in out.stdout and "Уголок стальной 50х50х5 — 40" in out.stdout
    assert "PySide6" not in out.stderr


def test_service_mode_syncs_and_stops_on_sigterm(servers, monkeypatch, capsys, home):
    import signal
    import time

    onec, b24 = servers
    monkeypatch.setenv("SYNCBRIDGE_ONEC_PASSWORD", PASSWORD)
    monkeypatch.setenv("SYNCBRIDGE_BITRIX24_WEBHOOK", b24.webhook_url)
    assert main(setup_args(onec, b24)) == 0
    env = {k: v for k, v in os.environ.items() if k not in ("SYNCBRIDGE_ONEC_PASSWORD",
                                                              "SYNCBRIDGE_BITRIX24_WEBHOOK")}
    proc = subprocess.Popen([sys.executable, "-m", "core", "run"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if "Синхронизация завершена" in line:
                break
        assert any("создано:" in line for line in lines), lines
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
