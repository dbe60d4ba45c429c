"""Client-side pacing: leaky bucket, 503 backoff, operating-time budget per method."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from core.bitrix24.client import Bitrix24Client
from core.bitrix24.envelope import TimeInfo
from core.bitrix24.throttle import LeakyBucket, OperatingTracker, Turns, backoff_delay
from core.sandbox.bitrix24.server import Bitrix24Sandbox
from core.sandbox.clock import Costs, WorkClock


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_780_000_000.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_bucket_lets_a_burst_through_then_paces_at_rate():
    fake = FakeTime()
    bucket = LeakyBucket(2.0, 50, sleep=fake.sleep, clock=fake.time)
    for _ in range(50):
        assert bucket.acquire() == 0
    assert fake.sleeps == []
    for _ in range(4):
        bucket.acquire()
    assert fake.sleeps == pytest.approx([0.5] * 4)
    fake.now += 30  # idle time refills the burst
    for _ in range(50):
        bucket.acquire()
    assert len(fake.sleeps) == 4


def test_bucket_with_a_fake_sleep_and_the_real_clock_does_not_spin():
    waits: list[float] = []
    bucket = LeakyBucket(5.0, 3, sleep=waits.append, clock=time.monotonic)
    for _ in range(10):
        bucket.acquire()
    assert len(waits) == 7 and all(0 < w <= 0.2 for w in waits)


def test_mark_full_syncs_with_the_portal_after_a_503():
    fake = FakeTime()
    bucket = LeakyBucket(2.0, 50, sleep=fake.sleep, clock=fake.time)
    bucket.acquire()
    bucket.mark_full()
    bucket.acquire()
    assert fake.sleeps == pytest.approx([0.5])


def test_bucket_rejects_nonsense_settings():
    with pytest.raises(ValueError):
        LeakyBucket(0, 50, sleep=time.sleep)
    with pytest.raises(ValueError):
        LeakyBucket(2.0, 0, sleep=time.sleep)


def test_backoff_is_exponential_capped_and_jittered():
    no_jitter = [backoff_delay(n, base=0.5, cap=30, rng=lambda: 0.0) for n in range(8)]
    assert no_jitter == [0.5, 1, 2, 4, 8, 16, 30, 30]
    assert backoff_delay(3, base=0.5, rng=lambda: 1.0) == pytest.approx(5.0)


def test_operating_tracker_pauses_only_near_the_limit():
    fake = FakeTime()
    tracker = OperatingTracker(limit=480, margin=20, clock=fake.time)
    assert tracker.pause_before("crm.item.update") == 0
    tracker.record("crm.item.update", TimeInfo(operating=100.0, operating_reset_at=fake.now + 300))
    assert tracker.pause_before("crm.item.update") == 0
    tracker.record("crm.item.update", TimeInfo(operating=465.0, operating_reset_at=fake.now + 300))
    assert tracker.pause_before("CRM.ITEM.UPDATE") == pytest.approx(300)
    assert tracker.pause_before("crm.item.list") == 0  # budgets are per method
    tracker.forget("crm.item.update")  # too early: the reset is still ahead, the budget stays spent
    assert tracker.pause_before("crm.item.update") == pytest.approx(300)
    fake.now += 300
    tracker.forget("crm.item.update")
    assert tracker.pause_before("crm.item.update") == 0
    tracker.record("crm.item.update", TimeInfo())  # a box with the limit off reports nothing
    assert tracker.operating("crm.item.update") is None


def test_client_pauses_a_method_before_the_portal_blocks_it(tmp_path: Path):
    fake = FakeTime()
    fake.now = time.time()
    sandbox = Bitrix24Sandbox(cert_dir=tmp_path, clock=fake.time, operating_limit=1000.0, method_cost=0.1)
    sandbox.start()
    try:
        client = Bitrix24Client(sandbox.webhook_url, ca_file=sandbox.ca_file, sleep=fake.sleep, clock=fake.time)
        client._operating = OperatingTracker(limit=0.25, margin=0.0, clock=fake.time)  # a tiny budget
        for _ in range(3):
            client.call("crm.company.list")
        assert fake.sleeps == []
        client.call("crm.company.list")  # 0.3 s spent >= 0.25: wait for the oldest basket first
        assert 590 < sum(fake.sleeps) <= 602 and max(fake.sleeps) <= 1.0  # in slices that watch cancel
        waited = len(fake.sleeps)
        client.call("crm.company.fields")
        assert len(fake.sleeps) == waited  # another method does not wait
    finally:
        sandbox.stop()


def test_real_pacing_against_the_sandbox_bucket_draws_no_503(tmp_path, monkeypatch):
    """Real clocks on both sides: pacing to the exact limit drew one 503 per exhausted burst before the headroom."""
    from core.bitrix24 import throttle
    from core.bitrix24.client import Bitrix24Client
    from core.sandbox.bitrix24.server import Bitrix24Sandbox

    refused = []
    original = throttle.LeakyBucket.mark_full
    monkeypatch.setattr(throttle.LeakyBucket, "mark_full", lambda self: (refused.append(1), original(self)))
    with Bitrix24Sandbox(cert_dir=tmp_path, rate=10, burst=10) as sandbox:
        client = Bitrix24Client(sandbox.webhook_url, ca_file=sandbox.ca_file, rate=10, burst=10)
        for _ in range(40):
            client.call("scope")
        client.close()
    assert refused == []


def test_requests_in_flight_count_against_the_budget_before_their_answers_come():
    """16 batches of 50 adds are 40 s of operating the portal has not reported yet: they are reserved at admission,
    so only as many go as fit under the limit, whatever the last answer said."""
    fake = FakeTime()
    tracker = OperatingTracker(limit=480, margin=20, clock=fake.time)
    tracker.record("catalog.product.add", TimeInfo(processing=0.05, operating=440.0,
                                                   operating_reset_at=fake.now + 120))
    admitted = []
    for _ in range(16):
        pause, reservation = tracker.admit({"batch": 1, "catalog.product.add": 50})
        if pause:
            assert pause == pytest.approx(120)
            break
        admitted.append(reservation)
    # 440 + 2.5 s per batch on the wire + the last batch's own 49 calls must stay under 460
    assert len(admitted) == 8
    tracker.release(admitted.pop())
    tracker.record("catalog.product.add", TimeInfo(processing=0.05, operating=442.5,
                                                   operating_reset_at=fake.now + 120))
    assert tracker.admit({"catalog.product.add": 50})[0] > 0  # still 7 on the wire: 442.5 + 17.5 + 2.45 ≥ 460


def test_after_a_reset_one_request_probes_and_the_others_wait_for_its_answer():
    fake = FakeTime()
    tracker = OperatingTracker(limit=480, margin=20, clock=fake.time)
    tracker.record("crm.company.add", TimeInfo(processing=0.05, operating=479.0, operating_reset_at=fake.now + 10))
    assert tracker.pause_before("crm.company.add") == pytest.approx(10)
    fake.now += 10
    tracker.forget("crm.company.add")
    pause, probe = tracker.admit({"crm.company.add": 12})
    assert pause == 0
    assert 0 < tracker.admit({"crm.company.add": 12})[0] <= 0.5  # waits a moment for the probe's answer
    tracker.record("crm.company.add", TimeInfo(processing=0.05, operating=200.6, operating_reset_at=fake.now + 60))
    tracker.release(probe)
    assert tracker.admit({"crm.company.add": 12})[0] == 0


def test_a_command_refused_inside_a_batch_marks_its_method_spent_until_the_reset():
    fake = FakeTime()
    tracker = OperatingTracker(limit=480, margin=20, clock=fake.time)
    tracker.record("catalog.price.modify", TimeInfo(processing=0.05, operating=300.0,
                                                    operating_reset_at=fake.now + 200))
    assert tracker.pause_before("catalog.price.modify") == 0
    tracker.blocked("catalog.price.modify")  # another program spent the rest: the portal refused our command
    assert tracker.pause_before("catalog.price.modify") == pytest.approx(200)


def test_a_probe_refused_whole_waits_a_basket_before_the_next_one():
    """After a reset the basket that fell out was too small: the probe batch is refused whole, its answer names no
    reset. The next probe waits a basket's span instead of following at once (a refused batch every 2–3 s)."""
    fake = FakeTime()
    tracker = OperatingTracker(limit=480, margin=20, clock=fake.time)
    tracker.record("catalog.product.add", TimeInfo(processing=0.05, operating=470.0,
                                                   operating_reset_at=fake.now + 5))
    fake.now += 5
    tracker.forget("catalog.product.add")
    pause, probe = tracker.admit({"catalog.product.add": 50})
    assert pause == 0  # the probe goes
    tracker.blocked("catalog.product.add")  # every command of it refused: no time, no reset in the answer
    tracker.release(probe)
    assert tracker.admit({"catalog.product.add": 50})[0] == pytest.approx(60)
    assert tracker.soonest_reset() == pytest.approx(60)
    fake.now += 60
    tracker.forget("catalog.product.add")
    assert tracker.admit({"catalog.product.add": 50})[0] == 0  # the next probe, a basket later


