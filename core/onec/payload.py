"""Reading values out of 1C OData JSON (onec-odata.md §2.2) for the mapping layer.

- numbers: JSON is parsed with ``parse_float=Decimal`` (money and quantities up to 38 digits);
  ``Edm.Int64`` (incl. ``LineNumber``) and ``odata.count`` arrive as strings -> :func:`parse_int64`;
- references: lowercase GUID, the zero GUID means "empty" -> :func:`ref_or_none`;
- dates: naive wall-clock time of the 1C server, ``0001-01-01T00:00:00`` means "empty" -> :func:`parse_datetime`;
- composite attributes: ``<Имя>`` + ``<Имя>_Type`` (``StandardODATA.Catalog_X`` / ``StandardODATA.Undefined``)
  -> :func:`composite`;
- literals for ``$filter`` live in :mod:`core.onec.query` and are re-exported here.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from core.onec.query import ZERO_GUID, datetime_literal, guid_literal, is_guid, string_literal

__all__ = [
    "EMPTY_DATE", "ZERO_GUID", "composite", "datetime_literal", "dumps", "guid_literal", "loads", "parse_bool",
    "parse_datetime", "parse_decimal", "parse_int64", "ref_or_none", "string_literal", "strip_annotations",
]

EMPTY_DATE = "0001-01-01T00:00:00"
TYPE_PREFIX = "StandardODATA."
UNDEFINED = "StandardODATA.Undefined"


#: deeper than any 1C answer nests (object → table → row → value is 4-5); a hostile or broken answer nested
#: thousands deep would otherwise end in RecursionError, a traceback instead of a message
MAX_JSON_DEPTH = 64
_JSON_STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET_RE = re.compile(r"[\[\]{}]")


def json_depth(text: str) -> int:
    """Deepest nesting of ``text`` (strings skipped), counted without recursion."""
    depth = deepest = 0
    for bracket in _BRACKET_RE.findall(_JSON_STRING_RE.sub('""', text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def loads(data: bytes | str) -> Any:
    """Parse a 1C JSON body; fractional numbers become Decimal, never float. Nesting deeper than MAX_JSON_DEPTH is
    refused with a ValueError (what callers already treat as "not JSON")."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    if json_depth(text) > MAX_JSON_DEPTH:
        raise ValueError(f"JSON вложен глубже {MAX_JSON_DEPTH} уровней")
    try:
        return json.loads(text, parse_float=Decimal)
    except RecursionError:
        raise ValueError("JSON вложен слишком глубоко") from None


def dumps(body: Any) -> bytes:
    """JSON body for a write. Decimal values are written with their exact digits (never through float)."""
    numbers: list[str] = []
    nonce = secrets.token_hex(8)  # placeholders no real string value can collide with

    def default(value: object) -> object:
        if isinstance(value, Decimal):
            numbers.append(format(value, "f"))
            return f"\x00{nonce}:{len(numbers) - 1}\x00"
        raise TypeError(f"не сериализуется в JSON: {type(value).__name__}")

    text = json.dumps(body, ensure_ascii=False, default=default)
    for index, number in enumerate(numbers):
        text = text.replace(f'"\\u0000{nonce}:{index}\\u0000"', number, 1)
    return text.encode("utf-8")


def ref_or_none(value: Any) -> str | None:
    """A reference `_Key` value: None for the zero GUID, "" or None; otherwise the lowercase GUID."""
    if value is None or value == "" or value == ZERO_GUID:
        return None
    if not is_guid(value):
        raise ValueError(f"ожидалась ссылка (GUID), получено {value!r}")
    return value.lower()


def parse_int64(value: Any) -> int | None:
    """Edm.Int64 comes as a JSON string ("1"); numbers are accepted too. None/"" -> None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"ожидалось целое число, получено {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise ValueError(f"ожидалось целое число, получено {value!r}")


def parse_decimal(value: Any) -> Decimal | None:
    """Edm.Double / Int16 / Int32 (JSON numbers) or a numeric string -> Decimal."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"ожидалось число, получено {value!r}")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"ожидалось число, получено {value!r}") from None


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ValueError(f"ожидалось логическое значение, получено {value!r}")


def parse_datetime(value: Any) -> datetime | None:
    """Naive datetime of the 1C server's clock; the empty date `0001-01-01T00:00:00` (and "", None) -> None."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"ожидалась дата, получено {value!r}")
    result = datetime.fromisoformat(value)
    if result.tzinfo is not None:
        raise ValueError(f"1С не передаёт часовой пояс, а здесь он есть: {value!r}")
    if result == datetime(1, 1, 1):
        return None
    return result


def composite(row: dict[str, Any], name: str) -> tuple[str | None, str | None]:
    """(type, value) of a composite attribute: type without the `StandardODATA.` prefix ("Catalog_Контрагенты"),
    value the GUID / text. Undefined -> (None, None); an empty reference of a known type -> (type, None)."""
    raw_type = row.get(f"{name}_Type")
    raw_value = row.get(name)
    if raw_type in (None, "", UNDEFINED):
        return None, None
    type_name = raw_type[len(TYPE_PREFIX):] if raw_type.startswith(TYPE_PREFIX) else raw_type
    if raw_value is None or raw_value == "" or raw_value == ZERO_GUID:
        return type_name, None
    if is_guid(raw_value):
        return type_name, raw_value.lower()
    return type_name, str(raw_value)


def strip_annotations(entity: dict[str, Any]) -> dict[str, Any]:
    """The entity without `odata.metadata` and `…@navigationLinkUrl` annotations."""
    return {k: v for k, v in entity.items() if k != "odata.metadata" and "@" not in k}
