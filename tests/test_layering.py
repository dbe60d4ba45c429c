"""Architecture rules that must hold for every file, checked by reading the source (AST), not by convention."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            names.add(str(node.args[0].value))
    return names


def _top(name: str) -> str:
    return name.split(".")[0]


def test_core_never_imports_qt_or_gui():
    offenders = {str(p.relative_to(ROOT)): sorted(n for n in _imports(p) if _top(n) in ("PySide6", "gui"))
                 for p in (ROOT / "core").rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_gui_has_no_http_or_sql():
    forbidden = {"requests", "sqlite3", "http", "urllib3", "socket", "ssl", "httpx"}
    offenders = {str(p.relative_to(ROOT)): sorted(n for n in _imports(p) if _top(n) in forbidden)
                 for p in (ROOT / "gui").rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_headless_cli_does_not_load_qt():
    code = ("import sys; from gui.launcher import main; rc = main(['status', '--json']); "
            "print('QT' if any(m.startswith('PySide6') for m in sys.modules) else 'NOQT')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.stdout.strip().endswith("NOQT"), out.stdout + out.stderr


def test_every_runtime_data_file_is_packaged():
    """A data file the app loads but the wheel/installer leaves out works in the checkout and fails for users."""
    import fnmatch
    import tomllib

    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    missing = []
    for top in ("core", "gui", "resources"):
        for path in (ROOT / top).rglob("*"):
            if not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
                continue
            rel = path.relative_to(ROOT)
            owners = [pkg for pkg in package_data if Path(pkg.replace(".", "/")) in rel.parents]
            if not any(fnmatch.fnmatch(str(rel.relative_to(pkg.replace(".", "/"))), pattern)
                       for pkg in owners for pattern in package_data[pkg]):
                missing.append(str(rel))
    assert missing == []


def test_gui_start_without_a_display_explains_instead_of_crashing():
    if sys.platform.startswith(("win", "darwin")):
        return
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = subprocess.run([sys.executable, "-m", "gui.launcher", "demo"], capture_output=True, text=True, cwd=ROOT,
                         env=env, timeout=60)
    assert out.returncode == 2
    assert "demo --headless" in out.stderr and "Traceback" not in out.stderr
