"""One vocabulary of run statuses, counters, actions and entities, shared by the CLI and the GUI.

Russian is the source of truth. The CLI prints these texts as they are; the GUI passes each through Qt's
translator with context "vocabulary" (``gui/core_texts.py`` lists them for lupdate), so both faces say the same.
"""

from __future__ import annotations

from collections.abc import Mapping

from core import messages

#: status of a finished (or unfinished) run, as the state store keeps it
RUN_STATUS: dict[str, str] = {
    "ok": "завершена успешно",
    "partial": "завершена, но часть записей не перенесена",
    "failed": "прервана ошибкой",
    "interrupted": "прервана (программа была закрыта)",
    "running": "идёт сейчас",
    "cancelled": "остановлена пользователем",
}

#: the run counters people see, in the order they read them; keys as RunContext.counts has them
COUNT_LABELS: dict[str, str] = {
    "created": "создано",
    "updated": "обновлено",
    "linked": "связано",
    "marked": "помечено на удаление",
    "skipped": "пропущено",
    "unchanged": "без изменений",
    "failed": "ошибок",
    "duplicates": "возможных дублей",
    "seen": "просмотрено в 1С",
}

#: the dry-run plan
PLAN_LABELS: dict[str, str] = {
    "planned_create": "будет создано",
    "planned_link": "будет связано",
    "planned_update": "будет обновлено",
    "planned_mark": "будет помечено",
    "duplicates": "возможных дублей",
    "failed": "не переносится (ошибки данных)",
}

#: journal actions
ACTION_LABELS: dict[str, str] = {
    "create": "Создано",
    "update": "Обновлено",
    "link": "Связано",
    "skip": "Пропущено",
    "fail": "Ошибка",
    "duplicate": "Возможный дубль",
    "mark": "Отмечено",
    "plan": "План",
    "recover": "Восстановлено",
    "review": "Решение",
}

#: what each entity is called: the engine's own table (core.messages; context "progress" in the GUI)
ENTITY_LABELS = messages.ENTITY_LABELS

#: the counters the live header shows during a run
LIVE_COUNTS = ("created", "updated", "linked", "failed", "duplicates")
#: counters that settle a record for the whole-run progress (a dirty record ends in exactly one of them)
SETTLED_COUNTS = ("unchanged", "skipped", "failed", "created", "updated", "linked", "marked",
                  "planned_create", "planned_update", "planned_link", "planned_mark")


def count_items(counts: Mapping[str, int], labels: Mapping[str, str] = COUNT_LABELS,
                keep_zero: tuple[str, ...] = ()) -> list[tuple[str, str, int]]:
    """(key, Russian label, value) in the fixed reading order; zeros left out unless asked for."""
    return [(key, label, int(counts.get(key, 0) or 0)) for key, label in labels.items()
            if int(counts.get(key, 0) or 0) or key in keep_zero]


def counts_line(counts: Mapping[str, int]) -> str:
    items = count_items(counts, keep_zero=("created", "updated", "failed"))
    return ", ".join(f"{label}: {value}" for _, label, value in items)


def run_status_text(status: str) -> str:
    return RUN_STATUS.get(status, status)
