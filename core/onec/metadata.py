"""Streaming reader of 1C `$metadata` (EDMX, CSDL v3) -> published entity sets and their properties.

A real УТ `$metadata` is 15–17 MB with ~4 000 entity types (notes §0.2), so it is read with iterparse and
each element is cleared as soon as it has been turned into a small record. Tabular parts are resolved
through their `…_RowType` complex types. Names are kept exactly as 1C writes them (Russian identifiers).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import IO

_COLLECTION_PREFIX = "Collection("


@dataclass(frozen=True)
class PropertyInfo:
    name: str
    type: str  # "Edm.String", "Edm.Guid", "Collection(StandardODATA.X_RowType)"…
    nullable: bool = True


@dataclass
class EntitySetInfo:
    name: str
    entity_type: str
    keys: list[str] = field(default_factory=list)
    properties: dict[str, PropertyInfo] = field(default_factory=dict)
    navigation: list[str] = field(default_factory=list)
    #: tabular part name -> its row properties
    tabular: dict[str, dict[str, PropertyInfo]] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return name in self.properties or name in self.tabular


@dataclass
class _TypeRecord:
    keys: list[str]
    properties: dict[str, PropertyInfo]
    navigation: list[str]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _unqualify(type_name: str) -> str:
    return type_name.rsplit(".", 1)[-1]


@dataclass
class MetadataScan:
    """What one pass over `$metadata` gives: every published set name, and the details of the ones asked for."""

    set_names: set[str]
    sets: dict[str, EntitySetInfo]


def parse_metadata(stream: IO[bytes], names: set[str] | None = None) -> dict[str, EntitySetInfo]:
    """Entity sets of the container; with `names`, only those (in 1C an entity type is named like its set)."""
    return scan_metadata(stream, names).sets


def scan_metadata(stream: IO[bytes], names: set[str] | None = None) -> MetadataScan:
    """Like :func:`parse_metadata`, also keeping the names of all sets (cheap: a few thousand strings)."""
    entity_types: dict[str, _TypeRecord] = {}
    complex_types: dict[str, dict[str, PropertyInfo]] = {}
    sets: dict[str, str] = {}
    prefixes = None if names is None else tuple(f"{n}_" for n in names)

    for _event, elem in ET.iterparse(stream, events=("end",)):
        tag = _local(elem.tag)
        if tag == "EntityType":
            name = elem.get("Name", "")
            if names is None or name in names:
                record = _TypeRecord([], {}, [])
                for child in elem:
                    child_tag = _local(child.tag)
                    if child_tag == "Key":
                        record.keys = [ref.get("Name", "") for ref in child]
                    elif child_tag == "Property":
                        prop = PropertyInfo(child.get("Name", ""), child.get("Type", ""),
                                            child.get("Nullable", "true") != "false")
                        record.properties[prop.name] = prop
                    elif child_tag == "NavigationProperty":
                        record.navigation.append(child.get("Name", ""))
                entity_types[name] = record
            elem.clear()
        elif tag == "ComplexType":
            name = elem.get("Name", "")
            # row types may come before or after their owner: select them by name prefix, not by owner
            if name.endswith("_RowType") and (prefixes is None or name.startswith(prefixes)):
                complex_types[name] = {
                    c.get("Name", ""): PropertyInfo(c.get("Name", ""), c.get("Type", ""),
                                                    c.get("Nullable", "true") != "false")
                    for c in elem if _local(c.tag) == "Property"
                }
            elem.clear()
        elif tag == "EntitySet":
            sets[elem.get("Name", "")] = _unqualify(elem.get("EntityType", ""))
        elif tag in ("Association", "EnumType", "FunctionImport"):
            elem.clear()  # not needed for the set list; dropping them keeps memory flat

    result: dict[str, EntitySetInfo] = {}
    for set_name, type_name in sets.items():
        if names is not None and set_name not in names:
            continue
        record = entity_types.get(type_name)
        if record is None:
            continue
        info = EntitySetInfo(set_name, type_name, record.keys, {}, record.navigation)
        for prop in record.properties.values():
            if prop.type.startswith(_COLLECTION_PREFIX):
                row_type = _unqualify(prop.type[len(_COLLECTION_PREFIX):-1])
                info.tabular[prop.name] = complex_types.get(row_type, {})
            else:
                info.properties[prop.name] = prop
        result[set_name] = info
    return MetadataScan(set(sets), result)
