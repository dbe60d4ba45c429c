"""Bitrix24 trade-catalogue query language: which iblock, which fields, how to find products, prices and stock.

The catalogue pipelines ask in their own terms («the product with this 1C ref», «the unit with ОКЕИ 796»); this module
says how the portal wants it asked (docs:api-reference/catalog/**):
- products live in the CRM catalogue's iblock (``catalog.catalog.list``, the entry without ``productIblockId``);
  ``catalog.product.list`` needs ``iblockId`` in the filter and ``id``+``iblockId`` in ``select``;
- identity is ``xmlId`` = 1C Ref_Key. A product typed in by hand has an xmlId too (the iblock fills it with the
  element id), so only a GUID-shaped xmlId counts as «from 1C»;
- the article is a product property (code ``ARTNUMBER``), addressed as ``property<ID>``;
- services are ``catalog.product.service.*`` (type 7), goods ``catalog.product.*`` (type 1);
- answers are wrapped: ``products``, ``element``, ``service``, ``prices``, ``storeProducts``…
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.bitrix24.client import Bitrix24Client
from core.errors import ConfigError

Command = tuple[str, dict[str, Any]]
TYPE_PRODUCT = 1
TYPE_SERVICE = 7
ARTICLE_PROPERTY_CODE = "ARTNUMBER"
PRODUCT_SELECT = ["id", "iblockId", "name", "xmlId", "active", "type", "measure", "vatId", "iblockSectionId"]
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_onec_identity(xml_id: Any) -> bool:
    """True for an xmlId that is a 1C Ref_Key (not the element id the iblock puts there by itself)."""
    return isinstance(xml_id, str) and bool(_GUID.match(xml_id))


def unwrap(result: Any, wrapper: str) -> Any:
    """``{"products": […]}`` → ``[…]``; a bare answer (older portals, ``[]`` for empty) passes as is."""
    if isinstance(result, dict):
        return result.get(wrapper, [])
    return result if result is not None else []


@dataclass
class CatalogInfo:
    """What the portal's catalogue looks like, read once per run in one batch."""

    iblock_id: int
    article_property: str | None  # "property98" or None when the portal has no article property
    measures: dict[str, int]  # ОКЕИ code (as in 1C: "796", "006") → measure id
    vats: dict[Decimal | None, int]  # rate (None = without VAT) → vat id
    price_types: list[dict[str, Any]]
    stores: list[dict[str, Any]]
    currencies: set[str]
    inventory_management: bool
    base_price_type: int | None = field(default=None)
    read_at: float = 0.0  # time.monotonic() when the read began
    #: the lists read whole (``price_types``, ``stores``): a portal with more than a page of them says so with next
    whole: frozenset[str] = frozenset()

    def measure_id(self, okei: str) -> int | None:
        return self.measures.get(okei_key(okei))

    def vat_id(self, rate: Decimal | None) -> int | None:
        return self.vats.get(None if rate is None else Decimal(rate).normalize())


def okei_key(code: Any) -> str:
    """ОКЕИ codes compare as numbers: 1C keeps "006", the portal 6."""
    text = str(code).strip()
    return str(int(text)) if text.isdigit() else text


def load_info(b24: Bitrix24Client) -> CatalogInfo:
    read_at = time.monotonic()
    result = b24.batch({
        "catalogs": ("catalog.catalog.list", {}),
        "measures": ("catalog.measure.list", {"select": ["id", "code"], "order": {"id": "ASC"}}),
        "vats": ("catalog.vat.list", {"select": ["id", "rate", "active"]}),
        "types": ("catalog.priceType.list", {"select": ["id", "name", "base", "xmlId"]}),
        "stores": ("catalog.store.list", {"select": ["id", "title", "xmlId", "active"]}),
        "mode": ("catalog.document.mode.status", {}),
        "currencies": ("crm.currency.list", {}),
    })
    if result.errors:
        raise next(iter(result.errors.values()))
    catalogs = [c for c in unwrap(result.result.get("catalogs"), "catalogs") if not c.get("productIblockId")]
    if not catalogs:
        raise ConfigError("В Битрикс24 не найден торговый каталог CRM.",
                          "Включите каталог товаров в CRM портала и повторите синхронизацию.")
    iblock_id = int(catalogs[0]["iblockId"])
    props = b24.call("catalog.productProperty.list", {"filter": {"iblockId": iblock_id, "code": ARTICLE_PROPERTY_CODE},
                                                       "select": ["id", "code"]})
    articles = unwrap(props, "productProperties")
    vats: dict[Decimal | None, int] = {}
    for vat in unwrap(result.result.get("vats"), "vats"):
        if vat.get("active", "Y") == "Y":
            rate = vat.get("rate")
            vats[None if rate is None else Decimal(str(rate)).normalize()] = int(vat["id"])
    types = unwrap(result.result.get("types"), "priceTypes")
    currencies = {str(c.get("CURRENCY", "")).upper() for c in (result.result.get("currencies") or [])}
    return CatalogInfo(
        iblock_id=iblock_id,
        article_property=f"property{articles[0]['id']}" if articles else None,
        measures={okei_key(m["code"]): int(m["id"]) for m in unwrap(result.result.get("measures"), "measures")},
        vats=vats,
        price_types=types,
        stores=unwrap(result.result.get("stores"), "stores"),
        currencies=currencies - {""},
        inventory_management=result.result.get("mode") == "Y",
        base_price_type=next((int(t["id"]) for t in types if t.get("base") == "Y"), None),
        read_at=read_at,
        whole=frozenset(name for key, name in (("types", "price_types"), ("stores", "stores"))
                        if key not in result.next),
    )


# ----- questions -------------------------------------------------------------------------------------------------
def products_by_xml_id(info: CatalogInfo, refs: list[str]) -> Command:
    select = [*PRODUCT_SELECT, *([info.article_property] if info.article_property else [])]
    return ("catalog.product.list", {"filter": {"iblockId": info.iblock_id, "@xmlId": refs}, "select": select,
                                     "order": {"id": "ASC"}})


def products_by_article(info: CatalogInfo, article: str) -> Command | None:
    if not info.article_property or not article:
        return None
    return ("catalog.product.list", {"filter": {"iblockId": info.iblock_id, info.article_property: article},
                                     "select": [*PRODUCT_SELECT, info.article_property], "order": {"id": "ASC"}})


def product(product_id: str) -> Command:
    return ("catalog.product.get", {"id": product_id})


def sections_by_xml_id(info: CatalogInfo, refs: list[str]) -> Command:
    return ("catalog.section.list", {"filter": {"iblockId": info.iblock_id, "@xmlId": refs},
                                     "select": ["id", "name", "xmlId", "iblockSectionId"]})


def prices_of(product_ids: list[str]) -> Command:
    return ("catalog.price.list", {"filter": {"@productId": product_ids},
                                   "select": ["id", "productId", "catalogGroupId", "price", "currency"]})


def stock_of(product_ids: list[str]) -> Command:
    return ("catalog.storeproduct.list", {"filter": {"@productId": product_ids},
                                          "select": ["id", "productId", "storeId", "amount"]})


# ----- writes ----------------------------------------------------------------------------------------------------
def product_method(service: bool, operation: str) -> str:
    return f"catalog.product.service.{operation}" if service else f"catalog.product.{operation}"


def product_wrapper(service: bool) -> str:
    return "service" if service else "element"
