"""``batch``: encoding commands as PHP query strings and splitting the combined answer.

Inner parameters travel as ``method?query`` strings parsed by PHP's ``parse_str``, so nested values
become ``fields[PHONE][0][VALUE]=…``. ``None`` cannot be expressed there: it is sent as ``""``
(the "clear this field" value, notes §3.4; fb24 once sent the literal ``None``). A value such as
``$result[c1]`` or ``$result[list][49][ID]`` is a reference to an earlier command's answer; the
portal finds it by pattern in the raw query string, so it must go out *unencoded*.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from .envelope import TimeInfo, as_map, time_of

MAX_COMMANDS = 50
_REFERENCE_RE = re.compile(r"\$(result|result_error|result_total|result_next|result_time)(\[[^\[\]&=#]*\])+")


def is_reference(value: Any) -> bool:
    return isinstance(value, str) and _REFERENCE_RE.fullmatch(value) is not None


def reference(command: str, *path: str | int) -> str:
    """``reference("c1")`` -> ``$result[c1]``;
    ``reference("page", "items", 49, "id")`` -> ``$result[page][items][49][id]``."""
    return "$result" + "".join(f"[{part}]" for part in (command, *path))


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "1"  # PHP http_build_query: true -> 1, false -> 0
    if value is False:
        return "0"
    return str(value)


def _flatten(prefix: str, value: Any, out: list[tuple[str, Any]]) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _flatten(f"{prefix}[{key}]", item, out)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _flatten(f"{prefix}[{index}]", item, out)
    else:
        out.append((prefix, value))


def encode_query(params: Mapping[str, Any]) -> str:
    """PHP-style query string. Empty lists/maps vanish, as with ``http_build_query``."""
    pairs: list[tuple[str, Any]] = []
    for key, value in params.items():
        _flatten(str(key), value, pairs)
    encoded = []
    for key, value in pairs:
        name = quote(key, safe="[]")
        if is_reference(value):
            encoded.append(f"{name}={value}")
        else:
            encoded.append(f"{name}={quote(_scalar(value), safe='')}")
    return "&".join(encoded)


def encode_command(method: str, params: Mapping[str, Any] | None) -> str:
    query = encode_query(params or {})
    return f"{method}?{query}" if query else method


@dataclass
class BatchResult:
    """Per-command outcome of one ``batch`` call. A command absent from both ``result`` and
    ``errors`` was not run (``halt`` stopped the batch before it)."""

    result: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, Any] = field(default_factory=dict)  # command -> RemoteError
    total: dict[str, int] = field(default_factory=dict)
    next: dict[str, int] = field(default_factory=dict)
    time: dict[str, TimeInfo] = field(default_factory=dict)

    def not_run(self, commands: Mapping[str, Any]) -> list[str]:
        return [key for key in commands if key not in self.result and key not in self.errors]


def split_batch(payload: Any) -> tuple[BatchResult, dict[str, Any]]:
    """``result`` of a batch envelope -> a BatchResult without errors, plus the raw error bodies.

    Every map may arrive as ``[]`` (empty) or as a list (commands given as a list): all become dicts.
    """
    body = payload if isinstance(payload, Mapping) else {}
    split = BatchResult(
        result=as_map(body.get("result")),
        total={k: _int(v) for k, v in as_map(body.get("result_total")).items()},
        next={k: _int(v) for k, v in as_map(body.get("result_next")).items()},
        time={k: time_of(v) for k, v in as_map(body.get("result_time")).items()},
    )
    return split, as_map(body.get("result_error"))


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
