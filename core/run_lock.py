"""One sync at a time per SyncBridge home, across processes (tray app, CLI, service).

An OS file lock is released by the OS when the process dies, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

from core.errors import SyncBridgeError


class SyncAlreadyRunning(SyncBridgeError):
    exit_code = 2


class RunLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.name == "nt":
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise SyncAlreadyRunning(
                "Синхронизация уже идёт в другом процессе SyncBridge на этом компьютере.",
                "Дождитесь её окончания (статус: syncbridge status) и повторите.") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            if os.name == "nt":
                import msvcrt

                try:
                    os.lseek(self._fd, 0, os.SEEK_SET)
                    msvcrt.locking(self._fd, msvcrt.LK_UNLCK, 1)
                except OSError:
                    pass
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
