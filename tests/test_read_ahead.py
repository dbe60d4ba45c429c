"""Overlap inside a run: the engine reads slice N+1 while slice N is written, and nothing else changes.

Ordering is proven with events, not timings: the write of the first slice waits (with a timeout) for the read of
the second slice to start; without read-ahead that read could only start after the write returned.
"""

from __future__ import annotations

import threading
import time
from typing import Any, ClassVar

import pytest

from core.bitrix24.inflight import InFlight
from core.errors import Cancelled, ConnectionFailed
from core.state.store import StateStore
from core.sync.context import RunContext
from core.sync.engine import EntitySync
from core.sync.pipeline import Commands, PipelineEnv
from core.sync.read_ahead import MIN_SLICE, cut_into_slices
from tests.test_pipeline_frame import ToyPipeline, ToyPortal

GUIDS = [f"{i:08x}-0000-0000-0000-000000000000" for i in range(1, 4 * MIN_SLICE + 1)]  # slices of 100, 200, 100


class SlowReadToy(ToyPipeline):
    """Records which thread read which slice and when reads started."""

    read_started: ClassVar[list[int]] = []
    read_threads: ClassVar[set[str]] = set()
    second_read_started = threading.Event()
    hold_read: threading.Event | None = None

    def read(self, keys: list[str]) -> dict[str, Any]:
        number = len(self.read_started)
        self.read_started.append(len(keys))
        self.read_threads.add(threading.current_thread().name)
        if number == 1:
            self.second_read_started.set()
        if self.hold_read is not None:
            self.hold_read.wait(5)
        return super().read(keys)


class WaitingPortal(ToyPortal):
    """The first write batch does not return before the next slice's read has begun (or 2 s have passed)."""

    def __init__(self) -> None:
        super().__init__()
        self.overlapped: bool | None = None

    def batch(self, commands: Commands, halt: bool = False) -> Any:
        if self.overlapped is None:
            self.overlapped = SlowReadToy.second_read_started.wait(2)
        return super().batch(commands, halt)


@pytest.fixture
def slow_toys(home):
    store = StateStore.open(home.state_db)
    SlowReadToy.source = {g: {"Ref_Key": g, "DataVersion": "1", "Description": f"мишка {i}", "DeletionMark": False}
                          for i, g in enumerate(GUIDS)}
    SlowReadToy.read_started = []
    SlowReadToy.read_threads = set()
    SlowReadToy.second_read_started = threading.Event()
    SlowReadToy.hold_read = None
    yield store
    store.close()


def test_next_slice_is_read_while_this_one_is_written(slow_toys):
    store = slow_toys
    portal = WaitingPortal()
    ctx = RunContext(store=store, run_id=store.start_run("test", False))
    EntitySync(SlowReadToy(PipelineEnv(ctx=ctx, table={}, originator="1C:test", b24=portal))).run()
    assert portal.overlapped is True
    assert sum(SlowReadToy.read_started) == len(GUIDS) and len(SlowReadToy.read_started) >= 3  # each read once
    assert threading.current_thread().name not in SlowReadToy.read_threads  # reads ran on the reader thread
    assert ctx.per_entity["toy"]["created"] == len(GUIDS) == len(portal.rows)
    assert store.outbox() == []


def test_a_pipeline_can_keep_its_reads_on_the_engine_thread(slow_toys):
    class InlineToy(SlowReadToy):
        read_in_background = False

    store = slow_toys
    portal = WaitingPortal()
    ctx = RunContext(store=store, run_id=store.start_run("test", False))
    EntitySync(InlineToy(PipelineEnv(ctx=ctx, table={}, originator="1C:test", b24=portal))).run()
    assert SlowReadToy.read_threads == {threading.current_thread().name}
    assert ctx.per_entity["toy"]["created"] == len(GUIDS)


