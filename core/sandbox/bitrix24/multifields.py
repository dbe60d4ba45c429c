"""PHONE/EMAIL/WEB/IM/LINK entries: legacy list semantics and crm.item ``fm`` semantics (notes §6.4)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import PortalError
from .schema import DEFAULT_VALUE_TYPE, MULTIFIELD_TYPES, MULTIFIELD_VALUE_MAX
from .values import check_email

NextId = Callable[[], int]


def _items(value: Any) -> list[Any]:
    # PHP iterates an array's values whatever its keys ("n0", "0"…); a string is not an array
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list):
        return value
    return []


def check_value(type_id: str, value: str) -> None:
    """What CCrmFieldMulti checks before anything is stored: one bad e-mail refuses the whole add/update."""
    if type_id == "EMAIL" and not check_email(value):
        raise PortalError(400, "ERROR_CORE", "The E-mail field contains an invalid address")
    if len(value) > MULTIFIELD_VALUE_MAX:
        raise PortalError(400, "ERROR_CORE", f"The {type_id} field value is too long")


def check_legacy(fields: dict[str, Any], *, is_update: bool) -> None:
    """Validate every PHONE/EMAIL/… entry of ``fields`` before the record is touched."""
    for type_id in MULTIFIELD_TYPES:
        for item in _items(fields.get(type_id)):
            if not isinstance(item, dict):
                continue
            value = str(item.get("VALUE") or "").strip()
            deleting = is_update and (str(item.get("DELETE") or "").upper() == "Y" or not value)
            if value and not deleting:
                check_value(type_id, value)


def _new_entry(type_id: str, value: Any, value_type: Any, next_id: NextId) -> dict[str, str]:
    return {
        "ID": str(next_id()),
        "VALUE_TYPE": str(value_type) if value_type else DEFAULT_VALUE_TYPE[type_id],
        "VALUE": str(value),
        "TYPE_ID": type_id,
    }


def add_legacy(record: dict[str, Any], fields: dict[str, Any], next_id: NextId) -> None:
    """``*.add``: every entry with a non-empty VALUE is created; an ``ID`` sent on add is ignored."""
    for type_id in MULTIFIELD_TYPES:
        if type_id not in fields:
            continue
        for item in _items(fields[type_id]):
            if isinstance(item, dict) and str(item.get("VALUE") or "").strip():
                record[type_id].append(_new_entry(type_id, item["VALUE"], item.get("VALUE_TYPE"), next_id))


def update_legacy(record: dict[str, Any], fields: dict[str, Any], next_id: NextId) -> None:
    """``*.update`` (crm-contact-update.md): with ID -> change that entry; ID + ``DELETE=Y``, an empty
    VALUE or no VALUE at all -> delete it; without ID -> add; entries not mentioned stay untouched."""
    for type_id in MULTIFIELD_TYPES:
        if type_id not in fields:
            continue
        entries: list[dict[str, str]] = record[type_id]
        for item in _items(fields[type_id]):
            if not isinstance(item, dict):
                continue
            entry_id = str(item.get("ID") or "").strip()
            value = str(item.get("VALUE") or "").strip()
            if not entry_id:
                if value:
                    entries.append(_new_entry(type_id, value, item.get("VALUE_TYPE"), next_id))
                continue
            existing = next((e for e in entries if e["ID"] == entry_id), None)
            if existing is None:
                continue  # an id of another entity's entry (or a stale one) is silently skipped
            if str(item.get("DELETE") or "").upper() == "Y" or not value:
                entries.remove(existing)
                continue
            existing["VALUE"] = value
            if item.get("VALUE_TYPE"):
                existing["VALUE_TYPE"] = str(item["VALUE_TYPE"])


def apply_fm(record: dict[str, Any], fm: Any, next_id: NextId, *, is_update: bool) -> None:
    """crm.item ``fm`` (how-to-change-email-or-phone.md): an object keyed ``n0``… adds, keyed by an
    entry id updates (empty value deletes); an array adds (on update too: it appends); every element
    needs ``typeId`` or it is silently ignored; a string is ignored."""
    if isinstance(fm, dict):
        pairs = list(fm.items())
    elif isinstance(fm, list):
        pairs = [(f"n{i}", item) for i, item in enumerate(fm)]
    else:
        return
    for _key, item in pairs:  # checked before anything changes: one bad value refuses the whole write
        if isinstance(item, dict) and str(item.get("typeId") or "").upper() in MULTIFIELD_TYPES:
            if str(item.get("value") or "").strip():
                check_value(str(item["typeId"]).upper(), str(item["value"]).strip())
    for key, item in pairs:
        if not isinstance(item, dict):
            continue
        type_id = str(item.get("typeId") or "").upper()
        if type_id not in MULTIFIELD_TYPES:
            continue
        value = str(item.get("value") or "").strip()
        key = str(key)
        if is_update and key.isdigit():
            entries = record[type_id]
            existing = next((e for e in entries if e["ID"] == key), None)
            if existing is None:
                continue
            if not value:
                entries.remove(existing)
            else:
                existing["VALUE"] = value
                if item.get("valueType"):
                    existing["VALUE_TYPE"] = str(item["valueType"])
            continue
        if value:
            record[type_id].append(_new_entry(type_id, value, item.get("valueType"), next_id))


def fm_output(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"id": int(e["ID"]), "typeId": e["TYPE_ID"], "valueType": e["VALUE_TYPE"], "value": e["VALUE"]}
        for type_id in MULTIFIELD_TYPES
        for e in record.get(type_id) or []
    ]
