"""Tray menu wiring, the status window used offscreen (no system tray there), notifications on changes only."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from core.errors import ConnectionFailed
from gui.sync_controller import SyncController, SyncSnapshot, SyncState
from gui.tray import TrayController, build_tray_menu, update_tray_menu
from tests import gui_fixtures
from tests.gui_fixtures import FakeSyncRunner, dispose

task_runner = gui_fixtures.task_runner
fake_sync_runner = gui_fixtures.fake_sync_runner


class RecordingCommands:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def sync_now(self) -> None:
        self.calls.append("sync_now")

    def show_journal(self) -> None:
        self.calls.append("show_journal")

    def open_settings(self) -> None:
        self.calls.append("open_settings")

    def toggle_pause(self) -> None:
        self.calls.append("toggle_pause")

    def quit_app(self) -> None:
        self.calls.append("quit_app")


def test_menu_actions_trigger_the_right_commands(qapp: Any) -> None:
    commands = RecordingCommands()
    menu = QMenu()
    actions = build_tray_menu(menu, commands)
    commands_in_menu = [a.text() for a in menu.actions() if a.isEnabled() and not a.isSeparator() and a.text()]
    assert commands_in_menu == ["Синхронизировать сейчас", "Открыть журнал", "Настройки…", "Выход"]
    for action, expected in ((actions.sync_now, "sync_now"), (actions.journal, "show_journal"),
                             (actions.settings, "open_settings"), (actions.pause, "toggle_pause"),
                             (actions.quit, "quit_app")):
        action.trigger()
        assert commands.calls[-1] == expected
    assert commands.calls == ["sync_now", "show_journal", "open_settings", "toggle_pause", "quit_app"]


def test_menu_texts_follow_the_state(qapp: Any) -> None:
    menu = QMenu()
    actions = build_tray_menu(menu, RecordingCommands())
    update_tray_menu(actions, SyncSnapshot())
    visible = [a.text() for a in menu.actions() if a.isVisible() and not a.isSeparator()]
    assert visible == ["Синхронизация ещё не выполнялась", "Последняя синхронизация: ещё не было",
                       "Синхронизировать сейчас", "Открыть журнал", "Приостановить расписание", "Настройки…",
                       "Выход"]
    assert not actions.last_sync.isEnabled()  # an information line, not a command
    update_tray_menu(actions, SyncSnapshot(state=SyncState.SYNCING, done=12, total=25, paused=True))
    assert actions.status.text() == "Идёт синхронизация: 12 из 25"
    assert not actions.sync_now.isEnabled()
    assert actions.pause.text() == "Возобновить расписание"


@pytest.fixture
def controller(qapp: Any, task_runner: Any, fake_sync_runner: FakeSyncRunner) -> Any:
    ctrl = SyncController(task_runner, lambda: fake_sync_runner, retry_minutes=60)
    yield ctrl
    ctrl.stop()
    dispose(ctrl)


def test_without_a_system_tray_a_status_window_is_shown(qtbot: Any, controller: SyncController) -> None:
    assert not QSystemTrayIcon.isSystemTrayAvailable()  # offscreen
    commands = RecordingCommands()
    tray = TrayController(controller, commands)
    tray.show()
    try:
        assert not tray.uses_tray
        window = tray.status_window
        assert window is not None and window.isVisible()
        assert window.status_label.text() == "Синхронизация ещё не выполнялась"
        window.sync_button.click()
        window.journal_button.click()
        window.settings_button.click()
        window.quit_button.click()
        assert commands.calls == ["sync_now", "show_journal", "open_settings", "quit_app"]
        window.close()  # closing only minimises: without a tray this window is the way back in
        assert window.isVisible()
    finally:
        tray.hide()
        dispose(tray.status_window, tray.menu, tray)


def test_notifications_on_errors_and_recovery_only(qtbot: Any, controller: SyncController,
                                                    fake_sync_runner: FakeSyncRunner) -> None:
    tray = TrayController(controller, RecordingCommands())
    tray.show()
    try:
        with qtbot.waitSignal(controller.finished, timeout=3000):
            controller.sync_now()
        assert tray.notifications == []  # a normal successful cycle is not worth a popup
        fake_sync_runner.error = ConnectionFailed("Портал Битрикс24 не отвечает.", "Проверьте сеть.")
        with qtbot.waitSignal(controller.finished, timeout=3000):
            controller.sync_now()
        assert tray.notifications == [("SyncBridge: нет связи", "Портал Битрикс24 не отвечает.")]
        with qtbot.waitSignal(controller.finished, timeout=3000):
            controller.sync_now()
        assert len(tray.notifications) == 1  # the same error again: no second popup
        fake_sync_runner.error = None
        with qtbot.waitSignal(controller.finished, timeout=3000):
            controller.sync_now()
        assert tray.notifications[-1] == ("SyncBridge", "Синхронизация снова работает.")
        assert tray.status_window is not None
        assert tray.status_window.message_label.text() == "Синхронизация снова работает."
    finally:
        tray.hide()
        dispose(tray.status_window, tray.menu, tray)


def test_tray_click_opens_the_journal(qtbot: Any, controller: SyncController) -> None:
    commands = RecordingCommands()
    tray = TrayController(controller, commands)
    tray._create_tray()  # the icon itself works offscreen even though no tray will display it
    try:
        assert tray.tray is not None
        tray.tray.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
        assert commands.calls == ["show_journal"]
        tray._refresh()
        assert tray.tray.toolTip() == "SyncBridge — синхронизация ещё не выполнялась"
    finally:
        tray.hide()
        dispose(tray.status_window, tray.menu, tray)
