"""Deals of the sandbox portal: ``crm.deal.*``, funnels and stages, product rows of deals.

What a real portal does and the sandbox keeps (bitrix24-rest-api.md §5.5, reference payloads
``crm.deal.get.example.json`` and ``crm.deal.productrows.get.example.json``):
- legacy output: numbers as strings (``"OPPORTUNITY": "1000000.00"``), ``Y``/``N`` chars;
- ``CATEGORY_ID`` is fixed on add (a later update of it is ignored), ``STAGE_ID`` must be a stage of the
  deal's funnel (``NEW`` in funnel 0, ``C1:NEW`` in funnel 1), ``STAGE_SEMANTIC_ID`` (P/S/F) and ``CLOSED``
  follow the stage and cannot be written;
- ``crm.deal.productrows.set`` / ``crm.item.productrow.set`` replace all rows; the deal's ``OPPORTUNITY`` is
  recalculated from the rows unless ``IS_MANUAL_OPPORTUNITY`` is ``Y``, and ``DATE_MODIFY`` moves (an
  assumption the notes leave open: a portal that did not move it would hide row edits from every
  ``>=DATE_MODIFY`` poll — see docs/decisions.md);
- row prices: ``PRICE`` is the final unit price (discount and tax applied), ``PRICE_EXCLUSIVE`` without tax,
  ``PRICE_NETTO`` before discount without tax, ``PRICE_BRUTTO`` before discount with tax, ``DISCOUNT_SUM`` per
  unit — the numbers of the reference rows come out of the same formulas;
- the portal does not judge quantities: zero or negative quantities are stored as sent.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .entities import LegacyEntity
from .errors import PortalError
from .schema import Field

DEAL_OWNER_TYPE = "D"
SMART_INVOICE_OWNER_TYPE = "SI"


def _ro(name: str, type_: str, title: str) -> Field:
    return Field(name, type_, title, read_only=True)


DEAL_FIELDS: tuple[Field, ...] = (
    _ro("ID", "integer", "ID"),
    Field("TITLE", "string", "Название"),
    Field("TYPE_ID", "crm_status", "Тип", status_type="DEAL_TYPE"),
    Field("CATEGORY_ID", "crm_category", "Воронка"),
    Field("STAGE_ID", "crm_status", "Стадия сделки", status_type="DEAL_STAGE"),
    _ro("STAGE_SEMANTIC_ID", "string", "Группа стадии"),
    Field("IS_NEW", "char", "Новая сделка"),
    Field("IS_RECURRING", "char", "Регулярная сделка"),
    Field("IS_RETURN_CUSTOMER", "char", "Повторная сделка"),
    Field("IS_REPEATED_APPROACH", "char", "Повторное обращение"),
    Field("PROBABILITY", "integer", "Вероятность"),
    Field("CURRENCY_ID", "crm_currency", "Валюта"),
    Field("OPPORTUNITY", "double", "Сумма"),
    Field("IS_MANUAL_OPPORTUNITY", "char", "Сумма заполняется вручную"),
    Field("TAX_VALUE", "double", "Ставка налога"),
    Field("COMPANY_ID", "crm_company", "Компания"),
    Field("CONTACT_ID", "crm_contact", "Контакт"),
    _ro("QUOTE_ID", "crm_quote", "Предложение"),
    Field("BEGINDATE", "date", "Дата начала"),
    Field("CLOSEDATE", "date", "Предполагаемая дата закрытия"),
    Field("OPENED", "char", "Доступна для всех"),
    _ro("CLOSED", "char", "Закрыта"),
    Field("COMMENTS", "string", "Комментарий"),
    Field("ASSIGNED_BY_ID", "user", "Ответственный"),
    _ro("CREATED_BY_ID", "user", "Кем создана"),
    _ro("MODIFY_BY_ID", "user", "Кем изменена"),
    _ro("DATE_CREATE", "datetime", "Дата создания"),
    _ro("DATE_MODIFY", "datetime", "Дата изменения"),
    Field("SOURCE_ID", "crm_status", "Источник", status_type="SOURCE"),
    Field("SOURCE_DESCRIPTION", "string", "Дополнительно об источнике"),
    _ro("LEAD_ID", "crm_lead", "Лид"),
    Field("ADDITIONAL_INFO", "string", "Дополнительная информация"),
    _ro("LOCATION_ID", "location", "Местоположение"),
    Field("ORIGINATOR_ID", "string", "Внешний источник"),
    Field("ORIGIN_ID", "string", "Идентификатор элемента во внешнем источнике"),
    _ro("MOVED_BY_ID", "user", "Кем перемещена"),
    _ro("MOVED_TIME", "datetime", "Дата перемещения"),
    Field("UTM_SOURCE", "string", "Рекламная система"),
    Field("UTM_MEDIUM", "string", "Тип трафика"),
    Field("UTM_CAMPAIGN", "string", "Обозначение рекламной кампании"),
    Field("UTM_CONTENT", "string", "Содержание кампании"),
    Field("UTM_TERM", "string", "Условие поиска кампании"),
    _ro("LAST_ACTIVITY_TIME", "datetime", "Последняя активность"),
    _ro("LAST_ACTIVITY_BY", "user", "Автор последней активности"),
)


@dataclass(frozen=True)
class Stage:
    status_id: str
    name: str
    sort: int
    semantics: str  # "P" process, "S" success, "F" failure
    color: str


@dataclass(frozen=True)
class Category:
    id: int
    name: str
    sort: int
    stages: tuple[Stage, ...]

    @property
    def entity_id(self) -> str:
        """``crm.status.list`` ENTITY_ID of the funnel's stages."""
        return "DEAL_STAGE" if self.id == 0 else f"DEAL_STAGE_{self.id}"

    def stage(self, status_id: str) -> Stage | None:
        return next((s for s in self.stages if s.status_id == status_id), None)


