"""Translations: every Russian UI string in gui/ has a finished English translation, shipped in the .qm.

The source strings are read from the code (AST), not from the .ts, so a string added without running
``python -m gui.i18n_update`` fails here.
"""

from __future__ import annotations

import ast
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QWizard

from gui.i18n_update import QM_FILE, TEMPLATES_FILE, TS_FILE, render_templates_module
from gui.translations import resolve_language
from gui.wizard import SetupWizard
from tests import gui_fixtures
from tests.gui_fixtures import FakeServices

ROOT = Path(__file__).resolve().parent.parent
GUI_DIR = ROOT / "gui"
CYRILLIC = re.compile("[А-Яа-яЁё]")
PLACEHOLDER = re.compile(r"\{(\w*)\}")
# files whose Russian text is not UI: the translation tool's own console output
NOT_UI_FILES = {"i18n_update.py"}
# language names are written in their own language on purpose (gui/wizard/schedule_page.py)
UNTRANSLATED_ON_PURPOSE = {"Русский"}
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}

task_runner = gui_fixtures.task_runner
ui_language = gui_fixtures.ui_language


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


class _Collector(ast.NodeVisitor):
    """(context, source) of tr()/translate()/QT_TRANSLATE_NOOP calls; Cyrillic literals outside of them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.classes: list[str] = []
        self.messages: set[tuple[str, str]] = set()
        self.covered: set[int] = set()  # ids of literal nodes that are translation sources or log text
        self.literals: list[ast.Constant] = []

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(node.name)
        self.generic_visit(node)
        self.classes.pop()

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and CYRILLIC.search(node.value):
            self.literals.append(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name == "tr" and node.args and self.classes:
            source = _literal(node.args[0])
            if source is not None:
                self.messages.add((self.classes[-1], source))
                self.covered.add(id(node.args[0]))
        elif name in ("translate", "QT_TRANSLATE_NOOP") and len(node.args) >= 2:
            context, source = _literal(node.args[0]), _literal(node.args[1])
            if context is not None and source is not None:
                self.messages.add((context, source))
                self.covered.add(id(node.args[1]))
        elif name in LOG_METHODS and isinstance(func, ast.Attribute):
            # log lines are for support, not for the screen (they are Russian like the core's)
            for arg in node.args:
                for sub in ast.walk(arg):
                    self.covered.add(id(sub))
        self.generic_visit(node)


def _scan() -> tuple[set[tuple[str, str]], list[str]]:
    messages: set[tuple[str, str]] = set()
    bare: list[str] = []
    for path in sorted(GUI_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                      and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        collector = _Collector(path)
        collector.visit(tree)
        messages |= collector.messages
        if path.name in NOT_UI_FILES:
            continue
        for node in collector.literals:
            if id(node) in collector.covered or id(node) in docstrings or node.value in UNTRANSLATED_ON_PURPOSE:
                continue
            bare.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:60]!r}")
    return messages, bare


def _ts_messages() -> dict[tuple[str, str], tuple[str, str | None]]:
    root = ET.parse(TS_FILE).getroot()
    result = {}
    for context in root.iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            result[(name, message.findtext("source", ""))] = (translation.text or "", translation.get("type"))
    return result


def test_every_gui_string_has_a_finished_english_translation() -> None:
    used, _ = _scan()
    assert len(used) > 150, "the scan found suspiciously few strings"
    ts = _ts_messages()
    missing = sorted(f"[{ctx}] {src}" for ctx, src in used if (ctx, src) not in ts)
    unfinished = sorted(f"[{ctx}] {src}" for ctx, src in used
                        if (ctx, src) in ts and (ts[(ctx, src)][1] is not None or not ts[(ctx, src)][0].strip()))
    assert missing == [], "run: .venv/bin/python -m gui.i18n_update, then translate"
    assert unfinished == []


def test_compiled_qm_matches_the_ts(qapp: Any) -> None:
    used, _ = _scan()
    translator = QTranslator()
    assert translator.load(str(QM_FILE))
    stale = sorted(f"[{ctx}] {src}" for ctx, src in used if not translator.translate(ctx, src))
    assert stale == [], "the .qm is older than the .ts: run pyside6-lrelease (python -m gui.i18n_update)"


def test_no_russian_ui_text_bypasses_translation() -> None:
    _, bare = _scan()
    assert bare == []


def test_translations_keep_every_placeholder() -> None:
    # "{n}" lost or renamed in English would raise KeyError at .format() time, in front of the user
    broken = [f"[{ctx}] {src!r} → {text!r}" for (ctx, src), (text, _) in _ts_messages().items()
              if sorted(PLACEHOLDER.findall(src)) != sorted(PLACEHOLDER.findall(text))]
    assert broken == []


def test_core_texts_file_is_in_sync_with_core() -> None:
    assert TEMPLATES_FILE.read_text(encoding="utf-8") == render_templates_module(), \
        "core/messages.py changed: run .venv/bin/python -m gui.i18n_update"
    from core.messages import CHECKS, REASONS, STAGES

    ts = _ts_messages()
    for context, table in (("journal", REASONS), ("checks", CHECKS), ("progress", STAGES)):
        assert [t for t in table.values() if (context, t) not in ts] == [], context


def test_language_comes_from_env_then_profile() -> None:
    assert resolve_language(None, env={}) == "ru"
    assert resolve_language("en", env={}) == "en"
    assert resolve_language("ru", env={"SYNCBRIDGE_LANG": "en"}) == "en"
    assert resolve_language("en", env={"SYNCBRIDGE_LANG": "de"}) == "en"  # unsupported env value is ignored


@pytest.mark.parametrize(("language", "next_text", "title"), [
    ("ru", "&Далее >", "SyncBridge — первая настройка"),
    ("en", "&Next >", "SyncBridge — first-time setup"),
])
def test_wizard_speaks_the_ui_language(qtbot: Any, task_runner: Any, ui_language: Any, language: str,
                                       next_text: str, title: str) -> None:
    ui_language(language)
    wizard = SetupWizard(FakeServices().as_services(), task_runner)
    qtbot.addWidget(wizard)
    assert wizard.windowTitle() == title
    # Qt's own buttons come from qtbase_<lang>.qm, not from our file
    assert wizard.buttonText(QWizard.WizardButton.NextButton) == next_text


def test_core_check_lines_and_stages_follow_the_ui_language(qapp: Any, ui_language: Any) -> None:
    from core.connection_check import CheckReport
    from gui.status_text import progress_text
    from gui.sync_controller import SyncSnapshot, SyncState
    from gui.wizard.check_panel import translated_check_text

    report = CheckReport()
    report.add(True, "onec_auth_ok", user="Интеграция")
    report.add(False, "onec_not_published", name="Catalog_Контрагенты")
    snapshot = SyncSnapshot(state=SyncState.SYNCING, stage="Запись в Битрикс24")
    assert translated_check_text(report.lines[0]) == "Логин и пароль приняты (пользователь «Интеграция»)"
    ui_language("en")
    assert translated_check_text(report.lines[0]) == "Login and password accepted (user “Интеграция”)"
    assert translated_check_text(report.lines[1]).startswith("Object Catalog_Контрагенты is not published")
    assert "Writing to Bitrix24" in progress_text(snapshot)
