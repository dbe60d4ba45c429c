"""Start SyncBridge with the user's session: the Windows Run key or an XDG autostart file (Linux desktops).

Only the current user's entries are touched (no administrator rights needed). The command starts the tray app.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
VALUE_NAME = "SyncBridge"
DESKTOP_NAME = "syncbridge.desktop"


def launch_command() -> list[str]:
    """How this installation is started: the frozen executable, or the interpreter with the launcher module."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "gui.launcher"]


def xdg_autostart_file(env: dict[str, str] | None = None) -> Path:
    env = dict(os.environ) if env is None else env
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME", str(Path.home()))) / ".config")
    return Path(base) / "autostart" / DESKTOP_NAME


def desktop_entry(command: list[str], home: str | None = None) -> str:
    exec_line = " ".join(shlex.quote(part) for part in command)
    if home:
        # a portable/non-default home (SYNCBRIDGE_HOME) must survive the login start as well
        exec_line = f"env SYNCBRIDGE_HOME={shlex.quote(home)} {exec_line}"
    return ("[Desktop Entry]\nType=Application\nName=SyncBridge\n"
            "Comment=Синхронизация 1С и Битрикс24\nComment[en]=1C and Bitrix24 synchronisation\n"
            f"Exec={exec_line}\nTerminal=false\nX-GNOME-Autostart-enabled=true\n")


def set_autostart(enabled: bool, *, home: str | None = None, env: dict[str, str] | None = None) -> str:
    """Create or remove the entry; returns where it lives (for the settings window's note)."""
    command = launch_command()
    if sys.platform.startswith("win"):
        import winreg

        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
            if enabled:
                line = " ".join(f'"{part}"' for part in command)
                winreg.SetValueEx(key, VALUE_NAME, 0, winreg.REG_SZ, line)
            else:
                try:
                    winreg.DeleteValue(key, VALUE_NAME)
                except FileNotFoundError:
                    pass
        return f"HKCU\\{RUN_KEY}\\{VALUE_NAME}"
    path = xdg_autostart_file(env)
    if enabled:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(desktop_entry(command, home), encoding="utf-8")
    elif path.exists():
        path.unlink()
    return str(path)


def autostart_enabled(env: dict[str, str] | None = None) -> bool:
    if sys.platform.startswith("win"):
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                winreg.QueryValueEx(key, VALUE_NAME)
            return True
        except OSError:
            return False
    return xdg_autostart_file(env).exists()
