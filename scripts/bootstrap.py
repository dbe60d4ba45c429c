"""Set up a local virtual environment and run SyncBridge or its tests. Needs only Python 3.11+.

    python3 scripts/bootstrap.py demo      # install and start the app on the built-in sandbox
    python3 scripts/bootstrap.py test      # install and run lint + the whole test suite

Everything is installed into ./.venv from the project's own pyproject.toml; nothing global is touched.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"


def _python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _run(*cmd: str | Path, **kwargs) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, **kwargs)


def ensure_venv(extras: str) -> Path:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may be started by an older python3
        sys.exit(f"Нужен Python 3.11 или новее, а запущен {sys.version.split()[0]}.")
    if not _python().exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    # reinstall only when the dependency list changed: a second run starts at once
    stamp = VENV / f".installed-{extras or 'app'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != digest:
        spec = f".[{extras}]" if extras else "."
        if _run(_python(), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", spec) != 0:
            sys.exit("Не удалось установить зависимости (см. сообщения pip выше).")
        stamp.write_text(digest)
    return _python()


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "demo"
    if command == "demo":
        python = ensure_venv("")
        return _run(python, "-m", "gui.launcher", "demo", *argv[1:])
    if command == "test":
        python = ensure_venv("test")
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
        lint = _run(python, "-m", "ruff", "check", ".", env=env)
        tests = _run(python, "-m", "pytest", "-q", *argv[1:], env=env)
        return tests or lint
    sys.exit(f"Неизвестная команда «{command}». Используйте: demo или test.")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
