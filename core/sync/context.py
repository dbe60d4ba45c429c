"""What one sync run carries around: the store, the run id, counters, progress and cancellation."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.cancel import raise_if_cancelled
from core.state.store import StateStore

DIRECTION_TO_B24 = "1c->b24"


@dataclass
class Progress:
    stage: str  # Russian template from core.messages.STAGES, translated by the GUI in context "progress"
    done: int = 0
    total: int | None = None
    entity: str = ""  # the pipeline's entity name ("counterparty", "product"…); labels in messages.ENTITY_LABELS
    #: the run's counters at this moment (created, linked, failed, seen…): live figures for the header
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class RunContext:
    store: StateStore
    run_id: int
    dry_run: bool = False
    progress_cb: Callable[[Progress], None] | None = None
    cancel: threading.Event | None = None
    counts: Counter[str] = field(default_factory=Counter)  # the whole run
    per_entity: dict[str, Counter[str]] = field(default_factory=dict)  # the same counts per entity
    planned: list[dict[str, Any]] = field(default_factory=list)  # dry-run plan lines for the CLI
    #: what the pipelines of one run read once from a side and share (the portal's catalogue ids): a pipeline that
    #: changes such facts in the portal keeps them current here
    shared: dict[str, Any] = field(default_factory=dict)

    def count(self, entity: str, key: str, n: int = 1) -> None:
        self.counts[key] += n
        self.per_entity.setdefault(entity, Counter())[key] += n

    def progress(self, stage: str, done: int = 0, total: int | None = None, *, entity: str = "") -> None:
        if self.progress_cb:
            self.progress_cb(Progress(stage, done, total, entity, dict(self.counts)))

    def check_cancelled(self) -> None:
        raise_if_cancelled(self.cancel)

    def journal(self, *, entity: str, action: str, reason_code: str, params: dict[str, Any] | None = None,
                onec_ref: str | None = None, b24_id: str | None = None, title: str = "",
                direction: str = DIRECTION_TO_B24) -> None:
        self.store.journal_add(run_id=self.run_id, entity=entity, direction=direction, action=action,
                               reason_code=reason_code, reason_params=params, onec_ref=onec_ref, b24_id=b24_id,
                               title=title)
