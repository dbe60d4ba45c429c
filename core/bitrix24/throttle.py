"""Client-side pacing: one request stream per portal that stays under the cloud limits.

- :class:`LeakyBucket` mirrors the portal's counter (``burst`` at once, then ``rate`` per second),
  so a long sync normally never sees 503 QUERY_LIMIT_EXCEEDED;
- :func:`backoff_delay` is the wait after a 503 anyway (another program on the same IP shares the
  portal's bucket): exponential with jitter, capped;
- :class:`OperatingTracker` remembers ``time.operating`` per method and when its oldest basket
  expires, so a method close to its budget pauses instead of collecting 429s.

All waiting goes through an injected ``sleep`` so tests can run it instantly.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .envelope import TimeInfo

Sleep = Callable[[float], None]
Clock = Callable[[], float]


class Turns:
    """At most ``limit`` holders at once, handed out in order of arrival — except that callers marked *urgent* go
    before all the others waiting. A sync run's own requests (the lookup that must come back before the next slice
    can be written) are urgent; the write batches queued on the lanes are not: without this a lookup competed with
    16 queued writes for every slot and waited ~8 s for each request (measured on the 20 000-product catalogue)."""

    def __init__(self, limit: int, *, kept_for_urgent: int = 0) -> None:
        self._free = limit
        # slots the others never take: an urgent caller then waits for the bucket only, not for one of 16 batches
        # of 50 writes (2 s each on a cloud portal) to come back — 2.5 s per lookup at 1,000 products
        self._kept = max(0, min(kept_for_urgent, limit - 1))
        self._cond = threading.Condition()
        self._urgent: deque[object] = deque()
        self._others: deque[object] = deque()

    @contextmanager
    def hold(self, urgent: bool = False) -> Iterator[None]:
        ticket = object()
        line = self._urgent if urgent else self._others
        with self._cond:
            line.append(ticket)
            try:
                while not (self._free > (0 if urgent else self._kept) and self._first() is ticket):
                    self._cond.wait()
            finally:
                line.remove(ticket)
            self._free -= 1
            self._cond.notify_all()  # the next in line may go too while slots are free
        try:
            yield
        finally:
            with self._cond:
                self._free += 1
                self._cond.notify_all()

    def _first(self) -> object | None:
        if self._urgent:
            return self._urgent[0]
        return self._others[0] if self._others else None


class LeakyBucket:
    def __init__(self, rate: float, burst: int, *, sleep: Sleep, clock: Clock = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = rate
        self.burst = burst
        self._sleep = sleep
        self._clock = clock
        self._level = 0.0
        self._updated = clock()
        # shared by the requests in flight. A thread that must wait sleeps holding the lock: the threads behind it
        # would have to wait for the same drain anyway, and this way each leaves exactly 1/rate after the previous
        self._lock = threading.Lock()
        # who sleeps next: in order of arrival, urgent callers first (see Turns)
        self._turns = Turns(1)

    def _drain(self) -> None:
        now = self._clock()
        # after an injected (fake) sleep ``_updated`` may lie in the future: no negative drain
        elapsed = max(0.0, now - self._updated)
        self._level = max(0.0, self._level - elapsed * self.rate)
        self._updated = max(self._updated, now)

    def acquire(self, urgent: bool = False) -> float:
        """Take one slot, sleeping first if the bucket is full. Returns the seconds waited."""
        with self._turns.hold(urgent), self._lock:
            self._drain()
            waited = 0.0
            if self._level + 1 > self.burst:
                waited = (self._level + 1 - self.burst) / self.rate
                self._sleep(waited)
                # account the wait as time that has passed even if ``sleep`` was a fake
                self._updated += waited
                self._level = self.burst - 1.0
            self._level += 1
            return waited

    def mark_full(self) -> None:
        """The portal said 503: its counter is at the top whatever ours says (shared IP, restart…)."""
        with self._lock:
            self._drain()
            self._level = float(self.burst)


def backoff_delay(attempt: int, *, base: float, cap: float = 30.0, rng: Callable[[], float] = random.random) -> float:
    """``attempt`` 0, 1, 2… -> base·2^attempt capped, plus up to 25 % jitter (spreads retrying clients)."""
    delay = min(cap, base * (2**attempt))
    return delay * (1.0 + 0.25 * rng())


@dataclass
class _MethodBudget:
    operating: float
    reset_at: float | None


#: how often a request waiting behind the one probe after a reset looks again
PROBE_WAIT = 0.2
#: a refused call whose answer names no reset: the next probe after one of the portal's 1-minute baskets
BLOCKED_RETRY = 60.0


class OperatingTracker:
    """Per-method ``operating`` seconds as the portal reports them (``time.operating``), plus what is on the wire.

    ``limit`` is the cloud's 480 s per 10 minutes; a box reports no operating at all when its limit
    is off, and then nothing ever pauses.

    With several requests in flight the last answer is not the whole story: 16 batches of 50 ``catalog.product.add``
    are 40 s of operating the portal has not reported yet, more than any fixed margin. :meth:`admit` therefore
    counts each request's estimated cost (calls × the method's last reported ``processing``) as *reserved* until its
    answer is recorded, and lets a request go only when the reported sum, the reserved seconds and its own calls fit
    under the limit (the portal checks before each call, so its last call may start right at the limit). After a
    reset was waited out the new sum is unknown: one request probes, the others wait for its answer.
    """

    def __init__(self, *, limit: float = 480.0, margin: float = 20.0, clock: Clock = time.time,
                 blocked_retry: float = BLOCKED_RETRY) -> None:
        self.limit = limit
        self.margin = margin
        self.blocked_retry = blocked_retry
        self._clock = clock
        self._budgets: dict[str, _MethodBudget] = {}
        self._cost: dict[str, float] = {}  # seconds one call of the method costs, as its answers report
        self._reserved: dict[str, float] = {}  # estimated seconds of calls sent and not answered yet
        self._on_wire: dict[str, int] = {}  # requests admitted and not answered yet (a count: no float residue)
        self._probing: set[str] = set()
        # the requests in flight share the tracker: an admission is checked and reserved at once
        self._lock = threading.Lock()

    def record(self, method: str, info: TimeInfo) -> None:
        name = method.lower()
        with self._lock:
            if info.processing is not None and info.processing > 0:
                last = self._cost.get(name)
                self._cost[name] = info.processing if last is None else 0.8 * last + 0.2 * info.processing
            if info.operating is None:
                return
            known = self._budgets.get(name)
            if known is not None and known.reset_at is not None and info.operating_reset_at is not None:
                if info.operating_reset_at < known.reset_at:
                    return  # an answer that left before a newer one: its sum is out of date
                if info.operating_reset_at == known.reset_at and info.operating < known.operating:
                    return  # answers of requests in flight arrive in any order: the sum only grows in a window
            self._budgets[name] = _MethodBudget(info.operating, info.operating_reset_at)
            self._probing.discard(name)

    def blocked(self, method: str) -> None:
        """The portal refused a call of ``method`` with OPERATION_TIME_LIMIT (inside a batch, with no time of its
        own): the budget is spent until the reset the last answer named. When no answer names one — the probe after
        a reset was refused whole, because the basket that fell out was too small — the next probe waits a basket's
        span: probing again at once drew a refused batch every 2–3 s for a minute (20 000 products, 1 200 commands)."""
        name = method.lower()
        with self._lock:
            budget = self._budgets.get(name)
            reset_at = budget.reset_at if budget else None
            now = self._clock()
            if reset_at is None or reset_at <= now:
                reset_at = now + self.blocked_retry
            self._budgets[name] = _MethodBudget(self.limit, reset_at)
            self._probing.discard(name)

    def reset_at(self, method: str) -> float | None:
        budget = self._budgets.get(method.lower())
        return budget.reset_at if budget else None

    def operating(self, method: str) -> float | None:
        budget = self._budgets.get(method.lower())
        return budget.operating if budget else None

    def pause_before(self, method: str, calls: int = 1) -> float:
        """Seconds to wait before ``calls`` calls of ``method`` (0 when they fit or nothing is known)."""
        with self._lock:
            return self._pause(method.lower(), calls)

    def admit(self, calls: dict[str, int]) -> tuple[float, dict[str, float]]:
        """``(0, reservation)`` when these calls (method → count) may go now — release the reservation once the
        answer is recorded — or ``(seconds to wait, {})``."""
        names = {method.lower(): count for method, count in calls.items()}
        with self._lock:
            pause = max((self._pause(name, count) for name, count in names.items()), default=0.0)
            if pause > 0:
                return pause, {}
            reservation = {name: count * self._cost.get(name, 0.0) for name, count in names.items()}
            for name, seconds in reservation.items():
                self._reserved[name] = self._reserved.get(name, 0.0) + seconds
                self._on_wire[name] = self._on_wire.get(name, 0) + 1
            return 0.0, reservation

    def release(self, reservation: dict[str, float]) -> None:
        with self._lock:
            for name, seconds in reservation.items():
                left = self._on_wire.get(name, 0) - 1
                self._on_wire[name] = max(0, left)
                # the last one out clears the sum exactly: float subtraction would leave a residue for ever
                self._reserved[name] = max(0.0, self._reserved.get(name, 0.0) - seconds) if left > 0 else 0.0

    def _pause(self, name: str, calls: int) -> float:
        reserved = self._reserved.get(name, 0.0)
        if name in self._probing:
            return PROBE_WAIT if self._on_wire.get(name, 0) > 0 else 0.0
        budget = self._budgets.get(name)
        if budget is None or budget.reset_at is None:
            return 0.0
        cost = self._cost.get(name, 0.0)
        # the portal checks before each call: the last of ours may start with the sum right at the limit
        projected = budget.operating + reserved + max(0, calls - 1) * cost
        if projected < self.limit - self.margin:
            return 0.0
        wait = budget.reset_at - self._clock()
        if wait > 0:
            return wait
        # The reset passed, but no answer since has told how much fell out with the oldest basket — it may have
        # been a small one. Batches deferred while the budget was spent come back now without having slept (so
        # nobody called forget): without this all 16 lanes went at once on the stale sum, 800 calls, and the portal
        # refused 250 of them (20 000 products, window 2/3 boundary). One probes, the others wait for its answer.
        del self._budgets[name]
        self._probing.add(name)
        return PROBE_WAIT if self._on_wire.get(name, 0) > 0 else 0.0

    def soonest_reset(self) -> float | None:
        """Seconds until the soonest reset among the methods whose budget is spent (None when none is)."""
        with self._lock:
            waits = [pause for name in list(self._budgets) if (pause := self._pause(name, 1)) > PROBE_WAIT]
        return min(waits) if waits else None

    def forget(self, method: str) -> None:
        """After waiting out a reset the oldest basket is gone; the next answer tells the new sum (until then one
        request probes). An answer that came meanwhile, with a later reset, is kept."""
        name = method.lower()
        with self._lock:
            budget = self._budgets.get(name)
            if budget is not None and budget.reset_at is not None and budget.reset_at > self._clock():
                return
            self._budgets.pop(name, None)
            self._probing.add(name)
