"""The desktop application: start-up sequence, single instance, and the glue between tray, windows and core.

Start-up: translators → single instance (a second start only asks the first to show its window) → [demo sandboxes]
→ master password when there is no usable OS keyring → the wizard when nothing is configured, else the tray with
the schedule running. Every blocking core call goes through :class:`gui.task_runner.TaskRunner`.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget

from core.errors import SyncBridgeError
from core.paths import AppPaths
from core.profile import Profile, ProfileStore
from gui.crash_handler import install_excepthook
from gui.error_text import describe_error
from gui.icons import app_icon
from gui.journal_window import JournalWindow, state_restorer, state_store_loader
from gui.master_password_dialog import MasterPasswordDialog
from gui.plain_text import warning_box
from gui.single_instance import SingleInstance
from gui.sync_controller import SyncController, SyncRunnerLike
from gui.task_runner import TaskRunner
from gui.translations import install_translators, resolve_language
from gui.tray import TrayController
from gui.wizard import SetupWizard, WizardServices, default_services

log = logging.getLogger(__name__)

APP_NAME = "SyncBridge"
ORGANIZATION = "SyncBridge"
FIRST_RUN_DELAY_MS = 3000  # the first sync starts shortly after launch, once the tray is up
SHUTDOWN_WAIT_MS = 15_000  # a running sync gets this long to stop at a record boundary


def _default_credentials(paths: AppPaths) -> Any:
    from core.secrets import CredentialStore

    return CredentialStore(paths)


def _default_sync_runner(paths: AppPaths, credentials: Any) -> SyncRunnerLike:
    from core.sync.runner import SyncRunner

    return SyncRunner(paths, credentials)


def _default_demo(paths: AppPaths) -> Any:
    from core.sandbox.demo import DemoEnvironment

    return DemoEnvironment(paths)


class DesktopApp(QObject):
    """Owns the runner, the sync controller, the tray and the windows; implements the tray's commands."""

    def __init__(
        self,
        paths: AppPaths,
        *,
        demo: bool = False,
        make_credentials: Callable[[AppPaths], Any] = _default_credentials,
        make_services: Callable[[AppPaths, Any], WizardServices] = default_services,
        make_sync_runner: Callable[[AppPaths, Any], SyncRunnerLike] = _default_sync_runner,
        make_demo: Callable[[AppPaths], Any] = _default_demo,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.base_paths = paths
        self.paths = paths
        self.demo = demo
        self._make_credentials = make_credentials
        self._make_services = make_services
        self._make_sync_runner = make_sync_runner
        self._make_demo = make_demo
        self.runner = TaskRunner(self)
        self.credentials: Any = None
        self.profile: Profile | None = None
        self.controller: SyncController | None = None
        self.tray: TrayController | None = None
        self.journal: JournalWindow | None = None
        self.wizard: SetupWizard | None = None
        self.demo_env: Any = None
        self.banner_text = ""
        self._splash: QLabel | None = None

    # ---- start-up sequence -----------------------------------------------------------------------------------
    @Slot()
    def start(self) -> None:
        if self.demo:
            self._start_demo()
        else:
            self._open_credentials()

    def _start_demo(self) -> None:
        self._splash = QLabel(self.tr("Запускаю демо-режим: учебные серверы 1С и Битрикс24…"))
        self._splash.setWindowTitle(APP_NAME)
        self._splash.setWindowIcon(app_icon())
        self._splash.setMargin(24)
        self._splash.show()
        self.demo_env = self._make_demo(self.base_paths)
        environment = self.demo_env
        self.runner.submit(lambda context: environment.start(), on_result=self._on_demo_started,
                           on_error=self._on_demo_failed, owner=self)

    def _on_demo_started(self, demo_paths: AppPaths) -> None:
        self._close_splash()
        self.paths = demo_paths
        self.banner_text = self.demo_env.portal_summary()
        self._open_credentials()

    def _on_demo_failed(self, error: BaseException) -> None:
        self._close_splash()
        self._error_box(self.tr("Демо-режим не запустился: {error}").format(error=describe_error(error)))
        self.exit(1)

    def _close_splash(self) -> None:
        if self._splash is not None:
            self._splash.close()
            self._splash.deleteLater()
            self._splash = None

    def _open_credentials(self) -> None:
        self.credentials = self._make_credentials(self.paths)
        try:
            needs_password = self.credentials.needs_master_password()
        except SyncBridgeError as error:
            self._error_box(describe_error(error))
            needs_password = False  # the wizard will ask for the secrets again
        if needs_password:
            dialog = MasterPasswordDialog(self.credentials, self.runner)
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            dialog.deleteLater()
            if not accepted:
                self.exit(0)
                return
        self._load_profile()

    def _load_profile(self) -> None:
        try:
            profile = ProfileStore(self.paths).load()
        except SyncBridgeError as error:
            self._error_box(describe_error(error))
            profile = None
        if profile is None:
            self._open_wizard(existing=None)
        else:
            self._start_sync(profile)

    def _start_sync(self, profile: Profile) -> None:
        self.profile = profile
        paths, credentials, make_runner = self.paths, self.credentials, self._make_sync_runner
        self.controller = SyncController(self.runner, lambda: make_runner(paths, credentials),
                                         schedule_minutes=profile.schedule_minutes, parent=self)
        self.tray = TrayController(self.controller, self, parent=self)
        self.tray.show()
        self.controller.start_schedule(first_run_after_ms=FIRST_RUN_DELAY_MS)
        self._seed_last_run()
        if self.demo:
            self.show_journal()  # in the demo the user came to watch: show what happens right away

    def _seed_last_run(self) -> None:
        load = state_store_loader(self.paths, limit=1)
        self.runner.submit(lambda context: load(False), on_result=self._on_last_run_loaded,
                           on_error=lambda error: log.warning("Журнал не прочитан: %s", error), owner=self)

    def _on_last_run_loaded(self, data: Any) -> None:
        run = data.last_run
        if run is not None and self.controller is not None and run.finished_at is not None:
            moment = run.finished_at
            self.controller.set_last_run(moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment)

    # ---- wizard / settings -----------------------------------------------------------------------------------
    def _open_wizard(self, existing: Profile | None) -> None:
        services = self._make_services(self.paths, self.credentials)
        self.wizard = SetupWizard(services, self.runner, existing=existing)
        self.wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.wizard.finished.connect(self._on_wizard_finished)
        self.wizard.show()
        self.wizard.raise_()
        self.wizard.activateWindow()

    @Slot(int)
    def _on_wizard_finished(self, result: int) -> None:
        wizard, self.wizard = self.wizard, None
        if wizard is None:
            return
        profile = wizard.result_profile
        wizard.deleteLater()
        accepted = result == QDialog.DialogCode.Accepted.value and profile is not None
        if self.controller is None:  # first run
            if accepted:
                self._start_sync(profile)  # type: ignore[arg-type]
            else:
                self.exit(0)
            return
        if accepted:
            assert profile is not None
            language_changed = profile.language != (self.profile.language if self.profile else profile.language)
            self.profile = profile
            self.controller.set_schedule_minutes(profile.schedule_minutes)
            if self.tray is not None and language_changed:
                self.tray.notify(APP_NAME, self.tr("Язык интерфейса изменится после перезапуска программы."))

    # ---- tray commands ---------------------------------------------------------------------------------------
    @Slot()
    def sync_now(self) -> None:
        if self.controller is not None and not self.controller.sync_now() and self.tray is not None:
            self.tray.notify(APP_NAME, self.tr("Синхронизация уже идёт — дождитесь её окончания."))

    @Slot()
    def show_journal(self) -> None:
        if self.journal is None:
            self.journal = JournalWindow(self.runner, self.controller, state_store_loader(self.paths),
                                         banner_text=self.banner_text, restore=state_restorer(self.paths))
        self._bring_up(self.journal)

    @Slot()
    def open_settings(self) -> None:
        if self.wizard is not None:
            self._bring_up(self.wizard)
            return
        self._open_wizard(existing=self.profile)

    @Slot()
    def toggle_pause(self) -> None:
        if self.controller is not None:
            self.controller.set_paused(not self.controller.snapshot().paused)

    @Slot()
    def quit_app(self) -> None:
        self.exit(0)

    @Slot()
    def show_main_window(self) -> None:
        """A second start of the program asked us to show ourselves."""
        if self.wizard is not None:
            self._bring_up(self.wizard)
        elif self.controller is not None:
            self.show_journal()

    # ---- helpers ---------------------------------------------------------------------------------------------
    @staticmethod
    def _bring_up(window: QWidget) -> None:
        if window.isMinimized():
            window.showNormal()
        window.show()
        window.raise_()
        window.activateWindow()

    def _error_box(self, text: str) -> None:
        warning_box(None, APP_NAME, text)

    def exit(self, code: int) -> None:
        QCoreApplication.exit(code)

    def shutdown(self) -> None:
        """Stop the schedule, let a running sync stop at a record boundary, stop demo sandboxes."""
        if self.controller is not None:
            self.controller.stop()
        if self.tray is not None:
            self.tray.hide()
        if not self.runner.shutdown(SHUTDOWN_WAIT_MS):
            log.warning("Фоновые задачи не завершились за %s мс", SHUTDOWN_WAIT_MS)
        if self.demo_env is not None:
            try:
                self.demo_env.stop()
            except Exception:
                log.exception("Демо-серверы не остановились")
            self.demo_env = None


def _profile_language(paths: AppPaths) -> str | None:
    try:
        profile = ProfileStore(paths).load()
    except SyncBridgeError:
        return None
    return profile.language if profile else None


def run_gui(paths: AppPaths, *, demo: bool) -> int:
    """Run the desktop app until the user quits; returns the process exit code."""
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)  # the program lives in the tray
    app.setWindowIcon(app_icon())
    translators = install_translators(app, resolve_language(_profile_language(paths)))
    try:
        return _run_single_instance(app, paths, demo=demo)
    finally:
        for translator in translators:  # leave the QApplication as we found it (tests reuse it)
            app.removeTranslator(translator)


def _run_single_instance(app: QApplication, paths: AppPaths, *, demo: bool) -> int:
    instance = SingleInstance(paths)
    if not instance.acquire():
        if not instance.notify_running_instance():
            log.warning("SyncBridge уже запущен, но не ответил на просьбу показать окно")
        return 0
    install_excepthook(paths.log_dir)
    desktop = DesktopApp(paths, demo=demo)
    instance.show_requested.connect(desktop.show_main_window)
    QTimer.singleShot(0, desktop.start)  # start inside the event loop, so exit() from the start-up works
    try:
        code = app.exec()
    finally:
        desktop.shutdown()
        instance.release()
    return code

