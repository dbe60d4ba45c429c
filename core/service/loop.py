"""Service mode (``syncbridge run``) on the facade: the survive-anything loop of core/service_loop.py, fed by
the service's schedule policy (interval, working hours, pause) and its Stop-aware run."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from core.service_loop import run_service


def run_schedule(service: Any, stop: threading.Event, say: Callable[[str], None]) -> int:
    """Sync on the schedule until ``stop``; returns how many runs failed. No failure ends the loop."""
    policy = service.schedule_policy()
    return run_service(lambda: service.run_once(trigger="schedule", cancel=stop), stop, policy.interval_s,
                       say=say, first_retry=policy.first_retry_s, policy=service.schedule_policy)
