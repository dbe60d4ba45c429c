"""Icons drawn for SyncBridge (resources/icons/*.svg): the app icon and one tray icon per sync state."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon

import resources
from gui.sync_controller import SyncState

ICONS_DIR = Path(resources.__file__).resolve().parent / "icons"

_STATE_FILES = {
    SyncState.IDLE: "tray-idle.svg",
    SyncState.SYNCING: "tray-syncing.svg",
    SyncState.ERROR: "tray-error.svg",
    SyncState.PAUSED: "tray-paused.svg",
    SyncState.DISCONNECTED: "tray-disconnected.svg",
}


def icon_path(name: str) -> Path:
    return ICONS_DIR / name


@cache
def state_icon(state: SyncState) -> QIcon:
    return QIcon(str(icon_path(_STATE_FILES[state])))


@cache
def app_icon() -> QIcon:
    return QIcon(str(icon_path("app.svg")))
