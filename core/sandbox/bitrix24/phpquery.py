"""Decoding of PHP-style query strings (``fields[PHONE][0][VALUE]=…``) the way ``parse_str`` does.

Bitrix24 is PHP: form bodies, GET query strings and the inner strings of ``batch`` commands are all
turned into nested arrays by PHP's rules, so the sandbox must read them by the same rules.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl


def parse_php_query(query: str) -> dict[str, Any]:
    """Parse ``query`` into nested dicts; maps keyed exactly ``0..n-1`` become lists (PHP "lists")."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        _assign(root, _split_key(key), value)
    return listify(root)


def _split_key(key: str) -> list[str | None]:
    """``a[b][]`` -> ``["a", "b", None]`` (``None`` = append). A key without a closing ``]`` stays literal."""
    open_at = key.find("[")
    if open_at <= 0 or "]" not in key[open_at:]:
        return [key]
    parts: list[str | None] = [key[:open_at]]
    rest = key[open_at:]
    while rest.startswith("["):
        close_at = rest.find("]")
        if close_at < 0:
            break
        inner = rest[1:close_at]
        parts.append(inner if inner != "" else None)
        rest = rest[close_at + 1 :]
    return parts


def _assign(node: dict[str, Any], path: list[str | None], value: str) -> None:
    for index, part in enumerate(path):
        key = _next_index(node) if part is None else part
        if index == len(path) - 1:
            node[key] = value
            return
        child = node.get(key)
        if not isinstance(child, dict):
            # PHP overwrites a scalar with an array when later keys go deeper
            child = {}
            node[key] = child
        node = child


def _next_index(node: dict[str, Any]) -> str:
    numbers = [int(k) for k in node if k.isdigit()]
    return str(max(numbers) + 1 if numbers else 0)


def listify(value: Any) -> Any:
    """Turn dicts keyed ``"0".."n-1"`` (in order) into lists, recursively, like PHP's json_encode does."""
    if isinstance(value, dict):
        converted = {k: listify(v) for k, v in value.items()}
        keys = list(converted)
        if keys and keys == [str(i) for i in range(len(keys))]:
            return [converted[k] for k in keys]
        return converted
    if isinstance(value, list):
        return [listify(v) for v in value]
    return value


def php_map(mapping: dict[str, Any]) -> Any:
    """JSON shape PHP gives an associative array: ``[]`` when empty, a list when keyed 0..n-1."""
    if not mapping:
        return []
    keys = list(mapping)
    if keys == [str(i) for i in range(len(keys))]:
        return [mapping[k] for k in keys]
    return mapping
