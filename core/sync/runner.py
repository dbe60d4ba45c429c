"""One sync run: open the clients, run the pipelines in order, record the run. Used by CLI, GUI and tests."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
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
from core.sync.engine import EntitySync, Waiting
from core.sync.pipeline import Pipeline, PipelineEnv

log = logging.getLogger(__name__)

#: rounds of one run at most (entities paused by a spent operating budget come back in the next round; the last
#: round waits for budgets instead of pausing)
MAX_ROUNDS = 100
#: records a followed dependency (products) writes before its follower (prices, stock) polls for them again
FOLLOW_AFTER = 500
#: slices (of its own) a followed entity may be ahead of what a running follower has written
MAX_LEAD = 1

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

        Entities run one after another, except followers (``Pipeline.follows``): prices and stock start once
        products have written some records and take turns with them (and with each other) slice by slice, polling
        again (cheaply, see ``Pipeline.poll_again``) for the products linked since; products wait while a follower
        is more than MAX_LEAD slices behind. So each write method spends its own operating budget in the same
        10-minute windows instead of one after another.

        In rounds when the portal's operating budget runs out: an entity whose write method has spent its
        10-minute budget pauses after what it could write (EntitySync ``may_pause``) and the entities after it run
        meanwhile. The next round resumes the paused ones (without polling again) and re-polls their dependents
        (they see the records linked since); a round that could write nothing first waits for the soonest budget
        reset."""
        return _Schedule(ctx, profile, table, onec, b24, publication).run()


@dataclass
class _Running:
    """An entity taking its turns: its sync, the generator of its slices, what it had written when it started."""

    cls: type[Pipeline]
    sync: EntitySync
    steps: Iterator[Waiting | None]
    base: int
    waiting: Waiting | None = None  # its last turn ended waiting for these writes


