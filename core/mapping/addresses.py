"""Addresses from 1C КонтактнаяИнформация → canonical :class:`PostalAddress` → ``crm.address`` fields.

Which row is the legal and which the actual address is told by the row's kind (``Вид_Key`` → the predefined
name of ``Catalog_ВидыКонтактнойИнформации``: ЮрАдресКонтрагента / ФактАдресКонтрагента, as the profile lists).
When the kinds catalog is not published the first address is taken as legal and the second as actual.

The parts come from the БСП JSON in ``Значение`` (``ZIPcode``, ``area``, ``city``…) or the row's own columns
(``Страна``, ``Регион``, ``Город``); the street line is the presentation with the postcode, country, region and
city taken off its front, so houses, buildings and offices are never lost to an incomplete parse.
"""

from __future__ import annotations

import json
from typing import Any

from core.canonical import PostalAddress

LEGAL, ACTUAL = "legal", "actual"
_CITY_PREFIXES = ("г. ", "г ", "город ")


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _bare(name: str) -> str:
    lowered = name.lower()
    for prefix in _CITY_PREFIXES:
        if lowered.startswith(prefix):
            return name[len(prefix):].strip()
    return name.strip()


def address_from_row(line: dict[str, Any], kind: str, presentation_field: str) -> PostalAddress:
    text = _text(line.get(presentation_field))
    parts: dict[str, Any] = {}
    raw = line.get("Значение")
    if isinstance(raw, str) and raw.startswith("{"):
        try:
            decoded = json.loads(raw)
            parts = decoded if isinstance(decoded, dict) else {}
        except ValueError:
            parts = {}
    text = text or _text(parts.get("value"))
    postal = _text(parts.get("ZIPcode"))
    country = _text(parts.get("country")) or _text(line.get("Страна"))
    region = _text(parts.get("area")) or _text(line.get("Регион"))
    city = _text(parts.get("city")) or _text(line.get("Город"))
    known = {p.lower() for p in (postal, country, region, city, _bare(region), _bare(city)) if p}
    pieces = [p.strip() for p in text.split(",")]
    while pieces and (pieces[0].lower() in known or _bare(pieces[0]).lower() in known
                      or (pieces[0].isdigit() and len(pieces[0]) == 6)):
        if pieces[0].isdigit() and not postal:
            postal = pieces[0]
        pieces.pop(0)
    street = ", ".join(pieces) if pieces else text
    return PostalAddress(kind=kind, text=text, street=street, city=_bare(city) or _bare(region),
                         postal_code=postal, region=region if _bare(region) != _bare(city) else "",
                         country=country)


def pick_addresses(rows: list[tuple[dict[str, Any], str | None]], spec: dict[str, Any]) -> list[PostalAddress]:
    """Legal and actual addresses among the address rows (row, predefined kind name or None when unknown)."""
    legal_kinds = set(spec.get("legal_address_kinds") or ())
    actual_kinds = set(spec.get("actual_address_kinds") or ())
    found: dict[str, PostalAddress] = {}
    unknown: list[dict[str, Any]] = []
    for line, kind_name in rows:
        if kind_name is None:
            unknown.append(line)
        elif kind_name in legal_kinds and LEGAL not in found:
            found[LEGAL] = address_from_row(line, LEGAL, spec["presentation"])
        elif kind_name in actual_kinds and ACTUAL not in found:
            found[ACTUAL] = address_from_row(line, ACTUAL, spec["presentation"])
    for line in unknown:  # no kinds catalog: the first address is legal, the next one actual
        free = next((k for k in (LEGAL, ACTUAL) if k not in found), None)
        if free is None:
            break
        found[free] = address_from_row(line, free, spec["presentation"])
    return [found[k] for k in (LEGAL, ACTUAL) if k in found]


def address_fields(address: PostalAddress) -> dict[str, Any]:
    """``crm.address`` fields of one address (without the TYPE_ID/ENTITY keys). Sent whole on every write: an
    update replaces the whole address in the portal."""
    return {"ADDRESS_1": address.street or address.text, "CITY": address.city, "POSTAL_CODE": address.postal_code,
            "PROVINCE": address.region, "COUNTRY": address.country.capitalize() if address.country.isupper()
            else address.country}
