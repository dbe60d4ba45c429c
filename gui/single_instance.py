"""One SyncBridge window per user and data folder.

A QLockFile decides who owns the instance: it is crash-safe (a lock left by a killed process is taken over, because
Qt checks the owner's PID) unlike a bare socket. The owner also listens on a QLocalServer; a second start connects,
sends "show" and exits, and the first instance brings its window up. The server name carries the user name and a
hash of the data folder: on a terminal server several users run the app side by side, and named pipes on Windows
are machine-wide.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import re

from PySide6.QtCore import QLockFile, QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from core.paths import AppPaths

log = logging.getLogger(__name__)

SHOW_MESSAGE = b"show\n"
# the core keeps its own sync lock in paths.lock_file; the GUI instance lock is a different file on purpose
LOCK_NAME = "gui-instance.lock"


def server_name(paths: AppPaths) -> str:
    try:
        user = getpass.getuser()
    except Exception:  # no login name in the environment (services, odd containers)
        user = "user"
    user = re.sub(r"[^A-Za-z0-9_.-]", "_", user) or "user"
    digest = hashlib.sha1(str(paths.home).encode("utf-8")).hexdigest()[:10]
    return f"SyncBridge-{user}-{digest}"


class SingleInstance(QObject):
    #: another start of the program asked this one to show its window
    show_requested = Signal()

    def __init__(self, paths: AppPaths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._paths = paths
        self._name = server_name(paths)
        self._lock = QLockFile(str(paths.home / LOCK_NAME))
        self._server: QLocalServer | None = None

    @property
    def name(self) -> str:
        return self._name

    def acquire(self) -> bool:
        """True when this process is the only instance; it then listens for "show" requests."""
        self._paths.home.mkdir(parents=True, exist_ok=True)
        if not self._lock.tryLock(0):
            return False
        # we own the lock, so any socket file with our name is a leftover of a crashed owner
        QLocalServer.removeServer(self._name)
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self._name):
            log.warning("Не удалось открыть канал %s: %s", self._name, server.errorString())
        server.newConnection.connect(self._on_new_connection)
        self._server = server
        return True

    def notify_running_instance(self, timeout_ms: int = 2000) -> bool:
        """Ask the running instance to show its window; False when it could not be reached."""
        socket = QLocalSocket()
        socket.connectToServer(self._name)
        if not socket.waitForConnected(timeout_ms):
            return False
        socket.write(SHOW_MESSAGE)
        sent = socket.waitForBytesWritten(timeout_ms)
        socket.disconnectFromServer()
        return sent

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        self._lock.unlock()

    @Slot()
    def _on_new_connection(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(self._on_ready_read)
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    @Slot()
    def _on_ready_read(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        data = bytes(socket.readAll().data())
        if SHOW_MESSAGE.strip() in data:
            self.show_requested.emit()
