"""The tray icon: state icon, tooltip, menu and notifications.

The menu is built by :func:`build_tray_menu` and refreshed by :func:`update_tray_menu`, both plain functions over a
QMenu, so tests can trigger the actions directly (offscreen there is no system tray). When the platform has no tray
(some Linux desktops, or the tray starts after us at login) a small status window is shown instead, and the tray is
tried again for a while (QTBUG-61898).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from gui.error_text import first_line
from gui.icons import snapshot_icon, state_icon
from gui.plain_text import notification_text
from gui.status_text import APP_TITLE, capitalised, last_sync_line, next_sync_line, status_line, tooltip_text
from gui.status_window import StatusWindow
from gui.sync_controller import SyncController, SyncSnapshot, SyncState

log = logging.getLogger(__name__)

TRAY_RETRY_MS = 2000
MENU_STATUS_LIMIT = 60  # a long error would make the whole menu as wide as the screen; the journal has it all
TRAY_RETRY_ATTEMPTS = 15  # ~30 s after start-up: long enough for a slow desktop session to bring up its tray


class TrayCommands(Protocol):
    """What the tray menu can ask the application to do."""

    def sync_now(self) -> None: ...
    def show_journal(self) -> None: ...
    def open_settings(self) -> None: ...
    def toggle_pause(self) -> None: ...
    def quit_app(self) -> None: ...
    def show_review(self) -> None: ...
    def show_preview(self) -> None: ...


@dataclass
class TrayMenuActions:
    status: QAction
    last_sync: QAction
    next_sync: QAction
    sync_now: QAction
    journal: QAction
    pause: QAction
    settings: QAction
    quit: QAction
    review: QAction | None = None
    preview: QAction | None = None


def build_tray_menu(menu: QMenu, commands: TrayCommands) -> TrayMenuActions:
    """Fill ``menu`` with the tray actions wired to ``commands``; call :func:`update_tray_menu` afterwards."""
    menu.clear()
    status = menu.addAction("")
    status.setEnabled(False)
    last_sync = menu.addAction("")
    last_sync.setEnabled(False)
    next_sync = menu.addAction("")
    next_sync.setEnabled(False)
    menu.addSeparator()
    sync_now = menu.addAction(QCoreApplication.translate("tray", "Синхронизировать сейчас"))
    sync_now.triggered.connect(commands.sync_now)
    journal = menu.addAction(QCoreApplication.translate("tray", "Открыть журнал"))
    journal.triggered.connect(commands.show_journal)
    review = preview = None
    if hasattr(commands, "show_review"):
        review = menu.addAction(QCoreApplication.translate("tray", "Проверка: дубли и конфликты…"))
        review.triggered.connect(commands.show_review)
    if hasattr(commands, "show_preview"):
        preview = menu.addAction(QCoreApplication.translate("tray", "Предпросмотр синхронизации…"))
        preview.triggered.connect(lambda: commands.show_preview())
    pause = menu.addAction("")
    pause.triggered.connect(commands.toggle_pause)
    settings = menu.addAction(QCoreApplication.translate("tray", "Настройки…"))
    settings.triggered.connect(commands.open_settings)
    menu.addSeparator()
    quit_action = menu.addAction(QCoreApplication.translate("tray", "Выход"))
    quit_action.triggered.connect(commands.quit_app)
    menu.setDefaultAction(journal)
    return TrayMenuActions(status, last_sync, next_sync, sync_now, journal, pause, settings, quit_action, review,
                           preview)


def update_tray_menu(actions: TrayMenuActions, snapshot: SyncSnapshot) -> None:
    """Bring texts and enabled states in line with ``snapshot`` (cheap; safe while the menu is open)."""
    actions.status.setText(first_line(capitalised(status_line(snapshot)), MENU_STATUS_LIMIT))
    actions.status.setIcon(snapshot_icon(snapshot))
    actions.last_sync.setText(last_sync_line(snapshot))
    next_line = next_sync_line(snapshot)
    actions.next_sync.setText(next_line or "")
    actions.next_sync.setVisible(bool(next_line))
    syncing = snapshot.state == SyncState.SYNCING
    actions.sync_now.setEnabled(not syncing)
    actions.sync_now.setText(QCoreApplication.translate("tray", "Идёт синхронизация…") if syncing
                             else QCoreApplication.translate("tray", "Синхронизировать сейчас"))
    actions.pause.setText(QCoreApplication.translate("tray", "Возобновить расписание") if snapshot.paused
                          else QCoreApplication.translate("tray", "Приостановить расписание"))
    if actions.review is not None:
        actions.review.setText(
            QCoreApplication.translate("tray", "Нужно ваше решение: {n}…").format(n=snapshot.attention)
            if snapshot.attention else QCoreApplication.translate("tray", "Проверка: дубли и конфликты…"))
    if actions.preview is not None:
        actions.preview.setEnabled(not syncing)


class TrayController(QObject):
    """Shows the sync status in the tray (or in a status window when there is no tray) and forwards commands."""

    def __init__(self, controller: SyncController, commands: TrayCommands, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._commands = commands
        self.menu = QMenu()
        self.actions = build_tray_menu(self.menu, commands)
        self.menu.aboutToShow.connect(self._refresh)
        self.tray: QSystemTrayIcon | None = None
        self.status_window: StatusWindow | None = None
        #: (title, text) of every notification, newest last: what the user was told (tests read it)
        self.notifications: list[tuple[str, str]] = []
        self._last_state = controller.snapshot().state
        self._last_attention = controller.snapshot().attention
        self._last_error: str | None = None
        self._tray_attempts = 0
        self._tray_timer = QTimer(self)
        self._tray_timer.setInterval(TRAY_RETRY_MS)
        self._tray_timer.timeout.connect(self._retry_tray)
        controller.changed.connect(self._refresh)
        controller.finished.connect(self._on_finished)

    def retranslate(self) -> None:
        """The interface language changed: rebuild the menu texts (they are set once, not on LanguageChange)."""
        self.actions = build_tray_menu(self.menu, self._commands)
        self._refresh()

    # ---- showing ---------------------------------------------------------------------------------------------
    def show(self) -> None:
        if QSystemTrayIcon.isSystemTrayAvailable():
            self._create_tray()
        else:
            log.info("Область уведомлений недоступна — показываю окно состояния")
            self._show_status_window()
            self._tray_timer.start()
        self._refresh()

    def hide(self) -> None:
        self._tray_timer.stop()
        if self.tray is not None:
            self.tray.hide()
        if self.status_window is not None:
            self.status_window.allow_close()
            self.status_window.close()

    @property
    def uses_tray(self) -> bool:
        return self.tray is not None

    def _create_tray(self) -> None:
        tray = QSystemTrayIcon(state_icon(self._controller.snapshot().state), self)
        tray.setContextMenu(self.menu)
        tray.activated.connect(self._on_activated)
        tray.show()
        self.tray = tray

    def _show_status_window(self) -> None:
        if self.status_window is None:
            self.status_window = StatusWindow(self._commands)
        self.status_window.show()

    @Slot()
    def _retry_tray(self) -> None:
        self._tray_attempts += 1
        if QSystemTrayIcon.isSystemTrayAvailable():
            self._tray_timer.stop()
            self._create_tray()
            if self.status_window is not None:
                self.status_window.allow_close()
                self.status_window.close()
                self.status_window = None
            self._refresh()
        elif self._tray_attempts >= TRAY_RETRY_ATTEMPTS:
            self._tray_timer.stop()

    # ---- reacting --------------------------------------------------------------------------------------------
    @Slot(QSystemTrayIcon.ActivationReason)
    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self._commands.show_journal()

    @Slot()
    def _refresh(self) -> None:
        snapshot = self._controller.snapshot()
        update_tray_menu(self.actions, snapshot)
        if self.tray is not None:
            self.tray.setIcon(snapshot_icon(snapshot))
            # tray tooltips are rich text on some platforms and raw on others: no markup characters at all
            self.tray.setToolTip(notification_text(tooltip_text(snapshot)))
        if self.status_window is not None:
            self.status_window.show_snapshot(snapshot)
        self._notify_on_change(snapshot)

    @Slot(object, str)
    def _on_finished(self, report: object, error_text: str) -> None:
        self._refresh()

    def _notify_on_change(self, snapshot: SyncSnapshot) -> None:
        """Notify on errors, on recovery and on new items for a person only: every successful cycle is noise."""
        if snapshot.attention > self._last_attention:
            self.notify(QCoreApplication.translate("tray", "SyncBridge: нужно ваше решение"),
                        QCoreApplication.translate(
                            "tray", "Новые возможные дубли или конфликты: {n}. Откройте окно «Проверка».").format(
                            n=snapshot.attention - self._last_attention),
                        QSystemTrayIcon.MessageIcon.Warning)
        self._last_attention = snapshot.attention
        state, previous = snapshot.state, self._last_state
        if state == SyncState.SYNCING:
            return  # transitions are judged between runs, not against the in-progress state
        self._last_state = state
        if state in (SyncState.ERROR, SyncState.DISCONNECTED):
            if snapshot.error_text != self._last_error or previous not in (SyncState.ERROR, SyncState.DISCONNECTED):
                self._last_error = snapshot.error_text
                title = (QCoreApplication.translate("tray", "SyncBridge: нет связи")
                         if state == SyncState.DISCONNECTED
                         else QCoreApplication.translate("tray", "SyncBridge: ошибка синхронизации"))
                self.notify(title, first_line(snapshot.error_text or "", 200),
                            QSystemTrayIcon.MessageIcon.Warning)
        elif state == SyncState.IDLE and previous in (SyncState.ERROR, SyncState.DISCONNECTED):
            self._last_error = None
            self.notify(APP_TITLE,
                        QCoreApplication.translate("tray", "Синхронизация снова работает."),
                        QSystemTrayIcon.MessageIcon.Information)

    def notify(self, title: str, text: str,
               icon: QSystemTrayIcon.MessageIcon = QSystemTrayIcon.MessageIcon.Information) -> None:
        self.notifications.append((title, text))
        if self.tray is not None and QSystemTrayIcon.supportsMessages():
            self.tray.showMessage(title, notification_text(text), icon, 10_000)
        elif self.status_window is not None:
            self.status_window.show_message(f"{title}: {text}" if title != APP_TITLE else text)
