"""Checking that a ``batch`` answer accounts for every command, before anyone reads "nothing found" into it.

A 200 answer whose ``result`` is missing or of the wrong type, or that mentions a command in neither ``result`` nor
``result_error``, or gives a list method something that is not a list: each such command becomes an error. Read as
"the portal has no such record", it would make the sync create every record again and report success.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.errors import RemoteError

from .batch import BatchResult
from .methods import is_read_method


class MalformedAnswer(RemoteError):
    """The portal answered 200, but not with a usable answer for this command.

    ``answer_missing`` is True for a write: it may have been stored, so it is *uncertain* (resolve by identity
    lookup, never re-send blindly); for a read it is simply a failed read, never "not found"."""

    def __init__(self, method: str, problem: str) -> None:
        write = not is_read_method(method)
        super().__init__(
            f"Битрикс24 вернул неполный ответ на {method}: {problem}.",
            "Запись могла сохраниться: перед повтором она будет найдена по идентификатору 1С." if write
            else "Повторите синхронизацию позже; если повторяется — передайте текст администратору портала.",
            code="MALFORMED_ANSWER",
        )
        #: the engine reads this: a write without an answer is uncertain (identity lookup), not failed
        self.answer_missing = write


#: ``.get`` methods whose answer is a list by nature (reference crm.deal.productrows.get.example.json)
LIST_GETS = frozenset({"crm.deal.productrows.get", "crm.lead.productrows.get", "crm.quote.productrows.get"})


def _shape_problem(method: str, value: Any) -> str | None:
    name = method.lower()
    if name.endswith(".list") or name in ("scope", "crm.duplicate.findbycomm") or name in LIST_GETS:
        if not isinstance(value, (list, Mapping)):
            return f"вместо списка пришло {type(value).__name__}"
    elif name.endswith(".get") and not isinstance(value, Mapping):
        return f"вместо записи пришло {type(value).__name__}"
    return None


def check_batch_answer(payload: Any, split: BatchResult, methods: Mapping[str, str], *, halt: bool) -> None:
    """Turn every command the answer does not properly account for into a :class:`MalformedAnswer` in
    ``split.errors``. With ``halt`` the commands after the first failure were not run: that is documented, not an
    error."""
    body_ok = isinstance(payload, Mapping) and isinstance(payload.get("result"), (Mapping, list))
    stopped = False
    for key, method in methods.items():
        if key in split.errors:
            stopped = stopped or halt
            continue
        if key in split.result:
            problem = _shape_problem(method, split.result[key])
            if problem is not None:
                del split.result[key]
                split.errors[key] = MalformedAnswer(method, problem)
            continue
        if stopped:
            continue
        split.errors[key] = MalformedAnswer(
            method, "нет ни результата, ни ошибки команды" if body_ok else "в ответе пакета нет поля result")
