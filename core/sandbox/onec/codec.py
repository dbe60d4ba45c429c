"""Values of the sandbox rows: typed storage, JSON form as 1C writes it, and lenient write conversion.

Rows are stored typed (str / bool / int / Decimal / naive datetime / lists of row dicts) so that $filter and
$orderby compare real values; :func:`json_value` gives the wire form (Int64 as a string, empty date as
``0001-01-01T00:00:00``…). :func:`apply_body` applies a POST/PATCH body the way the live УТ 11 did in the
probes the notes quote: unknown fields and wrong-typed numbers vanish silently, strings are cut to the
attribute length, dangling references are stored, a bad GUID is a 400 and tabular parts are replaced whole.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from core.sandbox.onec.entity_model import (
    COMPOSITE,
    COMPOSITE_TYPE,
    ENUM,
    ENUMS,
    NAMESPACE,
    ZERO_GUID,
    EntitySetDef,
    Prop,
    TabularPart,
)

EMPTY_DATE = datetime(1, 1, 1)
UNDEFINED_TYPE = f"{NAMESPACE}.Undefined"
GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_INT_RE = re.compile(r"^\s*-?\d+\s*$")
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?)?$")

INTERNAL_ERROR_TEXT = (
    "Произошла внутренняя ошибка OData сервиса. Дополнительные сведения можно найти в технологическом журнале."
)


class ODataFault(Exception):
    """An answer the 1C OData service gives as `odata.error` (status + string code + Russian text)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def default_value(p: Prop) -> Any:
    if p.edm == "Edm.Guid":
        return ZERO_GUID
    if p.edm == "Edm.Boolean":
        return False
    if p.edm == "Edm.DateTime":
        return EMPTY_DATE
    if p.edm in ("Edm.Int16", "Edm.Int32", "Edm.Int64"):
        return 0
    if p.edm == "Edm.Double":
        return Decimal(0)
    if p.kind == COMPOSITE_TYPE:
        return UNDEFINED_TYPE
    return ""


def empty_row(defn: EntitySetDef) -> dict[str, Any]:
    row: dict[str, Any] = {p.name: default_value(p) for p in defn.props}
    for part in defn.tabular:
        row[part.name] = []
    return row


def format_datetime(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def json_value(p: Prop, value: Any) -> Any:
    """Wire form of one stored value."""
    if value is None:
        return None
    if p.edm == "Edm.Int64":
        return str(value)  # 1C writes Edm.Int64 as a JSON string
    if p.edm == "Edm.Double":
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)
    if p.edm == "Edm.DateTime":
        return format_datetime(value)
    return value


def parse_guid(text: str) -> str:
    if not isinstance(text, str) or not GUID_RE.match(text):
        raise ODataFault(400, "1", f"Не удалось разобрать строку '{text}' как значение типа Edm.Guid!")
    return text.lower()


def parse_datetime(text: str) -> datetime:
    if not isinstance(text, str) or not _DATETIME_RE.match(text):
        raise ODataFault(400, "1", f"Не удалось разобрать строку '{text}' как значение типа Edm.DateTime!")
    return datetime.fromisoformat(text)


def _lenient_number(p: Prop, value: Any) -> int | Decimal | None:
    """None means "drop silently": 1C ignores a string that does not parse as a number."""
    if isinstance(value, bool):
        return None
    if p.edm == "Edm.Double":
        if isinstance(value, int | Decimal | float):
            return Decimal(str(value))
        if isinstance(value, str):
            try:
                return Decimal(value.strip())
            except InvalidOperation:
                return None
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal | float) and value == int(value):
        return int(value)
    if isinstance(value, str) and _INT_RE.match(value):
        return int(value)
    return None


_MISSING = object()


