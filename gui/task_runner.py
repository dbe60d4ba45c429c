"""The single bridge between blocking core calls and the GUI thread.

Every core call that may block (connection checks, a sync, reading the journal, saving secrets) is handed to
:meth:`TaskRunner.submit`. The work runs on a private ``QThreadPool``; its result, error and progress come back
through signals of the runner itself, connected with ``QueuedConnection`` to the runner's own bound slots, so the
callbacks always run in the GUI thread. That is why callers may pass lambdas as callbacks: in PySide6 a lambda
connected *directly* to a worker's signal would run in the worker thread (desktop-stack.md §1.7), but here the
lambdas are only ever called from a GUI-thread slot.

A callback whose ``owner`` QObject has been deleted in the meantime (window closed during a check) is dropped
instead of crashing on a dead C++ object.

Only the task id crosses threads as a signal argument. Results, errors and progress values wait in a locked
per-task queue and are picked up by the GUI-thread slot: passing Python objects (an exception with its traceback)
as ``Signal(object)`` arguments through a queued connection crashed PySide6 6.12 intermittently under load.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

from core.service import SyncBridgeError

log = logging.getLogger(__name__)

T = TypeVar("T")
_RESULT, _ERROR, _PROGRESS = "result", "error", "progress"


class TaskContext:
    """Handed to the work function (in the worker thread): progress reporting and cancellation."""

    def __init__(self, runner: TaskRunner, task_id: int) -> None:
        self._runner = runner
        self._task_id = task_id
        self.cancel_event = threading.Event()
        #: ident of the thread the work ran in; tests use it to prove the GUI thread stayed free
        self.thread_ident: int | None = None

    def report_progress(self, value: Any) -> None:
        self._runner._post(self._task_id, _PROGRESS, value)

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()


@dataclass
class _Callbacks:
    on_result: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    on_progress: Callable[[Any], None] | None
    owner: QObject | None


class TaskHandle(Generic[T]):
    """What :meth:`TaskRunner.submit` returns: lets the caller cancel and ask whether the task is still running."""

    def __init__(self, task_id: int, context: TaskContext) -> None:
        self.id = task_id
        self.context = context
        self.finished = False

    def cancel(self) -> None:
        self.context.cancel_event.set()


class _Job(QRunnable):
    def __init__(self, runner: TaskRunner, handle: TaskHandle[Any], work: Callable[[TaskContext], Any]) -> None:
        super().__init__()
        self._runner = runner
        self._handle = handle
        self._work = work
        self.setAutoDelete(True)

    def run(self) -> None:
        context = self._handle.context
        context.thread_ident = threading.get_ident()
        try:
            result = self._work(context)
        except SyncBridgeError as exc:
            # expected, user-facing failures: no traceback in the log, the text is shown as is
            log.info("Задача %s завершилась ошибкой: %s", self._handle.id, exc.message)
            self._runner._post(self._handle.id, _ERROR, exc.with_traceback(None))
        except Exception as exc:
            log.exception("Задача %s упала", self._handle.id)
            # the traceback (worker frames and their locals) stays in the log, not in the GUI thread
            self._runner._post(self._handle.id, _ERROR, exc.with_traceback(None))
        else:
            self._runner._post(self._handle.id, _RESULT, result)


class TaskRunner(QObject):
    """Runs work off the GUI thread and delivers its outcome back to the GUI thread. Create it in the GUI thread."""

    #: "task <id> has something in its queue" — the only thing emitted across threads
    _ready = Signal(int)

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, _Callbacks] = {}
        self._handles: dict[int, TaskHandle[Any]] = {}
        self._lock = threading.Lock()
        self._outbox: dict[int, deque[tuple[str, Any]]] = {}
        self._closed = False
        self._ready.connect(self._drain, Qt.ConnectionType.QueuedConnection)

    def submit(
        self,
        work: Callable[[TaskContext], T],
        *,
        on_result: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
        owner: QObject | None = None,
    ) -> TaskHandle[T]:
        """Start ``work(context)`` in a worker thread; callbacks run later in the GUI thread.

        ``work`` must not touch widgets. ``owner``: when given and deleted before the task ends, callbacks are skipped.
        """
        task_id = next(self._ids)
        handle: TaskHandle[T] = TaskHandle(task_id, TaskContext(self, task_id))
        self._callbacks[task_id] = _Callbacks(on_result, on_error, on_progress, owner)
        self._handles[task_id] = handle
        self._pool.start(_Job(self, handle, work))
        return handle

    def active_count(self) -> int:
        return len(self._callbacks)

    def cancel_all(self) -> None:
        for handle in self._handles.values():
            handle.cancel()

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Ask every task to stop and wait for the workers; True when all of them ended in time."""
        self.cancel_all()
        done = self._pool.waitForDone(timeout_ms)
        with self._lock:
            self._closed = True  # from now on workers that still finish deliver nothing
        return done

    # ---- hand-over (worker thread) -----------------------------------------------------------------------------
    def _post(self, task_id: int, kind: str, value: Any) -> None:
        with self._lock:
            self._outbox.setdefault(task_id, deque()).append((kind, value))
            if self._closed:
                return
        # the GUI may be gone by now (quit while a worker was finishing): emitting on a deleted runner raised
        # "RuntimeError: Signal source has been deleted" in the worker, which the crash log then carried
        if not shiboken6.isValid(self):
            return
        try:
            self._ready.emit(task_id)
        except RuntimeError:
            log.debug("Результат задачи %s пришёл после закрытия окна — отброшен", task_id)

    # ---- delivery (GUI thread) -------------------------------------------------------------------------------
    @Slot(int)
    def _drain(self, task_id: int) -> None:
        while True:
            with self._lock:
                queue = self._outbox.get(task_id)
                if not queue:
                    self._outbox.pop(task_id, None)
                    return
                kind, value = queue.popleft()
            if kind == _PROGRESS:
                self._deliver_progress(task_id, value)
            elif kind == _RESULT:
                self._deliver_result(task_id, value)
            else:
                self._deliver_error(task_id, value)

    def _take(self, task_id: int) -> _Callbacks | None:
        callbacks = self._callbacks.pop(task_id, None)
        handle = self._handles.pop(task_id, None)
        if handle is not None:
            handle.finished = True
        return callbacks if callbacks and self._owner_alive(callbacks) else None

    @staticmethod
    def _owner_alive(callbacks: _Callbacks) -> bool:
        return callbacks.owner is None or shiboken6.isValid(callbacks.owner)

    def _deliver_result(self, task_id: int, result: object) -> None:
        callbacks = self._take(task_id)
        if callbacks and callbacks.on_result:
            callbacks.on_result(result)

    def _deliver_error(self, task_id: int, error: BaseException) -> None:
        callbacks = self._take(task_id)
        if callbacks is None:
            return
        if callbacks.on_error:
            callbacks.on_error(error)
        else:
            log.warning("Ошибка фоновой задачи без обработчика: %s", error)

    def _deliver_progress(self, task_id: int, value: object) -> None:
        callbacks = self._callbacks.get(task_id)
        if callbacks and callbacks.on_progress and self._owner_alive(callbacks):
            callbacks.on_progress(value)
