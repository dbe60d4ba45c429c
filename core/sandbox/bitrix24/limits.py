"""The two cloud limits (docs: limits.md): a per-portal leaky bucket and per-method operating baskets."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field


class LeakyBucket:
    """Counter +1 per HTTP request (a batch is one request), draining ``rate`` per second.

    A request that would push the counter above ``burst`` is refused (503 QUERY_LIMIT_EXCEEDED).
    Whether refused requests also count is not documented; here they do not, so a client that
    backs off is let in again after ``1/rate`` seconds.
    """

    def __init__(self, rate: float, burst: int, clock: Callable[[], float]) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._level = 0.0
        self._updated = clock()
        # requests arrive on many server threads at once: read-modify-write of the counter must be atomic
        self._lock = threading.Lock()

    def try_take(self) -> bool:
        with self._lock:
            now = self._clock()
            self._level = max(0.0, self._level - (now - self._updated) * self.rate)
            self._updated = now
            if self._level + 1 > self.burst:
                return False
            self._level += 1
            return True


@dataclass
class _Basket:
    started: float
    seconds: float = 0.0


@dataclass
class OperatingLimiter:
    """Execution time per method in ten one-minute baskets (a sliding 10-minute window).

    The check is made *before* a call: the call that pushes the sum over ``limit`` still completes,
    the next one gets 429 OPERATION_TIME_LIMIT. ``operating_reset_at`` is when the oldest basket
    falls out (its first call + 10 min).
    """

    limit: float | None
    clock: Callable[[], float]
    window: float = 600.0
    basket_span: float = 60.0
    _baskets: dict[str, list[_Basket]] = field(default_factory=dict)

    @property
    def enabled(self) -> bool:
        return self.limit is not None

    def _live(self, method: str) -> list[_Basket]:
        now = self.clock()
        baskets = [b for b in self._baskets.get(method, []) if b.started + self.window > now]
        self._baskets[method] = baskets
        return baskets

    def is_blocked(self, method: str) -> bool:
        if self.limit is None:
            return False
        return sum(b.seconds for b in self._live(method)) > self.limit

    def charge(self, method: str, seconds: float) -> None:
        if self.limit is None:
            return
        now = self.clock()
        baskets = self._live(method)
        if baskets and now < baskets[-1].started + self.basket_span:
            baskets[-1].seconds += seconds
        else:
            baskets.append(_Basket(started=now, seconds=seconds))

    def operating(self, method: str) -> float:
        return sum(b.seconds for b in self._live(method))

    def reset_at(self, method: str) -> int:
        baskets = self._live(method)
        started = baskets[0].started if baskets else self.clock()
        return math.ceil(started + self.window)
