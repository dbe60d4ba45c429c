"""The application shell: start-up paths (wizard / tray / master password / demo), tray commands reaching the right
slots, single instance, the crash hook."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QMessageBox, QWizard

from core.paths import AppPaths
from core.profile import Profile, ProfileStore
from gui import app as app_module
from gui.app import DesktopApp
from gui.crash_handler import crash_message, install_excepthook
from gui.master_password_dialog import MasterPasswordDialog
from gui.single_instance import SingleInstance, server_name
from tests import gui_fixtures
from tests.gui_fixtures import WEBHOOK, FakeService, FakeServices, FakeSyncRunner, dispose

task_runner = gui_fixtures.task_runner
ui_language = gui_fixtures.ui_language


class FakeCredentials:
    def __init__(self, *, needs_password: bool = False, initialised: bool = True) -> None:
        self.needs_password = needs_password
        self.initialised = initialised
        self.unlocked_with: list[str] = []

    def needs_master_password(self) -> bool:
        return self.needs_password and not self.unlocked_with

    def is_initialised(self) -> bool:
        return self.initialised

    def unlock(self, password: str) -> None:
        from core.errors import SecretsError

        if password != "верный пароль":
            raise SecretsError("Неверный мастер-пароль: файл с паролями не расшифровывается.",
                               "Проверьте мастер-пароль (раскладку и регистр).")
        self.unlocked_with.append(password)

    def create_with_master_password(self, password: str) -> None:
        self.unlocked_with.append(password)


class Harness:
    """A DesktopApp wired to fakes; exit codes are recorded instead of ending the event loop."""

    def __init__(self, paths: AppPaths, *, demo: bool = False, credentials: FakeCredentials | None = None) -> None:
        self.services = FakeServices()
        self.sync_runner = FakeSyncRunner()
        self.credentials = credentials or FakeCredentials()
        self.exits: list[int] = []
        self.service: FakeService | None = None

        def make_service(p: AppPaths) -> FakeService:
            self.service = FakeService(p, self.services, self.sync_runner, self.credentials)
            return self.service

        self.app = DesktopApp(paths, demo=demo, make_service=make_service, make_demo=lambda p: FakeDemo(p))
        self.app.exit = self.exits.append  # type: ignore[method-assign]

    def close(self) -> None:
        self.sync_runner.release.set()
        app = self.app
        windows = (app.journal, app.wizard, app.settings, app.review, app.preview, app.overview)
        for window in windows:
            if window is not None:
                window.close()
        app.shutdown()
        QCoreApplication.processEvents()
        tray = app.tray
        dispose(*windows, tray.status_window if tray else None, tray.menu if tray else None, app)


class FakeDemo:
    def __init__(self, base: AppPaths) -> None:
        self.paths = AppPaths.resolve(base.data_dir / "demo")
        self.stopped = False

    def start(self) -> AppPaths:
        self.paths.ensure()
        ProfileStore(self.paths).save(_profile(demo=True))
        return self.paths

    def stop(self) -> None:
        self.stopped = True

    def portal_summary(self) -> str:
        return "Демо-режим: учебная 1С и учебный портал на этом компьютере."


def _profile(**changes: Any) -> Profile:
    values: dict[str, Any] = {"onec_url": "http://srv1c/ut11/odata/standard.odata/", "onec_user": "Интеграция",
                              "bitrix24_url": "https://portal.example.ru"}
    values.update(changes)
    return Profile(**values)


@pytest.fixture
def harness_factory(qapp: Any, ui_language: Any) -> Any:
    made: list[Harness] = []

    def make(paths: AppPaths, **kwargs: Any) -> Harness:
        harness = Harness(paths, **kwargs)
        made.append(harness)
        return harness

    yield make
    for harness in made:
        harness.close()


def test_no_profile_opens_the_wizard_and_saving_starts_the_sync(qtbot: Any, home: AppPaths,
                                                                 harness_factory: Any) -> None:
    harness = harness_factory(home)
    harness.app.start()
    wizard = harness.app.wizard
    assert wizard is not None and wizard.isVisible()
    assert harness.app.controller is None
    wizard.next()
    wizard.onec_page.url_edit.setText("http://srv1c/ut11")
    wizard.onec_page.user_edit.setText("Интеграция")
    combo = wizard.onec_page.profile_combo
    combo.setCurrentIndex(combo.findData("ut11"))  # skipping the check needs an explicit configuration
    wizard.onec_page.check.skip.setChecked(True)
    wizard.next()
    wizard.bitrix24_page.webhook.set_value(WEBHOOK)
    wizard.bitrix24_page.check.skip.setChecked(True)
    wizard.next()
    wizard.next()
    wizard.next()  # sales: off by default
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: harness.app.controller is not None, timeout=3000)
    assert harness.app.wizard is None
    assert harness.app.tray is not None and harness.app.tray.status_window is not None  # offscreen: no tray
    assert harness.exits == []


def test_cancelling_the_first_run_wizard_quits(qtbot: Any, home: AppPaths, harness_factory: Any) -> None:
    harness = harness_factory(home)
    harness.app.start()
    assert harness.app.wizard is not None
    harness.app.wizard.reject()
    assert harness.exits == [0]


def test_tray_commands_reach_the_right_slots(qtbot: Any, home: AppPaths, harness_factory: Any) -> None:
    ProfileStore(home).save(_profile(schedule_minutes=20))
    harness = harness_factory(home)
    harness.app.start()
    app = harness.app
    assert app.wizard is None and app.controller is not None
    assert app.controller.schedule_minutes == 20
    actions = app.tray.actions  # type: ignore[union-attr]

    actions.sync_now.trigger()
    qtbot.waitUntil(lambda: bool(harness.sync_runner.calls) and not app.controller.is_running, timeout=3000)
    assert harness.sync_runner.threads[0] != threading.get_ident()

    actions.journal.trigger()
    assert app.journal is not None and app.journal.isVisible()

    actions.pause.trigger()
    assert app.controller.snapshot().paused
    actions.pause.trigger()
    assert not app.controller.snapshot().paused

    actions.settings.trigger()
    # settings are a window of tabs on the saved profile, not the first-run wizard again
    assert app.wizard is None and app.settings is not None and app.settings.isVisible()
    assert app.settings.windowTitle() == "SyncBridge — настройки"
    assert app.settings.onec_user.text() == "Интеграция"
    settings = app.settings
    actions.settings.trigger()  # a second click brings the same window up, never a second one
    assert app.settings is settings
    settings.close()
    assert harness.exits == []

    actions.quit.trigger()
    assert harness.exits == [0]


def test_sync_now_while_running_tells_the_user(qtbot: Any, home: AppPaths, harness_factory: Any) -> None:
    ProfileStore(home).save(_profile())
    harness = harness_factory(home)
    harness.app.start()
    harness.sync_runner.release.clear()
    harness.app.sync_now()
    assert harness.sync_runner.started.wait(3)
    harness.app.sync_now()
    assert harness.app.tray.notifications[-1] == (  # type: ignore[union-attr]
        "SyncBridge", "Синхронизация уже идёт — дождитесь её окончания.")
    harness.sync_runner.release.set()
    qtbot.waitUntil(lambda: not harness.app.controller.is_running, timeout=3000)  # type: ignore[union-attr]
    assert len(harness.sync_runner.calls) == 1


def test_master_password_is_asked_first(qtbot: Any, home: AppPaths, harness_factory: Any,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    ProfileStore(home).save(_profile())
    harness = harness_factory(home, credentials=FakeCredentials(needs_password=True))
    seen: list[MasterPasswordDialog] = []

    def fake_exec(dialog: MasterPasswordDialog) -> int:
        seen.append(dialog)
        dialog.password_edit.setText("не тот")
        dialog.buttons.accepted.emit()
        qtbot.waitUntil(lambda: "Неверный мастер-пароль" in dialog.error_label.text(), timeout=3000)
        dialog.password_edit.setText("верный пароль")
        dialog.buttons.accepted.emit()
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=3000)
        return dialog.result()

    monkeypatch.setattr(MasterPasswordDialog, "exec", fake_exec)
    harness.app.start()
    assert len(seen) == 1 and not seen[0].creating
    assert harness.credentials.unlocked_with == ["верный пароль"]
    assert harness.app.controller is not None


def test_master_password_dialog_create_mode_checks_the_repeat(qtbot: Any, task_runner: Any, ui_language: Any,
                                                              home: AppPaths):
    credentials = FakeCredentials(needs_password=True, initialised=False)
    dialog = MasterPasswordDialog(FakeService(home, FakeServices(), FakeSyncRunner(), credentials), task_runner)
    qtbot.addWidget(dialog)
    assert dialog.creating and dialog.repeat_edit.isVisibleTo(dialog)
    dialog.password_edit.setText("коротк")
    dialog.buttons.accepted.emit()
    assert dialog.error_label.text() == "Мастер-пароль должен быть не короче 8 символов."
    dialog.password_edit.setText("длинный пароль")
    dialog.repeat_edit.setText("другой пароль")
    dialog.buttons.accepted.emit()
    assert dialog.error_label.text() == "Пароли не совпадают. Введите один и тот же пароль в оба поля."
    dialog.repeat_edit.setText("длинный пароль")
    with qtbot.waitSignal(dialog.accepted, timeout=3000):
        dialog.buttons.accepted.emit()
    assert credentials.unlocked_with == ["длинный пароль"]


def test_demo_mode_uses_the_demo_home_and_stops_the_sandboxes(qtbot: Any, home: AppPaths,
                                                              harness_factory: Any) -> None:
    harness = harness_factory(home, demo=True)
    harness.app.start()
    qtbot.waitUntil(lambda: harness.app.controller is not None, timeout=3000)
    app = harness.app
    assert app.paths.home == home.data_dir / "demo"
    assert app.journal is not None and app.journal.isVisible()  # the demo shows its window right away
    assert app.journal.banner.text().startswith("Демо-режим")
    demo = app.demo_env
    app.shutdown()
    assert demo.stopped and app.demo_env is None


def test_second_instance_asks_the_first_to_show_itself(qtbot: Any, home: AppPaths) -> None:
    first = SingleInstance(home)
    second = SingleInstance(home)
    try:
        assert first.acquire()
        assert not second.acquire()
        with qtbot.waitSignal(first.show_requested, timeout=3000):
            assert second.notify_running_instance()
    finally:
        first.release()
    assert second.acquire()  # the lock is free again once the first instance is gone
    second.release()


def test_server_name_is_per_user_and_per_home(tmp_path: Path) -> None:
    a = server_name(AppPaths.resolve(tmp_path / "a"))
    b = server_name(AppPaths.resolve(tmp_path / "b"))
    assert a != b and a.startswith("SyncBridge-")


def test_run_gui_exits_at_once_when_already_running(qapp: Any, home: AppPaths, ui_language: Any) -> None:
    owner = SingleInstance(home)
    assert owner.acquire()
    try:
        assert app_module.run_gui(home, demo=False) == 0  # would block in exec() if it did not leave at once
    finally:
        owner.release()


def test_crash_hook_logs_and_shows_a_russian_message(qapp: Any, home: AppPaths, ui_language: Any,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    monkeypatch.setattr(sys, "stderr", None)  # windowed build: must not be touched
    saved_hook, saved_thread_hook = sys.excepthook, threading.excepthook
    try:
        install_excepthook(home.log_dir)
        try:
            raise ValueError("секрет в тексте исключения")
        except ValueError:
            with caplog.at_level(logging.CRITICAL, logger="syncbridge.crash"):
                sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    finally:
        sys.excepthook, threading.excepthook = saved_hook, saved_thread_hook
    assert shown == [crash_message(home.log_dir)]
    assert "Traceback" not in shown[0] and "секрет" not in shown[0]
    assert str(home.log_dir) in shown[0]
    assert any(record.exc_info for record in caplog.records)  # the full traceback goes to the log


def test_quit_ends_the_event_loop(qapp: Any, home: AppPaths) -> None:
    app = DesktopApp(home)
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, lambda: app.exit(3))
    assert QCoreApplication.instance().exec() == 3  # type: ignore[union-attr]
    app.shutdown()
