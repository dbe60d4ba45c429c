"""Client-side pacing: leaky bucket, 503 backoff, operating-time budget per method."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from core.bitrix24.client import Bitrix24Client
from core.bitrix24.envelope import TimeInfo
from core.bitrix24.throttle import LeakyBucket, OperatingTracker, backoff_delay
from core.sandbox.bitrix24.server import Bitrix24Sandbox


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
