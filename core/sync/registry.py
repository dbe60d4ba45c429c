"""Which entity pipelines exist and in which order a run takes them.

Adding an entity is one line in :data:`PIPELINES` (plus its module and its mapping section). A run takes the
enabled pipelines in dependency order: an entity's ``depends_on`` run first (companies and products before the
deals and orders that refer to them). An entity whose mapping section is absent from the profile is «not
available in this configuration» and is not run.
"""

from __future__ import annotations

from typing import Any

from core.errors import ConfigError
from core.sync.catalog_base import PriceTypePipeline, ProductGroupPipeline, WarehousePipeline
from core.sync.contacts import ContactPipeline
from core.sync.counterparties import CounterpartyPipeline
from core.sync.customer_path import CustomerPathPipeline
from core.sync.pipeline import Pipeline
from core.sync.prices import PricePipeline
from core.sync.products import ProductPipeline
from core.sync.sales_orders import SalesOrderPipeline
from core.sync.stock import StockPipeline

PIPELINES: list[type[Pipeline]] = [
    CounterpartyPipeline,
    ContactPipeline,
    ProductGroupPipeline,
    # price types and warehouses before products: prices and stock then follow products as they are written
    PriceTypePipeline,
    WarehousePipeline,
    ProductPipeline,
    PricePipeline,
    StockPipeline,
    SalesOrderPipeline,
    CustomerPathPipeline,
]

#: the catalogue entities, in the order the wizard's catalogue page enables them
CATALOG_ENTITIES = ("product_group", "product", "price_type", "price", "warehouse", "stock")


def by_entity() -> dict[str, type[Pipeline]]:
    return {cls.entity: cls for cls in PIPELINES}


def ordered(classes: list[type[Pipeline]]) -> list[type[Pipeline]]:
    """Dependency order, stable otherwise; a dependency outside ``classes`` only orders, it is not added."""
    present = {cls.entity: cls for cls in classes}
    done: list[type[Pipeline]] = []
    visiting: set[str] = set()

    def visit(cls: type[Pipeline]) -> None:
        if cls in done:
            return
        if cls.entity in visiting:
            raise ConfigError(f"Сущности синхронизации зависят друг от друга по кругу: {cls.entity}.")
        visiting.add(cls.entity)
        for dependency in cls.depends_on:
            if dependency in present:
                visit(present[dependency])
        visiting.discard(cls.entity)
        done.append(cls)

    for cls in classes:
        visit(cls)
    return done


def available(table: dict[str, Any]) -> list[str]:
    """Entities this configuration's table maps."""
    return [cls.entity for cls in PIPELINES if cls.entity in table]


def enabled(table: dict[str, Any], chosen: list[str] | None = None) -> list[type[Pipeline]]:
    """The pipelines a run takes, in order: those the table maps and the profile enables (all when none chosen)."""
    known = by_entity()
    if chosen:
        unknown = [name for name in chosen if name not in known]
        if unknown:
            raise ConfigError(f"Неизвестные сущности синхронизации в настройках: {', '.join(unknown)}.",
                              f"Известны: {', '.join(known)}.")
    classes = [cls for cls in PIPELINES if cls.entity in table
               and (cls.entity in chosen if chosen else cls.enabled_by_default)]
    return ordered(classes)
