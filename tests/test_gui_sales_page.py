"""The «Продажи» wizard page: choices from lists, settings round trip (offscreen)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox

from core.sales_setup import Funnel, SalesChoices
from gui.wizard.sales_page import EVENTS, SalesPage
from tests import gui_fixtures

task_runner = gui_fixtures.task_runner
ui_language = gui_fixtures.ui_language

CHOICES = SalesChoices(
    organisations=[("org-1", "СтанкоМаш ООО")], warehouses=[("wh-1", "Основной склад"), ("wh-2", "Склад ГП")],
    agreements=[("agr-1", "Основное соглашение")], operations=["РеализацияКлиенту", "РеализацияКлиентуРеглУчет"],
    funnels=[Funnel(0, "Общая", [("NEW", "Новая", "P"), ("PREPARATION", "Подготовка", "P"), ("WON", "Успех", "S"),
                                 ("LOSE", "Провал", "F")]),
             Funnel(1, "Опт", [("C1:NEW", "Заявка", "P"), ("C1:WON", "Успех", "S")])],
)


def _page(qtbot: Any, task_runner: Any) -> SalesPage:
    page = SalesPage(lambda *a: CHOICES, task_runner, lambda: ("u", "user", None, None, None, "ut11"),
                     lambda name: None)
    qtbot.addWidget(page)
    return page


def test_off_by_default_and_complete(qtbot: Any, task_runner: Any, ui_language: Any) -> None:
    page = _page(qtbot, task_runner)
    assert page.isComplete() and page.settings()["enabled"] is False
    page.enabled.setChecked(True)
    assert not page.isComplete()  # the lists must be loaded and an organisation and a warehouse chosen


def test_choices_round_trip_into_settings(qtbot: Any, task_runner: Any, ui_language: Any) -> None:
    page = _page(qtbot, task_runner)
    page.load_existing({"enabled": True, "warehouse_ref": "wh-2", "trigger_stages": {"0": "PREPARATION"},
                        "stage_map": {"1": {"paid": "C1:WON"}}, "post_orders": False, "start_date": "2026-03-01"})
    page.load()
    qtbot.waitUntil(lambda: page._choices is not None, timeout=3000)
    assert page.isComplete()
    assert page.warehouse.currentData() == "wh-2"  # the saved choice is kept when the lists arrive
    trigger = page.triggers.cellWidget(0, 1)
    assert isinstance(trigger, QComboBox) and trigger.currentData() == "PREPARATION"
    assert "Провал" not in [trigger.itemText(i) for i in range(trigger.count())]  # never a failure stage
    shipped = page.stage_map.cellWidget(EVENTS.index("shipped"), 0)
    assert isinstance(shipped, QComboBox)
    shipped.setCurrentIndex(shipped.findData("WON"))
    settings = page.settings()
    assert settings["trigger_stages"] == {"0": "PREPARATION"}
    assert settings["stage_map"] == {"0": {"shipped": "WON"}, "1": {"paid": "C1:WON"}}
    assert settings["organisation_ref"] == "org-1" and settings["post_orders"] is False
    assert settings["start_date"] == "2026-03-01" and settings["operation"] == "РеализацияКлиенту"