def test_cancel_while_waiting_for_a_slow_read_is_prompt(slow_toys):
    store = slow_toys
    SlowReadToy.hold_read = threading.Event()  # 1C does not answer
    cancel = threading.Event()
    ctx = RunContext(store=store, run_id=store.start_run("test", False), cancel=cancel)
    portal = ToyPortal()
    threading.Timer(0.2, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        EntitySync(SlowReadToy(PipelineEnv(ctx=ctx, table={}, originator="1C:test", b24=portal))).run()
    waited = time.monotonic() - started
    SlowReadToy.hold_read.set()
    assert waited < 3  # not held until the read returns (5 s); the real figure is ~0.3 s
    assert portal.writes == [] and store.outbox() == []


def test_a_failed_read_surfaces_on_the_engine_thread(slow_toys):
    class BrokenToy(SlowReadToy):
        def read(self, keys: list[str]) -> dict[str, Any]:
            if self.read_started:
                raise ConnectionFailed("1С не отвечает.", "Проверьте связь.")
            return super().read(keys)

    store = slow_toys
    portal = ToyPortal()
    ctx = RunContext(store=store, run_id=store.start_run("test", False))
    with pytest.raises(ConnectionFailed):
        EntitySync(BrokenToy(PipelineEnv(ctx=ctx, table={}, originator="1C:test", b24=portal))).run()
    # the first slice was written and settled before the second one's read failed
    assert ctx.per_entity["toy"]["created"] == MIN_SLICE == len(portal.rows)
    assert store.outbox() == []


def test_slice_sizes():
    def sizes(n: int, chunk: int = 2000) -> list[int]:
        return [len(s) for s in cut_into_slices([str(i) for i in range(n)], chunk)]

    assert sizes(50) == [50]  # one slice
    assert sizes(600) == [MIN_SLICE, 200, 300]  # a small first slice, then each twice the one before
    assert sizes(10_000) == [100, 200, 400, 800, 1600, 2000, 2000, 2000, 900]  # never above the chunk (memory)
    assert sizes(10, chunk=4) == [4, 4, 2]  # a pipeline's own smaller chunk is kept


def test_slices_in_multiples_of_a_full_batch_leave_only_the_last_batch_part_filled():
    """Counterparties: 4 commands a record, 12 records a batch of 48. Slices of 100, 200, 400… ended in a part-filled
    batch each (3 000 records: 252 batches instead of 250, a second at 2 requests a second)."""
    keys = [str(i) for i in range(3000)]
    slices = [len(s) for s in cut_into_slices(keys, 2000, multiple=12)]
    assert slices == [96, 192, 384, 768, 1536, 24]
    assert sum(slices) == 3000 and all(size % 12 == 0 for size in slices)
    batches = sum(-(-size * 4 // 48) for size in slices)
    assert batches == 250
    assert [len(s) for s in cut_into_slices(keys[:50], 2000, multiple=12)] == [50]  # fewer than a first slice
    assert [len(s) for s in cut_into_slices(keys[:30], 10, multiple=12)] == [12, 12, 6]  # a chunk below a batch


class LanesPortal(ToyPortal):
    """Four lanes like a real client; the first write batch of the first slice is held until a write batch of a
    later slice reaches the portal (or ``patience`` runs out)."""

    def __init__(self, patience: float) -> None:
        super().__init__()
        self.patience = patience
        self.later_slice_sent = threading.Event()
        self.overlapped: bool | None = None
        self._lanes = InFlight(4, name="toy-lanes")

    def batch(self, commands: Commands, halt: bool = False) -> Any:
        refs = {params["fields"]["XML_ID"] for method, params in commands.values() if method == "toy.add"}
        if refs & set(GUIDS[MIN_SLICE:]):
            self.later_slice_sent.set()
        elif GUIDS[0] in refs:
            self.overlapped = self.later_slice_sent.wait(self.patience)
        return super().batch(commands, halt)


class SelfFindingToy(SlowReadToy):
    def claims(self, item: Any) -> frozenset[str]:
        return frozenset()  # a toy's lookup finds nothing but itself (its XML_ID)


def test_later_slices_are_queued_while_this_ones_writes_are_on_the_wire(slow_toys):
    store = slow_toys
    portal = LanesPortal(patience=5)
    ctx = RunContext(store=store, run_id=store.start_run("test", False))
    EntitySync(SelfFindingToy(PipelineEnv(ctx=ctx, table={}, originator="1C:test", b24=portal))).run()
    assert portal.overlapped is True  # slice 2 reached the portal while slice 1's first batch was still there
    assert ctx.per_entity["toy"]["created"] == len(GUIDS) == len(portal.rows)
    assert sorted(r["XML_ID"] for r in portal.rows.values()) == GUIDS  # each once
    assert store.outbox() == []


def test_a_lookup_that_could_find_earlier_writes_waits_for_them(slow_toys):
    """Claims unknown (the default): slice 2 is looked up only once slice 1's writes are settled, so its first
    batch is never joined by a later one."""
    store = slow_toys
    portal = LanesPortal(patience=0.5)
    ctx = RunContext(store=store, run_id=store.start_run("test", False))
    EntitySync(SlowReadToy(PipelineEnv(ctx=ctx, table={}, originator="1C:test", b24=portal))).run()
    assert portal.overlapped is False
    assert ctx.per_entity["toy"]["created"] == len(GUIDS) == len(portal.rows)
    assert store.outbox() == []


def test_stop_with_writes_queued_settles_what_was_answered_and_the_next_run_finishes_exactly_once(slow_toys):
    store = slow_toys
    cancel = threading.Event()

    class StoppingPortal(LanesPortal):
        def batch(self, commands: Commands, halt: bool = False) -> Any:
            answer = super().batch(commands, halt)
            if any(method == "toy.add" for method, _ in commands.values()):
                cancel.set()  # «Остановить» right after the first write batch was stored
            return answer

    portal = StoppingPortal(patience=0)
    ctx = RunContext(store=store, run_id=store.start_run("test", False), cancel=cancel)
    with pytest.raises(Cancelled):
        EntitySync(SelfFindingToy(PipelineEnv(ctx=ctx, table={}, originator="1C:test", b24=portal))).run()
    first = len(portal.rows)
    assert 0 < first < len(GUIDS)
    assert ctx.per_entity["toy"]["created"] == first  # every stored record was settled and linked
    assert store.outbox() == []  # answered ones done, queued ones closed as never sent
    ctx = RunContext(store=store, run_id=store.start_run("test", False))
    EntitySync(SelfFindingToy(PipelineEnv(ctx=ctx, table={}, originator="1C:test", b24=same_rows(portal)))).run()
    assert ctx.per_entity["toy"]["created"] == len(GUIDS) - first
    assert sorted(r["XML_ID"] for r in portal.rows.values()) == GUIDS  # each exactly once


def same_rows(portal: ToyPortal) -> ToyPortal:
    """The same portal's records behind a portal that no longer stops the run."""
    fresh = LanesPortal(patience=0)
    fresh.rows = portal.rows
    return fresh
