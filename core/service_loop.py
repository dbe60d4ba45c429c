"""The service loop of ``syncbridge run``: sync on the schedule, survive anything, back off after failures.

A run may fail in ways nobody foresaw (a malformed 1C row, a bug, a full disk, a portal answering garbage). The
service must not die of it overnight: every exception is logged (masked) and reported in one line, and the next
attempt comes after 1, 2, 4… minutes, never later than the schedule. Only a stop request (Ctrl+C, SIGTERM) or
the interpreter shutting down ends the loop.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from core.errors import SyncBridgeError
from core.server_text import sanitise
from core.service.schedule import SchedulePolicy

log = logging.getLogger(__name__)

FIRST_RETRY = 60.0


def run_service(run_once: Callable[[], Any], stop: threading.Event, interval: float, *,
                say: Callable[[str], None] = print, wait: Callable[[float], Any] | None = None,
                first_retry: float = FIRST_RETRY, policy: Callable[[], SchedulePolicy] | None = None,
                now: Callable[[], datetime] = datetime.now) -> int:
    """Call ``run_once`` until ``stop`` is set. Returns the number of runs that failed (for tests and logs).

    Delays come from the one schedule policy (core/service/schedule.py) the tray app uses as well; ``policy``
    (re-read before every run) adds its working hours and pause-for-N-hours."""
    wait = wait or stop.wait
    failures = 0
    in_a_row = 0
    while not stop.is_set():
        current = policy() if policy is not None else SchedulePolicy(interval_s=interval, first_retry_s=first_retry)
        held = current.wait_until_allowed(now())
        if held > 0:
            say(f"{time.strftime('%H:%M')} Вне рабочего времени или пауза: следующая синхронизация через "
                f"{_minutes(held)}.")
            wait(held)
            continue
        try:
            report = run_once()
            say(f"{time.strftime('%H:%M')} {report.summary_text()}")
            in_a_row = 0
        except SyncBridgeError as exc:
            failures += 1
            in_a_row += 1
            say(f"{time.strftime('%H:%M')} Ошибка: {sanitise(exc.message)} Повтор через "
                f"{_minutes(current.retry_delay(in_a_row))}.")
        except Exception as exc:  # the service outlives any bug; the traceback goes to the (masked) log
            failures += 1
            in_a_row += 1
            log.exception("service run failed")
            say(f"{time.strftime('%H:%M')} Непредвиденная ошибка ({type(exc).__name__}); подробности в журнале "
                f"программы. Повтор через {_minutes(current.retry_delay(in_a_row))}.")
        wait(current.retry_delay(in_a_row))
    return failures


def _minutes(seconds: float) -> str:
    return f"{max(1, round(seconds / 60))} мин"
