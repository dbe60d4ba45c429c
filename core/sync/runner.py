"""One sync run: open the clients, run the pipelines in order, record the run. Used by CLI, GUI and tests."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.connections import open_bitrix24, open_onec
from core.errors import Cancelled, ConfigError, SyncBridgeError
from core.mapping.table import load_mapping
from core.messages import STAGES
from core.paths import AppPaths
from core.profile import Profile, ProfileStore
from core.run_lock import RunLock
from core.secrets import CredentialStore
from core.state.store import StateStore, now_iso
from core.sync.context import Progress, RunContext
from core.sync.counterparties import CounterpartyPipeline

log = logging.getLogger(__name__)

__all__ = ["Progress", "SyncReport", "SyncRunner"]


@dataclass
class SyncReport:
    run_id: int
    status: str  # ok | partial | failed | cancelled
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)
    planned: list[dict[str, Any]] = field(default_factory=list)
    finished_at: str = ""
    error: str | None = None

    def _n(self, key: str) -> int:
        return int(self.counts.get(key, 0))

    created = property(lambda self: self._n("created"))
    updated = property(lambda self: self._n("updated"))
    linked = property(lambda self: self._n("linked"))
    skipped = property(lambda self: self._n("skipped") + self._n("unchanged"))
    failed = property(lambda self: self._n("failed"))
    duplicates = property(lambda self: self._n("duplicates"))

    @property
    def exit_code(self) -> int:
        if self.status in ("failed",):
            return 2
        return 1 if self.failed or self.status in ("partial", "cancelled") else 0

    def summary_text(self) -> str:
        if self.dry_run:
            parts = [f"создать: {self._n('planned_create')}", f"обновить: {self._n('planned_update')}",
                     f"связать: {self._n('planned_link')}", f"без изменений: {self._n('unchanged')}",
                     f"ошибок: {self.failed}"]
            return "Пробный запуск, ничего не записано. Будет — " + ", ".join(parts) + "."
        parts = [f"создано: {self.created}", f"обновлено: {self.updated}", f"связано: {self.linked}",
                 f"без изменений: {self.skipped}", f"ошибок: {self.failed}"]
        if self.duplicates:
            parts.append(f"возможных дублей на проверку: {self.duplicates}")
        head = {"ok": "Синхронизация завершена", "partial": "Синхронизация завершена с ошибками",
                "cancelled": "Синхронизация остановлена", "failed": "Синхронизация не выполнена"}[self.status]
        return f"{head}: " + ", ".join(parts) + "."


class SyncRunner:
    def __init__(self, paths: AppPaths, credentials: CredentialStore | None = None, *,
                 profile: Profile | None = None) -> None:
        self.paths = paths
        self.credentials = credentials or CredentialStore(paths)
        self._profile = profile

    def profile(self) -> Profile:
        profile = self._profile or ProfileStore(self.paths).load()
        if profile is None:
            raise ConfigError("SyncBridge ещё не настроен: нет профиля подключения.",
                              "Запустите мастер настройки (syncbridge) или syncbridge setup … для сценария.")
        return profile

    def run_once(self, dry_run: bool = False, progress: Callable[[Progress], None] | None = None,
                 cancel: threading.Event | None = None, trigger: str = "manual") -> SyncReport:
        profile = self.profile()
        table = load_mapping(profile.onec_profile)
        with RunLock(self.paths.data_dir / "sync.lock"):
            store = StateStore.open(self.paths.state_db)
            run_id = store.start_run(trigger, dry_run)
            ctx = RunContext(store=store, run_id=run_id, dry_run=dry_run, progress_cb=progress, cancel=cancel)
            onec = b24 = None
            try:
                onec = open_onec(profile, self.credentials)
                b24 = open_bitrix24(profile, self.credentials)
                CounterpartyPipeline(onec, b24, table, profile.originator_id, ctx).run()
                status = "partial" if ctx.counts["failed"] else "ok"
                error = None
            except Cancelled as exc:
                status, error = "cancelled", exc.message
            except SyncBridgeError as exc:
                status, error = "failed", exc.user_text()
                store.finish_run(run_id, status, dict(ctx.counts), error)
                log.error("sync failed: %s", exc.message)
                raise
            except Exception as exc:
                # a bug must not lose the run record; the message stays technical but has no secrets
                log.exception("unexpected error during sync")
                store.finish_run(run_id, "failed", dict(ctx.counts), f"{type(exc).__name__}: {exc}")
                raise
            finally:
                for client in (onec, b24):
                    if client is not None:
                        client.close()
            store.finish_run(run_id, status, dict(ctx.counts), error)
            store.close()
        ctx.progress(STAGES["done"], 1, 1)
        return SyncReport(run_id=run_id, status=status, dry_run=dry_run, counts=dict(ctx.counts),
                          planned=ctx.planned, finished_at=now_iso(), error=error)

