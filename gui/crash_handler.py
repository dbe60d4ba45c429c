"""Last line of defence: an unexpected exception is logged in full and the user sees a short Russian message.

A raw traceback is never shown: it means nothing to the user and may carry data. Windowed (PyInstaller) builds
have ``sys.stderr is None``, so the default hook must not be called there.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QThread
from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger("syncbridge.crash")

_showing = threading.Event()  # one dialog at a time: an error inside the dialog must not open another


def crash_message(log_dir: Path) -> str:
    return QCoreApplication.translate(
        "crash",
        "В программе произошла непредвиденная ошибка. Программа продолжит работу, но последнее действие "
        "могло не выполниться.\n\nПодробности записаны в журнал программы в папке:\n{folder}\n\n"
        "Если ошибка повторяется, передайте эту папку в поддержку.",
    ).format(folder=log_dir)


def install_excepthook(log_dir: Path) -> None:
    def handle(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            if sys.stderr is not None:
                sys.__excepthook__(exc_type, exc, tb)
            return
        log.critical("Необработанное исключение", exc_info=(exc_type, exc, tb))
        _show_dialog(log_dir)

    def handle_thread(args: threading.ExceptHookArgs) -> None:
        # a plain Python thread died: log it; the dialog is only ever shown from the GUI thread
        log.critical("Необработанное исключение в потоке %s", args.thread.name if args.thread else "?",
                     exc_info=(args.exc_type, args.exc_value, args.exc_traceback))

    sys.excepthook = handle
    threading.excepthook = handle_thread


def _show_dialog(log_dir: Path) -> None:
    app = QApplication.instance()
    if app is None or QThread.currentThread() is not app.thread() or _showing.is_set():
        return
    _showing.set()
    try:
        box = QMessageBox(QMessageBox.Icon.Critical, "SyncBridge", crash_message(log_dir))
        box.exec()
    except Exception:  # the dialog itself failed: the log already has the original error
        log.exception("Не удалось показать окно об ошибке")
    finally:
        _showing.clear()
