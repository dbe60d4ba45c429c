"""Several requests in flight to one portal, results handed back on the caller's thread.

A portal answers a write batch in seconds (~40 ms per record written) while its rate limit lets a request
through every half second: with one request in flight the client mostly waits. :class:`InFlight` keeps up to
``limit`` batches on the wire at once. Pacing stays where it was: every request still draws from the client's
one leaky bucket and the per-method operating budget (``Bitrix24Client._exchange``), so more requests in flight
never means more requests per second than the portal allows — only less idle waiting.

Worker threads do HTTP only. Results are yielded on the thread that iterates, in completion order, so the
caller (the sync engine with its single-threaded SQLite state store) never shares its state with a worker.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Generic, TypeVar
from urllib.parse import urlsplit

from core.errors import AnswerLost, Cancelled, RemoteError, SyncBridgeError

log = logging.getLogger(__name__)

Job = TypeVar("Job")
Result = TypeVar("Result")

#: requests in flight per portal when the profile does not say. Cloud: the bucket refills at 2 requests/s and a
#: write batch takes ~2 s on the portal, so 4 keep pace with the rate once the burst of 50 is spent; more only
#: drain that burst faster, which is what a first load of a few hundred records is made of (600 counterparties
#: before addresses joined the chain: 18.6 s with 8, 13.0 s with 16; benchmarks/bench_throughput.py). The bucket
#: still paces every request, so this is not a faster request rate. A box is one customer server whose PHP workers
#: also serve the office: fewer.
CLOUD_IN_FLIGHT = 16
BOX_IN_FLIGHT = 3
MAX_IN_FLIGHT = 16
_CLOUD_SUFFIXES = (".bitrix24.ru", ".bitrix24.com", ".bitrix24.by", ".bitrix24.kz", ".bitrix24.ua", ".bitrix24.de",
                   ".bitrix24.eu", ".bitrix24.es", ".bitrix24.fr", ".bitrix24.it", ".bitrix24.pl", ".bitrix24.uk",
                   ".bitrix24.in", ".bitrix24.cn", ".bitrix24.tr", ".bitrix24.id", ".bitrix24.jp", ".bitrix24.vn",
                   ".bitrix24.com.br", ".bitrix24.com.tr", ".bitrix24.site", ".bitrix24.shop")

#: what a batch may end with without stopping the others: the caller settles that batch's records itself
PER_BATCH_ERRORS = (AnswerLost, RemoteError)


def _cut_by_stop() -> AnswerLost:
    """A batch a Stop ended (its socket cut, core/cancel.py) may have reached the portal: uncertain, like a lost
    answer — its outbox item stays and it is settled by identity, never re-sent (D6)."""
    return AnswerLost("Запрос к Битрикс24 оборван остановкой синхронизации: записи пакета могли сохраниться.",
                      "Перед новой попыткой записи будут найдены по внешнему идентификатору (ORIGIN_ID / XML_ID).")


def default_in_flight(portal_url: str) -> int:
    host = (urlsplit(portal_url).hostname or "").lower()
    return CLOUD_IN_FLIGHT if host.endswith(_CLOUD_SUFFIXES) else BOX_IN_FLIGHT


def clamp_in_flight(value: int) -> int:
    return max(1, min(MAX_IN_FLIGHT, int(value)))


class InFlight:
    """A small pool of HTTP worker threads, created on first use and kept (their keep-alive connections too)
    until :meth:`close`."""

    def __init__(self, limit: int, *, name: str = "b24-inflight") -> None:
        self.limit = clamp_in_flight(limit)
        self._name = name
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def run(self, send: Callable[[Job], Result], jobs: Sequence[Job], *,
            cancel: threading.Event | None = None) -> Iterator[tuple[int, Result | SyncBridgeError]]:
        """Yield ``(index, send(job))`` or ``(index, the AnswerLost/RemoteError it raised)`` in completion order.

        Once ``cancel`` is set no further job starts; those already in flight finish and are yielded (their
        writes may have landed: the caller must settle them). A job a Stop cut (``Cancelled``) is yielded as an
        :class:`AnswerLost` — it may have reached the portal — and ``Cancelled`` is raised after the others. Any
        other error (the portal unreachable, a bad certificate…) stops new jobs too; it is raised after the jobs in
        flight have been yielded.
        """
        if self.limit == 1 or len(jobs) <= 1:
            return self._one_by_one(send, jobs, cancel)
        return self._concurrently(send, jobs, cancel)

    def stream(self, send: Callable[[Job], Result], *,
               cancel: threading.Event | None = None) -> Stream[Job, Result]:
        """Jobs handed in over time on the same lanes (see :class:`Stream`)."""
        return Stream(self._executor(), send, cancel)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    # ----- internals -----------------------------------------------------------------------------------------
    @staticmethod
    def _one_by_one(send: Callable[[Job], Result], jobs: Sequence[Job],
                    cancel: threading.Event | None) -> Iterator[tuple[int, Result | SyncBridgeError]]:
        for index, job in enumerate(jobs):
            if cancel is not None and cancel.is_set():
                return
            try:
                outcome: Result | SyncBridgeError = send(job)
            except PER_BATCH_ERRORS as exc:
                outcome = exc
            except Cancelled:
                yield index, _cut_by_stop()
                raise
            yield index, outcome

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self.limit, thread_name_prefix=self._name)
            return self._pool

    def _concurrently(self, send: Callable[[Job], Result], jobs: Sequence[Job],
                      cancel: threading.Event | None) -> Iterator[tuple[int, Result | SyncBridgeError]]:
        pool = self._executor()
        pending: dict[Future[Result], int] = {}
        next_job = 0
        fatal: BaseException | None = None
        try:
            while True:
                stopping = fatal is not None or (cancel is not None and cancel.is_set())
                while not stopping and next_job < len(jobs) and len(pending) < self.limit:
                    pending[pool.submit(send, jobs[next_job])] = next_job
                    next_job += 1
                if not pending:
                    break
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                # yield in the order the answers came; ties by index keep runs reproducible
                for future in sorted(done, key=pending.__getitem__):
                    index = pending.pop(future)
                    error = future.exception()
                    if error is None:
                        yield index, future.result()
                    elif isinstance(error, PER_BATCH_ERRORS):
                        yield index, error
                    elif isinstance(error, Cancelled):
                        yield index, _cut_by_stop()
                        fatal = fatal or error
                    elif fatal is None:
                        log.debug("batch %d failed, no new batches start: %s", index, type(error).__name__)
                        fatal = error
        finally:
            # the caller stopped iterating (its own error, GeneratorExit): requests already on the wire still
            # finish before anyone may assume the portal is quiet; their outbox items stay in_flight and the next
            # run settles them by identity lookup
            if pending:
                wait(pending)
        if fatal is not None:
            raise fatal


class NotSent(Exception):
    """A streamed job that never started: a Stop or an earlier fatal error came first. Nothing reached the portal."""


class OutOfBudget(NotSent):
    """A streamed batch held back because a method it calls has spent its operating time and the reset is far off:
    nothing was sent; the caller may do other work meanwhile (``Bitrix24Client.batch_stream(defer_after=…)``)."""

    def __init__(self, wait_s: float) -> None:
        super().__init__(f"operating budget spent for {wait_s:.0f} s")
        self.wait_s = wait_s


class Stream(Generic[Job, Result]):
    """Jobs handed in over a whole run (slice after slice), at most ``limit`` of them on the wire at once.

    :meth:`InFlight.run` sends a fixed list and returns when all are answered, so a sync that writes slice by slice
    let the lanes idle at every slice's end: the last batches of slice N ran alone while slice N+1 was already read
    and mapped. A stream keeps the lanes fed across slices: :meth:`submit` queues a job on the same worker pool (at
    most ``limit`` run, the rest wait their turn in submission order) and returns at once; :meth:`collect` hands
    the outcomes back on the caller's thread — the caller (the engine, with its single-threaded state store) decides
    when to look at them and which ones it must wait for.

    Outcomes are those of :meth:`InFlight.run` (a result, or an AnswerLost/RemoteError for that job), plus
    :class:`NotSent` for a job that never started (a Stop, or a fatal error before it), and the fatal error itself
    for the job it ended (the caller treats that one as uncertain). The fatal error (the portal unreachable, a bad
    certificate, a Stop) is raised by :meth:`raise_if_failed`; after it no job starts.
    """

    def __init__(self, pool: ThreadPoolExecutor, send: Callable[[Job], Result],
                 cancel: threading.Event | None) -> None:
        self._pool = pool
        self._send = send
        self._cancel = cancel
        self._stopped = threading.Event()
        self._futures: dict[int, Future[Result]] = {}
        self._next = 0
        self.fatal: BaseException | None = None

    @property
    def outstanding(self) -> set[int]:
        return set(self._futures)

    def submit(self, job: Job) -> int:
        index = self._next
        self._next += 1
        self._futures[index] = self._pool.submit(self._run, job)
        return index

    def futures(self, indices: set[int]) -> list[Future[Result]]:
        """The jobs among these that are not collected yet, to wait on together with other work."""
        return [self._futures[i] for i in indices if i in self._futures]

    def stop(self) -> None:
        """No further job starts; those on the wire finish (their outcomes are still collected)."""
        self._stopped.set()

    def collect(self, wait_for: set[int] | None = None) -> Iterator[tuple[int, Result | BaseException]]:
        """Yield ``(index, outcome)`` of every finished job; first wait until the jobs in ``wait_for`` (``None``:
        none) are finished. Ties by index keep runs reproducible."""
        waiting = [self._futures[i] for i in (wait_for or ()) if i in self._futures]
        if waiting:
            wait(waiting)
        for index in sorted(i for i, future in self._futures.items() if future.done()):
            future = self._futures.pop(index)
            yield index, self._outcome(index, future)

    def drain(self) -> Iterator[tuple[int, Result | BaseException]]:
        """Everything outstanding, as it finishes (completion order)."""
        while self._futures:
            wait(list(self._futures.values()), return_when=FIRST_COMPLETED)
            yield from self.collect()

    def raise_if_failed(self) -> None:
        if self.fatal is not None:
            raise self.fatal

    # ----- internals -----------------------------------------------------------------------------------------
    def _run(self, job: Job) -> Result:
        if self._stopped.is_set() or (self._cancel is not None and self._cancel.is_set()):
            raise NotSent
        return self._send(job)

    def _outcome(self, index: int, future: Future[Result]) -> Result | BaseException:
        error = future.exception()
        if error is None:
            return future.result()
        if isinstance(error, (NotSent, *PER_BATCH_ERRORS)):
            return error
        self._stopped.set()
        if isinstance(error, Cancelled):
            self.fatal = self.fatal or error
            return _cut_by_stop()
        if self.fatal is None:
            log.debug("job %d failed, no new jobs start: %s", index, type(error).__name__)
            self.fatal = error
        return error
