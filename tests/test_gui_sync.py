"""The thread bridge and the sync loop: work runs off the GUI thread, results come back to it; no overlapping runs;
schedule, retry after failure, pause; the status texts the tray shows."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

import pytest
from PySide6.QtCore import QObject

from core.errors import AuthFailed, ConnectionFailed
from gui.status_text import last_sync_line, status_line, tooltip_text
from gui.sync_controller import SyncController, SyncSnapshot, SyncState
from gui.task_runner import TaskContext, TaskRunner
from tests import gui_fixtures
from tests.gui_fixtures import FakeReport, FakeSyncRunner, dispose

task_runner = gui_fixtures.task_runner
fake_sync_runner = gui_fixtures.fake_sync_runner


# ---- TaskRunner -------------------------------------------------------------------------------------------------
def test_work_runs_in_a_worker_and_the_result_comes_back_to_the_gui_thread(qtbot: Any, task_runner: TaskRunner):
    main = threading.get_ident()
    seen: dict[str, int] = {}
    results: list[Any] = []

    def work(context: TaskContext) -> str:
        seen["work"] = threading.get_ident()
        context.report_progress(1)
        return "готово"

    def on_result(value: str) -> None:
        seen["result"] = threading.get_ident()
        results.append(value)

    def on_progress(value: int) -> None:
        seen["progress"] = threading.get_ident()

    # a lambda/closure callback is safe here: the runner calls it from its own GUI-thread slot
    task_runner.submit(work, on_result=on_result, on_progress=on_progress)
    qtbot.waitUntil(lambda: results == ["готово"], timeout=3000)
    assert seen["work"] != main
    assert seen["result"] == main
    assert seen["progress"] == main


def test_errors_are_delivered_not_raised(qtbot: Any, task_runner: TaskRunner):
    errors: list[BaseException] = []

    def work(context: TaskContext) -> None:
        raise AuthFailed("Логин или пароль 1С не подошли.", "Проверьте пароль.")

    task_runner.submit(work, on_result=lambda _: pytest.fail("no result expected"), on_error=errors.append)
    qtbot.waitUntil(lambda: len(errors) == 1, timeout=3000)
    assert isinstance(errors[0], AuthFailed)


def test_callbacks_of_a_deleted_owner_are_dropped(qtbot: Any, task_runner: TaskRunner):
    gate = threading.Event()
    called: list[Any] = []
    owner = QObject()
    task_runner.submit(lambda context: gate.wait(2), on_result=called.append, owner=owner)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not _alive(owner), timeout=3000)
    gate.set()
    qtbot.waitUntil(lambda: task_runner.active_count() == 0, timeout=3000)
    assert called == []


def _alive(obj: QObject) -> bool:
    import shiboken6

    return shiboken6.isValid(obj)


# ---- SyncController ---------------------------------------------------------------------------------------------
@pytest.fixture
def controller(qapp: Any, task_runner: TaskRunner, fake_sync_runner: FakeSyncRunner) -> Any:
    ctrl = SyncController(task_runner, lambda: fake_sync_runner, schedule_minutes=15, retry_minutes=0.002)
    yield ctrl
    ctrl.stop()
    fake_sync_runner.release.set()
    dispose(ctrl)


def test_sync_runs_off_the_gui_thread_and_reports_back(qtbot: Any, controller: SyncController,
                                                        fake_sync_runner: FakeSyncRunner):
    with qtbot.waitSignal(controller.finished, timeout=3000) as finished:
        assert controller.sync_now()
    assert fake_sync_runner.threads and fake_sync_runner.threads[0] != threading.get_ident()
    assert fake_sync_runner.calls == [{"dry_run": False, "trigger": "manual"}]
    snapshot = controller.snapshot()
    assert snapshot.state == SyncState.IDLE
    assert snapshot.last_finished_at is not None
    assert snapshot.last_summary and "создано: 2" in snapshot.last_summary
    assert finished.args[1] == ""


def test_a_second_sync_never_overlaps_a_running_one(qtbot: Any, controller: SyncController,
                                                     fake_sync_runner: FakeSyncRunner):
    fake_sync_runner.release.clear()
    assert controller.sync_now()
    assert fake_sync_runner.started.wait(3)
    qtbot.waitUntil(lambda: controller.snapshot().total == 25, timeout=3000)
    assert controller.snapshot().state == SyncState.SYNCING
    assert tooltip_text(controller.snapshot()) == "SyncBridge — идёт синхронизация: 0 из 25"
    assert not controller.sync_now()  # refused while running
    controller._on_schedule_tick()  # a schedule tick during the run is skipped too
    with qtbot.waitSignal(controller.finished, timeout=3000):
        fake_sync_runner.release.set()
    assert len(fake_sync_runner.calls) == 1


def test_cancel_stops_the_run_and_returns_to_the_previous_state(qtbot: Any, controller: SyncController,
                                                                 fake_sync_runner: FakeSyncRunner):
    fake_sync_runner.release.clear()
    controller.sync_now()
    assert fake_sync_runner.started.wait(3)
    with qtbot.waitSignal(controller.finished, timeout=3000):
        controller.cancel()
    assert controller.snapshot().state == SyncState.IDLE
    assert not controller.is_running


def test_unreachable_server_means_disconnected_and_a_retry(qtbot: Any, controller: SyncController,
                                                            fake_sync_runner: FakeSyncRunner):
    fake_sync_runner.error = ConnectionFailed("Сервер 1С не отвечает: http://srv1c/ut11.",
                                              "Проверьте, что веб-сервер 1С запущен.")
    with qtbot.waitSignal(controller.finished, timeout=3000):
        controller.sync_now()
    snapshot = controller.snapshot()
    assert snapshot.state == SyncState.DISCONNECTED
    assert tooltip_text(snapshot) == "SyncBridge — нет связи: Сервер 1С не отвечает: http://srv1c/ut11."
    # the retry timer (0.002 min here) starts another run by itself, which now succeeds
    fake_sync_runner.error = None
    qtbot.waitUntil(lambda: len(fake_sync_runner.calls) == 2 and not controller.is_running, timeout=3000)
    assert fake_sync_runner.calls[1]["trigger"] == "schedule"
    assert controller.snapshot().state == SyncState.IDLE


def test_a_sync_held_by_another_process_is_not_an_error(qtbot: Any, controller: SyncController,
                                                         fake_sync_runner: FakeSyncRunner):
    from core.run_lock import SyncAlreadyRunning

    fake_sync_runner.error = SyncAlreadyRunning("Синхронизация уже идёт в другом процессе SyncBridge.")
    with qtbot.waitSignal(controller.finished, timeout=3000):
        controller.sync_now()
    assert controller.snapshot().state == SyncState.IDLE
    fake_sync_runner.error = None  # the retry timer tries again later on its own
    qtbot.waitUntil(lambda: len(fake_sync_runner.calls) == 2 and not controller.is_running, timeout=3000)


def test_wrong_password_is_an_error_with_the_core_text(qtbot: Any, controller: SyncController,
                                                        fake_sync_runner: FakeSyncRunner):
    fake_sync_runner.error = AuthFailed("1С не приняла логин или пароль пользователя «Интеграция».",
                                        "Проверьте пароль в настройках.")
    with qtbot.waitSignal(controller.finished, timeout=3000):
        controller.sync_now()
    snapshot = controller.snapshot()
    assert snapshot.state == SyncState.ERROR
    assert snapshot.error_text == ("1С не приняла логин или пароль пользователя «Интеграция».\n"
                                   "Проверьте пароль в настройках.")
    assert tooltip_text(snapshot) == "SyncBridge — ошибка: 1С не приняла логин или пароль пользователя «Интеграция»."


def test_an_unexpected_exception_never_shows_a_traceback(qtbot: Any, controller: SyncController,
                                                          fake_sync_runner: FakeSyncRunner):
    fake_sync_runner.error = KeyError("Ref_Key")
    with qtbot.waitSignal(controller.finished, timeout=3000):
        controller.sync_now()
    text = controller.snapshot().error_text or ""
    assert "Внутренняя ошибка программы (KeyError)" in text
    assert "Traceback" not in text and "Ref_Key" not in text


def test_records_that_failed_put_the_tray_into_error(qtbot: Any, controller: SyncController,
                                                      fake_sync_runner: FakeSyncRunner):
    fake_sync_runner.report = FakeReport(failed=3, status="partial")
    with qtbot.waitSignal(controller.finished, timeout=3000):
        controller.sync_now()
    snapshot = controller.snapshot()
    assert snapshot.state == SyncState.ERROR
    assert status_line(snapshot) == "ошибка: не перенесено записей: 3 — подробности в журнале"


def test_pause_stops_the_schedule_and_resume_restarts_it(qtbot: Any, controller: SyncController):
    controller.start_schedule()
    assert controller.snapshot().next_run_at is not None
    controller.set_paused(True)
    snapshot = controller.snapshot()
    assert snapshot.state == SyncState.PAUSED and snapshot.next_run_at is None
    assert tooltip_text(snapshot) == "SyncBridge — синхронизация приостановлена"
    controller.set_paused(False)
    assert controller.snapshot().state == SyncState.IDLE
    assert controller.snapshot().next_run_at is not None


def test_schedule_starts_runs_by_itself(qtbot: Any, task_runner: TaskRunner, fake_sync_runner: FakeSyncRunner):
    controller = SyncController(task_runner, lambda: fake_sync_runner, schedule_minutes=0.001)  # 60 ms
    controller.start_schedule()
    qtbot.waitUntil(lambda: len(fake_sync_runner.calls) >= 2, timeout=3000)
    controller.stop()
    assert {call["trigger"] for call in fake_sync_runner.calls} == {"schedule"}


# ---- status texts -----------------------------------------------------------------------------------------------
def test_status_texts() -> None:
    now = datetime(2025, 11, 30, 18, 0)
    done = SyncSnapshot(state=SyncState.IDLE, last_finished_at=datetime(2025, 11, 30, 14, 5))
    assert tooltip_text(done, now) == "SyncBridge — синхронизировано 14:05"
    assert last_sync_line(done, now) == "Последняя синхронизация: 14:05"
    yesterday = SyncSnapshot(last_finished_at=datetime(2025, 11, 29, 9, 7))
    assert last_sync_line(yesterday, now) == "Последняя синхронизация: 29.11 09:07"
    assert tooltip_text(SyncSnapshot(), now) == "SyncBridge — синхронизация ещё не выполнялась"
    busy = SyncSnapshot(state=SyncState.SYNCING, done=12, total=25)
    assert tooltip_text(busy, now) == "SyncBridge — идёт синхронизация: 12 из 25"
    long_error = SyncSnapshot(state=SyncState.ERROR, error_text="Очень длинная ошибка " * 20)
    assert len(tooltip_text(long_error, now)) <= 127  # Windows cuts tray tooltips at 128
