"""Waiting that a Stop can interrupt: client pauses (rate limits, retries) sleep in short slices.

A 60-second wait for the portal's operating budget must not keep the user's «Остановить» waiting a minute.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import Any

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


class InterruptibleSession:
    """Lets a Stop cut a request that is waiting for a silent server, instead of waiting out the read timeout.

    The session's connections register their sockets; a watcher thread waits for ``cancel`` and then shuts the
    sockets down, so the blocked read in the caller's thread fails at once. The caller then sees the Stop
    (:func:`raise_if_cancelled` after a transport error). A write cut this way is an unknown outcome like any
    lost answer: its outbox item stays open and the next run settles it by identity, never by re-sending (D6).
    """

    def __init__(self, session: Any, cancel: threading.Event | None) -> None:
        self._sockets: set[Any] = set()
        self._lock = threading.Lock()
        self._closed = threading.Event()
        if cancel is None:
            return
        adapters = [_adapter(self) for _ in range(2)]
        session.mount("https://", adapters[0])
        session.mount("http://", adapters[1])
        watcher = threading.Thread(target=self._watch, args=(cancel,), name="syncbridge-stop-watcher", daemon=True)
        watcher.start()

    def _watch(self, cancel: threading.Event) -> None:
        while not self._closed.is_set():
            if cancel.wait(WATCH_S):
                self.cut()
                return

    def register(self, sock: Any) -> None:
        with self._lock:
            self._sockets.add(sock)

    def forget(self, sock: Any) -> None:
        with self._lock:
            self._sockets.discard(sock)

    def cut(self) -> None:
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed: nothing to cut

    def close(self) -> None:
        self._closed.set()


WATCH_S = 0.2


def _adapter(owner: InterruptibleSession) -> Any:
    from requests.adapters import HTTPAdapter
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    def pool_class(base: Any) -> Any:
        connection_base = base.ConnectionCls

        class Connection(connection_base):  # type: ignore[misc, valid-type]
            def connect(self) -> None:
                super().connect()
                owner.register(self.sock)

            def close(self) -> None:
                if getattr(self, "sock", None) is not None:
                    owner.forget(self.sock)
                super().close()

        return type(f"Interruptible{base.__name__}", (base,), {"ConnectionCls": Connection})

    class Adapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": pool_class(HTTPConnectionPool),
                                                       "https": pool_class(HTTPSConnectionPool)}

    return Adapter()
