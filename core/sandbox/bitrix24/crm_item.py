"""``crm.item.list|get|add|update`` for entityTypeId 4, over the same store as ``crm.company.*``.

The universal API prints camelCase names and JSON numbers, checks filter fields strictly
(``INVALID_ARG_VALUE``), supports ``logic: OR`` and takes multifields as ``fm``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import multifields
from .entities import PAGE_SIZE, LegacyEntity
from .errors import PortalError
from .filters import FilterError, compile_filter, sort_records, split_key
from .schema import COMPANY_ITEM_NAMES
from .values import item_value

COMPANY_ENTITY_TYPE_ID = 4
_LEGACY_TO_CAMEL = {legacy: camel for camel, legacy in COMPANY_ITEM_NAMES.items()}


class CompanyItems:
    def __init__(self, companies: LegacyEntity) -> None:
        self.companies = companies
        self.types = {camel: companies.by_name[legacy].type for camel, legacy in COMPANY_ITEM_NAMES.items()}

    # ----- parameter helpers ---------------------------------------------------------------------
    @staticmethod
    def check_entity_type(params: dict[str, Any]) -> None:
        raw = params.get("entityTypeId", params.get("ENTITY_TYPE_ID"))
        try:
            entity_type_id = int(str(raw))
        except (TypeError, ValueError):
            raise PortalError(400, "NOT_FOUND", "Тип сущности не найден") from None
        if entity_type_id == 5:
            raise PortalError(400, "ENTITY_TYPE_NOT_SUPPORTED", "Entity type 5 is not supported")
        if entity_type_id != COMPANY_ENTITY_TYPE_ID:
            # the sandbox models companies only; a real portal also serves deals, contacts, SPAs…
            raise PortalError(400, "NOT_FOUND", f"Тип сущности {entity_type_id} не найден")

    def _record(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        try:
            item_id = int(str(params.get("id")))
        except (TypeError, ValueError):
            item_id = 0
        record = self.companies.records.get(item_id)
        if record is None:
            raise PortalError(400, "NOT_FOUND", "Элемент не найден")
        return item_id, record

    def _to_legacy_fields(self, fields: Any) -> dict[str, Any]:
        if not isinstance(fields, dict):
            raise PortalError(400, "INVALID_ARG_VALUE", "Parameter 'fields' must be array")
        return {COMPANY_ITEM_NAMES[k]: v for k, v in fields.items() if k in COMPANY_ITEM_NAMES and k != "id"}

    def output(self, record: dict[str, Any], names: list[str] | None = None, with_fm: bool = True) -> dict:
        names = names if names is not None else list(COMPANY_ITEM_NAMES)
        item: dict[str, Any] = {}
        for camel in names:
            legacy = COMPANY_ITEM_NAMES[camel]
            item[camel] = item_value(record.get(legacy), self.types[camel])
        if with_fm:
            item["fm"] = multifields.fm_output(record)
        item["entityTypeId"] = COMPANY_ENTITY_TYPE_ID
        return item

    # ----- methods -------------------------------------------------------------------------------
    def get(self, params: dict[str, Any]) -> dict[str, Any]:
        self.check_entity_type(params)
        _, record = self._record(params)
        return {"item": self.output(record)}

    def list(self, params: dict[str, Any]) -> tuple[dict[str, Any], int, int | None]:
        self.check_entity_type(params)
        legacy_types = {COMPANY_ITEM_NAMES[c]: t for c, t in self.types.items()}
        try:
            predicate = compile_filter(
                _camel_filter_to_legacy(params.get("filter")), legacy_types, strict=True, allow_logic=True
            )
        except FilterError as exc:
            raise PortalError(
                400, "INVALID_ARG_VALUE", f"Invalid filter: field '{exc.field_name}' is not allowed in filter"
            ) from None
        order = params.get("order")
        legacy_order = (
            {COMPANY_ITEM_NAMES.get(str(k), str(k)): v for k, v in order.items()} if isinstance(order, dict) else None
        )
        rows = [r for r in self.companies.records.values() if predicate(r)]
        rows = sort_records(rows, legacy_order, legacy_types)
        names, with_fm = _select(params.get("select"))
        start = _int(params.get("start"))
        if start == -1:
            return {"items": [self.output(r, names, with_fm) for r in rows[:PAGE_SIZE]]}, 0, None
        start = max(start, 0)
        page = rows[start : start + PAGE_SIZE]
        next_start = start + PAGE_SIZE if start + PAGE_SIZE < len(rows) else None
        return {"items": [self.output(r, names, with_fm) for r in page]}, len(rows), next_start

    def add(self, params: dict[str, Any], *, now: str, user_id: int, next_mf_id: Callable[[], int]) -> dict:
        self.check_entity_type(params)
        fields = params.get("fields")
        legacy = self._to_legacy_fields(fields)
        if not str(legacy.get("TITLE") or "").strip():
            raise PortalError(400, "CRM_FIELD_ERROR_REQUIRED", 'Поле "Название компании" обязательно для заполнения')
        new_id = self.companies.add(legacy, now=now, user_id=user_id, next_mf_id=next_mf_id)
        record = self.companies.records[new_id]
        multifields.apply_fm(record, fields.get("fm"), next_mf_id, is_update=False)
        self.companies.refresh_computed(record)
        return {"item": self.output(record)}

    def update(self, params: dict[str, Any], *, now: str, user_id: int, next_mf_id: Callable[[], int]) -> dict:
        self.check_entity_type(params)
        item_id, record = self._record(params)
        fields = params.get("fields")
        legacy = self._to_legacy_fields(fields)
        if "TITLE" in legacy and not str(legacy["TITLE"] or "").strip():
            raise PortalError(400, "CRM_FIELD_ERROR_REQUIRED", 'Поле "Название компании" обязательно для заполнения')
        self.companies.update(item_id, legacy, now=now, user_id=user_id, next_mf_id=next_mf_id)
        record = self.companies.records[item_id]
        multifields.apply_fm(record, fields.get("fm"), next_mf_id, is_update=True)
        self.companies.refresh_computed(record)
        return {"item": self.output(record)}


def _camel_filter_to_legacy(filter_: Any) -> Any:
    if not isinstance(filter_, dict):
        return filter_
    converted: dict[str, Any] = {}
    for key, value in filter_.items():
        key = str(key)
        if key.lower() == "logic" or isinstance(value, dict):
            converted[key] = _camel_filter_to_legacy(value)
            continue
        op, name = split_key(key)
        # an unknown camelCase name passes through unchanged and is refused by the strict filter
        converted[op + COMPANY_ITEM_NAMES.get(name, name)] = value
    return converted


def _select(select: Any) -> tuple[list[str] | None, bool]:
    """``*`` (or nothing) -> every field plus ``fm``; explicit names -> those plus ``id``, no ``fm``."""
    if isinstance(select, dict):
        select = list(select.values())
    if not isinstance(select, list) or not select or "*" in select:
        return None, True
    names = [str(n) for n in select if str(n) in COMPANY_ITEM_NAMES]
    if "id" not in names:
        names.insert(0, "id")
    return names, False


def _int(value: Any) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return 0