def test_batches_in_flight_against_a_small_budget_draw_no_429(tmp_path: Path):
    """Four batches of 20 adds at once against a budget of 60 calls (0.05 s a call, 3 s): without reserving what
    is on the wire the first waves would overrun it and the portal would refuse commands inside the batches. Real
    clocks on both sides; the portal's 10-minute window is shortened to 3 s so the resets come quickly."""
    sandbox = Bitrix24Sandbox(cert_dir=tmp_path, operating_limit=3.0, method_cost=0.05,
                              work_clock=WorkClock(Costs(per_request=0.2, per_read=0.0, per_write=0.0), 1.0))
    sandbox.portal.operating.window, sandbox.portal.operating.basket_span = 3.0, 0.3
    sandbox.start()
    try:
        client = Bitrix24Client(sandbox.webhook_url, ca_file=sandbox.ca_file, max_in_flight=4, rate=1000.0,
                                burst=1000)
        client._operating = OperatingTracker(limit=3.0, margin=0.0)
        client.batch({"c": ("crm.company.add", {"fields": {"TITLE": "первая"}})})  # the portal tells the cost
        batches = [{f"c{k}": ("crm.company.add", {"fields": {"TITLE": f"Компания {b}-{k}"}}) for k in range(20)}
                   for b in range(8)]
        outcomes = dict(client.batch_many(batches))
        traffic = sandbox.traffic.snapshot()
        assert traffic.refused_operating == 0
        assert len(outcomes) == 8 and all(not o.errors for o in outcomes.values())
        assert len([c for c in sandbox.entities("company") if c["TITLE"].startswith("Компания ")]) == 160
        assert traffic.max_in_flight >= 2  # they did overlap where the budget allowed
    finally:
        sandbox.stop()


