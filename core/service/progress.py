"""Honest progress of a whole run: records settled out of records seen, speed and time left.

The engine reports per stage and per slice (a slice restarts at 0); the counters it carries settle every record
exactly once (unchanged, skipped, created, linked, updated, marked, failed), so settled / seen is the whole run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.service.vocabulary import SETTLED_COUNTS

RATE_WINDOW_S = 20.0  # speed over the last seconds, so a slow start does not skew the estimate for ever


@dataclass(frozen=True)
class RunProgress:
    stage: str = ""  # Russian stage text (core.messages.STAGES), translated by the GUI in context "progress"
    entity: str = ""
    stage_done: int = 0  # within the stage/slice, as the engine reported it
    stage_total: int | None = None
    done: int = 0  # records settled in the whole run
    total: int | None = None  # records seen in 1C in the whole run (None until the poll is over)
    rate: float | None = None  # records per second (None until it can be measured)
    eta_s: float | None = None  # seconds left (None when unknown)
    counts: dict[str, int] = field(default_factory=dict)
    elapsed_s: float = 0.0


class ProgressTracker:
    """Turns the engine's Progress into RunProgress; one per run."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._started = clock()
        self._samples: list[tuple[float, int]] = []
        self._baseline: int | None = None  # records settled "for free" at the poll (unchanged) are not speed

    def update(self, progress: Any) -> RunProgress:
        counts = dict(getattr(progress, "counts", None) or {})
        seen = int(counts.get("seen", 0) or 0)
        done = sum(int(counts.get(key, 0) or 0) for key in SETTLED_COUNTS)
        now = self._clock()
        work_done = done - int(counts.get("unchanged", 0) or 0)
        self._samples.append((now, work_done))
        while len(self._samples) > 2 and now - self._samples[0][0] > RATE_WINDOW_S:
            self._samples.pop(0)
        rate = eta = None
        first_t, first_n = self._samples[0]
        if now - first_t >= 1.0 and work_done > first_n:
            rate = (work_done - first_n) / (now - first_t)
            if seen:
                eta = max(0, seen - done) / rate
        return RunProgress(stage=str(getattr(progress, "stage", "") or ""),
                           entity=str(getattr(progress, "entity", "") or ""),
                           stage_done=int(getattr(progress, "done", 0) or 0),
                           stage_total=getattr(progress, "total", None),
                           done=min(done, seen) if seen else done, total=seen or None, rate=rate, eta_s=eta,
                           counts=counts, elapsed_s=now - self._started)
