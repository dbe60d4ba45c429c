"""What the admin chooses for the catalogue, and what the wizard shows to choose from.

- :func:`catalog_options` reads the 1C price types and warehouses and asks the portal which inventory mode it runs
  (``catalog.document.mode.status``), so the wizard can say which way stock will be written;
- :func:`catalog_settings` turns the choice into the profile's ``entities`` / ``entity_settings`` — the one place
  that knows that prices read the price types' choice and stock the warehouses' one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.bitrix24.client import Bitrix24Client
from core.errors import SyncBridgeError
from core.mapping.table import load_mapping
from core.onec.client import OneCClient
from core.sync.registry import CATALOG_ENTITIES, PIPELINES


@dataclass
class PriceTypeOption:
    ref: str
    name: str
    currency: str  # ISO letters when known ("RUB"), else what 1C has
    deleted: bool


@dataclass
class WarehouseOption:
    ref: str
    name: str


@dataclass
class CatalogOptions:
    price_types: list[PriceTypeOption] = field(default_factory=list)
    warehouses: list[WarehouseOption] = field(default_factory=list)
    inventory_management: bool | None = None  # None: the portal did not say
    portal_currencies: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)  # Russian, one per side that could not be read


def catalog_options(onec_url: str, onec_user: str, onec_password: str, webhook_url: str, *,
                    profile_name: str = "ut11", ca_file: str | None = None) -> CatalogOptions:
    table = load_mapping(profile_name)
    options = CatalogOptions()
    if "price_type" not in table or "warehouse" not in table:
        options.problems.append("Для этой конфигурации 1С перенос каталога пока не настроен.")
        return options
    try:
        with OneCClient(onec_url, onec_user, onec_password) as onec:
            spec = table["price_type"]
            fields = spec["onec"]["fields"]
            currencies = {r["Ref_Key"]: str(r.get(spec["currencies"]["fields"]["code"]) or "")
                          for r in onec.list(spec["currencies"]["entity_set"],
                                             select=["Ref_Key", spec["currencies"]["fields"]["code"]])}
            for row in onec.list(spec["onec"]["entity_set"], select=["Ref_Key", "DeletionMark", fields["name"],
                                                                      fields["currency"]]):
                numeric = currencies.get(str(row.get(fields["currency"])), "")
                options.price_types.append(PriceTypeOption(row["Ref_Key"], str(row.get(fields["name"]) or ""),
                                                           spec["iso_codes"].get(numeric, numeric),
                                                           bool(row.get("DeletionMark"))))
            stores = table["warehouse"]["onec"]
            for row in onec.list(stores["entity_set"], select=["Ref_Key", "DeletionMark", stores["fields"]["name"]],
                                 filter="IsFolder eq false"):
                if not row.get("DeletionMark"):
                    options.warehouses.append(WarehouseOption(row["Ref_Key"], str(row.get(stores["fields"]["name"]))))
    except SyncBridgeError as exc:
        options.problems.append(f"1С: {exc.message}")
    try:
        with Bitrix24Client(webhook_url, ca_file=ca_file) as b24:
            result = b24.batch({"mode": ("catalog.document.mode.status", {}), "cur": ("crm.currency.list", {})})
            if "mode" in result.result:
                options.inventory_management = result.result["mode"] == "Y"
            options.portal_currencies = {str(c.get("CURRENCY", "")) for c in result.result.get("cur") or []}
            if result.errors:
                options.problems.append(f"Битрикс24: {next(iter(result.errors.values())).message}")
    except SyncBridgeError as exc:
        options.problems.append(f"Битрикс24: {exc.message}")
    return options


def default_entities() -> list[str]:
    """What a run takes when the profile names no entities: once the profile lists the catalogue it must list
    these too, or enabling the catalogue would switch them off."""
    return [cls.entity for cls in PIPELINES if cls.enabled_by_default]


def catalog_settings(*, enabled: bool, price_types: list[str], base: str | None, warehouses: list[str],
                     kind: str = "free", others: list[str] | None = None) -> tuple[list[str], dict[str, Any]]:
    """(entities, entity_settings) for the profile. ``others``: entities enabled besides the catalogue (by default
    every entity a profile without a list runs)."""
    entities = list(others if others is not None else default_entities())
    if not enabled:
        return entities, {}
    types = {"chosen": list(price_types), "base": base or (price_types[0] if price_types else None)}
    stores = {"chosen": list(warehouses)}
    return entities + list(CATALOG_ENTITIES), {"price_type": types, "price": types, "warehouse": stores,
                                               "stock": {**stores, "kind": kind}}
