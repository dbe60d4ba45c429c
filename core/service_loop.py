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
from typing import Any

from core.errors import SyncBridgeError
from core.server_text import sanitise

log = logging.getLogger(__name__)

FIRST_RETRY = 60.0


def run_service(run_once: Callable[[], Any], stop: threading.Event, interval: float, *,
                say: Callable[[str], None] = print, wait: Callable[[float], Any] | None = None,
                first_retry: float = FIRST_RETRY) -> int:
    """Call ``run_once`` until ``stop`` is set. Returns the number of runs that failed (for tests and logs)."""
    wait = wait or stop.wait
    retry = min(first_retry, interval)
    failures = 0
    while not stop.is_set():
        delay = interval
        try:
            report = run_once()
            say(f"{time.strftime('%H:%M')} {report.summary_text()}")
            retry = min(first_retry, interval)
        except SyncBridgeError as exc:
            failures += 1
            say(f"{time.strftime('%H:%M')} Ошибка: {sanitise(exc.message)} Повтор через {_minutes(retry)}.")
            delay, retry = retry, min(retry * 2, interval)
        except Exception as exc:  # the service outlives any bug; the traceback goes to the (masked) log
            failures += 1
            log.exception("service run failed")
            say(f"{time.strftime('%H:%M')} Непредвиденная ошибка ({type(exc).__name__}); подробности в журнале "
                f"программы. Повтор через {_minutes(retry)}.")
            delay, retry = retry, min(retry * 2, interval)
        wait(delay)
    return failures


def _minutes(seconds: float) -> str:
    return f"{max(1, round(seconds / 60))} мин"
