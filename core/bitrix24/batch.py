"""``batch``: encoding commands as PHP query strings and splitting the combined answer.

Inner parameters travel as ``method?query`` strings parsed by PHP's ``parse_str``, so nested values
become ``fields[PHONE][0][VALUE]=…``. ``None`` cannot be expressed there: it is sent as ``""``
(the "clear this field" value, notes §3.4; fb24 once sent the literal ``None``).

References to an earlier command's answer (``$result[c1]``, ``$result[list][49][ID]``) are
:class:`BatchRef` values built by :func:`reference`; only those go out raw. The portal resolves
references *after* URL-decoding (CRestUtil::ParseBatchQuery), in every value, so percent-encoding a
data value does not protect it: a 1C name such as «$result[c0]» would be substituted. Such a value
must never travel inside a batch — :func:`carries_data_reference` finds it and the client sends that
command on its own (see ``Bitrix24Client.batch``).
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


# what CRestUtil::processBatchElement substitutes: "$result…" (any case, any of the five maps — "result" is a
# prefix of them all) followed, before the next space, by at least one non-empty [segment]
_PORTAL_SUBSTITUTES_RE = re.compile(r"\$result\S*?\[[^\]\s]+\]", re.IGNORECASE)


class BatchRef(str):
    """A reference the client built itself: the only kind of ``$result[…]`` text allowed into a batch."""

    __slots__ = ("command", "path")

    def __new__(cls, command: str, *path: str | int) -> BatchRef:
        ref = super().__new__(cls, "$result" + "".join(f"[{part}]" for part in (command, *path)))
        ref.command = str(command)
        ref.path = tuple(str(p) for p in path)
        return ref


def is_reference(value: Any) -> bool:
    return isinstance(value, BatchRef) or (isinstance(value, str) and _REFERENCE_RE.fullmatch(value) is not None)


def reference(command: str, *path: str | int) -> BatchRef:
    """``reference("c1")`` -> ``$result[c1]``;
    ``reference("page", "items", 49, "id")`` -> ``$result[page][items][49][id]``."""
    return BatchRef(command, *path)


def carries_data_reference(value: Any) -> bool:
    """True when a *data* value (anything but a BatchRef), or a key, would be rewritten by the portal's batch
    reference substitution."""
    if isinstance(value, BatchRef):
        return False
    if isinstance(value, Mapping):
        return any(carries_data_reference(str(k)) or carries_data_reference(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(carries_data_reference(v) for v in value)
    return isinstance(value, str) and _PORTAL_SUBSTITUTES_RE.search(value) is not None


def resolve_known(value: Any, results: Mapping[str, Any]) -> Any:
    """Replace BatchRefs to commands already answered (in ``results``) by their values, client-side; references
    to commands not answered yet stay. Used when a batch is sent in parts."""
    if isinstance(value, BatchRef):
        if value.command not in results:
            return value
        node: Any = results[value.command]
        for part in value.path:
            if isinstance(node, Mapping) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return ""
        return node
    if isinstance(value, Mapping):
        return {k: resolve_known(v, results) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [resolve_known(v, results) for v in value]
    return value


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
        if isinstance(value, BatchRef):
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


def references_in(value: Any) -> list[BatchRef]:
    """Every BatchRef inside a command's parameters."""
    if isinstance(value, BatchRef):
        return [value]
    if isinstance(value, Mapping):
        return [ref for item in value.values() for ref in references_in(item)]
    if isinstance(value, (list, tuple)):
        return [ref for item in value for ref in references_in(item)]
    return []
