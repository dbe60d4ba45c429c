"""Waiting that a Stop can interrupt: client pauses (rate limits, retries) sleep in short slices.

A 60-second wait for the portal's operating budget must not keep the user's «Остановить» waiting a minute.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from core.errors import Cancelled

SLICE_S = 0.2  # a Stop is noticed within this long during a wait


def cancelled_error() -> Cancelled:
    return Cancelled("Синхронизация остановлена пользователем.",
                     "Уже записанное сохранено; остальное будет перенесено при следующем запуске.")


def raise_if_cancelled(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise cancelled_error()


def cancellable_sleep(cancel: threading.Event | None) -> Callable[[float], None]:
    """A ``sleep(seconds)`` that raises :class:`Cancelled` as soon as ``cancel`` is set (checked every slice)."""

    def sleep(seconds: float) -> None:
        if cancel is None:
            time.sleep(seconds)
            return
        deadline = time.monotonic() + max(0.0, seconds)
        while True:
            raise_if_cancelled(cancel)
            left = deadline - time.monotonic()
            if left <= 0:
                return
            cancel.wait(min(SLICE_S, left))

    return sleep