def test_after_every_request_is_answered_nothing_stays_reserved():
    """Reservations of different sizes released in another order leave no float residue: a probe after a reset is
    never held back by a request that is not on the wire (the catalogue bench once stalled on 1e-16 s)."""
    fake = FakeTime()
    tracker = OperatingTracker(limit=480, margin=20, clock=fake.time)
    tracker.record("catalog.product.add", TimeInfo(processing=0.1, operating=10.0, operating_reset_at=fake.now + 1))
    held = [tracker.admit({"catalog.product.add": n})[1] for n in (3, 7, 1, 13)]
    for reservation in (held[1], held[3], held[0], held[2]):
        tracker.release(reservation)
    fake.now += 2
    tracker.forget("catalog.product.add")
    assert tracker.admit({"catalog.product.add": 50})[0] == 0  # the probe goes at once


def test_urgent_callers_go_before_those_already_waiting_and_others_keep_their_order():
    """Turns: a sync's own lookup goes before the write batches queued on the lanes; the rest in order of arrival."""
    turns = Turns(1)
    order: list[str] = []
    threads: list[threading.Thread] = []

    def take(name: str, urgent: bool) -> None:
        with turns.hold(urgent):
            order.append(name)

    def queued() -> int:
        return len(turns._urgent) + len(turns._others)

    with turns.hold():  # the slot is busy: everyone after this waits
        for n, (name, urgent) in enumerate((("w1", False), ("w2", False), ("w3", False), ("lookup", True))):
            thread = threading.Thread(target=take, args=(name, urgent))
            thread.start()
            threads.append(thread)
            deadline = time.monotonic() + 5
            while queued() < n + 1 and time.monotonic() < deadline:
                time.sleep(0.005)
    for thread in threads:
        thread.join(5)
    assert order == ["lookup", "w1", "w2", "w3"]


