"""The catalogue the benchmarks sync, shared by bench_catalog.py and bench_throughput_catalog.py.

One place says what «N products» means in a benchmark: the sandbox 1C's bulk catalogue (20 groups, N goods, price
types with a price for every product, stock at several warehouses; ``OneCSandbox.load_bulk_catalog``), the profile
settings that pick exactly those price types (the first one as the portal's base) and warehouses (free stock), and
how to read a process's own peak memory on Linux.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

PRICE_TYPES = 2
WAREHOUSES = 5


def load_catalog(onec: Any, products: int, *, price_types: int = PRICE_TYPES,
                 warehouses: int = WAREHOUSES) -> dict[str, list[str]]:
    """Fill a sandbox 1C with the bulk catalogue; returns the refs made ("products", "price_types", "warehouses")."""
    return onec.load_bulk_catalog(products, price_types=price_types, warehouses=warehouses)


def catalog_profile_fields(made: dict[str, list[str]]) -> dict[str, Any]:
    """Profile fields that sync the catalogue ``made``: its entities, the chosen price types (the first is the base)
    and warehouses, free stock."""
    from core.sync.registry import CATALOG_ENTITIES

    types = {"chosen": made["price_types"], "base": made["price_types"][0]}
    stores = {"chosen": made["warehouses"]}
    return {"entities": list(CATALOG_ENTITIES),
            "entity_settings": {"price_type": types, "price": types, "warehouse": stores,
                                "stock": {**stores, "kind": "free"}}}


# ----- a process's own peak memory --------------------------------------------------------------------------------
def peak_mb() -> float | None:
    """VmHWM of this process, MB (Linux). Not ``ru_maxrss``: that survives exec and carries the parent's RSS (the
    sandboxes') at fork time."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def reset_peak() -> bool:
    """Start VmHWM anew (Linux ``clear_refs`` 5), e.g. after unlocking the secrets store (scrypt takes 128 MB for a
    moment by design, D8), so what follows is measured on its own."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False
