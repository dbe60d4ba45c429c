"""``syncbridge run`` survives a night of injected faults: any exception is reported, backed off and retried."""

from __future__ import annotations

import random
import sqlite3
import threading
from dataclasses import dataclass

import pytest

from core.errors import AnswerLost, ConnectionFailed, RemoteError
from core.service_loop import run_service

INTERVAL = 15 * 60.0


@dataclass
class Report:
    def summary_text(self) -> str:
        return "Синхронизация завершена: создано: 0."


FAULTS = [
    lambda: ValueError("badly formed hexadecimal UUID string"),   # a malformed Ref_Key
    lambda: KeyError("DataVersion"),                               # a row without DataVersion
    lambda: TypeError("'str' object is not iterable"),             # a string where a table is expected
    lambda: RecursionError("maximum recursion depth exceeded"),    # absurdly deep JSON
    lambda: sqlite3.DatabaseError("database disk image is malformed"),
    lambda: OSError(28, "No space left on device"),
    lambda: MemoryError(),
    lambda: ConnectionFailed("1С не отвечает.", "Проверьте сервер."),
    lambda: RemoteError("Битрикс24 вернул мусор.", ""),
    lambda: AnswerLost("Ответ потерян.", ""),
]


def test_a_night_of_injected_faults_does_not_stop_the_service() -> None:
    rng = random.Random(8)
    stop = threading.Event()
    waits: list[float] = []
    lines: list[str] = []
    outcomes: list[str] = []
    iterations = 2000  # a night at one attempt a minute, several times over

    def run_once() -> Report:
        if rng.random() < 0.6:
            fault = rng.choice(FAULTS)()
            outcomes.append("fail")
            raise fault
        outcomes.append("ok")
        return Report()

    def wait(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) >= iterations:
            stop.set()

    failures = run_service(run_once, stop, INTERVAL, say=lines.append, wait=wait)

    assert len(outcomes) == iterations and failures == outcomes.count("fail")
    assert all(60.0 <= w <= INTERVAL for w in waits)
    for i, outcome in enumerate(outcomes):
        if outcome == "ok":
            assert waits[i] == INTERVAL  # success: back to the schedule
        elif i == 0 or outcomes[i - 1] == "ok":
            assert waits[i] == 60.0  # the first failure after a success retries in a minute
        else:
            assert waits[i] == min(waits[i - 1] * 2, INTERVAL)  # then 2, 4, 8… minutes, capped by the schedule
    assert not any("Traceback" in line for line in lines)
    assert any("Непредвиденная ошибка (ValueError)" in line for line in lines)


def test_stop_and_keyboard_interrupt_still_end_the_loop() -> None:
    stop = threading.Event()

    def interrupted() -> Report:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_service(interrupted, stop, INTERVAL, say=lambda _l: None, wait=lambda _s: None)
    stop.set()
    assert run_service(lambda: pytest.fail("must not run"), stop, INTERVAL) == 0


@pytest.mark.integration
def test_the_real_service_loop_survives_faults_against_the_sandboxes(tmp_path, monkeypatch) -> None:
    """The real runner, the real sandboxes, a fault injected before every run: the loop keeps going and the
    portal ends up right (no duplicates) once the faults stop."""
    from core.paths import AppPaths
    from core.profile import Profile
    from core.sandbox.bitrix24.server import Bitrix24Sandbox
    from core.sandbox.onec.server import OneCSandbox
    from core.setup_service import apply_setup
    from core.sync import runner as runner_module
    from core.sync.runner import SyncRunner

    onec = OneCSandbox(users={"Интеграция": "пароль-1С"})
    b24 = Bitrix24Sandbox(cert_dir=tmp_path / "b24", rate=50, burst=500)
    onec.start()
    b24.start()
    home = AppPaths.resolve(tmp_path / "home").ensure()
    apply_setup(home, Profile(onec_url=onec.url, onec_user="Интеграция", bitrix24_url="https://127.0.0.1",
                              bitrix24_ca_file=str(b24.ca_file), bitrix24_rate=50, bitrix24_burst=500),
                "пароль-1С", b24.webhook_url)
    real_open = runner_module.open_onec
    faults = [
        lambda: b24.inject_fault("batch", "internal_error", times=3),
        lambda: b24.inject_fault("batch:crm.company.add", "reset_after_write"),
        lambda: monkeypatch.setattr(runner_module, "open_onec",
                                    lambda *a, **k: (_ for _ in ()).throw(RuntimeError("bug in a client"))),
        lambda: monkeypatch.setattr(runner_module, "open_onec", real_open),
        lambda: b24.inject_fault("batch:crm.requisite.add", "html_502_after_write"),
        lambda: None,
        lambda: None,
    ]
    stop = threading.Event()
    lines: list[str] = []
    runs = 0

    def wait(_seconds: float) -> None:
        nonlocal runs
        runs += 1
        if runs >= len(faults):
            stop.set()
        else:
            faults[runs]()

    try:
        faults[0]()
        failures = run_service(lambda: SyncRunner(home).run_once(trigger="schedule", cancel=stop), stop, INTERVAL,
                               say=lines.append, wait=wait)
        assert runs == len(faults) and failures >= 1
        assert "Синхронизация завершена:" in lines[-1]
        active = [r for r in onec.rows("Catalog_Контрагенты") if not r["DeletionMark"]]
        origins = [c["ORIGIN_ID"] for c in b24.entities("company") if c.get("ORIGIN_ID")]
        assert sorted(origins) == sorted(r["Ref_Key"] for r in active)  # each once: no duplicates
    finally:
        onec.stop()
        b24.stop()
