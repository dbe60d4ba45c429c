"""How long the sandbox 1C takes to write: an injectable hook, so a generic sandbox clock can replace it.

A real УТ 11 spends 0.3–1 s on writing or posting a document (locks, registers, the event log) and much
less on a catalog item. :func:`document_latency` gives the hook :class:`OneCSandbox` takes as
``write_delay``; ``speed`` scales it (speed 10 = ten times faster) for demos, tests pass nothing (no delay).
"""

from __future__ import annotations

import random
from collections.abc import Callable

DOCUMENT_SECONDS = (0.3, 1.0)
CATALOG_SECONDS = (0.05, 0.15)


def document_latency(speed: float = 1.0, *, seed: int = 0) -> Callable[[str, str], float]:
    """``(method, decoded path) -> seconds``: documents 0.3–1 s, other objects 0.05–0.15 s, divided by speed."""
    if speed <= 0:
        raise ValueError("speed must be positive")
    rng = random.Random(seed)

    def delay(method: str, path: str) -> float:
        low, high = DOCUMENT_SECONDS if "/Document_" in path else CATALOG_SECONDS
        return rng.uniform(low, high) / speed

    return delay
