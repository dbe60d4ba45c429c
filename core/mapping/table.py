"""Mapping tables are data: one JSON file per 1C configuration profile (ut11, later bp30, unf…)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from core.errors import ConfigError
from core.mapping.schema import validate_table


@cache
def load_mapping(profile: str) -> dict[str, Any]:
    try:
        text = resources.files("core.mapping").joinpath("profiles", f"{profile}.json").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"Для конфигурации 1С «{profile}» нет таблицы соответствий полей.",
                          "Выберите поддерживаемую конфигурацию в настройках профиля.") from None
    try:
        table = json.loads(text)
    except ValueError as exc:
        raise ConfigError(f"Таблица соответствий «{profile}» не читается: {exc}.",
                          "Исправьте файл таблицы соответствий или верните поставляемый.") from None
    validate_table(table, profile)
    return table


def load_all(profiles: tuple[str, ...] | list[str]) -> dict[str, dict[str, Any]]:
    """Tables of several profiles (detection compares the base against each)."""
    return {name: load_mapping(name) for name in profiles}


def profile_title(profile: str) -> str:
    try:
        return str(load_mapping(profile).get("title") or profile)
    except ConfigError:
        return profile
