"""Dependency floors sit past known advisories: a fresh machine must never resolve a vulnerable version."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

FLOORS = {"requests": (2, 32, 4), "cryptography": (44, 0, 1), "urllib3": (2, 5)}


def _floor(requirements: list[str], name: str) -> tuple[int, ...] | None:
    for req in requirements:
        match = re.fullmatch(rf"{name}\s*>=\s*([\d.]+)\s*(;.*)?", req.strip())
        if match:
            return tuple(int(p) for p in match.group(1).split("."))
    return None


def test_dependency_floors_past_advisories() -> None:
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for name, floor in FLOORS.items():
        found = _floor(project["dependencies"], name)
        assert found is not None, f"{name} has no floor in pyproject.toml"
        assert found >= floor, f"{name}>={'.'.join(map(str, found))} is below {'.'.join(map(str, floor))}"
