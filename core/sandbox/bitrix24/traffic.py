"""Counters of what reached the sandbox portal: requests, refusals, requests in flight.

Tests and benchmarks read these instead of timings (timings flake on a shared machine; counters do not):
"no 503 with 8 requests in flight" is ``refused_limit == 0 and max_in_flight == 8``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class TrafficSnapshot:
    requests: int
    refused_limit: int  # 503 QUERY_LIMIT_EXCEEDED (the leaky bucket)
    refused_operating: int  # 429 OPERATION_TIME_LIMIT, on a plain call or inside a batch
    in_flight: int
    max_in_flight: int


class Traffic:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests = self._limit = self._operating = self._in_flight = self._max_in_flight = 0

    def begin(self) -> None:
        with self._lock:
            self._requests += 1
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)

    def end(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def refused(self, error: str, count: int = 1) -> None:
        with self._lock:
            if error == "QUERY_LIMIT_EXCEEDED":
                self._limit += count
            elif error == "OPERATION_TIME_LIMIT":
                self._operating += count

    def snapshot(self) -> TrafficSnapshot:
        with self._lock:
            return TrafficSnapshot(self._requests, self._limit, self._operating, self._in_flight,
                                   self._max_in_flight)

    def reset_peak(self) -> None:
        """Start a new measurement of ``max_in_flight`` (between two benchmark runs on one sandbox)."""
        with self._lock:
            self._max_in_flight = self._in_flight
