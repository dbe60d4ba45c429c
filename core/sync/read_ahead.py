"""Reading the next slice while the current one is written: a bounded producer/consumer for the engine.

A first load spends its time waiting: on 1C for the full rows of a slice, then on the portal for its writes. One
reader thread runs the pipeline's ``read`` for slice N+1 while the engine's thread maps, looks up and writes
slice N, so the two waits overlap. Only ``read`` moves: mapping, lookups, the outbox and the state store stay on
the engine's thread in the same order as before, so dependency order, exactly-once writes and lost-answer
recovery do not change. The queue is bounded: at most the slice being processed plus one read ahead are held.

Every read of a run goes through the one reader thread (the retry pass of recovered records too); a source
client that reads several requests at once (``OneCClient.get_many``/``together``) gives each thread its own session.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

#: the first slice: nothing overlaps its read, so the portal's writes should start after reading this many records
MIN_SLICE = 100
#: how often a wait for a read looks at the cancel flag
CANCEL_POLL_S = 0.1


def cut_into_slices(keys: list[str], process_chunk: int, first: int = MIN_SLICE, multiple: int = 1) -> list[list[str]]:
    """A small first slice, then each twice the one before, up to ``process_chunk`` (memory).

    Nothing overlaps the first read, so writes should start after reading MIN_SLICE records, not after 2 000 (~22 s
    of 1C at 0.1 s per 20 keys). Each next slice is read while the one before is written, and reading is several
    times faster than writing (a record's chain is four portal commands at ~40 ms each, its read a share of one 1C
    request), so a slice twice as big is read by the time the lanes need it: writes never wait for 1C after the
    first slice, and there are few slices (600 records: 100, 200, 300). ``first``: the first slice's size (an entity
    resumed after a pause starts with full slices: its writes wait for the portal's budget, not for 1C).
    ``multiple``: every slice but the last is a multiple of it (``Pipeline.slice_multiple``, the records of one full
    write batch), so only the last slice leaves a batch part-filled."""
    if multiple > 1:
        first = max(multiple, first // multiple * multiple)
        process_chunk = max(multiple, process_chunk // multiple * multiple)
    if len(keys) <= first or process_chunk <= first:
        size = min(len(keys), process_chunk) or 1
        return [keys[start:start + size] for start in range(0, len(keys), size)]
    slices: list[list[str]] = []
    start, size = 0, first
    while start < len(keys):
        slices.append(keys[start:start + size])
        start += size
        size = min(process_chunk, size * 2)
    return slices


class Reader:
    """``submit(keys)`` queues a read, ``result(future)`` waits for it on the caller's thread (cancel-aware).

    With ``background=False`` reads run inline at ``submit`` (a pipeline whose ``read`` touches the state store or
    shares a client with the engine's thread opts out with ``Pipeline.read_in_background = False``)."""

    def __init__(self, read: Callable[[list[str]], dict[str, Any]], *, background: bool, name: str,
                 check_cancelled: Callable[[], None], cancel: threading.Event | None) -> None:
        self._read = read
        self._check_cancelled = check_cancelled
        self._cancel = cancel
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"read-{name}") if background else None

    def submit(self, keys: list[str]) -> Future[dict[str, Any]]:
        if self._pool is not None:
            return self._pool.submit(self._read, keys)
        done: Future[dict[str, Any]] = Future()
        try:
            done.set_result(self._read(keys))
        except BaseException as exc:  # handed back by result(), like a background read's error
            done.set_exception(exc)
        return done

    def result(self, future: Future[dict[str, Any]]) -> dict[str, Any]:
        while not future.done():
            self._check_cancelled()
            wait([future], timeout=CANCEL_POLL_S, return_when=FIRST_COMPLETED)
        return future.result()

    def close(self) -> None:
        """Drop reads not started yet. A read already running is waited for — after an error the caller may use the
        same source client again (the runner retries an entity after re-reading $metadata) — except after a cancel:
        then it is only a GET whose answer nobody needs, and the user should not wait for it."""
        if self._pool is not None:
            cancelled = self._cancel is not None and self._cancel.is_set()
            self._pool.shutdown(wait=not cancelled, cancel_futures=True)

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