def convert(p: Prop, value: Any) -> Any:
    """Value to store for one property, or _MISSING when 1C would drop it without a word."""
    if value is None:
        return default_value(p)
    if p.edm == "Edm.Guid":
        return parse_guid(value)
    if p.edm == "Edm.DateTime":
        return parse_datetime(value)
    if p.edm == "Edm.Boolean":
        return value if isinstance(value, bool) else _MISSING
    if p.edm in ("Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Double"):
        number = _lenient_number(p, value)
        return _MISSING if number is None else number
    if p.kind == ENUM:
        if not isinstance(value, str) or (value and value not in ENUMS[p.enum or ""]):
            raise ODataFault(400, "4", f"Неверное значение свойства '{p.name}': '{value}'")
        return value
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal | float):
        return _MISSING
    text = value if isinstance(value, str) else str(value)
    return text[: p.max_length] if p.max_length else text  # silently truncated, no warning


def _apply_composite(p: Prop, row: dict[str, Any], body: dict[str, Any]) -> None:
    type_name = f"{p.name}_Type"
    new_type = body.get(type_name, row.get(type_name, UNDEFINED_TYPE))
    if new_type is None:
        new_type = UNDEFINED_TYPE
    allowed = {UNDEFINED_TYPE, *(f"{NAMESPACE}.{t}" for t in p.types)}
    if new_type not in allowed:
        raise ODataFault(400, "4", f"Неверное значение свойства '{type_name}': '{new_type}'")
    value = body.get(p.name, row.get(p.name, ""))
    if new_type == UNDEFINED_TYPE:
        if p.name in body and body[p.name] not in ("", None):
            return  # a value without a type cannot be stored: 1C drops it
        row[p.name], row[type_name] = "", UNDEFINED_TYPE
        return
    row[p.name] = parse_guid(value) if value not in ("", None) else ZERO_GUID
    row[type_name] = new_type


def _line_number(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and _INT_RE.match(raw):
        return int(raw)
    return None


def convert_tabular(part: TabularPart, owner_ref: str, rows: Any) -> list[dict[str, Any]]:
    """A tabular part from a write body: always the whole table, LineNumber 1..n mandatory."""
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ODataFault(400, "4", f"Неверное значение свойства '{part.name}'")
    result: list[dict[str, Any]] = []
    for index, raw in enumerate(rows, start=1):
        if "LineNumber" not in raw:
            # what the live base answers for a row without LineNumber (notes §2.3, forum + probe M2)
            raise ODataFault(500, "-1", INTERNAL_ERROR_TEXT)
        if _line_number(raw["LineNumber"]) != index:
            raise ODataFault(400, "4",
                             f"Неверное значение свойства 'LineNumber' в строке {index} табличной части "
                             f"'{part.name}': номера строк должны идти подряд начиная с 1")
        row = {p.name: default_value(p) for p in part.props}
        apply_props(part.props, row, raw, trusted=False)
        row["Ref_Key"] = owner_ref
        row["LineNumber"] = index
        result.append(row)
    return result


def apply_props(props: tuple[Prop, ...], row: dict[str, Any], body: dict[str, Any], *, trusted: bool) -> None:
    for p in props:
        if p.kind == COMPOSITE_TYPE:
            continue  # handled together with its value
        if p.kind == COMPOSITE:
            if p.name in body or f"{p.name}_Type" in body:
                _apply_composite(p, row, body)
            continue
        if p.name not in body or (p.read_only and not trusted):
            continue
        if p.name == "LineNumber" and not trusted:
            continue  # validated by convert_tabular; register records (trusted loads) carry their own
        value = convert(p, body[p.name])
        if value is not _MISSING:
            row[p.name] = value


def apply_body(defn: EntitySetDef, row: dict[str, Any], body: dict[str, Any], *, trusted: bool = False) -> None:
    """Apply a write body to a (copied) stored row in place. Unknown names are ignored."""
    if not isinstance(body, dict):
        raise ODataFault(500, "-1", "Непредвиденный символ при чтении JSON")
    apply_props(defn.props, row, body, trusted=trusted)
    for part in defn.tabular:
        if part.name in body:
            row[part.name] = convert_tabular(part, row["Ref_Key"], body[part.name])

