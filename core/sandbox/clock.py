"""How long the sandbox servers take to answer: a truthful, speed-scaled work clock.

A real portal or 1C base spends time on every request and on every record it reads or writes; a client that
keeps several requests in flight overlaps those waits. The sandboxes used to answer instantly, so nothing
about throughput could be measured on them. :class:`WorkClock` turns a request's work (requests, records read,
records written, documents posted) into real seconds and sleeps them — always OUTSIDE the servers' state locks,
so concurrent requests overlap as on a real server while their state changes stay serialised.

The figures are ASSUMED (see docs/architecture.md, «Производительность»), calibrated from the reference notes:

- Bitrix24 cloud: ~0.03 s per request and ~40 ms per record written (issue 7's measurement of a cloud
  portal), reads of a list row ~2 ms (assumed: a 50-row page ≈ 0.1 s, the order of magnitude of the
  ``start=-1`` list timings in the notes §3.4);
- 1C over OData (notes onec-odata §3.2: "0.1–2 s" per request once the session is warm): 0.1 s per request,
  0.5 ms per row read (a 500-row page ≈ 0.35 s), 0.3 s per object written, 0.5 s more to post a document.

``scale`` multiplies everything: 0 (the default of both sandboxes) answers instantly — unit tests stay fast —
1.0 is the realistic clock of the demo and the benchmarks. The operating-time budget of the portal is billed
separately and does not depend on this clock.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

#: environment override of the clock scale for the demo (e.g. 0 for an instant demo, 0.2 for a brisk one)
ENV_SANDBOX_SPEED = "SYNCBRIDGE_SANDBOX_CLOCK"


@dataclass(frozen=True)
class Work:
    """What one request made the server do."""

    requests: int = 1
    read: int = 0
    written: int = 0
    posted: int = 0

    def __add__(self, other: Work) -> Work:
        return Work(self.requests + other.requests, self.read + other.read, self.written + other.written,
                    self.posted + other.posted)


@dataclass(frozen=True)
class Costs:
    """Seconds per unit of work at scale 1.0."""

    per_request: float
    per_read: float
    per_write: float
    per_post: float = 0.0

    def seconds(self, work: Work) -> float:
        return (work.requests * self.per_request + work.read * self.per_read + work.written * self.per_write
                + work.posted * self.per_post)


#: assumed costs (module docstring): keep docs/architecture.md in step when changing them
BITRIX24_CLOUD = Costs(per_request=0.03, per_read=0.002, per_write=0.04)
ONEC_ODATA = Costs(per_request=0.1, per_read=0.0005, per_write=0.3, per_post=0.5)
#: for a sandbox 1C whose writes are already timed by its ``write_delay`` (the demo): requests and reads only
ONEC_ODATA_READS = Costs(per_request=0.1, per_read=0.0005, per_write=0.0, per_post=0.0)


class WorkClock:
    def __init__(self, costs: Costs, scale: float = 0.0, *, sleep: Callable[[float], None] = time.sleep) -> None:
        if scale < 0:
            raise ValueError("scale must be >= 0")
        self.costs = costs
        self.scale = scale
        self._sleep = sleep

    @classmethod
    def instant(cls, costs: Costs) -> WorkClock:
        return cls(costs, 0.0)

    @classmethod
    def realistic(cls, costs: Costs) -> WorkClock:
        return cls(costs, 1.0)

    @classmethod
    def from_env(cls, costs: Costs, default: float = 1.0, env: Mapping[str, str] | None = None) -> WorkClock:
        """The demo's clock: realistic unless SYNCBRIDGE_SANDBOX_CLOCK says otherwise (a bad value is ignored)."""
        raw = (env if env is not None else os.environ).get(ENV_SANDBOX_SPEED, "")
        try:
            scale = float(raw) if raw.strip() else default
        except ValueError:
            scale = default
        return cls(costs, max(0.0, scale))

    def seconds(self, work: Work) -> float:
        return self.costs.seconds(work) * self.scale

    def spend(self, work: Work) -> float:
        """Sleep for ``work``. The caller must hold no lock that other requests need."""
        seconds = self.seconds(work)
        if seconds > 0:
            self._sleep(seconds)
        return seconds


# ----- what a Bitrix24 call costs ----------------------------------------------------------------------------------
_WRITE_SUFFIXES = (".add", ".update", ".delete")


def portal_call_work(method: str, result: Any) -> Work:
    """Records read or written by one REST method (a batch command or a plain call), judged by its answer."""
    name = method.lower()
    if name.endswith(_WRITE_SUFFIXES) or name.endswith(".batchimport"):
        return Work(requests=0, written=1)
    if name.endswith(".list"):
        return Work(requests=0, read=_rows_in(result))
    if name.endswith(".get") or name.startswith("crm.duplicate."):
        return Work(requests=0, read=1)
    return Work(requests=0)


def portal_batch_work(commands: Mapping[str, str], results: Mapping[str, Any]) -> Work:
    """Work of a ``batch``: each command that ran (``results``; failed ones are cheap) by its method."""
    total = Work(requests=0)
    for key, command in commands.items():
        if key in results:
            total = total + portal_call_work(str(command).split("?", 1)[0], results[key])
    return total


def _rows_in(result: Any) -> int:
    if isinstance(result, list):
        return len(result)
    if isinstance(result, Mapping):
        for value in result.values():
            if isinstance(value, list):
                return len(value)
    return 1 if result else 0