def test_turns_let_as_many_through_as_there_are_slots():
    turns = Turns(3)
    inside = 0
    most = 0
    lock = threading.Lock()
    release = threading.Event()

    def take(urgent: bool) -> None:
        nonlocal inside, most
        with turns.hold(urgent):
            with lock:
                inside += 1
                most = max(most, inside)
            release.wait(5)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=take, args=(n % 2 == 0,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for _ in range(200):
        with lock:
            if inside == 3:
                break
        threading.Event().wait(0.01)
    assert inside == 3  # three slots taken, the other five wait
    release.set()
    for thread in threads:
        thread.join(5)
    assert most == 3 and inside == 0


def test_once_the_reset_passed_unannounced_one_request_probes_before_the_rest_go():
    """Batches deferred while the budget was spent come back after the reset without anyone having waited it out
    (so nobody called forget). The sum the tracker holds is stale — the basket that fell out may have been small —
    so the first batch probes and the others wait for its answer instead of all going on the old figure."""
    fake = FakeTime()
    tracker = OperatingTracker(limit=480, margin=20, clock=fake.time)
    tracker.record("catalog.product.add", TimeInfo(processing=0.04, operating=459.0,
                                                   operating_reset_at=fake.now + 30))
    assert tracker.admit({"catalog.product.add": 50})[0] == pytest.approx(30)
    fake.now += 31
    pause, probe = tracker.admit({"catalog.product.add": 50})
    assert pause == 0
    waiting = [tracker.admit({"catalog.product.add": 50})[0] for _ in range(15)]
    assert all(0 < pause <= 0.5 for pause in waiting)  # the other lanes wait for the probe's answer
    tracker.record("catalog.product.add", TimeInfo(processing=0.04, operating=452.0,
                                                   operating_reset_at=fake.now + 60))  # a small basket fell out
    tracker.release(probe)
    # 452 + 2 s per batch on the wire + the last one's own 49 calls stay under 460: four batches, not fifteen
    admitted = 0
    while tracker.admit({"catalog.product.add": 50})[0] == 0:
        admitted += 1
    assert admitted == 4


def test_a_slot_kept_for_urgent_callers_is_never_taken_by_the_others():
    """With every other slot held by write batches, a lookup still goes at once instead of waiting for one of them."""
    turns = Turns(3, kept_for_urgent=1)
    release = threading.Event()
    inside: list[str] = []

    def write(name: str) -> None:
        with turns.hold():
            inside.append(name)
            release.wait(5)

    writers = [threading.Thread(target=write, args=(f"w{n}",)) for n in range(3)]
    for thread in writers:
        thread.start()
    deadline = time.monotonic() + 5
    while len(inside) < 2 and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(0.05)
    assert len(inside) == 2  # the third writer waits: the last slot is kept
    looked_up = threading.Event()

    def lookup() -> None:
        with turns.hold(urgent=True):
            looked_up.set()

    threading.Thread(target=lookup).start()
    assert looked_up.wait(2)  # the lookup did not wait for a writer to finish
    release.set()
    for thread in writers:
        thread.join(5)
    assert len(inside) == 3


def test_asking_for_the_soonest_reset_after_one_passed_unannounced_is_safe():
    """Passing a reset unannounced turns the method into probing (its stale sum is dropped) — also while the
    soonest reset is being looked for across all methods."""
    fake = FakeTime()
    tracker = OperatingTracker(limit=480, margin=20, clock=fake.time)
    tracker.record("catalog.product.add", TimeInfo(processing=0.04, operating=470.0, operating_reset_at=fake.now + 5))
    tracker.record("catalog.price.modify", TimeInfo(processing=0.04, operating=470.0,
                                                    operating_reset_at=fake.now + 50))
    fake.now += 6
    assert tracker.soonest_reset() == pytest.approx(44)
    assert tracker.admit({"catalog.product.add": 50})[0] == 0  # the probe
