"""One sync run: open the clients, run the pipelines in order, record the run. Used by CLI, GUI and tests."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.bitrix24.client import wait_sliced
from core.cancel import cancellable_sleep
from core.connections import open_bitrix24, open_onec
from core.errors import AccessDenied, Cancelled, ConfigError, NotPublished, RemoteError, SyncBridgeError
from core.mapping.table import load_mapping
from core.messages import STAGES
from core.onec.publication import PublicationCache, PublicationSource, needed_sets
from core.paths import AppPaths
from core.profile import Profile, ProfileStore
from core.run_lock import RunLock
from core.secrets import CredentialStore
from core.state.store import StateStore, now_iso
from core.sync import engine, registry
from core.sync.context import Progress, RunContext
from core.sync.engine import EntitySync
from core.sync.pipeline import Pipeline, PipelineEnv

log = logging.getLogger(__name__)

#: rounds of one run at most (entities paused by a spent operating budget come back in the next round; the last
#: round waits for budgets instead of pausing)
MAX_ROUNDS = 100

__all__ = ["Progress", "SyncReport", "SyncRunner"]


@dataclass
class SyncReport:
    run_id: int
    status: str  # ok | partial | failed | cancelled
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)  # the whole run
    per_entity: dict[str, dict[str, int]] = field(default_factory=dict)  # entity -> the same counts
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

    def entity_summary(self, entity: str) -> str:
        """One entity's counts in a few words, for per-entity lines of the CLI and the GUI."""
        counts = self.per_entity.get(entity, {})
        if self.dry_run:
            keys = (("planned_create", "создать"), ("planned_update", "обновить"), ("planned_link", "связать"),
                    ("unchanged", "без изменений"), ("failed", "ошибок"))
        else:
            keys = (("created", "создано"), ("updated", "обновлено"), ("linked", "связано"),
                    ("unchanged", "без изменений"), ("failed", "ошибок"), ("duplicates", "возможных дублей"))
        return ", ".join(f"{label}: {counts.get(key, 0)}" for key, label in keys
                         if counts.get(key) or key in ("failed",))

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
                onec = open_onec(profile, self.credentials, cancel)
                b24 = open_bitrix24(profile, self.credentials, cancel=cancel)
                publication = self._publication(profile, table, onec)
                entity_errors = self._run_pipelines(ctx, profile, table, onec, b24, publication)
                status = "partial" if ctx.counts["failed"] or entity_errors else "ok"
                error = "\n".join(entity_errors) or None
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
                          per_entity={entity: dict(c) for entity, c in ctx.per_entity.items()},
                          planned=ctx.planned, finished_at=now_iso(), error=error)

    def _publication(self, profile: Profile, table: dict[str, Any], onec: Any) -> PublicationSource | None:
        """The base's own $metadata (cached in the data folder, re-read when the composition changed). Without it
        the run goes on as before — pipelines ask for their derived $select lists unfiltered."""
        source = PublicationSource(PublicationCache(self.paths.data_dir / "onec", profile.onec_url), onec,
                                   needed_sets(table))
        try:
            source.load()
        except SyncBridgeError as exc:
            log.warning("$metadata not read, the publication is not checked this run: %s", exc.message)
            return None
        return source

    @staticmethod
    def _run_pipelines(ctx: RunContext, profile: Profile, table: dict[str, Any], onec: Any, b24: Any,
                       publication: PublicationSource | None = None) -> list[str]:
        """Run the enabled pipelines in dependency order. An entity that cannot run (its 1C object is not
        published, the portal lacks a preset, no rights) is journaled and skipped with those depending on it; the
        others go on. When no entity could run at all, the first such error fails the run as before.

        In rounds when the portal's operating budget runs out: an entity whose write method has spent its
        10-minute budget pauses after what it could write (EntitySync ``may_pause``) and the entities after it run
        meanwhile — prices and stock of the products already in the portal, say. The next round resumes the paused
        ones (without polling again) and re-polls their dependents (they see the records linked since); a round
        that could write nothing first waits for the soonest budget reset."""
        classes = registry.enabled(table, profile.entities or None)
        broken: dict[str, SyncBridgeError] = {}
        seen: dict[str, set[str]] = {}
        paused: dict[str, EntitySync] = {}
        # records each entity has written in this run, and what its dependencies had written when it last polled:
        # an entity runs again when a dependency wrote something since (prices see the products linked meanwhile)
        wrote_total: dict[str, int] = {}
        polled_at: dict[str, dict[str, int]] = {}

        def due(cls: type[Pipeline]) -> bool:
            last = polled_at.get(cls.entity)
            return last is None or any(wrote_total.get(dep, 0) > last.get(dep, 0) for dep in cls.depends_on)

        def work_elsewhere(position: int) -> bool:
            """Is there other work while this entity would wait: another paused entity (anywhere: the next round
            resumes it), or a due one or one of its own dependents after it in this round?"""
            mine = classes[position].entity
            if any(entity != mine for entity in paused):
                return True
            return any(other.entity not in broken and (due(other) or mine in other.depends_on)
                       for other in classes[position + 1:])

        for round_no in range(MAX_ROUNDS):
            last_round = round_no == MAX_ROUNDS - 1
            wrote = 0
            for position, cls in enumerate(classes):
                ctx.check_cancelled()
                if cls.entity in broken or not (cls.entity in paused or due(cls)):
                    continue
                blocked = [dep for dep in cls.depends_on if dep in broken]
                if blocked:
                    ctx.count(cls.entity, "failed")
                    ctx.journal(entity=cls.entity, action="fail", reason_code="entity_blocked",
                                params={"entity": cls.label,
                                        "dependency": ", ".join(registry.by_entity()[d].label for d in blocked)},
                                direction=cls.direction)
                    broken[cls.entity] = broken[blocked[0]]
                    continue
                # pausing pays only when something can run after it in this round; the last round never pauses
                may_pause = not last_round and work_elsewhere(position)
                held = paused.get(cls.entity)
                if held is not None and not last_round and held.budget_wait() > engine.DEFER_AFTER_S:
                    continue  # its own budget is still spent: polling it again now would only cost time
                try:
                    sync = paused.pop(cls.entity, None)
                    if sync is not None and not due(cls):
                        sync.may_pause = may_pause
                        sync.resume()
                    else:
                        polled_at[cls.entity] = {dep: wrote_total.get(dep, 0) for dep in cls.depends_on}
                        sync = _run_entity(ctx, profile, table, onec, b24, publication, cls, may_pause,
                                           seen.setdefault(cls.entity, set()))
                except (ConfigError, NotPublished, AccessDenied) as exc:
                    log.error("%s not synced: %s", cls.entity, exc.message)
                    broken[cls.entity] = exc
                    ctx.journal(entity=cls.entity, action="fail", reason_code="entity_failed",
                                params={"entity": cls.label, "error": exc.user_text()}, direction=cls.direction)
                    continue
                wrote += sync.wrote
                wrote_total[cls.entity] = wrote_total.get(cls.entity, 0) + sync.wrote
                if sync.paused:
                    paused[cls.entity] = sync
            if not paused and not any(due(cls) for cls in classes if cls.entity not in broken):
                break
            if not wrote:
                # nothing could be written: every pending write waits for a budget; wait for the soonest reset
                wait = b24.budget_wait() if b24 is not None else None
                ctx.progress(STAGES["budget_wait"])
                log.info("every pending write waits for an operating budget: pausing %.0f s", wait or 1.0)
                wait_sliced((wait or 1.0) + 1.0, cancellable_sleep(ctx.cancel), ctx.cancel)
        if classes and len(broken) == len(classes):
            raise next(iter(broken.values()))
        return [f"{by.label}: {broken[by.entity].message}" for by in classes if by.entity in broken]


def _run_entity(ctx: RunContext, profile: Profile, table: dict[str, Any], onec: Any, b24: Any,
                publication: PublicationSource | None, cls: type[Pipeline], may_pause: bool,
                seen: set[str] | None) -> EntitySync:
    """Poll and sync one entity (a fresh round of it); a $select 1C refuses after a release change is retried once
    with the publication read again."""
    reader = publication.reader_for(ctx, table, cls.entity, cls.direction) if publication else onec
    env = PipelineEnv(ctx=ctx, table=table, originator=profile.originator_id, onec=reader, b24=b24,
                      settings=dict(profile.entity_settings.get(cls.settings_entity or cls.entity, {})))
    sync = EntitySync(cls(env), may_pause=may_pause, seen=seen)
    try:
        sync.run()
    except RemoteError as exc:
        if publication is None or not publication.rejected_select(exc) or not publication.refresh_once():
            raise
        # 1C refused a $select: the release changed since $metadata was cached — re-read, retry once
        env.onec = publication.reader_for(ctx, table, cls.entity, cls.direction)
        sync = EntitySync(cls(env), may_pause=may_pause, seen=seen)
        sync.run()
    return sync

