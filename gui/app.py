"""The desktop application: start-up sequence, single instance, and the glue between tray, windows and core.

Start-up: translators → single instance (a second start only asks the first to show its window) → [demo sandboxes]
→ master password when there is no usable OS keyring → the wizard when nothing is configured → the preview of the
first sync (nothing is written before the admin confirms) → the tray with the schedule running.
Every core call goes through the service facade (core.service.SyncService) and, when it may block, through
:class:`gui.task_runner.TaskRunner`.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox, QWidget

from core.paths import AppPaths
from core.service import Profile, SchedulePolicy, SyncBridgeError, SyncService
from gui.crash_handler import install_excepthook
from gui.error_text import describe_error
from gui.icons import app_icon
from gui.journal_window import JournalWindow, service_loader, state_restorer
from gui.master_password_dialog import MasterPasswordDialog
from gui.overview_window import OverviewWindow
from gui.plain_text import warning_box
from gui.preview_dialog import PreviewDialog
from gui.review_window import ReviewWindow
from gui.settings_window import SettingsWindow
from gui.single_instance import SingleInstance
from gui.sync_controller import SyncController
from gui.task_runner import TaskRunner
from gui.translations import install_translators, resolve_language, switch_language, system_language
from gui.tray import TrayController
from gui.wizard import SetupWizard, default_services

log = logging.getLogger(__name__)

APP_NAME = "SyncBridge"
ORGANIZATION = "SyncBridge"
FIRST_RUN_DELAY_MS = 3000  # the first sync starts shortly after launch, once the tray is up
SHUTDOWN_WAIT_MS = 15_000  # background tasks other than the sync (checks, journal reads) get this long
QUIT_STOP_WAIT_MS = 5_000  # a sync asked to stop answers within a second; this is the ceiling before quitting


def _default_service(paths: AppPaths) -> Any:
    return SyncService(paths)


def _default_demo(paths: AppPaths) -> Any:
    return SyncService.demo(paths)


class DesktopApp(QObject):
    """Owns the runner, the sync controller, the tray and the windows; implements the tray's commands."""

    def __init__(
        self,
        paths: AppPaths,
        *,
        demo: bool = False,
        make_service: Callable[[AppPaths], Any] = _default_service,
        make_demo: Callable[[AppPaths], Any] = _default_demo,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.base_paths = paths
        self.paths = paths
        self.demo = demo
        self._make_service = make_service
        self._make_demo = make_demo
        self.runner = TaskRunner(self)
        self.service: Any = None
        self.profile: Profile | None = None
        self.controller: SyncController | None = None
        self.tray: TrayController | None = None
        self.journal: JournalWindow | None = None
        self.wizard: SetupWizard | None = None
        self.settings: SettingsWindow | None = None
        self.review: ReviewWindow | None = None
        self.preview: PreviewDialog | None = None
        self.overview: OverviewWindow | None = None
        self.demo_env: Any = None
        self.banner_text = ""
        self._splash: QLabel | None = None
        self._quitting = False

    # ---- start-up sequence -----------------------------------------------------------------------------------
    @Slot()
    def start(self) -> None:
        if self.demo:
            self._start_demo()
        else:
            self._open_service()

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
        self._open_service()

    def _on_demo_failed(self, error: BaseException) -> None:
        self._close_splash()
        self._error_box(self.tr("Демо-режим не запустился: {error}").format(error=describe_error(error)))
        self.exit(1)

    def _close_splash(self) -> None:
        if self._splash is not None:
            self._splash.close()
            self._splash.deleteLater()
            self._splash = None

    def _open_service(self) -> None:
        self.service = self._make_service(self.paths)
        try:
            needs_password = self.service.needs_master_password()
        except SyncBridgeError as error:
            self._error_box(describe_error(error))
            needs_password = False  # the wizard will ask for the secrets again
        if needs_password:
            dialog = MasterPasswordDialog(self.service, self.runner)
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            dialog.deleteLater()
            if not accepted:
                self.exit(0)
                return
        self._load_profile()

    def _load_profile(self) -> None:
        try:
            profile = self.service.profile()
        except SyncBridgeError as error:
            self._error_box(describe_error(error))
            profile = None
        if profile is None:
            self._open_wizard()
        else:
            self._start_sync(profile)

    def _start_sync(self, profile: Profile) -> None:
        self.profile = profile
        service = self.service
        self.controller = SyncController(self.runner, lambda: service, schedule_minutes=profile.schedule_minutes,
                                         parent=self)
        self.controller.set_policy(SchedulePolicy.from_profile(profile))
        self.controller.finished.connect(self._on_sync_finished)
        self.tray = TrayController(self.controller, self, parent=self)
        self.tray.show()
        self.runner.submit(lambda context: service.first_sync_confirmed(), on_result=self._on_confirmation_known,
                           on_error=lambda error: self._on_confirmation_known(True), owner=self)
        self._seed_last_run()
        self.refresh_attention()
        if self.demo:
            self.show_journal()  # in the demo the user came to watch: show what happens right away

    def _on_confirmation_known(self, confirmed: bool) -> None:
        if self.controller is None:
            return
        if confirmed:
            self.controller.start_schedule(first_run_after_ms=FIRST_RUN_DELAY_MS)
        else:
            # nothing is written before the admin saw what the first sync would do and agreed
            self.show_preview(first_run=True)

    def _seed_last_run(self) -> None:
        service = self.service
        self.runner.submit(lambda context: service.last_run(), on_result=self._on_last_run_loaded,
                           on_error=lambda error: log.warning("Журнал не прочитан: %s", error), owner=self)

    def _on_last_run_loaded(self, run: Any) -> None:
        if run is not None and self.controller is not None and run.finished_at is not None:
            moment = run.finished_at
            self.controller.set_last_run(moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment)

    @Slot()
    def refresh_attention(self) -> None:
        """Re-count what waits for a person (after a run, after a decision): the tray shows it."""
        service = self.service
        if service is None:
            return
        self.runner.submit(lambda context: service.attention_count(), on_result=self._on_attention,
                           on_error=lambda error: log.warning("Не удалось прочитать список проверки: %s", error),
                           owner=self)

    def _on_attention(self, count: int) -> None:
        if self.controller is not None:
            self.controller.set_attention(int(count))

    @Slot(object, str)
    def _on_sync_finished(self, report: object, error_text: str) -> None:
        self.refresh_attention()

    # ---- wizard (first run) / settings -----------------------------------------------------------------------
    def _open_wizard(self) -> None:
        self.wizard = SetupWizard(default_services(self.service), self.runner)
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
        if accepted:
            self._apply_language(profile.language)  # type: ignore[union-attr]
            self._start_sync(profile)  # type: ignore[arg-type]
        else:
            self.exit(0)

    @Slot()
    def open_settings(self) -> None:
        if self.wizard is not None:
            self._bring_up(self.wizard)
            return
        if self.settings is None:
            if self.profile is None:
                return
            self.settings = SettingsWindow(self.service, self.runner, self.profile)
            self.settings.saved.connect(self._on_settings_saved)
            self.settings.pause_requested.connect(self.pause_for_hours)
        self._bring_up(self.settings)

    @Slot(object)
    def _on_settings_saved(self, profile: Profile) -> None:
        self.profile = profile
        if self.controller is not None:
            self.controller.set_policy(SchedulePolicy.from_profile(profile))
        self._apply_language(profile.language)

    def _apply_language(self, language: str) -> None:
        """Switch the interface language now: windows are rebuilt in the new language, nothing restarts."""
        app = QApplication.instance()
        if not isinstance(app, QApplication) or not switch_language(app, language):
            return
        if self.tray is not None:
            self.tray.retranslate()
        for name in ("journal", "review", "overview"):
            window = getattr(self, name)
            if window is None:
                continue
            visible = window.isVisible()
            window.close()
            window.deleteLater()
            setattr(self, name, None)
            if visible:
                {"journal": self.show_journal, "review": self.show_review, "overview": self.show_overview}[name]()

    @Slot(float)
    def pause_for_hours(self, hours: float) -> None:
        service = self.service

        def done(_: object) -> None:
            self.runner.submit(lambda context: service.schedule_policy(), on_result=self._on_policy, owner=self)

        if hours <= 0:
            self.runner.submit(lambda context: service.resume(), on_result=done,
                               on_error=lambda e: self._error_box(describe_error(e)), owner=self)
        else:
            self.runner.submit(lambda context: service.pause_for(hours), on_result=done,
                               on_error=lambda e: self._error_box(describe_error(e)), owner=self)

    def _on_policy(self, policy: SchedulePolicy) -> None:
        if self.controller is not None:
            self.controller.set_policy(policy)

    # ---- preview and review ----------------------------------------------------------------------------------
    @Slot()
    def show_preview(self, first_run: bool = False) -> None:
        if self.controller is None:
            return
        if self.preview is None:
            self.preview = PreviewDialog(self.controller, first_run=first_run)
            self.preview.confirmed.connect(self._on_preview_confirmed)
            self.preview.finished.connect(self._on_preview_closed)
        self._bring_up(self.preview)
        self.preview.start()

    @Slot()
    def _on_preview_confirmed(self) -> None:
        service = self.service

        def confirmed(_: object) -> None:
            if self.controller is not None:
                self.controller.start_schedule()
                self.controller.sync_now()
                self.show_journal()

        self.runner.submit(lambda context: service.confirm_first_sync(), on_result=confirmed,
                           on_error=lambda e: self._error_box(describe_error(e)), owner=self)

    @Slot(int)
    def _on_preview_closed(self, result: int) -> None:
        preview, self.preview = self.preview, None
        if preview is not None:
            preview.deleteLater()

    @Slot()
    def show_review(self) -> None:
        if self.review is None:
            self.review = ReviewWindow(self.service, self.runner)
            self.review.decided.connect(self.refresh_attention)
        self._bring_up(self.review)
        self.review.reload()

    @Slot()
    def show_overview(self) -> None:
        if self.overview is None:
            self.overview = OverviewWindow(self.service, self.runner)
        self._bring_up(self.overview)
        self.overview.reload()

    # ---- tray commands ---------------------------------------------------------------------------------------
    @Slot()
    def sync_now(self) -> None:
        if self.controller is not None and not self.controller.sync_now() and self.tray is not None:
            self.tray.notify(APP_NAME, self.tr("Синхронизация уже идёт — дождитесь её окончания."))

    @Slot()
    def show_journal(self) -> None:
        if self.journal is None:
            self.journal = JournalWindow(self.runner, self.controller, service_loader(self.service),
                                         banner_text=self.banner_text, service=self.service,
                                         restore=state_restorer(self.service))
            self.journal.review_requested.connect(self.show_review)
            self.journal.preview_requested.connect(self.show_preview)
            self.journal.overview_requested.connect(self.show_overview)
        self._bring_up(self.journal)

    @Slot()
    def toggle_pause(self) -> None:
        if self.controller is not None:
            self.controller.set_paused(not self.controller.snapshot().paused)

    @Slot()
    def quit_app(self) -> None:
        """Quit; during a sync ask first, then stop it cleanly (the run is recorded as stopped, not failed)."""
        controller = self.controller
        if controller is not None and controller.is_running:
            answer = self._ask(self.tr("Идёт синхронизация. Остановить её и выйти?\n\nУже записанное сохранится, "
                                       "остальное будет перенесено при следующем запуске."))
            if not answer:
                return
            self.stop_running_sync()
        self.exit(0)

    def stop_running_sync(self, timeout_ms: int = QUIT_STOP_WAIT_MS) -> bool:
        """Ask the running sync to stop and wait (events keep flowing) until it ended; True when it did."""
        controller = self.controller
        if controller is None or not controller.is_running:
            return True
        controller.stop()
        loop = QEventLoop()
        controller.finished.connect(loop.quit)
        controller.preview_ready.connect(loop.quit)
        deadline = time.monotonic() + timeout_ms / 1000
        while controller.is_running and time.monotonic() < deadline:
            QTimer.singleShot(100, loop.quit)
            loop.exec()
        return not controller.is_running

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(None, APP_NAME, text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

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
        """Stop the schedule, let a running sync stop, stop demo sandboxes."""
        self.stop_running_sync()
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
    """The saved language, or None (follow the OS) when the admin never chose one."""
    try:
        profile = SyncService(paths).profile()
    except SyncBridgeError:
        return None
    if profile is None or not getattr(profile, "language_chosen", True):
        return None
    return profile.language


def run_gui(paths: AppPaths, *, demo: bool) -> int:
    """Run the desktop app until the user quits; returns the process exit code."""
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)  # the program lives in the tray
    app.setWindowIcon(app_icon())
    translators = install_translators(app, resolve_language(_profile_language(paths), system=system_language()))
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

