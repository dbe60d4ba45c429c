"""Architecture rules that must hold for every file, checked by reading the source (AST), not by convention."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    return _imports_of_source(path.read_text(encoding="utf-8"), str(path))


def _imports_of_source(source: str, filename: str = "<src>", package: str = "") -> set[str]:
    """Every module a source imports, wherever in the file (lazy imports count): ``from core import messages``
    counts as ``core.messages``; relative imports are resolved against ``package``."""
    tree = ast.parse(source, filename=filename)
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                module = ".".join([*base, module] if module else base)
            if module:
                names.add(module)
                # "from pkg import name": name may be a submodule; the graph walk keeps it only if it is one
                names.update(f"{module}.{alias.name}" for alias in node.names)
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


# ---- the GUI's one front door (issue 9): checked on the import graph, not on module names ----------------------
#: what gui/ may import from core: the facade package and value-type modules that do no I/O of their own
GUI_ALLOWED_CORE = ("core.service", "core.errors", "core.messages", "core.paths", "core.redact")
#: the process entry point hands CLI commands to core.cli before any Qt import (and the log set-up is shared)
ENTRY_POINT_EXCEPTIONS = {"gui.launcher": ("core.cli", "core.log_setup")}
#: the engine's inner rooms: a value-type module reaching one of them would be a back door for the GUI
ENGINE_INTERNALS = ("core.state", "core.secrets", "core.sync", "core.sandbox", "core.bitrix24", "core.onec",
                    "core.connections", "core.setup_service", "core.connection_check", "core.run_lock",
                    "core.mapping", "core.cli", "core.profile")


def _module_files(top: str) -> dict[str, Path]:
    modules = {}
    for path in (ROOT / top).rglob("*.py"):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _project_graph() -> dict[str, set[str]]:
    """module → the project modules it imports (core, gui, resources), resolved to real modules."""
    files = {**_module_files("core"), **_module_files("gui")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = _imports_of_source(path.read_text(encoding="utf-8"), str(path), package)
        graph[name] = {t for t in targets if t in files}
    return graph


def _allowed(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def gui_layering_violations(graph: dict[str, set[str]]) -> dict[str, list[str]]:
    """Walk from every gui module through gui modules; every core module reached directly must be allowed, and a
    value-type module must not lead (transitively) into the engine's internals."""
    problems: dict[str, list[str]] = {}
    for module in (m for m in graph if m.startswith("gui")):
        seen, stack = {module}, [module]
        while stack:
            current = stack.pop()
            for target in graph.get(current, ()):
                if target.startswith("gui"):
                    if target not in seen:
                        seen.add(target)
                        stack.append(target)
                    continue
                if not target.startswith("core") or target == "core":  # the bare package holds only __version__
                    continue
                if _allowed(target, ENTRY_POINT_EXCEPTIONS.get(current, ())):
                    continue
                if not _allowed(target, GUI_ALLOWED_CORE):
                    problems.setdefault(current, []).append(target)
    # value-type modules stay value types: nothing of the engine behind them
    for module in (m for m in graph if _allowed(m, GUI_ALLOWED_CORE) and not _allowed(m, ("core.service",))):
        seen, stack = {module}, [module]
        while stack:
            for target in graph.get(stack.pop(), ()):
                if target not in seen:
                    seen.add(target)
                    stack.append(target)
                    if _allowed(target, ENGINE_INTERNALS):
                        problems.setdefault(module, []).append(target)
    return {k: sorted(set(v)) for k, v in problems.items()}


def test_gui_reaches_the_core_only_through_the_service_facade():
    assert gui_layering_violations(_project_graph()) == {}


def test_the_layering_check_catches_a_back_door():
    """The check itself must fail on the imports issue 9 removed: direct, lazy, via a gui helper, via a value type."""
    graph = _project_graph()
    cases = {
        "direct": {"gui.app": {"core.state.store"}},
        "lazy secrets": {"gui.master_password_dialog": {"core.secrets"}},
        "engine via a gui helper": {"gui.helper_x": {"core.sync.runner"}, "gui.app": {"gui.helper_x"}},
        "sandbox": {"gui.app": {"core.sandbox.demo"}},
        "value type leading into the engine": {"core.redact": {"core.state.store"}},
    }
    for name, extra in cases.items():
        patched = {k: set(v) for k, v in graph.items()}
        for module, targets in extra.items():
            patched.setdefault(module, set()).update(targets)
        assert gui_layering_violations(patched), name
    # and the parser resolves the forms the graph relies on
    assert "core.state.store" in _imports_of_source("def f():\n    from core.state.store import StateStore\n")
    assert "core.messages" in _imports_of_source("from core import messages\n")
    assert "core.sync.runner" in _imports_of_source("from .runner import X\n", package="core.sync")


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
