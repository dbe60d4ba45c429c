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
from collections.abc import Callable
from dataclasses import dataclass

from .envelope import TimeInfo

Sleep = Callable[[float], None]
Clock = Callable[[], float]


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

    def _drain(self) -> None:
        now = self._clock()
        # after an injected (fake) sleep ``_updated`` may lie in the future: no negative drain
        elapsed = max(0.0, now - self._updated)
        self._level = max(0.0, self._level - elapsed * self.rate)
        self._updated = max(self._updated, now)

    def acquire(self) -> float:
        """Take one slot, sleeping first if the bucket is full. Returns the seconds waited."""
        with self._lock:
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


class OperatingTracker:
    """Per-method ``operating`` seconds as the portal reports them (``time.operating``).

    ``limit`` is the cloud's 480 s per 10 minutes; a box reports no operating at all when its limit
    is off, and then nothing ever pauses.
    """

    def __init__(self, *, limit: float = 480.0, margin: float = 20.0, clock: Clock = time.time) -> None:
        self.limit = limit
        self.margin = margin
        self._clock = clock
        self._budgets: dict[str, _MethodBudget] = {}

    def record(self, method: str, info: TimeInfo) -> None:
        if info.operating is None:
            return
        self._budgets[method.lower()] = _MethodBudget(info.operating, info.operating_reset_at)

    def reset_at(self, method: str) -> float | None:
        budget = self._budgets.get(method.lower())
        return budget.reset_at if budget else None

    def operating(self, method: str) -> float | None:
        budget = self._budgets.get(method.lower())
        return budget.operating if budget else None

    def pause_before(self, method: str) -> float:
        """Seconds to wait before calling ``method`` (0 when it has budget left or nothing is known)."""
        budget = self._budgets.get(method.lower())
        if budget is None or budget.reset_at is None or budget.operating < self.limit - self.margin:
            return 0.0
        return max(0.0, budget.reset_at - self._clock())

    def forget(self, method: str) -> None:
        """After waiting out a reset the oldest basket is gone; the next answer tells the new sum."""
        self._budgets.pop(method.lower(), None)
