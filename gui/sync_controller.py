"""The sync loop of the desktop app: schedule, "sync now", pause, retry after failure, and the status it shows.

One instance per app, shared by the tray, the status window and the journal window. It guarantees that two runs
never overlap: a request while a run is in progress is refused (and said so), the schedule simply skips that tick.
The blocking ``SyncRunner.run_once`` always runs through :class:`gui.task_runner.TaskRunner`; the runner object is
built inside the worker so that its SQLite connection lives and dies in that one thread.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from core.service import Cancelled, ConnectionFailed, SchedulePolicy, SyncAlreadyRunning, SyncBridgeError
from gui.error_text import describe_error
from gui.task_runner import TaskContext, TaskHandle, TaskRunner

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.1  # at most ~10 progress updates a second reach the GUI, the rest are dropped


class SyncRunnerLike(Protocol):
    def run_once(self, dry_run: bool = False, progress: Callable[[Any], None] | None = None,
                 cancel: threading.Event | None = None, trigger: str = "manual") -> Any: ...


class SyncState(enum.Enum):
    IDLE = "idle"
    SYNCING = "syncing"
    ERROR = "error"
    PAUSED = "paused"
    DISCONNECTED = "disconnected"


@dataclass(frozen=True)
class SyncSnapshot:
    """Everything the tray, the status window and the journal need to show the sync status."""

    state: SyncState = SyncState.IDLE
    paused: bool = False
    last_finished_at: datetime | None = None
    last_summary: str | None = None
    error_text: str | None = None
    stage: str | None = None
    done: int = 0
    total: int | None = None
    next_run_at: datetime | None = None
    #: whole-run figures of the running sync (stage, entity, done/total, speed, time left, live counts)
    progress: Any = None
    #: items waiting for a person (probable duplicates, conflicts): the tray says "needs attention"
    attention: int = 0
    #: the schedule is held until this moment (pause for N hours)
    paused_until: datetime | None = None


class SyncController(QObject):
    #: the snapshot changed (state, progress, times): views re-read :meth:`snapshot`
    changed = Signal()
    #: a run started
    started = Signal()
    #: a run ended: (report or None, error text or "")
    finished = Signal(object, str)
    #: a dry run ended: (Preview or None, error text or "")
    preview_ready = Signal(object, str)

    def __init__(
        self,
        runner: TaskRunner,
        make_sync_runner: Callable[[], SyncRunnerLike],
        *,
        schedule_minutes: float = 15,
        retry_minutes: float = 5,
        now: Callable[[], datetime] = datetime.now,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._make_sync_runner = make_sync_runner
        self._now = now
        self._snapshot = SyncSnapshot()
        self._handle: TaskHandle[Any] | None = None
        self._state_before_run = SyncState.IDLE
        self._schedule_timer = QTimer(self)
        self._schedule_timer.timeout.connect(self._on_schedule_tick)
        self._retry_timer = QTimer(self)
        self._retry_timer.setSingleShot(True)
        self._retry_timer.timeout.connect(self._on_retry_tick)
        self._retry_ms = _minutes_to_ms(retry_minutes)
        self._failures = 0
        self._dry_run = False
        self._policy = SchedulePolicy(interval_s=schedule_minutes * 60, first_retry_s=retry_minutes * 60)
        self.set_schedule_minutes(schedule_minutes)

    # ---- queries ---------------------------------------------------------------------------------------------
    def snapshot(self) -> SyncSnapshot:
        return replace(self._snapshot, next_run_at=self._next_run_at())

    @property
    def is_running(self) -> bool:
        return self._handle is not None

    @property
    def schedule_minutes(self) -> int:
        return self._schedule_timer.interval() // 60_000

    def _next_run_at(self) -> datetime | None:
        if self._snapshot.paused or not self._schedule_timer.isActive():
            return None
        remaining = self._schedule_timer.remainingTime()
        if self._retry_timer.isActive():
            remaining = min(remaining, self._retry_timer.remainingTime())
        return self._now() + timedelta(milliseconds=max(0, remaining))

    # ---- commands --------------------------------------------------------------------------------------------
    def set_schedule_minutes(self, minutes: float) -> None:
        self._schedule_timer.setInterval(_minutes_to_ms(minutes))
        self._retry_timer.setInterval(min(self._retry_ms, self._schedule_timer.interval()))
        self._policy = replace(self._policy, interval_s=minutes * 60)
        self.changed.emit()

    def set_policy(self, policy: SchedulePolicy) -> None:
        """The profile's schedule (interval, working hours, pause) — the same policy the service loop uses."""
        self._policy = replace(policy, first_retry_s=self._policy.first_retry_s)
        self.set_schedule_minutes(policy.interval_s / 60)
        self._set(paused_until=policy.paused_until if policy.is_paused(self._now()) else None)

    @property
    def policy(self) -> SchedulePolicy:
        return self._policy

    def set_attention(self, count: int) -> None:
        if count != self._snapshot.attention:
            self._set(attention=count)

    def start_schedule(self, first_run_after_ms: int | None = None) -> None:
        """Start the periodic timer; optionally run once soon (at app start) instead of after a full interval."""
        if not self._snapshot.paused:
            self._schedule_timer.start()
            if first_run_after_ms is not None:
                self._retry_timer.start(first_run_after_ms)
        self.changed.emit()

    def set_last_run(self, finished_at: datetime | None, summary: str | None = None) -> None:
        """Seed "last synchronised at" from the state store at start-up (before any run of this session)."""
        if self._snapshot.last_finished_at is None:
            self._set(last_finished_at=finished_at, last_summary=summary)

    def set_paused(self, paused: bool) -> None:
        if paused == self._snapshot.paused:
            return
        if paused:
            self._schedule_timer.stop()
            self._retry_timer.stop()
        else:
            self._schedule_timer.start()
        state = self._snapshot.state
        if not self.is_running:
            state = SyncState.PAUSED if paused else (
                SyncState.IDLE if state == SyncState.PAUSED else state)
        self._set(paused=paused, state=state)

    def sync_now(self, trigger: str = "manual", *, dry_run: bool = False) -> bool:
        """Start a run now (``dry_run``: the preview). False (and nothing happens) when a run is in progress."""
        if self.is_running:
            log.info("Синхронизация уже идёт — повторный запуск пропущен")
            return False
        self._retry_timer.stop()
        self._state_before_run = self._snapshot.state
        self._dry_run = dry_run
        progress_sink = _ThrottledProgress()

        def work(context: TaskContext) -> Any:
            sync_runner = self._make_sync_runner()
            if dry_run:
                return sync_runner.preview(progress=progress_sink.bind(context), cancel=context.cancel_event)
            return sync_runner.run_once(
                dry_run=False,
                progress=progress_sink.bind(context),
                cancel=context.cancel_event,
                trigger=trigger,
            )

        self._set(state=SyncState.SYNCING, stage=None, done=0, total=None, progress=None)
        self._handle = self._runner.submit(
            work, on_result=self._on_run_result, on_error=self._on_run_error,
            on_progress=self._on_run_progress, owner=self)
        self.started.emit()
        return True

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()

    def stop(self) -> None:
        """Stop timers and ask a running sync to stop (app shutdown)."""
        self._schedule_timer.stop()
        self._retry_timer.stop()
        self.cancel()

    # ---- timers ----------------------------------------------------------------------------------------------
    def _allowed_now(self) -> bool:
        """Working hours and a pause-for-N-hours hold scheduled runs (a person's «Синхронизировать» never)."""
        if self._snapshot.paused:
            return False
        allowed = self._policy.wait_until_allowed(self._now()) == 0
        if allowed and self._snapshot.paused_until is not None:
            self._set(paused_until=None)
        return allowed

    @Slot()
    def _on_schedule_tick(self) -> None:
        if self._allowed_now():
            self.sync_now("schedule")  # refused silently while a run is in progress: the next tick will come

    @Slot()
    def _on_retry_tick(self) -> None:
        if self._allowed_now():
            self.sync_now("schedule")

    # ---- results (GUI thread, via TaskRunner) ----------------------------------------------------------------
    def _on_run_progress(self, progress: Any) -> None:
        self._set(stage=getattr(progress, "stage", None), done=int(getattr(progress, "done", 0) or 0),
                  total=getattr(progress, "total", None), progress=progress)

    def _on_run_result(self, report: Any) -> None:
        self._handle = None
        if self._dry_run:
            self._dry_run = False
            self._back_to_rest()
            self.preview_ready.emit(report, "")
            return
        self._failures = 0
        if getattr(report, "status", None) == "cancelled":
            self._back_to_rest()
            self.finished.emit(report, "")
            return
        finished_at = _as_local_datetime(getattr(report, "finished_at", None)) or self._now()
        summary_fn = getattr(report, "summary_text", None)
        summary = summary_fn() if callable(summary_fn) else None
        failed = int(getattr(report, "failed", 0) or 0)
        error_text = None
        state = SyncState.PAUSED if self._snapshot.paused else SyncState.IDLE
        if failed:
            state = SyncState.ERROR
            error_text = self.tr("не перенесено записей: {n} — подробности в журнале").format(n=failed)
        self._set(state=state, last_finished_at=finished_at, last_summary=summary, error_text=error_text,
                  stage=None, done=0, total=None, progress=None)
        self.finished.emit(report, error_text or "")

    def _on_run_error(self, error: BaseException) -> None:
        self._handle = None
        text = describe_error(error)
        if self._dry_run:
            self._dry_run = False
            self._back_to_rest()
            self.preview_ready.emit(None, "" if isinstance(error, Cancelled) else text)
            return
        if isinstance(error, Cancelled):
            self._back_to_rest()
            self.finished.emit(None, "")
            return
        if isinstance(error, SyncAlreadyRunning):
            # a CLI or service run holds the sync lock: not a failure of ours, just try again later
            self._back_to_rest()
            if not self._snapshot.paused:
                self._retry_timer.start()
            self.finished.emit(None, text)
            return
        state = SyncState.DISCONNECTED if isinstance(error, ConnectionFailed) else SyncState.ERROR
        if not isinstance(error, SyncBridgeError):
            log.error("Синхронизация прервана внутренней ошибкой: %r", error)
        if not self._snapshot.paused:
            # a failed run is retried sooner than the regular schedule: 1, 2, 4… minutes (the one retry policy)
            self._failures += 1
            self._retry_timer.start(max(10, min(int(self._policy.retry_delay(self._failures) * 1000),
                                                self._schedule_timer.interval())))
        self._set(state=state, error_text=text, stage=None, done=0, total=None, progress=None)
        self.finished.emit(None, text)

    def _back_to_rest(self) -> None:
        """After a run that neither succeeded nor failed (cancelled, lock busy): the state from before it."""
        state = self._state_before_run
        if self._snapshot.paused:
            state = SyncState.PAUSED
        elif state in (SyncState.SYNCING, SyncState.PAUSED):
            state = SyncState.IDLE
        self._set(state=state, stage=None, done=0, total=None, progress=None)

    def _set(self, **changes: Any) -> None:
        self._snapshot = replace(self._snapshot, **changes)
        self.changed.emit()


def _minutes_to_ms(minutes: float) -> int:
    # fractions of a minute only ever come from tests; QTimer takes an int of ms (max ~24.8 days)
    return max(10, min(int(minutes * 60_000), 2**31 - 1))


def _as_local_datetime(value: Any) -> datetime | None:
    """SyncReport.finished_at is an ISO string in UTC; the status shows naive local time."""
    if isinstance(value, str) and value:
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value.astimezone().replace(tzinfo=None) if value.tzinfo else value


class _ThrottledProgress:
    """Forwards progress from the worker to the GUI at a bounded rate, but never drops a change of stage."""

    def __init__(self) -> None:
        self._last_sent = 0.0
        self._last_stage: object = object()

    def bind(self, context: TaskContext) -> Callable[[Any], None]:
        def report(progress: Any) -> None:
            now = time.monotonic()
            stage = getattr(progress, "stage", None)
            if stage != self._last_stage or now - self._last_sent >= PROGRESS_INTERVAL_S:
                self._last_sent, self._last_stage = now, stage
                context.report_progress(progress)

        return report

