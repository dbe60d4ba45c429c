"""Logging: a rotating file in the log folder (for support) with secrets masked; console only when asked."""

from __future__ import annotations

import logging
import logging.handlers
import sys

from core.paths import AppPaths
from core.redact import SecretMaskingFilter

_FORMAT = "%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s"


def setup_logging(paths: AppPaths, *, console: bool = False, level: int = logging.INFO,
                  file_name: str = "syncbridge.log") -> None:
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, "_syncbridge", False):
            root.removeHandler(handler)
    paths.log_dir.mkdir(parents=True, exist_ok=True)
    handlers: list[logging.Handler] = [
        logging.handlers.RotatingFileHandler(paths.log_dir / file_name, maxBytes=5 * 1024 * 1024, backupCount=5,
                                             encoding="utf-8", delay=True)
    ]
    # windowed builds have no stderr at all (PyInstaller sets it to None)
    if console and sys.stderr is not None:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler.addFilter(SecretMaskingFilter())
        handler._syncbridge = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    # requests/urllib3 debug lines may carry full URLs with the webhook code: keep them quiet
    logging.getLogger("urllib3").setLevel(logging.WARNING)
