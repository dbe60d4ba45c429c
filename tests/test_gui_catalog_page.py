"""The wizard's catalogue page offline: options shown with their warnings, the choice, the saved profile settings."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from core.catalog_setup import (
    CatalogOptions,
    PriceTypeOption,
    WarehouseOption,
    catalog_settings,
    default_entities,
)
from core.sync.registry import CATALOG_ENTITIES
from gui.wizard.catalog_page import CatalogPage
from tests import gui_fixtures

task_runner = gui_fixtures.task_runner
ui_language = gui_fixtures.ui_language

OPTIONS = CatalogOptions(
    price_types=[PriceTypeOption("a", "Оптовая", "RUB", False), PriceTypeOption("b", "Розничная", "RUB", False),
                 PriceTypeOption("c", "Поставщика", "CNY", False), PriceTypeOption("d", "Старая", "RUB", True)],
    warehouses=[WarehouseOption("w1", "Основной"), WarehouseOption("w2", "Екатеринбург")],
    inventory_management=True, portal_currencies={"RUB", "USD", "EUR"})


def page(qtbot: Any, task_runner: Any, saved: dict | None = None) -> CatalogPage:
    widget = CatalogPage(task_runner, lambda: (lambda context: OPTIONS))
    if saved is not None:
        widget.load_existing(*saved)
    qtbot.addWidget(widget)
    widget.initializePage()
    qtbot.waitUntil(lambda: widget.price_types.count() == 4, timeout=5000)
    return widget


def test_defaults_pick_every_live_price_type_and_every_warehouse(qtbot: Any, task_runner: Any, ui_language: Any):
    widget = page(qtbot, task_runner)
    labels = [widget.price_types.item(i).text() for i in range(4)]
    assert "помечен на удаление" in labels[3] and "валюты нет в портале" in labels[2]
    assert "документами оприходования и списания" in widget.mode.text()
    choice = widget.choice()
    assert choice["price_types"] == ["a", "b", "c"] and choice["warehouses"] == ["w1", "w2"]
    assert choice["base"] == "a" and choice["kind"] == "free" and widget.isComplete()
    widget.warehouses.item(0).setCheckState(Qt.CheckState.Unchecked)
    widget.warehouses.item(1).setCheckState(Qt.CheckState.Unchecked)
    assert not widget.isComplete()  # the catalogue needs at least one warehouse
    widget.enabled.setChecked(False)
    assert widget.isComplete()


def test_saved_choice_is_shown_again(qtbot: Any, task_runner: Any, ui_language: Any):
    entities, settings = catalog_settings(enabled=True, price_types=["b"], base="b", warehouses=["w2"],
                                          kind="in_stock")
    widget = page(qtbot, task_runner, (entities, settings))
    choice = widget.choice()
    assert choice["price_types"] == ["b"] and choice["base"] == "b" and choice["warehouses"] == ["w2"]
    assert choice["kind"] == "in_stock"


def test_catalog_settings_give_prices_and_stock_the_same_choice():
    entities, settings = catalog_settings(enabled=True, price_types=["a", "b"], base="b", warehouses=["w1"])
    assert entities == [*default_entities(), *CATALOG_ENTITIES] and "counterparty" in entities
    assert settings["price"] == settings["price_type"] == {"chosen": ["a", "b"], "base": "b"}
    assert settings["stock"] == {"chosen": ["w1"], "kind": "free"}
    assert catalog_settings(enabled=False, price_types=[], base=None, warehouses=[]) == (default_entities(), {})
