"""Catalogue records (canonical) and what goes to the portal for them, driven by the profile's mapping sections.

1C rows become small canonical records (a group, a product, a price type, a warehouse, the prices of a product, the
stock of a product); the pipelines turn them into portal payloads. A payload is a plain dict with a stable digest,
so «nothing changed since the last write» is a digest comparison, as for companies.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

ZERO_REF = "00000000-0000-0000-0000-000000000000"


def _ref(value: Any) -> str | None:
    return value if isinstance(value, str) and value and value != ZERO_REF else None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


@dataclass
class FieldsPayload:
    """A portal payload: field → JSON value. ``digest`` ignores key order."""

    fields: dict[str, Any]

    def digest(self) -> str:
        return hashlib.sha1(json.dumps(self.fields, sort_keys=True, ensure_ascii=False,
                                       default=str).encode()).hexdigest()


def payload_to_json(payload: FieldsPayload | None) -> dict[str, Any] | None:
    return None if payload is None else {"fields": json.loads(json.dumps(payload.fields, default=str))}


def payload_from_json(data: dict[str, Any] | None) -> FieldsPayload | None:
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
        return None
    return FieldsPayload(dict(data["fields"]))


def changed_fields(old: FieldsPayload | None, new: FieldsPayload, labels: dict[str, str]) -> list[str]:
    if old is None:
        return []
    keys = sorted(set(old.fields) | set(new.fields))
    return [labels.get(k, k) for k in keys if old.fields.get(k) != new.fields.get(k)]


# ----- groups, price types, warehouses ---------------------------------------------------------------------------
@dataclass
class NamedRecord:
    """A group, a price type or a warehouse: a name, a parent (groups) and what the pipeline needs beyond it."""

    ref: str
    name: str
    deleted: bool
    parent: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def named_from_onec(row: dict[str, Any], spec: dict[str, Any]) -> NamedRecord:
    fields = spec["fields"]
    record = NamedRecord(ref=row["Ref_Key"], name=_text(row.get(fields["name"])), deleted=bool(row.get("DeletionMark")),
                         parent=_ref(row.get(fields["parent"])) if "parent" in fields else None)
    for canonical, attribute in fields.items():
        if canonical not in ("name", "parent"):
            record.extra[canonical] = row.get(attribute)
    return record


# ----- products --------------------------------------------------------------------------------------------------
@dataclass
class ProductRecord:
    ref: str
    name: str
    article: str
    group: str | None
    service: bool
    unit: str | None  # ОКЕИ code of the unit, None when 1C has none
    unit_name: str
    vat_rate: Decimal | None  # None = «без НДС»
    vat_name: str  # "" when 1C has no rate
    deleted: bool
    values: dict[str, Any] = field(default_factory=dict)  # every mapped canonical field, for the portal mapping
    notes: list[str] = field(default_factory=list)


def product_from_onec(row: dict[str, Any], units: dict[str, dict[str, Any]], vats: dict[str, dict[str, Any]],
                      spec: dict[str, Any]) -> ProductRecord:
    fields = spec["onec"]["fields"]
    unit_spec, vat_spec = spec["units"]["fields"], spec["vat_rates"]["fields"]
    unit = units.get(_ref(row.get(fields["unit"])) or "")
    vat = vats.get(_ref(row.get(fields["vat"])) or "")
    vat_rate: Decimal | None = None
    if vat is not None and not vat.get(vat_spec["no_vat"]):
        vat_rate = _number(vat.get(vat_spec["rate"]))
    values = {canonical: row.get(attribute) for canonical, attribute in fields.items()}
    return ProductRecord(
        ref=row["Ref_Key"], name=_text(row.get(fields["name"])), article=_text(row.get(fields["article"])),
        group=_ref(row.get(fields["group"])),
        service=str(row.get(fields["kind"]) or "") in spec["onec"]["service_kinds"],
        unit=_text(unit.get(unit_spec["okei"])) if unit else None,
        unit_name=_text(unit.get(unit_spec["name"])) if unit else "",
        vat_rate=vat_rate, vat_name=_text(vat.get(vat_spec["name"])) if vat else "",
        deleted=bool(row.get("DeletionMark")), values=values,
    )


# ----- prices and stock ------------------------------------------------------------------------------------------
@dataclass
class PricesRecord:
    ref: str  # the product
    name: str
    prices: dict[str, Decimal]  # 1C price type ref → price (in that price type's currency)
    deleted: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass
class StockRecord:
    ref: str  # the product
    name: str
    quantities: dict[str, Decimal]  # 1C warehouse ref → quantity (free or in stock, per settings)
    deleted: bool = False
    notes: list[str] = field(default_factory=list)
