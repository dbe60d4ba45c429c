"""Smart invoices of the sandbox portal: ``crm.item.*`` with ``entityTypeId=31`` and their product rows.

The universal API as the reference shows it (``crm.item.add.example.json``, ``crm.item.list.example.json``):
camelCase names, JSON numbers, ``{"item": …}`` / ``{"items": […]}`` envelopes, strict filter names
(``INVALID_ARG_VALUE``). A smart invoice is bound to its deal by ``parentId2``, keeps the 1C identity in
``xmlId`` (mapping notes) and moves through ``SMART_INVOICE_STAGE_{categoryId}`` stages (``DT31_2:N`` …).
Product rows live in the shared row store with ``ownerType`` ``SI``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .deals import SMART_INVOICE_OWNER_TYPE, Deals, ProductRows, legacy_rows
from .entities import PAGE_SIZE
from .errors import PortalError
from .filters import FilterError, compile_filter, sort_records

SMART_INVOICE_TYPE_ID = 31
CATEGORY_ID = 2
#: (status id, name, semantics) of the default smart-invoice funnel
STAGES: tuple[tuple[str, str, str], ...] = (
    (f"DT31_{CATEGORY_ID}:N", "Новый", "P"),
    (f"DT31_{CATEGORY_ID}:S", "Отправлен клиенту", "P"),
    (f"DT31_{CATEGORY_ID}:P", "Оплачен", "S"),
    (f"DT31_{CATEGORY_ID}:D", "Не оплачен", "F"),
)

#: field -> filter type (the names the strict filter accepts)
FIELD_TYPES: dict[str, str] = {
    "id": "integer", "xmlId": "string", "title": "string", "accountNumber": "string", "stageId": "string",
    "categoryId": "integer", "opportunity": "double", "isManualOpportunity": "char", "currencyId": "string",
    "companyId": "integer", "mycompanyId": "integer", "parentId2": "integer", "begindate": "datetime",
    "closedate": "datetime", "comments": "string", "assignedById": "integer", "createdBy": "integer",
    "updatedBy": "integer", "createdTime": "datetime", "updatedTime": "datetime", "opened": "char",
    "stageSemanticId": "string",
}
_WRITABLE = {"xmlId", "title", "accountNumber", "stageId", "opportunity", "isManualOpportunity", "currencyId",
             "companyId", "mycompanyId", "parentId2", "begindate", "closedate", "comments", "assignedById",
             "opened", "contactIds"}


def _int(value: Any) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return 0


class SmartInvoices:
    def __init__(self, deals: Deals, product_rows: ProductRows) -> None:
        self.deals = deals
        self.product_rows = product_rows
        self.records: dict[int, dict[str, Any]] = {}
        self.last_id = 0

    # ----- helpers ---------------------------------------------------------------------------------
    def _record(self, params: dict[str, Any]) -> dict[str, Any]:
        record = self.records.get(_int(params.get("id")))
        if record is None:
            raise PortalError(400, "NOT_FOUND", "Элемент не найден")
        return record

    def _apply(self, record: dict[str, Any], fields: Any) -> None:
        if not isinstance(fields, dict):
            raise PortalError(400, "INVALID_ARG_VALUE", "Parameter 'fields' must be array")
        for name, value in fields.items():
            if name not in _WRITABLE:
                continue  # unknown and read-only names are ignored, as by crm.item.update
            if name == "contactIds":
                values = value if isinstance(value, list) else list(value.values()) if isinstance(value, dict) else []
                record[name] = [_int(v) for v in values if _int(v) > 0]
            elif FIELD_TYPES[name] == "integer":
                record[name] = _int(value) or None
            elif FIELD_TYPES[name] == "double":
                try:
                    number = float(str(value))
                except ValueError:
                    raise PortalError(400, "INVALID_ARG_VALUE", f"Неверное значение поля «{name}»") from None
                record[name] = int(number) if number.is_integer() else number
            else:
                record[name] = None if value is None else str(value)
        stage = next((s for s in STAGES if s[0] == record["stageId"]), None)
        if stage is None:
            raise PortalError(400, "CRM_FIELD_ERROR_VALUE_NOT_VALID", f"Стадия «{record['stageId']}» не найдена")
        record["stageSemanticId"] = stage[2]
        parent = record.get("parentId2")
        if parent and parent not in self.deals.entity.records:
            raise PortalError(400, "CRM_FIELD_ERROR_VALUE_NOT_VALID", f"Сделка с ID {parent} не найдена")

    def output(self, record: dict[str, Any], select: list[str] | None = None) -> dict[str, Any]:
        item = copy.deepcopy(record)
        if select:
            item = {k: v for k, v in item.items() if k in select or k == "id"}
        item["entityTypeId"] = SMART_INVOICE_TYPE_ID
        return item

    # ----- methods -----------------------------------------------------------------------------------
    def add(self, params: dict[str, Any], ctx: dict[str, Any]) -> dict[str, Any]:
        self.last_id += 1
        record: dict[str, Any] = {
            "id": self.last_id, "xmlId": None, "title": f"Счёт #{self.last_id}", "accountNumber": str(self.last_id),
            "stageId": STAGES[0][0], "categoryId": CATEGORY_ID, "opportunity": 0, "isManualOpportunity": "N",
            "currencyId": "RUB", "companyId": None, "contactIds": [], "mycompanyId": None, "parentId2": None,
            "begindate": ctx["now"], "closedate": None, "comments": None, "assignedById": ctx["user_id"],
            "createdBy": ctx["user_id"], "updatedBy": ctx["user_id"], "createdTime": ctx["now"],
            "updatedTime": ctx["now"], "opened": "Y", "stageSemanticId": "P",
        }
        try:
            self._apply(record, params.get("fields"))
        except PortalError:
            self.last_id -= 1
            raise
        self.records[record["id"]] = record
        return {"item": self.output(record)}

    def update(self, params: dict[str, Any], ctx: dict[str, Any]) -> dict[str, Any]:
        stored = self._record(params)
        record = copy.deepcopy(stored)
        self._apply(record, params.get("fields"))
        record["updatedTime"] = ctx["now"]
        record["updatedBy"] = ctx["user_id"]
        self.records[record["id"]] = record
        return {"item": self.output(record)}

    def get(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"item": self.output(self._record(params))}

    def delete(self, params: dict[str, Any]) -> list[Any]:
        record = self._record(params)
        del self.records[record["id"]]
        self.product_rows.replace(SMART_INVOICE_OWNER_TYPE, record["id"], [])
        return []

    def list(self, params: dict[str, Any]) -> tuple[dict[str, Any], int, int | None]:
        try:
            predicate = compile_filter(params.get("filter"), FIELD_TYPES, strict=True, allow_logic=True)
        except FilterError as exc:
            raise PortalError(
                400, "INVALID_ARG_VALUE", f"Invalid filter: field '{exc.field_name}' is not allowed in filter"
            ) from None
        rows = [r for r in self.records.values() if predicate(r)]
        rows = sort_records(rows, params.get("order"), FIELD_TYPES)
        select = params.get("select")
        if isinstance(select, dict):
            select = list(select.values())
        names = None if not isinstance(select, list) or "*" in select else [str(s) for s in select]
        start = _int(params.get("start"))
        if start == -1:
            return {"items": [self.output(r, names) for r in rows[:PAGE_SIZE]]}, 0, None
        start = max(start, 0)
        page = rows[start:start + PAGE_SIZE]
        next_start = start + PAGE_SIZE if start + PAGE_SIZE < len(rows) else None
        return {"items": [self.output(r, names) for r in page]}, len(rows), next_start

    def set_rows(self, owner_id: int, raw: Any, ctx: dict[str, Any]) -> list[Any]:
        record = self.records.get(owner_id)
        if record is None:
            raise PortalError(400, "NOT_FOUND", "Элемент не найден")
        stored = self.product_rows.replace(SMART_INVOICE_OWNER_TYPE, owner_id, legacy_rows(raw))
        if record.get("isManualOpportunity") != "Y":
            total = round(sum(r.total for r in stored), 2)
            record["opportunity"] = int(total) if float(total).is_integer() else total
        record["updatedTime"] = ctx["now"]
        return stored

    def rows_changed(self, owner_id: int, ctx: dict[str, Any]) -> None:
        record = self.records[owner_id]
        if record.get("isManualOpportunity") != "Y":
            total = round(sum(r.total for r in self.product_rows.of(SMART_INVOICE_OWNER_TYPE, owner_id)), 2)
            record["opportunity"] = int(total) if float(total).is_integer() else total
        record["updatedTime"] = ctx["now"]

    def status_rows(self, first_id: int) -> list[dict[str, Any]]:
        entity_id = f"SMART_INVOICE_STAGE_{CATEGORY_ID}"
        return [
            {"ID": str(first_id + i), "ENTITY_ID": entity_id, "STATUS_ID": sid, "NAME": name, "NAME_INIT": name,
             "SORT": str((i + 1) * 10), "SYSTEM": "Y", "CATEGORY_ID": str(CATEGORY_ID), "COLOR": "#39A8EF",
             "SEMANTICS": {"S": "S", "F": "F"}.get(sem),
             "EXTRA": {"SEMANTICS": {"S": "success", "F": "failure"}.get(sem, "process"), "COLOR": "#39A8EF"}}
            for i, (sid, name, sem) in enumerate(STAGES)
        ]


def product_row_methods(
    deals: Deals, invoices: SmartInvoices, ctx: Callable[[], dict[str, Any]]
) -> dict[str, Callable[[dict[str, Any]], Any]]:
    """``crm.item.productrow.set|list|get``: the current API for rows of deals (``D``) and invoices (``SI``)."""
    rows = deals.product_rows

    def owner(params: dict[str, Any]) -> tuple[str, int]:
        owner_type = str(params.get("ownerType", "")).upper()
        owner_id = _int(params.get("ownerId"))
        if owner_type == "D":
            if owner_id not in deals.entity.records:
                raise PortalError(400, "NOT_FOUND", "Сделка не найдена")
        elif owner_type == "SI":
            if owner_id not in invoices.records:
                raise PortalError(400, "NOT_FOUND", "Элемент не найден")
        else:
            raise PortalError(400, "OWNER_NOT_FOUND", "Владелец товарных позиций не найден")
        return owner_type, owner_id

    def set_(params: dict[str, Any]) -> Any:
        owner_type, owner_id = owner(params)
        raw = params.get("productRows")
        if owner_type == "D":
            stored = deals.set_rows(owner_id, legacy_rows(raw), ctx())
        else:
            stored = invoices.set_rows(owner_id, raw, ctx())
        return {"productRows": [r.item() for r in stored]}, None, None

    def list_(params: dict[str, Any]) -> Any:
        filter_ = params.get("filter") if isinstance(params.get("filter"), dict) else {}
        if "=ownerType" not in filter_ or "=ownerId" not in filter_:
            raise PortalError(400, "REQUIRED_FILTER_FIELDS", "Обязательные поля фильтра: =ownerType, =ownerId")
        owner_type, owner_id = owner({"ownerType": filter_["=ownerType"], "ownerId": filter_["=ownerId"]})
        found = [r.item() for r in rows.of(owner_type, owner_id)]
        return {"productRows": found}, len(found), None

    def get(params: dict[str, Any]) -> Any:
        row = rows.rows.get(_int(params.get("id")))
        if row is None:
            raise PortalError(400, "NOT_FOUND", "Товарная позиция не найдена")
        return {"productRow": row.item()}, None, None

    def touched(owner_type: str, owner_id: int) -> None:
        if owner_type == "D":
            deals.rows_changed(owner_id, ctx())
        else:
            invoices.rows_changed(owner_id, ctx())

    def single(params: dict[str, Any]) -> dict[str, Any]:
        fields = params.get("fields")
        if not isinstance(fields, dict):
            raise PortalError(400, "INVALID_ARG_VALUE", "Parameter 'fields' must be array")
        return legacy_rows([fields])[0]

    def add(params: dict[str, Any]) -> Any:
        fields = params.get("fields") if isinstance(params.get("fields"), dict) else {}
        owner_type, owner_id = owner({"ownerType": fields.get("ownerType"), "ownerId": fields.get("ownerId")})
        row = rows.add_one(owner_type, owner_id, single(params))
        touched(owner_type, owner_id)
        return {"productRow": rows.rows[row.id].item()}, None, None

    def update(params: dict[str, Any]) -> Any:
        row = rows.rows.get(_int(params.get("id")))
        if row is None:
            raise PortalError(400, "NOT_FOUND", "Товарная позиция не найдена")
        rows.update_one(row.id, single(params))
        touched(row.owner_type, row.owner_id)
        return {"productRow": rows.rows[row.id].item()}, None, None

    def delete(params: dict[str, Any]) -> Any:
        row = rows.rows.get(_int(params.get("id")))
        if row is None:
            raise PortalError(400, "NOT_FOUND", "Товарная позиция не найдена")
        del rows.rows[row.id]
        touched(row.owner_type, row.owner_id)
        return [], None, None

    return {"crm.item.productrow.set": set_, "crm.item.productrow.list": list_, "crm.item.productrow.get": get,
            "crm.item.productrow.add": add, "crm.item.productrow.update": update,
            "crm.item.productrow.delete": delete}
