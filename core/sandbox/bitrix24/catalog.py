"""The trade catalog of the sandbox portal: ``catalog.*`` methods with their real envelopes.

What a CRM portal's catalog answers (docs:api-reference/catalog/**, fixtures catalog.product.list /
catalog.storeproduct.list):
- camelCase names, JSON numbers, ``Y``/``N`` chars; every answer wrapped in an object: ``{"products": […]}``,
  ``{"element": {…}}`` after ``catalog.product.add|update``, ``{"product": {…}}`` from ``.get``, ``{"prices": […]}``,
  ``{"priceTypes": […]}``, ``{"stores": […]}``, ``{"storeProducts": […]}``, ``{"measures": […]}``, ``{"vats": […]}``,
  ``{"sections": […]}``, ``{"documents": […]}``, ``{"documentElement": {…}}``;
- lists page by 50 with ``start``/``next``/``total`` (``start=-1``: no count, ``total`` 0), filter prefixes as in
  CRM, unknown filter/order fields refused (ORM controllers validate names), ``catalog.product.list`` demands
  ``iblockId`` in the filter and ``id``+``iblockId`` in ``select`` (error ``0``);
- errors carry integer codes (``200040300010`` access denied, ``0`` validation) — the reference bodies show both;
- an element added without ``xmlId`` gets its own id as ``xmlId`` (iblock behaviour; the fixture shows
  ``"id": 1243, "xmlId": "1243"``) — a product typed in by hand therefore *has* an xmlId, just not a 1C GUID;
- products are type 1, services type 7 (``catalog.product.service.*``, wrappers ``service``/``services``);
- ``catalog.price.modify`` replaces the price collection of a product (prices sent without ``id`` are added, stored
  prices whose ``id`` is not sent are deleted); one price per price type; the currency must exist on the portal;
- the article lives in a product property (``ARTNUMBER``, ``catalog.productProperty.list``) as ``propertyN``.

Inventory management (``catalog.document.mode.status`` → ``Y``/``N``), both modes:
- OFF: ``quantity``/``quantityReserved``/``purchasingPrice`` of a product are written directly; store documents
  cannot be conducted ("Warehouse accounting must be enabled to conduct the document");
- ON: those fields are not editable (docs). The docs do not say whether a write is ignored or refused; the sandbox
  is stricter and REFUSES it (400, code 0), so a client that writes quantities in the wrong mode fails loudly.
  Stock changes only by conducting documents (``S`` — оприходование into ``storeTo``, ``D`` — списание from
  ``storeFrom``, ``A`` — приход, ``M`` — перемещение); a deduction below zero is refused at conduct time. The
  product's ``quantity`` is then the sum over its stores.
``catalog.storeproduct.*`` is read-only in both modes (docs: get/list/getFields only).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import PortalError
from .filters import FilterError, compile_filter, sort_records, split_key

PAGE_SIZE = 50
PRODUCT_IBLOCK_ID = 14
OFFERS_IBLOCK_ID = 15
ACCESS_DENIED = 200040300010
TYPE_PRODUCT = 1
TYPE_SERVICE = 7
ARTICLE_PROPERTY_ID = 98
#: currencies a Russian portal has out of the box (crm.currency.list); CNY is deliberately absent
DEFAULT_CURRENCIES = ("RUB", "USD", "EUR", "BYN", "KZT", "UAH")
DOCUMENT_TYPES = {"A": "Приход", "S": "Оприходование", "M": "Перемещение", "R": "Возврат", "D": "Списание"}


def _error(description: str, code: int | str = 0) -> PortalError:
    return PortalError(400, code, description)


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(float(str(value).strip()))
    except (TypeError, ValueError):
        return default


def _float(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else number


def _char(value: Any, default: str) -> str:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return "Y" if value else "N"
    text = str(value).strip().upper()
    return text if text in ("Y", "N", "D") else default


# ----- one generic table ---------------------------------------------------------------------------


@dataclass
class Table:
    """Rows of one catalog entity, stored in their output form (camelCase, JSON types)."""

    one: str  # wrapper of a single row: "element", "price", "store"…
    many: str  # wrapper of a list: "products", "prices"…
    types: dict[str, str]  # filterable/sortable field -> filter type
    rows: dict[int, dict[str, Any]] = field(default_factory=dict)
    last_id: int = 0

    def new_id(self) -> int:
        self.last_id += 1
        return self.last_id

    def get(self, row_id: Any, not_found: str) -> dict[str, Any]:
        row = self.rows.get(_int(row_id))
        if row is None:
            raise _error(not_found)
        return row

    def list(self, params: dict[str, Any], *, where: Callable[[dict[str, Any]], bool] | None = None,
             output: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> tuple[Any, int, int | None]:
        filter_ = params.get("filter")
        try:
            predicate = compile_filter(_normalise_filter(filter_), self.types, strict=True)
        except FilterError as exc:
            raise _error(f"Unknown field in filter: {exc.field_name}") from None
        order = params.get("order")
        if isinstance(order, dict):
            unknown = [k for k in order if str(k) not in self.types]
            if unknown:
                raise _error(f"Unknown field in order: {unknown[0]}")
        rows = [r for r in self.rows.values() if (where is None or where(r)) and predicate(r)]
        rows = sort_records(rows, order, self.types)
        names = _select(params.get("select"))
        start = _int(params.get("start"))

        def shape(row: dict[str, Any]) -> dict[str, Any]:
            full = output(row) if output else copy.deepcopy(row)
            return full if names is None else {k: v for k, v in full.items() if k in names}

        if start == -1:
            return {self.many: [shape(r) for r in rows[:PAGE_SIZE]]}, 0, None
        start = max(start, 0)
        page = rows[start:start + PAGE_SIZE]
        next_start = start + PAGE_SIZE if start + PAGE_SIZE < len(rows) else None
        return {self.many: [shape(r) for r in page]}, len(rows), next_start


def _normalise_filter(filter_: Any) -> Any:
    if not isinstance(filter_, dict):
        return filter_
    return {str(k): v for k, v in filter_.items()}


def _select(select: Any) -> set[str] | None:
    if isinstance(select, dict):
        select = list(select.values())
    if not isinstance(select, list) or not select or "*" in select:
        return None
    return {str(n) for n in select} | {"id"}


def _fields(params: dict[str, Any]) -> dict[str, Any]:
    fields = params.get("fields")
    if not isinstance(fields, dict) or not fields:
        raise PortalError(400, 100, "Could not find value for parameter {fields}")
    return fields


# ----- the catalog ---------------------------------------------------------------------------------

_PRODUCT_TYPES = {
    "id": "integer", "iblockId": "integer", "name": "string", "active": "char", "available": "char",
    "code": "string", "xmlId": "string", "type": "integer", "measure": "integer", "vatId": "integer",
    "vatIncluded": "char", "iblockSectionId": "integer", "quantity": "double", "sort": "integer",
    "dateCreate": "datetime", "timestampX": "datetime", "createdBy": "integer", "modifiedBy": "integer",
    "canBuyZero": "char", "quantityTrace": "char", "purchasingPrice": "double", "purchasingCurrency": "string",
    f"property{ARTICLE_PROPERTY_ID}": "property",
}
_WRITABLE_PRODUCT = {
    "name", "active", "code", "xmlId", "measure", "vatId", "vatIncluded", "iblockSectionId", "sort", "canBuyZero",
    "quantityTrace", "previewText", "detailText", "previewTextType", "detailTextType", "weight", "width", "length",
    "height", "barcodeMulti", "subscribe", "dateActiveFrom", "dateActiveTo",
}
#: product fields owned by inventory management when it is on (docs: "Not editable when inventory management is
#: enabled")
STOCK_FIELDS = ("quantity", "quantityReserved", "purchasingPrice", "purchasingCurrency")

RUSSIAN_MEASURES = (
    # (code OKEI, title, symbol, symbolIntl, symbolLetterIntl, isDefault)
    (6, "Метр", "м", "m", "MTR", "N"),
    (112, "Литр", "л", "l", "LTR", "N"),
    (163, "Грамм", "г", "g", "GRM", "N"),
    (166, "Килограмм", "кг", "kg", "KGM", "N"),
    (796, "Штука", "шт", "pc. 1", "PCE", "Y"),
)
RUSSIAN_VATS = (
    # (name, rate or None for "without VAT", sort)
    ("Без НДС", None, 100),
    ("НДС 0%", 0, 200),
    ("НДС 10%", 10, 300),
    ("НДС 20%", 20, 400),
    ("НДС 22%", 22, 500),
)


class Catalog:
    """All catalog state of one portal. ``now``/``user_id`` come from the portal on every write."""

    def __init__(self, now: Callable[[], str], user_id: int) -> None:
        self.now = now
        self.user_id = user_id
        self.inventory_management = False
        #: simulate a webhook user without catalog rights (the reference error body, integer code)
        self.access_denied = False
        self.currencies = set(DEFAULT_CURRENCIES)
        self.products = Table("element", "products", dict(_PRODUCT_TYPES))
        self.products.last_id = 1200  # element ids of an iblock that has seen other elements
        self.sections = Table("section", "sections", {
            "id": "integer", "iblockId": "integer", "iblockSectionId": "integer", "name": "string",
            "xmlId": "string", "code": "string", "active": "char", "sort": "integer"})
        self.measures = Table("measure", "measures", {
            "id": "integer", "code": "integer", "measureTitle": "string", "symbol": "string", "isDefault": "char",
            "symbolIntl": "string", "symbolLetterIntl": "string"})
        self.vats = Table("vat", "vats", {"id": "integer", "name": "string", "rate": "double", "active": "char",
                                          "sort": "integer"})
        self.price_types = Table("priceType", "priceTypes", {
            "id": "integer", "name": "string", "base": "char", "sort": "integer", "xmlId": "string"})
        self.prices = Table("price", "prices", {
            "id": "integer", "productId": "integer", "catalogGroupId": "integer", "price": "double",
            "currency": "string", "timestampX": "datetime"})
        self.stores = Table("store", "stores", {
            "id": "integer", "title": "string", "active": "char", "xmlId": "string", "code": "string",
            "address": "string", "sort": "integer", "dateModify": "datetime"})
        self.store_products = Table("storeProduct", "storeProducts", {
            "id": "integer", "productId": "integer", "storeId": "integer", "amount": "double"})
        self.documents = Table("document", "documents", {
            "id": "integer", "docType": "string", "status": "string", "title": "string", "currency": "string",
            "dateCreate": "datetime", "commentary": "string"})
        self.document_elements = Table("documentElement", "documentElements", {
            "id": "integer", "docId": "integer", "elementId": "integer", "storeFrom": "integer",
            "storeTo": "integer", "amount": "double"})
        self._seed_reference_data()

    # ----- reference data every portal has ------------------------------------------------------------
    def _seed_reference_data(self) -> None:
        for code, title, symbol, intl, letter, default in RUSSIAN_MEASURES:
            mid = self.measures.new_id()
            self.measures.rows[mid] = {"id": mid, "code": code, "isDefault": default, "measureTitle": title,
                                       "symbol": symbol, "symbolIntl": intl, "symbolLetterIntl": letter}
        for name, rate, sort in RUSSIAN_VATS:
            vid = self.vats.new_id()
            self.vats.rows[vid] = {"id": vid, "name": name, "active": "Y", "rate": rate, "sort": sort,
                                   "timestampX": "2024-01-10T09:00:00+03:00"}
        pid = self.price_types.new_id()
        self.price_types.rows[pid] = {"id": pid, "name": "BASE", "base": "Y", "sort": 100, "xmlId": "",
                                      "createdBy": 1, "modifiedBy": 1, "dateCreate": "2024-01-10T09:00:00+03:00",
                                      "timestampX": "2024-01-10T09:00:00+03:00"}

    def catalogs(self) -> list[dict[str, Any]]:
        return [
            {"id": PRODUCT_IBLOCK_ID, "iblockId": PRODUCT_IBLOCK_ID, "iblockTypeId": "CRM_PRODUCT_CATALOG",
             "lid": "s1", "name": "Товары CRM", "productIblockId": None, "skuPropertyId": None, "subscription": "N",
             "vatId": None},
            {"id": OFFERS_IBLOCK_ID, "iblockId": OFFERS_IBLOCK_ID, "iblockTypeId": "CRM_PRODUCT_CATALOG",
             "lid": "s1", "name": "Товары CRM (предложения)", "productIblockId": PRODUCT_IBLOCK_ID,
             "skuPropertyId": 99, "subscription": "N", "vatId": None},
        ]

    def currency_rows(self) -> list[dict[str, Any]]:
        """``crm.currency.list``: a legacy CRM list, strings everywhere, the base currency first."""
        return [{"CURRENCY": code, "AMOUNT_CNT": "1", "AMOUNT": "1.0000" if code == "RUB" else "90.0000",
                 "SORT": str(100 * (n + 1)), "BASE": "Y" if code == "RUB" else "N", "FULL_NAME": code, "LID": "ru",
                 "FORMAT_STRING": "# " + code, "DECIMALS": "2"} for n, code in enumerate(sorted(
                     self.currencies, key=lambda c: (c != "RUB", c)))]

    # ----- method table -------------------------------------------------------------------------------
    def methods(self) -> dict[str, Callable[[dict[str, Any]], tuple[Any, int | None, int | None]]]:
        """Handlers keyed by lower-case method name; each returns (result, total, next)."""
        one = _single
        return {
            "catalog.catalog.list": lambda p: ({"catalogs": self.catalogs()}, 2, None),
            "catalog.productproperty.list": lambda p: ({"productProperties": [self._article_property()]}, 1, None),
            "catalog.product.add": lambda p: one(self._product_add(p, TYPE_PRODUCT, "element")),
            "catalog.product.update": lambda p: one(self._product_update(p, None, "element")),
            "catalog.product.get": lambda p: one({"product": self._product_out(self._product(p.get("id")))}),
            "catalog.product.list": lambda p: self._product_list(p, None),
            "catalog.product.delete": lambda p: one(self._product_delete(p)),
            "catalog.product.service.add": lambda p: one(self._product_add(p, TYPE_SERVICE, "service")),
            "catalog.product.service.update": lambda p: one(self._product_update(p, TYPE_SERVICE, "service")),
            "catalog.product.service.get": lambda p: one({"service": self._product_out(
                self._product(p.get("id"), TYPE_SERVICE))}),
            "catalog.product.service.list": lambda p: self._product_list(p, TYPE_SERVICE),
            "catalog.section.add": lambda p: one(self._section_write(p, None)),
            "catalog.section.update": lambda p: one(self._section_write(p, p.get("id"))),
            "catalog.section.get": lambda p: one({"section": copy.deepcopy(
                self.sections.get(p.get("id"), "Section is not exists"))}),
            "catalog.section.list": lambda p: self.sections.list(p),
            "catalog.measure.add": lambda p: one(self._measure_add(p)),
            "catalog.measure.list": lambda p: self.measures.list(p),
            "catalog.measure.get": lambda p: one({"measure": copy.deepcopy(
                self.measures.get(p.get("id"), "Measure is not exists"))}),
            "catalog.vat.list": lambda p: self.vats.list(p),
            "catalog.vat.get": lambda p: one({"vat": copy.deepcopy(self.vats.get(p.get("id"), "VAT is not exists"))}),
            "catalog.pricetype.list": lambda p: self.price_types.list(p),
            "catalog.pricetype.add": lambda p: one(self._price_type_write(p, None)),
            "catalog.pricetype.update": lambda p: one(self._price_type_write(p, p.get("id"))),
            "catalog.price.list": lambda p: self.prices.list(p),
            "catalog.price.get": lambda p: one({"price": copy.deepcopy(
                self.prices.get(p.get("id"), "Price is not exists"))}),
            "catalog.price.add": lambda p: one(self._price_add(p)),
            "catalog.price.update": lambda p: one(self._price_update(p)),
            "catalog.price.delete": lambda p: one(self._price_delete(p)),
            "catalog.price.modify": lambda p: one(self._price_modify(p)),
            "catalog.store.list": lambda p: self.stores.list(p),
            "catalog.store.get": lambda p: one({"store": copy.deepcopy(
                self.stores.get(p.get("id"), "Store is not exists"))}),
            "catalog.store.add": lambda p: one(self._store_write(p, None)),
            "catalog.store.update": lambda p: one(self._store_write(p, p.get("id"))),
            "catalog.storeproduct.list": lambda p: self.store_products.list(p),
            "catalog.storeproduct.get": lambda p: one({"storeProduct": copy.deepcopy(
                self.store_products.get(p.get("id"), "Store product is not exists"))}),
            "catalog.document.mode.status": lambda p: one("Y" if self.inventory_management else "N"),
            "catalog.document.add": lambda p: one(self._document_add(p)),
            "catalog.document.list": lambda p: self.documents.list(p),
            "catalog.document.conduct": lambda p: one(self._document_conduct(p)),
            "catalog.document.cancel": lambda p: one(self._document_cancel(p)),
            "catalog.document.element.add": lambda p: one(self._element_add(p)),
            "catalog.document.element.list": lambda p: self.document_elements.list(p),
        }

    def check_access(self) -> None:
        if self.access_denied:
            raise PortalError(400, ACCESS_DENIED, "Access denied")

    # ----- products -----------------------------------------------------------------------------------
    def _article_property(self) -> dict[str, Any]:
        return {"id": ARTICLE_PROPERTY_ID, "iblockId": PRODUCT_IBLOCK_ID, "name": "Артикул", "code": "ARTNUMBER",
                "propertyType": "S", "multiple": "N", "active": "Y", "sort": 500, "xmlId": "ARTNUMBER"}

    def _product(self, product_id: Any, wanted_type: int | None = None) -> dict[str, Any]:
        row = self.products.rows.get(_int(product_id))
        if row is None or (wanted_type is not None and row["type"] != wanted_type):
            raise _error("Product is not exists")
        return row

    def _product_out(self, row: dict[str, Any]) -> dict[str, Any]:
        out = copy.deepcopy(row)
        if self.inventory_management:
            amounts = [sp["amount"] for sp in self.store_products.rows.values() if sp["productId"] == row["id"]]
            out["quantity"] = _float(sum(amounts)) or 0
        quantity = out.get("quantity") or 0
        traced = out["quantityTrace"] == "Y"
        out["available"] = "N" if traced and out["canBuyZero"] == "N" and quantity <= 0 else "Y"
        return out

    def _check_product_fields(self, fields: dict[str, Any], *, is_add: bool) -> None:
        if self.inventory_management:
            touched = [name for name in STOCK_FIELDS if name in fields]
            if touched:
                raise _error(f"Field {touched[0]} is read only when inventory management is enabled")
        if "measure" in fields and fields["measure"] not in (None, "") \
                and _int(fields["measure"]) not in self.measures.rows:
            raise _error("Measure is not exists")
        if "vatId" in fields and fields["vatId"] not in (None, "") and _int(fields["vatId"]) not in self.vats.rows:
            raise _error("Vat is not exists")
        if fields.get("iblockSectionId") not in (None, "", 0, "0") \
                and _int(fields["iblockSectionId"]) not in self.sections.rows:
            raise _error("Section is not exists")
        if is_add or "name" in fields:
            if not str(fields.get("name") or "").strip():
                raise _error("Required fields: name")

    def _apply_product_fields(self, row: dict[str, Any], fields: dict[str, Any]) -> None:
        for name, value in fields.items():
            if name in _WRITABLE_PRODUCT:
                if name in ("active", "vatIncluded", "canBuyZero", "barcodeMulti"):
                    row[name] = _char(value, row.get(name) or "N")
                elif name in ("quantityTrace", "subscribe"):
                    row[name] = _char(value, "D")
                elif name in ("measure", "vatId", "iblockSectionId", "sort"):
                    row[name] = _int(value) if value not in (None, "") else None
                elif name in ("weight", "width", "length", "height"):
                    row[name] = _float(value)
                else:
                    row[name] = None if value is None else str(value)
            elif name in STOCK_FIELDS:
                row[name] = str(value) if name == "purchasingCurrency" else _float(value) or 0
            elif name == f"property{ARTICLE_PROPERTY_ID}":
                if isinstance(value, dict):
                    value = value.get("value")
                row[name] = None if value in (None, "") else {"value": str(value), "valueId": str(row["id"] * 10)}
            # unknown names and read-only fields (type, available, timestampX…) are ignored, as ORM writes do

    def _product_add(self, params: dict[str, Any], type_: int, wrapper: str) -> dict[str, Any]:
        fields = _fields(params)
        if _int(fields.get("iblockId")) != PRODUCT_IBLOCK_ID:
            raise _error("Required fields: iblockId" if not fields.get("iblockId") else "Iblock is not a catalog")
        self._check_product_fields(fields, is_add=True)
        product_id = self.products.new_id()
        now = self.now()
        default_measure = next((m["id"] for m in self.measures.rows.values() if m["isDefault"] == "Y"), None)
        row: dict[str, Any] = {
            "id": product_id, "iblockId": PRODUCT_IBLOCK_ID, "name": "", "active": "Y", "available": "Y",
            "barcodeMulti": "N", "bundle": "N", "canBuyZero": "N", "code": None, "createdBy": self.user_id,
            "dateActiveFrom": None, "dateActiveTo": None, "dateCreate": now, "detailPicture": None,
            "detailText": None, "detailTextType": "text", "height": None, "iblockSectionId": None, "length": None,
            "measure": default_measure, "modifiedBy": self.user_id, "previewPicture": None, "previewText": None,
            "previewTextType": "text", "purchasingCurrency": None, "purchasingPrice": None, "quantity": 0,
            "quantityReserved": 0, "quantityTrace": "D", "sort": 500, "subscribe": "D", "timestampX": now,
            "type": type_, "vatId": None, "vatIncluded": "N", "weight": None, "width": None, "xmlId": "",
            "recurSchemeLength": None, "recurSchemeType": "D", "trialPriceId": None, "withoutOrder": "N",
            f"property{ARTICLE_PROPERTY_ID}": None,
        }
        self._apply_product_fields(row, fields)
        if not row["xmlId"]:
            row["xmlId"] = str(product_id)  # iblock fills an empty XML_ID with the element id
        self.products.rows[product_id] = row
        return {wrapper: self._product_out(row)}

    def _product_update(self, params: dict[str, Any], wanted_type: int | None, wrapper: str) -> dict[str, Any]:
        row = self._product(params.get("id"), wanted_type)
        fields = _fields(params)
        self._check_product_fields(fields, is_add=False)
        updated = copy.deepcopy(row)
        self._apply_product_fields(updated, fields)
        if not updated["xmlId"]:
            updated["xmlId"] = str(updated["id"])
        updated["timestampX"] = self.now()
        updated["modifiedBy"] = self.user_id
        self.products.rows[row["id"]] = updated
        return {wrapper: self._product_out(updated)}

    def _product_delete(self, params: dict[str, Any]) -> bool:
        row = self._product(params.get("id"))
        del self.products.rows[row["id"]]
        for table in (self.prices, self.store_products):
            for rid in [i for i, r in table.rows.items() if r["productId"] == row["id"]]:
                del table.rows[rid]
        return True

    def _product_list(self, params: dict[str, Any], wanted_type: int | None) -> tuple[Any, int, int | None]:
        filter_ = params.get("filter")
        if not isinstance(filter_, dict) or not any(split_key(str(k))[1] == "iblockId" for k in filter_):
            raise _error("Required filter fields: iblockId")
        select = params.get("select")
        if isinstance(select, dict):
            select = list(select.values())
        if not isinstance(select, list) or "id" not in select or "iblockId" not in select:
            raise _error("Required select fields: id, iblockId")
        where = (lambda r: r["type"] == wanted_type) if wanted_type is not None else None
        result, total, next_start = self.products.list(params, where=where, output=self._product_out)
        if wanted_type == TYPE_SERVICE:
            result = {"services": result["products"]}
        return result, total, next_start

    # ----- sections, measures, price types, stores ----------------------------------------------------
    def _section_write(self, params: dict[str, Any], section_id: Any) -> dict[str, Any]:
        fields = _fields(params)
        if section_id is None:
            if _int(fields.get("iblockId")) != PRODUCT_IBLOCK_ID:
                raise _error("Required fields: iblockId")
            if not str(fields.get("name") or "").strip():
                raise _error("Required fields: name")
            sid = self.sections.new_id()
            row = {"id": sid, "iblockId": PRODUCT_IBLOCK_ID, "iblockSectionId": None, "name": "", "xmlId": "",
                   "code": None, "sort": 500, "active": "Y", "description": None, "descriptionType": "text"}
        else:
            row = copy.deepcopy(self.sections.get(section_id, "Section is not exists"))
            sid = row["id"]
        for name in ("name", "xmlId", "code", "active", "sort", "iblockSectionId", "description"):
            if name in fields:
                value = fields[name]
                if name in ("sort", "iblockSectionId"):
                    value = _int(value) or None
                    if name == "iblockSectionId" and value is not None and value not in self.sections.rows:
                        raise _error("Parent section is not exists")
                elif name == "active":
                    value = _char(value, "Y")
                row[name] = value
        if not row["xmlId"]:
            row["xmlId"] = str(sid)
        self.sections.rows[sid] = row
        return {"section": copy.deepcopy(row)}

    def _measure_add(self, params: dict[str, Any]) -> dict[str, Any]:
        fields = _fields(params)
        code = _int(fields.get("code"))
        if code <= 0:
            raise _error("Required fields: code")
        if any(m["code"] == code for m in self.measures.rows.values()):
            raise _error(f"Measure with code {code} already exists")
        mid = self.measures.new_id()
        row = {"id": mid, "code": code, "isDefault": "N", "measureTitle": str(fields.get("measureTitle") or ""),
               "symbol": fields.get("symbol"), "symbolIntl": fields.get("symbolIntl"),
               "symbolLetterIntl": fields.get("symbolLetterIntl")}
        self.measures.rows[mid] = row
        return {"measure": copy.deepcopy(row)}

    def _price_type_write(self, params: dict[str, Any], type_id: Any) -> dict[str, Any]:
        fields = _fields(params)
        now = self.now()
        if type_id is None:
            if not str(fields.get("name") or "").strip():
                raise _error("Required fields: name")
            tid = self.price_types.new_id()
            row = {"id": tid, "name": "", "base": "N", "sort": 100, "xmlId": "", "createdBy": self.user_id,
                   "modifiedBy": self.user_id, "dateCreate": now, "timestampX": now}
        else:
            row = copy.deepcopy(self.price_types.get(type_id, "Price type is not exists"))
            tid = row["id"]
        for name in ("name", "base", "sort", "xmlId"):
            if name in fields:
                row[name] = _char(fields[name], "N") if name == "base" else (
                    _int(fields[name]) if name == "sort" else str(fields[name]))
        row["timestampX"] = now
        if row["base"] == "Y":  # one base price type per portal: the new base takes over
            for other in self.price_types.rows.values():
                if other["id"] != tid:
                    other["base"] = "N"
        self.price_types.rows[tid] = row
        return {"priceType": copy.deepcopy(row)}

    def _store_write(self, params: dict[str, Any], store_id: Any) -> dict[str, Any]:
        fields = _fields(params)
        now = self.now()
        if store_id is None:
            if not str(fields.get("address") or "").strip():
                raise _error("Required fields: address")
            sid = self.stores.new_id()
            row = {"id": sid, "title": "", "address": "", "active": "Y", "description": None, "gpsN": 0, "gpsS": 0,
                   "imageId": None, "dateModify": now, "dateCreate": now, "userId": self.user_id,
                   "modifiedBy": self.user_id, "phone": None, "schedule": None, "xmlId": None, "sort": 100,
                   "email": None, "issuingCenter": "N", "code": None}
        else:
            row = copy.deepcopy(self.stores.get(store_id, "Store is not exists"))
            sid = row["id"]
        for name in ("title", "address", "active", "description", "xmlId", "sort", "code", "phone", "schedule"):
            if name in fields:
                value = fields[name]
                row[name] = _char(value, "Y") if name == "active" else (_int(value) if name == "sort" else value)
        row["dateModify"] = now
        self.stores.rows[sid] = row
        return {"store": copy.deepcopy(row)}

    # ----- prices ---------------------------------------------------------------------------------------
    def _validate_price(self, product_id: int, type_id: int, price: Any, currency: Any) -> None:
        missing = [n for n, v in (("price", price), ("currency", currency)) if v in (None, "")]
        if missing:
            raise _error("Required fields: " + ", ".join(missing))
        if product_id not in self.products.rows:
            raise _error("Validate price error. Catalog product is not exists")
        if type_id not in self.price_types.rows:
            raise _error("Validate price error. Catalog price group is wrong")
        if str(currency).upper() not in self.currencies:
            # wording not documented; a currency missing from crm.currency.list is refused
            raise _error(f"Validate price error. Currency {currency} is wrong")
        if _float(price) is None or float(str(price)) < 0:
            raise _error("Validate price error. Price is wrong")

    def _price_row(self, price_id: int, product_id: int, type_id: int, price: Any, currency: Any) -> dict:
        value = _float(price)
        return {"id": price_id, "productId": product_id, "catalogGroupId": type_id, "price": value,
                "priceScale": value, "currency": str(currency).upper(), "extraId": None, "quantityFrom": None,
                "quantityTo": None, "timestampX": self.now()}

    def _price_add(self, params: dict[str, Any]) -> dict[str, Any]:
        fields = _fields(params)
        product_id, type_id = _int(fields.get("productId")), _int(fields.get("catalogGroupId"))
        self._validate_price(product_id, type_id, fields.get("price"), fields.get("currency"))
        if any(p["productId"] == product_id and p["catalogGroupId"] == type_id for p in self.prices.rows.values()):
            raise _error("Validate price error. Catalog product is allowed to have only a single price without "
                         "ranges in the price group")
        pid = self.prices.new_id()
        self.prices.rows[pid] = self._price_row(pid, product_id, type_id, fields.get("price"), fields.get("currency"))
        return {"price": copy.deepcopy(self.prices.rows[pid])}

    def _price_update(self, params: dict[str, Any]) -> dict[str, Any]:
        row = self.prices.get(params.get("id"), "Price is not exists")
        fields = _fields(params)
        merged = {"productId": row["productId"], "catalogGroupId": row["catalogGroupId"], "price": row["price"],
                  "currency": row["currency"], **fields}
        product_id, type_id = _int(merged["productId"]), _int(merged["catalogGroupId"])
        self._validate_price(product_id, type_id, merged["price"], merged["currency"])
        self.prices.rows[row["id"]] = self._price_row(row["id"], product_id, type_id, merged["price"],
                                                      merged["currency"])
        return {"price": copy.deepcopy(self.prices.rows[row["id"]])}

    def _price_delete(self, params: dict[str, Any]) -> bool:
        row = self.prices.get(params.get("id"), "Price is not exists")
        del self.prices.rows[row["id"]]
        return True

    def _price_modify(self, params: dict[str, Any]) -> dict[str, Any]:
        fields = _fields(params)
        product = fields.get("product")
        if not isinstance(product, dict):
            raise _error("Required fields: product")
        product_id = _int(product.get("id"))
        prices = product.get("prices")
        if isinstance(prices, dict):
            prices = list(prices.values())
        if not isinstance(prices, list):
            raise _error("Required fields: prices")
        seen_types: set[int] = set()
        for entry in prices:
            if not isinstance(entry, dict):
                raise _error("Required fields: catalogGroupId, price, currency")
            type_id = _int(entry.get("catalogGroupId"))
            self._validate_price(product_id, type_id, entry.get("price"), entry.get("currency"))
            if type_id in seen_types:
                raise _error("Validate price error. Catalog product is allowed to have only a single price "
                             "without ranges in the price group")
            seen_types.add(type_id)
            if entry.get("id") not in (None, ""):
                existing = self.prices.rows.get(_int(entry["id"]))
                if existing is None or existing["productId"] != product_id:
                    raise _error("Price is not exists")
        # validated as a whole first: a refused collection changes nothing
        kept = {_int(e["id"]) for e in prices if e.get("id") not in (None, "")}
        for pid in [i for i, r in self.prices.rows.items() if r["productId"] == product_id and i not in kept]:
            del self.prices.rows[pid]
        out = []
        for entry in prices:
            pid = _int(entry["id"]) if entry.get("id") not in (None, "") else self.prices.new_id()
            self.prices.rows[pid] = self._price_row(pid, product_id, _int(entry["catalogGroupId"]), entry["price"],
                                                    entry["currency"])
            out.append(copy.deepcopy(self.prices.rows[pid]))
        return {"prices": out}

    # ----- stock documents ------------------------------------------------------------------------------
    def _document_add(self, params: dict[str, Any]) -> dict[str, Any]:
        fields = _fields(params)
        doc_type = str(fields.get("docType") or "")
        if doc_type not in DOCUMENT_TYPES:
            raise _error("Required fields: docType" if not doc_type else f"Unknown document type {doc_type}")
        did = self.documents.new_id()
        now = self.now()
        row = {"id": did, "docType": doc_type, "title": str(fields.get("title") or ""), "status": "N",
               "currency": str(fields.get("currency") or "RUB"), "commentary": str(fields.get("commentary") or ""),
               "responsibleId": _int(fields.get("responsibleId"), self.user_id), "createdBy": self.user_id,
               "modifiedBy": self.user_id, "dateCreate": now, "dateModify": now, "dateDocument": now,
               "dateStatus": None, "statusBy": None, "total": 0}
        self.documents.rows[did] = row
        return {"document": copy.deepcopy(row)}

    def _element_add(self, params: dict[str, Any]) -> dict[str, Any]:
        fields = _fields(params)
        document = self.documents.rows.get(_int(fields.get("docId")))
        if document is None:
            raise _error("Document not found", "ERROR_DOCUMENT_STATUS")
        if document["status"] == "Y":
            raise _error("Conducted document", "ERROR_DOCUMENT_STATUS")
        product_id = _int(fields.get("elementId"))
        if product_id not in self.products.rows:
            raise _error("Error of adding new document element")
        store_from, store_to = _int(fields.get("storeFrom")) or None, _int(fields.get("storeTo")) or None
        for store in (store_from, store_to):
            if store is not None and store not in self.stores.rows:
                raise _error("Access denied", "ERROR_DOCUMENT_RIGHTS")
        eid = self.document_elements.new_id()
        row = {"id": eid, "docId": document["id"], "elementId": product_id, "storeFrom": store_from,
               "storeTo": store_to, "amount": _float(fields.get("amount")) or 0,
               "purchasingPrice": _float(fields.get("purchasingPrice")) or 0}
        self.document_elements.rows[eid] = row
        return {"documentElement": copy.deepcopy(row)}

    def _document_conduct(self, params: dict[str, Any]) -> bool:
        document = self.documents.rows.get(_int(params.get("id")))
        if document is None:
            raise _error("Document not found")
        if not self.inventory_management:
            raise _error("Warehouse accounting must be enabled to conduct the document")
        if document["status"] == "Y":
            raise _error('Document conducting error: "Документ уже проведён"')
        elements = [e for e in self.document_elements.rows.values() if e["docId"] == document["id"]]
        if not elements:
            raise _error('Document conducting error: "Не заполнены товары"')
        deltas: dict[tuple[int, int], float] = {}
        for e in elements:
            into, out_of = self._document_stores(document["docType"], e)
            if into is None and out_of is None:
                raise _error('Document conducting error: "Не указан склад"')
            if into is not None:
                deltas[(e["elementId"], into)] = deltas.get((e["elementId"], into), 0) + e["amount"]
            if out_of is not None:
                deltas[(e["elementId"], out_of)] = deltas.get((e["elementId"], out_of), 0) - e["amount"]
        for (product_id, store_id), delta in deltas.items():
            if self._amount(product_id, store_id) + delta < 0:
                raise _error('Document conducting error: "Недостаточно товара на складе"')
        for (product_id, store_id), delta in deltas.items():
            self._add_amount(product_id, store_id, delta)
        document.update(status="Y", dateStatus=self.now(), statusBy=self.user_id)
        return True

    def _document_cancel(self, params: dict[str, Any]) -> bool:
        document = self.documents.rows.get(_int(params.get("id")))
        if document is None:
            raise _error("Document not found")
        if document["status"] != "Y":
            raise _error("Document is not conducted")
        for e in [e for e in self.document_elements.rows.values() if e["docId"] == document["id"]]:
            into, out_of = self._document_stores(document["docType"], e)
            if into is not None:
                self._add_amount(e["elementId"], into, -e["amount"])
            if out_of is not None:
                self._add_amount(e["elementId"], out_of, e["amount"])
        document.update(status="C", dateStatus=self.now(), statusBy=self.user_id)
        return True

    @staticmethod
    def _document_stores(doc_type: str, element: dict[str, Any]) -> tuple[int | None, int | None]:
        """(store receiving, store giving) of one document line."""
        if doc_type in ("A", "S", "R"):
            return element["storeTo"], None
        if doc_type == "D":
            return None, element["storeFrom"]
        return element["storeTo"], element["storeFrom"]  # M: moving

    def _amount(self, product_id: int, store_id: int) -> float:
        return next((sp["amount"] for sp in self.store_products.rows.values()
                     if sp["productId"] == product_id and sp["storeId"] == store_id), 0)

    def _add_amount(self, product_id: int, store_id: int, delta: float) -> None:
        for sp in self.store_products.rows.values():
            if sp["productId"] == product_id and sp["storeId"] == store_id:
                sp["amount"] = _float(sp["amount"] + delta) or 0
                return
        sid = self.store_products.new_id()
        self.store_products.rows[sid] = {"id": sid, "productId": product_id, "storeId": store_id,
                                         "amount": _float(delta) or 0, "quantityReserved": 0}

    # ----- test helpers ---------------------------------------------------------------------------------
    def set_store_amount(self, product_id: int, store_id: int, amount: float) -> None:
        """What a manager's hand-made correction leaves behind (any mode)."""
        self._add_amount(product_id, store_id, amount - self._amount(product_id, store_id))


def _single(result: Any) -> tuple[Any, None, None]:
    return result, None, None
