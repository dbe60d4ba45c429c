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


def snapshot_icon(snapshot: object) -> QIcon:
    """The tray icon: the sync state, or "needs attention" when idle but something waits for a person."""
    state = getattr(snapshot, "state", SyncState.IDLE)
    if state == SyncState.IDLE and getattr(snapshot, "attention", 0):
        return attention_icon()
    return state_icon(state)


@cache
def attention_icon() -> QIcon:
    return QIcon(str(icon_path("tray-attention.svg")))


@cache
def app_icon() -> QIcon:
    return QIcon(str(icon_path("app.svg")))