def _funnel(category_id: int, names: tuple[tuple[str, str, str, str], ...]) -> tuple[Stage, ...]:
    prefix = "" if category_id == 0 else f"C{category_id}:"
    return tuple(
        Stage(prefix + code, name, (i + 1) * 10, semantics, color)
        for i, (code, name, semantics, color) in enumerate(names)
    )


#: the default funnel of a Russian portal and a second one a wholesale department added by hand
DEFAULT_CATEGORIES: tuple[Category, ...] = (
    Category(0, "Общая", 100, _funnel(0, (
        ("NEW", "Новая", "P", "#39A8EF"),
        ("PREPARATION", "Подготовка документов", "P", "#2FC6F6"),
        ("PREPAYMENT_INVOICE", "Счёт на предоплату", "P", "#55D0E0"),
        ("EXECUTING", "В работе", "P", "#47E4C2"),
        ("FINAL_INVOICE", "Финальный счёт", "P", "#FFA900"),
        ("WON", "Сделка успешна", "S", "#7BD500"),
        ("LOSE", "Сделка провалена", "F", "#FF5752"),
        ("APOLOGY", "Анализ причины провала", "F", "#FF5752"),
    ))),
    Category(1, "Оптовые продажи", 200, _funnel(1, (
        ("NEW", "Заявка", "P", "#39A8EF"),
        ("UC_AGREED", "Согласовано", "P", "#2FC6F6"),
        ("UC_SHIPPING", "Отгрузка", "P", "#FFA900"),
        ("WON", "Оплачено и отгружено", "S", "#7BD500"),
        ("LOSE", "Отказ", "F", "#FF5752"),
    ))),
)

_PRODUCT_ROW_INPUT = {
    # camelCase (crm.item.productrow.*) -> legacy (crm.deal.productrows.*)
    "productId": "PRODUCT_ID", "productName": "PRODUCT_NAME", "price": "PRICE", "quantity": "QUANTITY",
    "discountTypeId": "DISCOUNT_TYPE_ID", "discountRate": "DISCOUNT_RATE", "discountSum": "DISCOUNT_SUM",
    "taxRate": "TAX_RATE", "taxIncluded": "TAX_INCLUDED", "measureCode": "MEASURE_CODE",
    "measureName": "MEASURE_NAME", "sort": "SORT", "xmlId": "XML_ID", "productDescription": "PRODUCT_DESCRIPTION",
}


