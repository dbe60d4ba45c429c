"""What the two connection pages (1C, Bitrix24) share: «Далее» only after a passed check of exactly what is typed
now (or unchanged saved settings, or an explicit «Продолжить без проверки»); the check runs in the task runner."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QWizardPage

from gui.error_text import describe_error
from gui.task_runner import TaskContext, TaskRunner
from gui.wizard.check_panel import CheckPanel
from gui.wizard.completion_gate import CompletionGate
from gui.wizard.services import WizardServices

#: a check that has not answered in this long is given up (the core's own timeouts are shorter; this is the
#: ceiling for a server that accepts the connection and then says nothing)
CHECK_TIMEOUT_MS = 30_000


class ConnectionPage(QWizardPage):
    check_timeout_ms = CHECK_TIMEOUT_MS

    def __init__(self, services: WizardServices, runner: TaskRunner) -> None:
        super().__init__()
        self._services = services
        self._runner = runner
        self.check = CheckPanel()
        self.check.check_requested.connect(self._start_check)
        self.check.cancel_requested.connect(self.cancel_check)
        self.check.state_changed.connect(self._refresh_complete)
        self._gate: CompletionGate | None = None
        # each check gets a number; an answer for an older number (cancelled, timed out) is dropped
        self._generation = 0
        self._handle: object | None = None
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.timeout.connect(self._on_timeout)

    def _install_gate(self, field_name: str) -> None:
        """Call at the end of the subclass constructor, once all inputs exist."""
        self._gate = CompletionGate(self, field_name)
        self._refresh_complete()

    # ---- what a page tells about itself ------------------------------------------------------------------------
    def fingerprint(self) -> Hashable:
        raise NotImplementedError

    def unchanged_saved(self) -> bool:
        raise NotImplementedError

    def input_problem(self) -> str | None:
        """Why the current input cannot be checked (Russian, translated), or None when it can."""
        raise NotImplementedError

    def check_work(self) -> Callable[[TaskContext], Any]:
        """The blocking check of the current input, to run in a worker thread; returns a CheckReport."""
        raise NotImplementedError

    def on_input_changed(self) -> None:
        """Hook for page-specific reactions to an edit."""

    # ---- shared behaviour --------------------------------------------------------------------------------------
    def ready(self) -> bool:
        """What isComplete() would say: filled in, and checked (or unchanged, or explicitly not checked)."""
        if self.input_problem() is not None or self.check.running:
            return False
        return self.unchanged_saved() or self.check.passed_for(self.fingerprint()) or self.check.skip_confirmed

    @Slot()
    def _refresh_complete(self) -> None:
        if self._gate is not None:
            self._gate.set_ready(self.ready())

    @Slot()
    def _on_input_changed(self) -> None:
        self.on_input_changed()
        self.check.invalidate()
        if self.unchanged_saved():
            self.check.show_unchanged()
        self._refresh_complete()

    @Slot()
    def _start_check(self) -> None:
        problem = self.input_problem()
        if problem:
            self.check.show_error(problem)
            return
        fingerprint = self.fingerprint()
        work = self.check_work()
        self._generation += 1
        generation = self._generation
        self.check.set_running()
        self._refresh_complete()
        self._timeout.start(self.check_timeout_ms)
        self._handle = self._runner.submit(
            work, on_result=lambda report: self._on_checked(report, fingerprint, generation),
            on_error=lambda error: self._on_check_failed(error, generation), owner=self)

    @Slot()
    def cancel_check(self) -> None:
        """«Отменить»: the page is free at once; the abandoned check ends in the background and is ignored."""
        if not self.check.running:
            return
        self._abandon()
        self.check.show_cancelled(self.tr("Проверка отменена."))
        self._refresh_complete()

    @Slot()
    def _on_timeout(self) -> None:
        if not self.check.running:
            return
        self._abandon()
        self.check.show_error(self.tr(
            "Сервер не ответил за {n} с. Проверьте адрес и что сервер доступен из этой сети (не мешает ли "
            "прокси или брандмауэр), затем проверьте ещё раз.").format(n=self.check_timeout_ms // 1000))
        self._refresh_complete()

    def _abandon(self) -> None:
        self._generation += 1
        self._timeout.stop()
        cancel = getattr(self._handle, "cancel", None)
        if callable(cancel):
            cancel()
        self._handle = None

    def _on_checked(self, report: Any, fingerprint: Hashable, generation: int) -> None:
        if generation != self._generation:
            return  # cancelled or timed out: the user has moved on
        self._timeout.stop()
        # a check answers for the input it was started with; typing during the check makes it stale
        self.check.show_report(report, fingerprint, still_current=fingerprint == self.fingerprint())
        self._refresh_complete()

    def _on_check_failed(self, error: BaseException, generation: int) -> None:
        if generation != self._generation:
            return
        self._timeout.stop()
        self.check.show_error(describe_error(error))
        self._refresh_complete()
