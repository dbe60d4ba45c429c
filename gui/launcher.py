"""Console entry point ``syncbridge``.

Headless commands go straight to ``core.cli`` without importing Qt, so ``syncbridge sync --once`` works on a
server without a display. Only ``syncbridge`` (no command) and ``syncbridge demo`` start the desktop app.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def _no_display() -> bool:
    """On Linux/BSD a window needs X11 or Wayland; without them Qt aborts with a message nobody understands."""
    if sys.platform.startswith(("win", "darwin")) or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _wants_gui(argv: Sequence[str]) -> tuple[bool, bool]:
    args = [a for a in argv if a not in ("-v", "--verbose")]
    if not args:
        return True, False
    if args[0] == "demo" and "--headless" not in args[1:]:
        return True, True
    if args[0] in ("--minimized",):
        return True, False
    return False, False


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    gui, demo = _wants_gui(argv)
    if not gui:
        from core.cli import main as cli_main

        return cli_main(argv)
    if _no_display():
        from core.cli import NO_DISPLAY_TEXT  # console text: Qt (and its translations) is not loaded yet

        print(NO_DISPLAY_TEXT, file=sys.stderr)
        return 2
    from core.log_setup import setup_logging
    from core.paths import AppPaths

    paths = AppPaths.resolve()
    setup_logging(paths, console="-v" in argv or "--verbose" in argv)
    from gui.app import run_gui

    return run_gui(paths, demo=demo)


if __name__ == "__main__":
    raise SystemExit(main())
