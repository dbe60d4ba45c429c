"""Logging: a rotating file in the log folder (for support) with secrets masked; console only when asked."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from core.paths import AppPaths
from core.private_files import private_dir, touch_private
from core.redact import MaskingFormatter, SecretMaskingFilter

_FORMAT = "%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s"


def setup_logging(paths: AppPaths, *, console: bool = False, level: int = logging.INFO,
                  file_name: str = "syncbridge.log") -> None:
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, "_syncbridge", False):
            root.removeHandler(handler)
    private_dir(paths.log_dir)
    handlers: list[logging.Handler] = [
        _PrivateRotatingFileHandler(paths.log_dir / file_name, maxBytes=5 * 1024 * 1024, backupCount=5,
                                    encoding="utf-8", delay=True)
    ]
    # windowed builds have no stderr at all (PyInstaller sets it to None)
    if console and sys.stderr is not None:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.setFormatter(MaskingFormatter(_FORMAT))
        handler.addFilter(SecretMaskingFilter())
        handler._syncbridge = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    # requests/urllib3 debug lines may carry full URLs with the webhook code: keep them quiet
    logging.getLogger("urllib3").setLevel(logging.WARNING)


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Log files are created 0600 (they name hosts, users and record keys); rotated ones keep the mode."""

    def _open(self):  # type: ignore[no-untyped-def]
        touch_private(Path(self.baseFilename))
        return super()._open()
