"""List filters with Bitrix key prefixes (``>=DATE_MODIFY``, ``%TITLE``, ``@ID`` …) and ``order``.

Semantics follow the old CSQLWhere/ORM builders the CRM lists sit on:
- an empty value with ``=`` means "field is empty", with ``!`` "field is not empty";
- an empty value with ``>``/``<``/``%`` drops the condition (no constraint);
- ``%`` is a case-insensitive substring, ``=%``/``%=`` take an explicit SQL pattern (``%``, ``_``);
- multifields (PHONE, EMAIL…) only match exactly, on any of their entries;
- numbers and dates compare as numbers and moments, strings case-insensitively (MySQL collation).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from .values import parse_datetime

PREFIXES = ("!=%", "!%=", "=%", "%=", "!@", "!%", ">=", "<=", "!=", "@", "%", ">", "<", "=", "!")
NUMERIC_TYPES = {"integer", "double", "user", "crm_company", "crm_contact", "crm_lead", "crm_entity"}
DATE_TYPES = {"datetime", "date"}


class FilterError(ValueError):
    """A filter the method refuses (crm.item.* checks field names; legacy lists silently ignore)."""

    def __init__(self, field_name: str) -> None:
        super().__init__(field_name)
        self.field_name = field_name


Record = Mapping[str, Any]
Predicate = Callable[[Record], bool]


def split_key(key: str) -> tuple[str, str]:
    for prefix in PREFIXES:
        if key.startswith(prefix):
            return prefix, key[len(prefix) :]
    return "", key


def compile_filter(
    filter_: Any,
    types: Mapping[str, str],
    *,
    strict: bool = False,
    allow_logic: bool = False,
) -> Predicate:
    """Build a predicate over stored records. ``types`` maps filterable field names to their type."""
    if not isinstance(filter_, Mapping):
        return lambda _record: True
    predicates: list[Predicate] = []
    logic = "AND"
    for raw_key, value in filter_.items():
        key = str(raw_key)
        if allow_logic and key.lower() == "logic":
            logic = str(value).upper()
            continue
        if allow_logic and isinstance(value, Mapping):
            predicates.append(compile_filter(value, types, strict=strict, allow_logic=True))
            continue
        op, name = split_key(key)
        if name not in types:
            if strict:
                raise FilterError(name)
            continue  # legacy CRM lists ignore fields they do not know
        predicate = _condition(op, name, types[name], value)
        if predicate is not None:
            predicates.append(predicate)
    if logic == "OR":
        return lambda record: any(p(record) for p in predicates) if predicates else True
    return lambda record: all(p(record) for p in predicates)


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value is False or (isinstance(value, (list, dict)) and not value)


def _condition(op: str, name: str, type_: str, value: Any) -> Predicate | None:
    if isinstance(value, Mapping):
        value = list(value.values())
    if type_ == "crm_multifield":
        wanted = {str(v).casefold() for v in (value if isinstance(value, list) else [value])}
        negate = op.startswith("!")

        def multifield(record: Record) -> bool:
            values = {str(e.get("VALUE", "")).casefold() for e in record.get(name) or []}
            return bool(values & wanted) != negate

        return multifield
    if op in ("", "=", "@", "!", "!=", "!@"):
        negate = op.startswith("!")
        if op in ("@", "!@") and isinstance(value, str):
            value = [v.strip() for v in value.split(",")]
        if isinstance(value, list):
            if not value:
                return None
            wanted = [_comparable(v, type_) for v in value]

            def member(record: Record) -> bool:
                return (_comparable(record.get(name), type_) in wanted) != negate

            return member
        if _is_empty(value):

            def emptiness(record: Record) -> bool:
                return _is_empty(record.get(name)) != negate

            return emptiness
        target = _comparable(value, type_)

        def equals(record: Record) -> bool:
            return (_comparable(record.get(name), type_) == target) != negate

        return equals
    if _is_empty(value):
        return None
    if op in (">", ">=", "<", "<="):
        bound = _comparable(value, type_)
        if bound is None:
            return None
        compare = {
            ">": lambda a: a > bound, ">=": lambda a: a >= bound,
            "<": lambda a: a < bound, "<=": lambda a: a <= bound,
        }[op]

        def ranged(record: Record) -> bool:
            current = _comparable(record.get(name), type_)
            try:
                return current is not None and compare(current)
            except TypeError:
                return False

        return ranged
    # LIKE family
    negate = op.startswith("!")
    if op in ("%", "!%"):
        pattern = re.compile(re.escape(str(value)), re.IGNORECASE)
    else:
        pattern = re.compile(_sql_like_to_regex(str(value)), re.IGNORECASE)

    def like(record: Record) -> bool:
        current = record.get(name)
        found = current is not None and pattern.search(str(current)) is not None
        return found != negate

    return like


def _sql_like_to_regex(pattern: str) -> str:
    parts = []
    for char in pattern:
        parts.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
    return "^" + "".join(parts) + "$"


def _comparable(value: Any, type_: str) -> Any:
    if type_ == "property" and isinstance(value, Mapping):
        value = value.get("value")  # catalog product properties print as {"value": …, "valueId": …}
    if value is None or value == "":
        return None
    if type_ in NUMERIC_TYPES:
        try:
            return float(value)
        except (TypeError, ValueError):
            return None
    if type_ in DATE_TYPES:
        return parse_datetime(str(value))
    if type_ == "char" and isinstance(value, bool):
        return "y" if value else "n"
    return str(value).casefold()


def sort_records(records: list[dict[str, Any]], order: Any, types: Mapping[str, str]) -> list[dict[str, Any]]:
    """Stable multi-key sort; NULLs first on ASC like MySQL. Unknown fields in ``order`` are ignored."""
    keys: list[tuple[str, bool]] = []
    if isinstance(order, Mapping):
        for field_name, direction in order.items():
            if str(field_name) in types:
                keys.append((str(field_name), str(direction).upper() == "DESC"))
    if not keys:
        keys = [("ID", False)] if "ID" in types else [("id", False)]
    result = list(records)
    for field_name, descending in reversed(keys):
        type_ = types[field_name]

        def sort_key(record: dict[str, Any], field_name: str = field_name, type_: str = type_) -> tuple:
            value = _comparable(record.get(field_name), type_)
            return (value is not None, value if value is not None else 0)

        result.sort(key=sort_key, reverse=descending)
    return result
