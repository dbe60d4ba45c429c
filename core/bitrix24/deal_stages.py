"""Funnels and stages of the portal's deals: which stage counts as "reached", which move is forward.

Read once per run: ``crm.category.list`` (entityTypeId 2) and ``crm.status.list`` per funnel in one batch.
A stage's place is its ``SORT`` inside its funnel; ``SEMANTICS`` "S" is the success stage, "F" a failure.
A deal has *reached* a trigger stage when its stage sorts at or after the trigger and is not a failure — so a
deal moved further on (or won) after the trigger still counts, and one moved back or lost does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.errors import RemoteError

if TYPE_CHECKING:
    from core.bitrix24.client import Bitrix24Client


@dataclass(frozen=True)
class StageInfo:
    status_id: str
    name: str
    sort: int
    semantics: str  # P | S | F


class DealStages:
    def __init__(self, funnels: dict[int, list[StageInfo]], names: dict[int, str]) -> None:
        self.funnels = funnels
        self.names = names
        self._by_id = {s.status_id: (cid, s) for cid, stages in funnels.items() for s in stages}

    @classmethod
    def read(cls, b24: Bitrix24Client) -> DealStages:
        answer = b24.call("crm.category.list", {"entityTypeId": 2})
        categories = answer.get("categories", []) if isinstance(answer, dict) else []
        names = {int(c["id"]): str(c.get("name") or "") for c in categories}
        if 0 not in names:
            names[0] = "Общая"
        commands = {f"s{cid}": ("crm.status.list", {"filter": {"ENTITY_ID": "DEAL_STAGE" if cid == 0
                                                                 else f"DEAL_STAGE_{cid}"}})
                    for cid in names}
        result = b24.batch(commands)
        if result.errors:
            first = next(iter(result.errors.values()))
            raise RemoteError(f"Портал не отдал стадии сделок: {getattr(first, 'message', first)}")
        funnels: dict[int, list[StageInfo]] = {}
        for cid in names:
            rows = result.result.get(f"s{cid}") or []
            stages = [StageInfo(str(r["STATUS_ID"]), str(r.get("NAME") or ""), int(str(r.get("SORT") or 0)),
                                {"S": "S", "F": "F"}.get(str(r.get("SEMANTICS") or ""), "P")) for r in rows]
            funnels[cid] = sorted(stages, key=lambda s: s.sort)
        return cls(funnels, names)

    def stage(self, status_id: str) -> StageInfo | None:
        found = self._by_id.get(status_id)
        return found[1] if found else None

    def success(self, category_id: int) -> StageInfo | None:
        return next((s for s in self.funnels.get(category_id, []) if s.semantics == "S"), None)

    def trigger(self, category_id: int, chosen: str) -> StageInfo | None:
        """The stage that sends a deal of this funnel to 1C: the chosen one, or the success stage."""
        return self.stage(chosen) if chosen else self.success(category_id)

    def reached(self, category_id: int, stage_id: str, trigger: StageInfo | None) -> bool:
        current = self.stage(stage_id)
        if current is None or trigger is None or current.semantics == "F":
            return False
        return current.sort >= trigger.sort

    def is_forward(self, current_id: str, target_id: str) -> bool:
        """Moving from current to target goes on along the funnel (never back, never out of a closed deal)."""
        current, target = self.stage(current_id), self.stage(target_id)
        if current is None or target is None or current.semantics in ("S", "F"):
            return False
        return target.sort > current.sort