def _number(value: Any, default: float) -> float:
    if value is None or value == "":
        return default
    try:
        return float(str(value).strip())
    except ValueError:
        return default


def _r(value: float, digits: int = 2) -> float:
    number = round(value + 0.0, digits)
    return int(number) if float(number).is_integer() else number


@dataclass
class ProductRow:
    """One stored row, in the legacy names; prices derived on input like the portal does."""

    id: int
    owner_type: str
    owner_id: int
    fields: dict[str, Any]

    @classmethod
    def from_input(cls, row_id: int, owner_type: str, owner_id: int, raw: dict[str, Any], sort: int) -> ProductRow:
        price = _number(raw.get("PRICE"), 0.0)
        quantity = _number(raw.get("QUANTITY"), 1.0)
        tax_rate_raw = raw.get("TAX_RATE")
        tax_rate = None if tax_rate_raw in (None, "") else _number(tax_rate_raw, 0.0)
        tax_included = "N" if str(raw.get("TAX_INCLUDED", "Y")).upper() in ("N", "0", "FALSE") else "Y"
        discount_type = int(_number(raw.get("DISCOUNT_TYPE_ID"), 2.0))
        if discount_type not in (1, 2):
            discount_type = 2
        exclusive = price / (1 + (tax_rate or 0) / 100)
        if discount_type == 2:
            rate = _number(raw.get("DISCOUNT_RATE"), 0.0)
            netto = exclusive / (1 - rate / 100) if rate < 100 else exclusive
            discount_sum = netto - exclusive
        else:
            discount_sum = _number(raw.get("DISCOUNT_SUM"), 0.0)
            netto = exclusive + discount_sum
            rate = discount_sum / netto * 100 if netto else 0.0
        brutto = netto * (1 + (tax_rate or 0) / 100)
        product_id = int(_number(raw.get("PRODUCT_ID"), 0.0))
        name = raw.get("PRODUCT_NAME")
        fields = {
            "PRODUCT_ID": product_id,
            "PRODUCT_NAME": str(name) if name not in (None, "") else "",
            "ORIGINAL_PRODUCT_NAME": str(name) if name not in (None, "") else "",
            "PRODUCT_DESCRIPTION": raw.get("PRODUCT_DESCRIPTION"),
            "PRICE": _r(price), "PRICE_EXCLUSIVE": _r(exclusive), "PRICE_NETTO": _r(netto),
            "PRICE_BRUTTO": _r(brutto), "PRICE_ACCOUNT": f"{price:.2f}", "QUANTITY": _r(quantity, 4),
            "DISCOUNT_TYPE_ID": discount_type, "DISCOUNT_RATE": _r(rate), "DISCOUNT_SUM": _r(discount_sum),
            "TAX_RATE": None if tax_rate is None else _r(tax_rate), "TAX_INCLUDED": tax_included,
            "CUSTOMIZED": "Y", "MEASURE_CODE": int(_number(raw.get("MEASURE_CODE"), 796.0)),
            "MEASURE_NAME": str(raw.get("MEASURE_NAME") or "шт"), "SORT": int(_number(raw.get("SORT"), sort)),
            "XML_ID": raw.get("XML_ID") or "", "TYPE": 1, "STORE_ID": 0,
        }
        return cls(row_id, owner_type, owner_id, fields)

    @property
    def total(self) -> float:
        return float(self.fields["PRICE"]) * float(self.fields["QUANTITY"])

    def legacy(self) -> dict[str, Any]:
        """crm.deal.productrows.get form: mixed types, ``ID``/``OWNER_ID`` as strings (reference payload)."""
        return {"ID": str(self.id), "OWNER_ID": str(self.owner_id), "OWNER_TYPE": self.owner_type,
                **copy.deepcopy(self.fields)}

    def item(self) -> dict[str, Any]:
        """crm.item.productrow.* form: camelCase, JSON numbers."""
        f = self.fields
        return {
            "id": self.id, "ownerId": self.owner_id, "ownerType": self.owner_type, "productId": f["PRODUCT_ID"],
            "productName": f["PRODUCT_NAME"], "productDescription": f["PRODUCT_DESCRIPTION"],
            "price": f["PRICE"], "priceAccount": f["PRICE"], "priceExclusive": f["PRICE_EXCLUSIVE"],
            "priceNetto": f["PRICE_NETTO"], "priceBrutto": f["PRICE_BRUTTO"], "quantity": f["QUANTITY"],
            "discountTypeId": f["DISCOUNT_TYPE_ID"], "discountRate": f["DISCOUNT_RATE"],
            "discountSum": f["DISCOUNT_SUM"], "taxRate": f["TAX_RATE"], "taxIncluded": f["TAX_INCLUDED"],
            "customized": f["CUSTOMIZED"], "measureCode": f["MEASURE_CODE"], "measureName": f["MEASURE_NAME"],
            "sort": f["SORT"], "xmlId": f["XML_ID"], "type": f["TYPE"], "storeId": f["STORE_ID"],
        }


