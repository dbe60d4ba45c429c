"""In-memory infobase of the sandbox: rows per entity set, DataVersion counters, auto-numbered codes.

Rows are replaced, never mutated in place (copy on write), so a reader that took :meth:`Store.snapshot`
under the lock can filter and sort it afterwards while writers go on.
"""

from __future__ import annotations

import base64
import copy
import threading
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from core.sandbox.onec.codec import EMPTY_DATE, ODataFault, apply_body, empty_row, parse_guid
from core.sandbox.onec.entity_model import ZERO_GUID, EntitySetDef


def data_version(counter: int) -> str:
    """1C DataVersion: base64 of an 8-byte big-endian counter (`AAAAAAAAAAA=` right after creation)."""
    return base64.b64encode(counter.to_bytes(8, "big")).decode("ascii")


class Store:
    def __init__(self, objects: dict[str, EntitySetDef]) -> None:
        self._objects = objects
        self._lock = threading.RLock()
        self._tables: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in objects}
        self._versions: dict[tuple[str, str], int] = {}
        # changes per set, so an index built for reading (see :meth:`index`) knows when it is stale
        self._changes: dict[str, int] = {}
        self._indexes: dict[tuple[str, str], tuple[int, dict[str, list[tuple[int, dict[str, Any]]]]]] = {}
        self._last_code: dict[str, int] = {}
        self._last_number: dict[str, int] = {}
        #: wall clock of the 1C server (naive local time); a document written without a date gets "now"
        self.clock: Callable[[], datetime] = datetime.now

    def definition(self, name: str) -> EntitySetDef:
        return self._objects[name]

    def snapshot(self, name: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._tables[name].values())

    def index(self, name: str, field: str) -> dict[str, list[tuple[int, dict[str, Any]]]]:
        """Rows of a set by one field's value (lower case), each with its place in :meth:`snapshot` order; rebuilt
        after the set changed. The sandbox's own shortcut for conditions on a key — it changes how much CPU a
        request burns here, not what it answers nor the work time it is billed (``WorkClock``)."""
        with self._lock:
            changes = self._changes.get(name, 0)
            cached = self._indexes.get((name, field))
            if cached is not None and cached[0] == changes:
                return cached[1]
            by_value: dict[str, list[tuple[int, dict[str, Any]]]] = {}
            for position, row in enumerate(self._tables[name].values()):
                by_value.setdefault(str(row.get(field) or "").lower(), []).append((position, row))
            self._indexes[(name, field)] = (changes, by_value)
            return by_value

    def get(self, name: str, ref: str) -> dict[str, Any] | None:
        with self._lock:
            return self._tables[name].get(ref)

    def count(self, name: str) -> int:
        with self._lock:
            return len(self._tables[name])

    def _bump(self, name: str, ref: str, row: dict[str, Any], *, created: bool) -> None:
        key = (name, ref)
        counter = 0 if created else self._versions.get(key, 0) + 1
        self._versions[key] = counter
        row["DataVersion"] = data_version(counter)

    def _next_code(self, defn: EntitySetDef) -> str:
        assert defn.code_format is not None
        prefix, length = defn.code_format
        number = self._last_code.get(defn.name, 0) + 1
        self._last_code[defn.name] = number
        return prefix + str(number).zfill(length - len(prefix))

    def _follow_code(self, defn: EntitySetDef, code: str) -> None:
        """A code given by hand moves the numerator past it, as 1C's auto-numbering would."""
        assert defn.code_format is not None
        prefix = defn.code_format[0]
        if code.startswith(prefix) and code[len(prefix):].isdigit():
            number = int(code[len(prefix):])
            self._last_code[defn.name] = max(self._last_code.get(defn.name, 0), number)

    def create(self, name: str, body: dict[str, Any], *, trusted: bool = False,
               version: int | None = None) -> dict[str, Any]:
        """POST: a new object with defaults, the body applied leniently, Code auto-assigned."""
        defn = self._objects[name]
        with self._lock:
            row = empty_row(defn)
            requested = body.get("Ref_Key") if isinstance(body, dict) else None
            ref = parse_guid(requested) if requested else str(uuid.uuid4())
            if ref == ZERO_GUID:
                ref = str(uuid.uuid4())
            if ref in self._tables[name]:
                raise ODataFault(400, "15", f"Объект с ключом '{ref}' уже существует")
            row["Ref_Key"] = ref
            apply_body(defn, row, body, trusted=trusted)
            row["Ref_Key"] = ref
            if defn.code_format and not row.get("Code"):
                row["Code"] = self._next_code(defn)
            elif defn.code_format:
                self._follow_code(defn, row["Code"])
            if defn.number_format and not row.get("Number"):
                prefix, length = defn.number_format
                self._last_number[name] = self._last_number.get(name, 0) + 1
                row["Number"] = prefix + str(self._last_number[name]).zfill(length - len(prefix))
            if defn.number_format and row.get("Date") == EMPTY_DATE:
                row["Date"] = self.clock().replace(microsecond=0)
            self._bump(name, ref, row, created=True)
            if version is not None:
                self._versions[(name, ref)] = version
                row["DataVersion"] = data_version(version)
            self._tables[name][ref] = row
            self._changes[name] = self._changes.get(name, 0) + 1
            return row

    def update(self, name: str, ref: str, body: dict[str, Any], *, trusted: bool = False,
               replace: bool = False) -> dict[str, Any] | None:
        """PATCH (or PUT with ``replace``): DataVersion is bumped even when nothing changed."""
        defn = self._objects[name]
        with self._lock:
            current = self._tables[name].get(ref)
            if current is None:
                return None
            if replace:
                row = empty_row(defn)
                for keep in ("Ref_Key", "Code", "Predefined", "PredefinedDataName"):
                    if keep in current:
                        row[keep] = current[keep]
            else:
                row = copy.deepcopy(current)
            apply_body(defn, row, body, trusted=trusted)
            row["Ref_Key"] = ref
            self._bump(name, ref, row, created=False)
            self._tables[name][ref] = row
            self._changes[name] = self._changes.get(name, 0) + 1
            return row

    def delete(self, name: str, ref: str) -> bool:
        """Physical delete, as the OData interface does (no deletion mark)."""
        with self._lock:
            self._versions.pop((name, ref), None)
            self._changes[name] = self._changes.get(name, 0) + 1
            return self._tables[name].pop(ref, None) is not None