class _Schedule:
    """The order of one run's entities: who may start, who takes the next turn, rounds after spent budgets."""

    def __init__(self, ctx: RunContext, profile: Profile, table: dict[str, Any], onec: Any, b24: Any,
                 publication: PublicationSource | None) -> None:
        self.ctx, self.profile, self.table, self.onec, self.b24 = ctx, profile, table, onec, b24
        self.publication = publication
        self.classes = registry.enabled(table, profile.entities or None)
        self.broken: dict[str, SyncBridgeError] = {}
        self.seen: dict[str, set[str]] = {}
        self.paused: dict[str, EntitySync] = {}
        self.finished: dict[str, EntitySync] = {}  # a follower's last sync, for polling again
        self.active: dict[str, _Running] = {}
        # records each entity has written in this run, and what its dependencies had written when it last polled:
        # an entity runs again when a dependency wrote something since (prices see the products linked meanwhile)
        self.wrote_total: dict[str, int] = {}
        self.polled_at: dict[str, dict[str, int]] = {}
        self.round_wrote = 0
        self.ran: set[str] = set()  # paused entities that had their turn in this round

    def run(self) -> list[str]:
        for round_no in range(MAX_ROUNDS):
            self.round_wrote = 0
            self.ran = set()
            self._round(last_round=round_no == MAX_ROUNDS - 1)
            if not self.paused and not any(self.due(cls) for cls in self.classes if cls.entity not in self.broken):
                break
            if not self.round_wrote:
                # nothing could be written: every pending write waits for a budget; wait for the soonest reset
                wait = self.b24.budget_wait() if self.b24 is not None else None
                self.ctx.progress(STAGES["budget_wait"])
                log.info("every pending write waits for an operating budget: pausing %.0f s", wait or 1.0)
                wait_sliced((wait or 1.0) + 1.0, cancellable_sleep(self.ctx.cancel), self.ctx.cancel)
        classes, broken = self.classes, self.broken
        if classes and len(broken) == len(classes):
            raise next(iter(broken.values()))
        return [f"{by.label}: {broken[by.entity].message}" for by in classes if by.entity in broken]

    # ---- bookkeeping -------------------------------------------------------------------------------------------
    def written(self, entity: str) -> int:
        """Records the entity has written in this run so far (also while it is running)."""
        running = self.active.get(entity)
        return self.wrote_total.get(entity, 0) + (running.sync.wrote - running.base if running else 0)

    def due(self, cls: type[Pipeline]) -> bool:
        """Never polled in this run, or a dependency wrote since its poll (while a followed dependency is still
        running: at least FOLLOW_AFTER records, so a follower does not poll after every slice)."""
        last = self.polled_at.get(cls.entity)
        if last is None:
            return True
        return any(self.written(dep) - last.get(dep, 0) >= (FOLLOW_AFTER if dep in self.active else 1)
                   for dep in cls.depends_on)

    def wants_turn(self, cls: type[Pipeline]) -> bool:
        entity = cls.entity
        if entity in self.broken or entity in self.active:
            return False
        if entity in self.paused:
            return entity not in self.ran
        return self.due(cls)

    def may_start(self, position: int) -> bool:
        """Nothing before it still to run in this round, and whatever runs now is a dependency it follows (with
        records to follow) or another follower of it."""
        cls = self.classes[position]
        if any(self.wants_turn(other) for other in self.classes[:position]):
            return False
        for entity, running in self.active.items():
            if entity in cls.follows:
                if self.written(entity) < FOLLOW_AFTER:
                    return False  # nothing (much) to follow yet
            elif not set(running.cls.follows) & set(cls.follows):
                return False  # an entity running on its own: this one comes after it
        return True

    def held_back(self, entity: str) -> bool:
        """A followed entity waits while a follower of it, running now, is more than MAX_LEAD of its slices behind
        (what the leader wrote since the follower's poll, plus what the follower has not settled of that poll): the
        lanes serve batches in order of arrival, so a leader with whole slices queued would keep its followers'
        batches waiting behind them and spend its method's budget while theirs stays unused — and each method's
        next window opens 10 minutes after it spent this one."""
        lead = MAX_LEAD * self.active[entity].cls.process_chunk
        for other, running in self.active.items():
            if entity in running.cls.follows:
                polled = self.polled_at.get(other, {}).get(entity, 0)
                if self.written(entity) - polled + running.sync.outstanding > lead:
                    return True
        return False

    def work_elsewhere(self, position: int) -> bool:
        """Is there other work while this entity would wait: another paused entity (anywhere: the next round
        resumes it), or a due one or one of its own dependents after it in this round?"""
        mine = self.classes[position].entity
        if any(entity != mine for entity in self.paused):
            return True
        return any(other.entity not in self.broken and (self.due(other) or mine in other.depends_on)
                   for other in self.classes[position + 1:])

    # ---- one round ---------------------------------------------------------------------------------------------
    def _round(self, last_round: bool) -> None:
        try:
            while True:
                self._start_what_may(last_round)
                if not self.active:
                    return
                went_on = False
                for entity in list(self.active):
                    self.ctx.check_cancelled()
                    waiting = self.active[entity].waiting
                    if (waiting is None or waiting.ready()) and not self.held_back(entity):
                        went_on = self._turn(entity) or went_on
                if not went_on:
                    # every running entity waits for its writes: sleep until one of them is answered (a Stop is
                    # noticed within a fraction of a second)
                    futures = [f for entity, running in self.active.items() if running.waiting
                               and not self.held_back(entity) for f in running.waiting.futures]
                    Waiting(futures).block(timeout=0.5)
        finally:
            # an error (a Stop, the portal gone) ends the run: what the others have on the wire is settled
            for running in list(self.active.values()):
                with contextlib.suppress(Exception):
                    running.steps.close()  # type: ignore[attr-defined]
            self.active.clear()

    def _start_what_may(self, last_round: bool) -> None:
        for position, cls in enumerate(self.classes):
            self.ctx.check_cancelled()
            if not self.wants_turn(cls) or not self.may_start(position):
                continue
            entity = cls.entity
            blocked = [dep for dep in cls.depends_on if dep in self.broken]
            if blocked:
                self.ctx.count(entity, "failed")
                self.ctx.journal(entity=entity, action="fail", reason_code="entity_blocked",
                                 params={"entity": cls.label,
                                         "dependency": ", ".join(registry.by_entity()[d].label for d in blocked)},
                                 direction=cls.direction)
                self.broken[entity] = self.broken[blocked[0]]
                continue
            held = self.paused.get(entity)
            if held is not None:
                self.ran.add(entity)
                if not last_round and held.budget_wait() > engine.DEFER_AFTER_S:
                    continue  # its own budget is still spent: polling it again now would only cost time
            # pausing pays only when something can run after it in this round; the last round never pauses
            may_pause = not last_round and self.work_elsewhere(position)
            try:
                self._start(cls, may_pause)
            except (ConfigError, NotPublished, AccessDenied) as exc:
                self._broke(cls, exc)

    def _start(self, cls: type[Pipeline], may_pause: bool) -> None:
        entity = cls.entity
        due = self.due(cls)
        sync = self.paused.pop(entity, None)
        if sync is not None and not due:
            steps = sync.resume()
        else:
            last = self.polled_at.get(entity, {})
            wrote_since = {dep for dep in cls.depends_on if self.written(dep) > last.get(dep, 0)}
            earlier = sync or self.finished.get(entity)
            self.polled_at[entity] = {dep: self.written(dep) for dep in cls.depends_on}
            if earlier is not None and wrote_since and wrote_since <= set(cls.follows):
                sync, steps = earlier, earlier.again()  # only followed records are new: no fresh read of 1C
            else:
                sync = self._new_sync(cls, may_pause)
                # following a running entity: the lanes are busy already, whole slices from the start
                following = set(cls.follows) & set(self.active)
                steps = sync.steps(first=cls.process_chunk) if following else sync.steps()
        sync.may_pause = may_pause
        self.active[entity] = _Running(cls, sync, steps, sync.wrote)

    def _new_sync(self, cls: type[Pipeline], may_pause: bool) -> EntitySync:
        ctx, publication = self.ctx, self.publication
        reader = publication.reader_for(ctx, self.table, cls.entity, cls.direction) if publication else self.onec
        env = PipelineEnv(ctx=ctx, table=self.table, originator=self.profile.originator_id, onec=reader,
                          b24=self.b24,
                          settings=dict(self.profile.entity_settings.get(cls.settings_entity or cls.entity, {})))
        return EntitySync(cls(env), may_pause=may_pause, seen=self.seen.setdefault(cls.entity, set()))

    def _turn(self, entity: str) -> bool:
        """One slice of a running entity; at its end, what it wrote is counted and it is set aside. False when it
        could only say it still waits for its writes."""
        running = self.active[entity]
        try:
            running.waiting = next(running.steps)
            return running.waiting is None
        except StopIteration:
            pass
        except RemoteError as exc:
            publication = self.publication
            if (publication is None or running.sync.wrote != running.base or not publication.rejected_select(exc)
                    or not publication.refresh_once()):
                raise
            # 1C refused a $select: the release changed since $metadata was cached — re-read, start it once more
            del self.active[entity]
            sync = self._new_sync(running.cls, running.sync.may_pause)
            self.active[entity] = _Running(running.cls, sync, sync.steps(), 0)
            return True
        except (ConfigError, NotPublished, AccessDenied) as exc:
            self._settle(entity)
            self._broke(running.cls, exc)
            return True
        self._settle(entity)
        return True

    def _settle(self, entity: str) -> None:
        running = self.active.pop(entity)
        delta = running.sync.wrote - running.base
        self.round_wrote += delta
        self.wrote_total[entity] = self.wrote_total.get(entity, 0) + delta
        if running.sync.paused:
            self.paused[entity] = running.sync
        elif running.cls.follows:
            # only a follower polls again from its last sync; anyone else's (with its pipeline's caches: a portal
            # index, balances) is let go at once
            self.finished[entity] = running.sync

    def _broke(self, cls: type[Pipeline], exc: SyncBridgeError) -> None:
        log.error("%s not synced: %s", cls.entity, exc.message)
        self.broken[cls.entity] = exc
        self.paused.pop(cls.entity, None)
        self.ctx.journal(entity=cls.entity, action="fail", reason_code="entity_failed",
                         params={"entity": cls.label, "error": exc.user_text()}, direction=cls.direction)