class ProductRows:
    """Rows of every owner (deal ``D``, smart invoice ``SI``), ids from one counter like ``b_crm_product_row``."""

    def __init__(self) -> None:
        self.rows: dict[int, ProductRow] = {}
        self.last_id = 0

    def of(self, owner_type: str, owner_id: int) -> list[ProductRow]:
        rows = [r for r in self.rows.values() if r.owner_type == owner_type and r.owner_id == owner_id]
        return sorted(rows, key=lambda r: (r.fields["SORT"], r.id))

    def add_one(self, owner_type: str, owner_id: int, raw: dict[str, Any]) -> ProductRow:
        """``crm.item.productrow.add``: one row more, the others keep their ids."""
        self.last_id += 1
        sort = (max((r.fields["SORT"] for r in self.of(owner_type, owner_id)), default=0) // 10 + 1) * 10
        row = ProductRow.from_input(self.last_id, owner_type, owner_id, raw, sort)
        self.rows[row.id] = row
        return row

    def update_one(self, row_id: int, raw: dict[str, Any]) -> ProductRow:
        """``crm.item.productrow.update``: the fields given change, prices are derived again."""
        current = self.rows[row_id]
        merged = {**current.fields, **raw}
        if "PRICE" in raw and "DISCOUNT_SUM" not in raw and int(merged.get("DISCOUNT_TYPE_ID") or 2) == 1:
            merged["DISCOUNT_SUM"] = current.fields["DISCOUNT_SUM"]
        row = ProductRow.from_input(row_id, current.owner_type, current.owner_id, merged, current.fields["SORT"])
        self.rows[row_id] = row
        return row

    def replace(self, owner_type: str, owner_id: int, raw_rows: list[dict[str, Any]]) -> list[ProductRow]:
        for row in self.of(owner_type, owner_id):
            del self.rows[row.id]
        stored = []
        for index, raw in enumerate(raw_rows):
            self.last_id += 1
            row = ProductRow.from_input(self.last_id, owner_type, owner_id, raw, (index + 1) * 10)
            self.rows[row.id] = row
            stored.append(row)
        return stored


def legacy_rows(raw: Any) -> list[dict[str, Any]]:
    """``rows``/``productRows`` of a set call as a list of legacy-named dicts (PHP maps arrive as dicts)."""
    if isinstance(raw, dict):
        raw = [raw[k] for k in sorted(raw, key=lambda k: int(k) if str(k).isdigit() else 0)]
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        raise PortalError(400, "INVALID_ARG_VALUE", "Parameter 'rows' must be array")
    result = []
    for row in raw:
        converted: dict[str, Any] = {}
        for key, value in row.items():
            name = _PRODUCT_ROW_INPUT.get(str(key), str(key).upper())
            converted[name] = value
        result.append(converted)
    return result


class Deals:
    """The deal store plus funnels; ``portal`` supplies the clock, the user and the product rows."""

    def __init__(self, product_rows: ProductRows, categories: tuple[Category, ...] = DEFAULT_CATEGORIES) -> None:
        self.categories = {c.id: c for c in categories}
        self.product_rows = product_rows
        self.entity = LegacyEntity(
            "deal", DEAL_FIELDS, "", page_rounding=True,
            defaults={"TYPE_ID": "SALE", "CURRENCY_ID": "RUB", "OPPORTUNITY": "0", "IS_MANUAL_OPPORTUNITY": "N",
                      "TAX_VALUE": "0", "OPENED": "Y", "CLOSED": "N", "CATEGORY_ID": "0", "IS_NEW": "Y",
                      "IS_RECURRING": "N", "IS_RETURN_CUSTOMER": "N", "IS_REPEATED_APPROACH": "N"},
            validate=self._validate,
        )

    # ----- stages ----------------------------------------------------------------------------------
    def category_of(self, record: dict[str, Any]) -> Category:
        return self.categories[int(record.get("CATEGORY_ID") or 0)]

    def _validate(self, record: dict[str, Any], is_update: bool) -> None:
        category_id = int(record.get("CATEGORY_ID") or 0)
        if category_id not in self.categories:
            raise PortalError(400, "", f"Воронка с идентификатором {category_id} не найдена.")
        category = self.categories[category_id]
        if not record.get("STAGE_ID"):
            record["STAGE_ID"] = category.stages[0].status_id
        stage = category.stage(str(record["STAGE_ID"]))
        if stage is None:
            raise PortalError(400, "", f"Стадия «{record['STAGE_ID']}» не относится к воронке «{category.name}».")
        record["STAGE_SEMANTIC_ID"] = stage.semantics
        record["CLOSED"] = "N" if stage.semantics == "P" else "Y"

    # ----- operations --------------------------------------------------------------------------------
    def add(self, fields: dict[str, Any], ctx: dict[str, Any]) -> int:
        deal_id = self.entity.add(fields, **ctx)
        record = self.entity.records[deal_id]
        record["MOVED_BY_ID"] = str(ctx["user_id"])
        record["MOVED_TIME"] = ctx["now"]
        return deal_id

    def update(self, deal_id: int, fields: dict[str, Any], ctx: dict[str, Any]) -> bool:
        before = self.entity.get_record(deal_id)
        fields = {k: v for k, v in fields.items() if str(k).upper() != "CATEGORY_ID"}  # fixed after add
        stage_before = before["STAGE_ID"]
        self.entity.update(deal_id, fields, **ctx)
        record = self.entity.records[deal_id]
        if record["STAGE_ID"] != stage_before:
            record["MOVED_BY_ID"] = str(ctx["user_id"])
            record["MOVED_TIME"] = ctx["now"]
        if record.get("IS_MANUAL_OPPORTUNITY") != "Y" and "OPPORTUNITY" in {str(k).upper() for k in fields}:
            # an explicit sum switches the deal to a manual sum, as the deal form does
            record["IS_MANUAL_OPPORTUNITY"] = "Y"
        return True

    def output(self, record: dict[str, Any], select: list[str] | None = None) -> dict[str, Any]:
        out = self.entity.output(record, select)
        for name in ("OPPORTUNITY", "TAX_VALUE"):
            if out.get(name) is not None:
                out[name] = f"{float(out[name]):.2f}"  # "1000000.00" as in the reference
        return out

    def set_rows(self, deal_id: int, raw_rows: list[dict[str, Any]], ctx: dict[str, Any]) -> list[ProductRow]:
        record = self.entity.get_record(deal_id)
        stored = self.product_rows.replace(DEAL_OWNER_TYPE, deal_id, raw_rows)
        if record.get("IS_MANUAL_OPPORTUNITY") != "Y":
            record["OPPORTUNITY"] = repr(round(sum(r.total for r in stored), 2))
        record["DATE_MODIFY"] = ctx["now"]
        record["MODIFY_BY_ID"] = str(ctx["user_id"])
        return stored

    def rows_changed(self, deal_id: int, ctx: dict[str, Any]) -> None:
        """After a single-row change: the sum follows the rows (unless manual) and the deal counts as modified."""
        record = self.entity.get_record(deal_id)
        if record.get("IS_MANUAL_OPPORTUNITY") != "Y":
            record["OPPORTUNITY"] = repr(round(sum(r.total for r in self.product_rows.of(DEAL_OWNER_TYPE, deal_id)), 2))
        record["DATE_MODIFY"] = ctx["now"]
        record["MODIFY_BY_ID"] = str(ctx["user_id"])

    def delete(self, deal_id: int) -> None:
        self.entity.delete(deal_id)
        self.product_rows.replace(DEAL_OWNER_TYPE, deal_id, [])

    # ----- methods -----------------------------------------------------------------------------------
    def method_table(self, ctx: Callable[[], dict[str, Any]]) -> dict[str, Callable[[dict[str, Any]], Any]]:
        """``name -> handler(params) -> (result, total, next)``; the portal wraps them into MethodSpecs."""
        entity = self.entity

        def add(p: dict[str, Any]) -> Any:
            return self.add(entity.fields_param(p), ctx()), None, None

        def update(p: dict[str, Any]) -> Any:
            return self.update(entity.resolve_id(p), entity.fields_param(p), ctx()), None, None

        def get(p: dict[str, Any]) -> Any:
            return self.output(entity.get_record(entity.resolve_id(p))), None, None

        def list_(p: dict[str, Any]) -> Any:
            page = entity.list(p)
            # the page rows come from entity.output; re-print the money fields like crm.deal.get does
            rows = [self.output(entity.records[int(r["ID"])], list(r)) for r in page.rows]
            return rows, page.total, page.next

        def delete(p: dict[str, Any]) -> Any:
            self.delete(entity.resolve_id(p))
            return True, None, None

        def rows_get(p: dict[str, Any]) -> Any:
            deal_id = entity.resolve_id(p)
            entity.get_record(deal_id)
            return [r.legacy() for r in self.product_rows.of(DEAL_OWNER_TYPE, deal_id)], None, None

        def rows_set(p: dict[str, Any]) -> Any:
            deal_id = entity.resolve_id(p)
            self.set_rows(deal_id, legacy_rows(p.get("rows", p.get("ROWS"))), ctx())
            return True, None, None

        def category_list(p: dict[str, Any]) -> Any:
            entity_type = str(p.get("entityTypeId", ""))
            if entity_type == "31":  # smart invoices: one funnel (smart_invoices.CATEGORY_ID)
                return {"categories": [{"id": 2, "name": "Счета", "sort": 100, "entityTypeId": 31,
                                        "isDefault": "Y"}]}, 1, None
            if entity_type != "2":
                raise PortalError(400, "NOT_FOUND", "Тип сущности не найден")
            cats = [{"id": c.id, "name": c.name, "sort": c.sort, "entityTypeId": 2, "isDefault": "Y" if c.id == 0
                     else "N"} for c in self.categories.values()]
            return {"categories": cats}, len(cats), None

        def stage_list(p: dict[str, Any]) -> Any:  # crm.dealcategory.stage.list (deprecated, still answered)
            try:
                category = self.categories[int(str(p.get("id", p.get("ID", 0)) or 0))]
            except (KeyError, ValueError):
                raise PortalError(400, "", "Category is not found.") from None
            return [{"NAME": s.name, "SORT": str(s.sort), "STATUS_ID": s.status_id} for s in category.stages], \
                None, None

        return {
            "crm.deal.add": add, "crm.deal.update": update, "crm.deal.get": get, "crm.deal.list": list_,
            "crm.deal.delete": delete, "crm.deal.fields": lambda p: (entity.metadata(), None, None),
            "crm.deal.productrows.get": rows_get, "crm.deal.productrows.set": rows_set,
            "crm.category.list": category_list, "crm.dealcategory.stage.list": stage_list,
        }

    def status_rows(self) -> list[dict[str, Any]]:
        """Stages as ``crm.status.list`` prints them (``SEMANTICS`` "S"/"F", null for a working stage)."""
        rows = []
        sid = 0
        for category in self.categories.values():
            for stage in category.stages:
                sid += 1
                semantics = {"S": "S", "F": "F"}.get(stage.semantics)
                rows.append({
                    "ID": str(sid), "ENTITY_ID": category.entity_id, "STATUS_ID": stage.status_id,
                    "NAME": stage.name, "NAME_INIT": stage.name, "SORT": str(stage.sort), "SYSTEM": "Y",
                    "CATEGORY_ID": str(category.id), "COLOR": stage.color, "SEMANTICS": semantics,
                    "EXTRA": {"SEMANTICS": {"S": "success", "F": "failure"}.get(stage.semantics, "process"),
                              "COLOR": stage.color},
                })
        return rows
