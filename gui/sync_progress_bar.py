"""The progress bar both windows show while a sync runs."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar

from gui.sync_controller import SyncSnapshot, SyncState


class SyncProgressBar(QProgressBar):
    def __init__(self) -> None:
        super().__init__()
        self.setVisible(False)

    def show_snapshot(self, snapshot: SyncSnapshot) -> None:
        syncing = snapshot.state == SyncState.SYNCING
        self.setVisible(syncing)
        if syncing:
            self.setRange(0, snapshot.total or 0)  # 0..0 = busy indicator while the total is unknown
            self.setValue(snapshot.done if snapshot.total else 0)
