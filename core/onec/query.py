"""URLs and literals for the 1C OData v3 interface, built by hand.

Why not let requests encode: 1C reads `+` in `$filter` literally (not as a space), Cyrillic object names
must be UTF-8 percent-encoded, and key predicates keep `(`, `)`, `'`, `,`, `=` raw. So the path and the
query string are assembled here and requests gets a finished URL.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import quote

ZERO_GUID = "00000000-0000-0000-0000-000000000000"
_GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# kept raw inside a query value: they are OData syntax and 1C reads them fine unescaped; `+ & = # %` and
# spaces are always escaped (space as %20)
_QUERY_SAFE = "$'(),*/:"
_PATH_SAFE = "()',=$"


def is_guid(value: object) -> bool:
    return isinstance(value, str) and bool(_GUID_RE.match(value))


def guid_literal(ref: str) -> str:
    """`guid'…'` literal; refuses anything that is not a GUID (it would end up inside a URL)."""
    if not is_guid(ref):
        raise ValueError(f"не GUID: {ref!r}")
    return f"guid'{ref.lower()}'"


def string_literal(text: str) -> str:
    """`'…'` literal; a quote inside is doubled, as OData v3 and 1C expect."""
    return "'" + text.replace("'", "''") + "'"


def datetime_literal(value: datetime | date) -> str:
    """`datetime'YYYY-MM-DDTHH:MM:SS'` in the wall-clock time of the 1C server (1C dates carry no zone).

    An aware datetime is refused: converting it to the server's zone is the caller's decision.
    """
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise ValueError("1С хранит даты без часового пояса: переведите время в пояс сервера 1С")
        return f"datetime'{value.replace(microsecond=0).isoformat()}'"
    return f"datetime'{value.isoformat()}T00:00:00'"


def entity_path(entity_set: str, ref: str | None = None) -> str:
    """`Catalog_%D0%9A…` or `Catalog_%D0%9A…(guid'…')`, relative to the service root."""
    path = quote(entity_set, safe="$")
    if ref is not None:
        path += quote(f"({guid_literal(ref)})", safe=_PATH_SAFE)
    return path


def encode_query(params: dict[str, str]) -> str:
    return "&".join(f"{quote(name, safe='$')}={quote(value, safe=_QUERY_SAFE)}" for name, value in params.items())


def url(base_url: str, path: str = "", params: dict[str, str] | None = None) -> str:
    """Absolute URL: `base_url` ends with `/odata/standard.odata/`; `$format=json` is always added."""
    query = {"$format": "json", **(params or {})}
    return f"{base_url}{path}?{encode_query(query)}"


def or_of_keys(refs: list[str], field: str = "Ref_Key") -> str:
    """`Ref_Key eq guid'…' or Ref_Key eq guid'…'` — the usual way to read several objects by key."""
    return " or ".join(f"{field} eq {guid_literal(r)}" for r in refs)


def function_path(entity_set: str, function: str) -> str:
    """`InformationRegister_%D0%A6…/SliceLast` — a virtual table with its parameters left to the query string.

    Parameters go in the query string, never in the path: IIS refuses a path segment over 260 characters
    (`SliceLast(Condition=…)` with a few GUIDs already is one), the query string has 2048 bytes.
    """
    return f"{quote(entity_set, safe='$')}/{function}"


def or_of_refs(field: str, refs: list[str]) -> str:
    """`(Поле eq guid'…' or Поле eq guid'…')` — parenthesised so it can be and-ed with another condition."""
    return "(" + or_of_keys(refs, field) + ")"
