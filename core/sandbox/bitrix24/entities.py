"""Legacy CRM entities (``crm.company.*``, ``crm.contact.*``, ``crm.requisite.*``, ``…bankdetail.*``).

One generic implementation driven by the field lists in ``schema.py``: values stored as strings,
``Y``/``N`` chars, nulls for unset fields, unknown and read-only input silently ignored, list
paging by 50, filters/order/select as the legacy lists have them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import multifields
from .errors import PortalError, not_found_legacy, not_found_on_write
from .filters import compile_filter, sort_records
from .schema import MULTIFIELD_TYPES, Field
from .values import store_value

PAGE_SIZE = 50

#: fields that are accepted on write but never printed (bindings kept elsewhere on a real portal)
_WRITE_ONLY = {"CONTACT_ID", "COMPANY_IDS"}
#: fields computed by the portal, never taken from input
_COMPUTED = {"HAS_PHONE", "HAS_EMAIL", "HAS_IMOL"}


@dataclass
class Page:
    rows: list[dict[str, Any]]
    total: int
    next: int | None


@dataclass
class LegacyEntity:
    kind: str
    fields: tuple[Field, ...]
    #: ``error`` code this method family answers with: "" for crm.company/contact, 0 for requisites
    error_code: str | int
    #: legacy (CDBResult) lists round ``start`` down to a page; ORM-based ones use it as an offset
    page_rounding: bool
    #: requisites and bank details print an empty DATE_MODIFY until their first update
    blank_modify_on_add: bool = False
    defaults: dict[str, Any] = field(default_factory=dict)
    #: extra checks on a complete record before it is stored (add and update)
    validate: Callable[[dict[str, Any], bool], None] | None = None
    records: dict[int, dict[str, Any]] = field(default_factory=dict)
    last_id: int = 0

    def __post_init__(self) -> None:
        self.by_name = {f.name: f for f in self.fields}
        self.has_multifields = "PHONE" in self.by_name
        self.scalar_names = [f.name for f in self.fields if f.type != "crm_multifield" and f.name not in _WRITE_ONLY]
        self.filter_types = {f.name: f.type for f in self.fields if f.name not in _WRITE_ONLY}

    # ----- helpers -------------------------------------------------------------------------------
    def error(self, description: str, status: int = 400) -> PortalError:
        return PortalError(status, self.error_code, description)

    def resolve_id(self, params: dict[str, Any]) -> int:
        raw = params.get("id", params.get("ID"))
        try:
            entity_id = int(str(raw))
        except (TypeError, ValueError):
            entity_id = 0
        if entity_id <= 0:
            raise self.error("ID is not defined or invalid.")
        return entity_id

    def fields_param(self, params: dict[str, Any]) -> dict[str, Any]:
        fields = params.get("fields", params.get("FIELDS"))
        if not isinstance(fields, dict):
            raise self.error("Parameter 'fields' must be array.")
        return fields

    def get_record(self, entity_id: int) -> dict[str, Any]:
        record = self.records.get(entity_id)
        if record is None:
            raise not_found_legacy(self.error_code)
        return record

    def _apply_scalars(self, record: dict[str, Any], fields: dict[str, Any]) -> None:
        for name, value in fields.items():
            spec = self.by_name.get(str(name))
            if spec is None or spec.read_only or spec.type == "crm_multifield" or spec.name in _COMPUTED:
                continue  # unknown and read-only keys are silently ignored, as on a real portal
            if spec.name == "COMPANY_IDS":
                ids = value if isinstance(value, list) else [value]
                if ids and not record.get("COMPANY_ID"):
                    record["COMPANY_ID"] = store_value(ids[0], "integer")
                continue
            if spec.name in _WRITE_ONLY:
                continue
            stored = store_value(value, spec.type)
            if spec.max_length is not None and isinstance(stored, str) and len(stored) > spec.max_length:
                raise PortalError(400, "ERROR_CORE", f'Значение поля "{spec.title}" слишком длинное '
                                                     f"(допустимо не более {spec.max_length} символов).")
            record[spec.name] = stored

    def _check_required(self, record: dict[str, Any]) -> None:
        for spec in self.fields:
            if spec.required and record.get(spec.name) in (None, ""):
                raise self.error(f'Не заполнено обязательное поле "{spec.title}" ({spec.name}).')

    def refresh_computed(self, record: dict[str, Any]) -> None:
        if self.has_multifields:
            record["HAS_PHONE"] = "Y" if record["PHONE"] else "N"
            record["HAS_EMAIL"] = "Y" if record["EMAIL"] else "N"
            record["HAS_IMOL"] = "Y" if any(e["VALUE_TYPE"] == "OPENLINE" for e in record["IM"]) else "N"

    # ----- operations ----------------------------------------------------------------------------
    def add(
        self, fields: dict[str, Any], *, now: str, user_id: int, next_mf_id: Callable[[], int]
    ) -> int:
        if self.has_multifields:
            multifields.check_legacy(fields, is_update=False)
        record: dict[str, Any] = {name: None for name in self.scalar_names}
        for type_id in MULTIFIELD_TYPES if self.has_multifields else ():
            record[type_id] = []
        record.update(self.defaults)
        for name in ("ASSIGNED_BY_ID", "CREATED_BY_ID", "MODIFY_BY_ID"):
            if name in record:
                record[name] = str(user_id)
        self._apply_scalars(record, fields)
        self._check_required(record)
        if self.validate:
            self.validate(record, False)
        if self.has_multifields:
            multifields.add_legacy(record, fields, next_mf_id)
        self.last_id += 1
        record["ID"] = str(self.last_id)
        if "DATE_CREATE" in record:
            record["DATE_CREATE"] = now
        if "DATE_MODIFY" in record:
            record["DATE_MODIFY"] = "" if self.blank_modify_on_add else now
        self.refresh_computed(record)
        self.records[self.last_id] = record
        return self.last_id

    def update(
        self, entity_id: int, fields: dict[str, Any], *, now: str, user_id: int, next_mf_id: Callable[[], int]
    ) -> bool:
        stored = self.records.get(entity_id)
        if stored is None:
            raise not_found_on_write(self.kind)
        if self.has_multifields:
            multifields.check_legacy(fields, is_update=True)
        record = copy.deepcopy(stored)
        self._apply_scalars(record, fields)
        self._check_required(record)
        if self.validate:
            self.validate(record, True)
        if self.has_multifields:
            multifields.update_legacy(record, fields, next_mf_id)
        if "DATE_MODIFY" in record:
            record["DATE_MODIFY"] = now
        if "MODIFY_BY_ID" in record:
            record["MODIFY_BY_ID"] = str(user_id)
        self.refresh_computed(record)
        self.records[entity_id] = record
        return True

    def delete(self, entity_id: int) -> bool:
        if entity_id not in self.records:
            raise not_found_on_write(self.kind)
        del self.records[entity_id]
        return True

    def output(self, record: dict[str, Any], select: list[str] | None = None) -> dict[str, Any]:
        """Print a record. ``select=None`` is ``*.get``: all scalars plus the multifields that are set."""
        if select is None:
            names = list(self.scalar_names)
            names += [t for t in MULTIFIELD_TYPES if self.has_multifields and record.get(t)]
        else:
            names = select
        out: dict[str, Any] = {}
        for name in names:
            if name in MULTIFIELD_TYPES and self.has_multifields:
                out[name] = copy.deepcopy(record.get(name) or [])
            elif name in record:
                out[name] = record[name]
        return out

    def resolve_select(self, select: Any) -> list[str]:
        """``*`` = every field except multifields (and user fields: none here); multifields only when
        named; an empty select is ``*`` + ``UF_*``; ``ID`` is always printed."""
        if isinstance(select, dict):
            select = list(select.values())
        if isinstance(select, str):
            select = [select]
        if not isinstance(select, list) or not select:
            return list(self.scalar_names)
        names: list[str] = []
        for raw in select:
            name = str(raw).upper()
            if name == "*":
                names += [n for n in self.scalar_names if n not in names]
            elif name in self.filter_types and name not in names:
                names.append(name)
        if "ID" not in names:
            names.append("ID")
        return names

    def list(self, params: dict[str, Any]) -> Page:
        predicate = compile_filter(params.get("filter", params.get("FILTER")), self.filter_types)
        rows = [r for r in self.records.values() if predicate(r)]
        rows = sort_records(rows, params.get("order", params.get("ORDER")), self.filter_types)
        select = self.resolve_select(params.get("select", params.get("SELECT")))
        start = _int(params.get("start", 0))
        if start == -1:
            # the "fast" mode of huge-data.md: no COUNT, so total 0 and no next
            return Page([self.output(r, select) for r in rows[:PAGE_SIZE]], 0, None)
        start = max(start, 0)
        if self.page_rounding:
            start = start // PAGE_SIZE * PAGE_SIZE
        page = rows[start : start + PAGE_SIZE]
        total = len(rows)
        next_start = start + PAGE_SIZE if start + PAGE_SIZE < total else None
        return Page([self.output(r, select) for r in page], total, next_start)

    def metadata(self) -> dict[str, Any]:
        return {f.name: f.metadata() for f in self.fields}


def _int(value: Any) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return 0
