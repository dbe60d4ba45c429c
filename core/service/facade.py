"""SyncService: the one front door to the engine for the CLI and the desktop app.

Everything a face needs — setup and checks, a sync with progress and Stop, status, the journal, review decisions,
the overview, the demo — is a method here. Every method may block (network, SQLite, scrypt): the GUI calls them
through its TaskRunner. State-store connections are opened and closed inside each call, so a call may run in any
worker thread. The sync itself stays in :class:`core.sync.runner.SyncRunner`; this layer only adapts it.
"""

from __future__ import annotations

import csv
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from core.errors import ConfigError, SyncBridgeError
from core.paths import AppPaths
from core.profile import Profile, ProfileStore
from core.redact import mask_url
from core.service.progress import ProgressTracker, RunProgress
from core.service.schedule import SchedulePolicy
from core.service.types import (
    EntityOverview,
    EntityPreview,
    JournalPage,
    JournalQuery,
    JournalRow,
    Overview,
    Preview,
    RunPoint,
    StatusInfo,
)
from core.service.vocabulary import ACTION_LABELS, ENTITY_LABELS, run_status_text

log = logging.getLogger(__name__)

#: connection checks from a window must not hang for a minute on a server that never answers
CHECK_TIMEOUT = (5.0, 20.0)
#: which portal card a journal line of an entity points at
ENTITY_CARDS = {"counterparty": "company", "contact": "contact"}
B24_CARD_PATHS = {"company": "crm/company/details/{id}/", "contact": "crm/contact/details/{id}/",
                  "deal": "crm/deal/details/{id}/"}


class SyncService:
    def __init__(self, paths: AppPaths, credentials: Any | None = None, *,
                 make_runner: Callable[[AppPaths, Any], Any] | None = None) -> None:
        self.paths = paths
        self._credentials = credentials
        self._make_runner = make_runner

    # ==== secrets =================================================================================================
    @property
    def credentials(self) -> Any:
        if self._credentials is None:
            from core.secrets import CredentialStore

            self._credentials = CredentialStore(self.paths)
        return self._credentials

    def needs_master_password(self) -> bool:
        return bool(self.credentials.needs_master_password())

    def secrets_initialised(self) -> bool:
        return bool(self.credentials.is_initialised())

    def unlock(self, master_password: str) -> None:
        self.credentials.unlock(master_password)

    def create_master_password(self, master_password: str) -> None:
        self.credentials.create_with_master_password(master_password)

    def saved_secret(self, name: str) -> str | None:
        return self.credentials.get(name)

    def secrets_location(self) -> str:
        return str(self.credentials.location_text())

    # ==== profile, setup, checks =================================================================================
    def profile(self) -> Profile | None:
        return ProfileStore(self.paths).load()

    def require_profile(self) -> Profile:
        profile = self.profile()
        if profile is None:
            raise ConfigError(f"Нет профиля подключения в {self.paths.home}.",
                              "Выполните syncbridge setup … или запустите syncbridge для мастера настройки.")
        return profile

    def setup(self, profile: Profile, onec_password: str, webhook_url: str) -> None:
        """Save a profile with its secrets (secrets first, so a profile never points at missing secrets)."""
        from core.setup_service import apply_setup

        apply_setup(self.paths, profile, onec_password, webhook_url, credentials=self.credentials)

    def save_settings(self, profile: Profile, *, onec_password: str | None = None,
                      webhook_url: str | None = None) -> None:
        """Settings window «Сохранить»: new secrets only when typed; otherwise the profile alone."""
        if onec_password is not None or webhook_url is not None:
            from core.profile import SECRET_B24_WEBHOOK, SECRET_ONEC_PASSWORD

            password = onec_password if onec_password is not None else self.saved_secret(SECRET_ONEC_PASSWORD)
            webhook = webhook_url if webhook_url is not None else self.saved_secret(SECRET_B24_WEBHOOK)
            self.setup(profile, password or "", webhook or "")
            return
        ProfileStore(self.paths).save(profile)

    def check_onec(self, url: str, user: str, password: str, profile_name: str = "auto",
                   ca_file: str | None = None, proxy: str | None = None) -> Any:
        """``proxy``: the one to check through (settings being edited); None = the saved profile's."""
        from core.connection_check import check_onec

        # the publication's $metadata read by the check is kept for the first sync (data folder)
        return check_onec(url, user, password, profile_name, ca_file, cache_dir=self.paths.data_dir / "onec",
                          timeout=CHECK_TIMEOUT, proxy=self._proxy(proxy))

    def check_bitrix24(self, webhook_url: str, ca_file: str | None = None, proxy: str | None = None) -> Any:
        from core.connection_check import check_bitrix24

        return check_bitrix24(webhook_url, ca_file, timeout=CHECK_TIMEOUT, proxy=self._proxy(proxy))

    def _proxy(self, proxy: str | None) -> str:
        if proxy is not None:
            return proxy
        try:
            profile = self.profile()
        except ConfigError:
            return ""
        return profile.proxy if profile else ""

    def sales_choices(self, onec_url: str, onec_user: str, onec_password: str, webhook_url: str,
                      ca_file: str | None = None, profile_name: str = "ut11") -> Any:
        """What the wizard's sales page offers: the base's and the portal's own lists (core.sales_setup)."""
        from core.sales_setup import load_sales_choices

        return load_sales_choices(onec_url, onec_user, onec_password, webhook_url, ca_file, profile_name)

    def catalog_options(self, onec_url: str, onec_user: str, onec_password: str, webhook_url: str, *,
                        profile_name: str = "ut11", ca_file: str | None = None) -> Any:
        """What the wizard's catalogue page offers: 1C price types and warehouses, the portal's inventory mode
        (core.catalog_setup)."""
        from core.catalog_setup import catalog_options

        return catalog_options(onec_url, onec_user, onec_password, webhook_url, profile_name=profile_name,
                               ca_file=ca_file)

    def check_saved(self) -> tuple[Any, Any]:
        """Both saved connections: (1C report, Bitrix24 report)."""
        from core.profile import SECRET_B24_WEBHOOK, SECRET_ONEC_PASSWORD

        profile = self.require_profile()
        onec = self.check_onec(profile.onec_url, profile.onec_user,
                               self.credentials.require(SECRET_ONEC_PASSWORD, "пароль 1С"), profile.onec_profile,
                               getattr(profile, "onec_ca_file", None))
        b24 = self.check_bitrix24(self.credentials.require(SECRET_B24_WEBHOOK, "вебхук Битрикс24"),
                                  profile.bitrix24_ca_file)
        return onec, b24

    # ==== sync ====================================================================================================
    def _runner(self) -> Any:
        if self._make_runner is not None:
            return self._make_runner(self.paths, self.credentials)
        from core.sync.runner import SyncRunner

        return SyncRunner(self.paths, self.credentials)

    def run_once(self, dry_run: bool = False, progress: Callable[[RunProgress], None] | None = None,
                 cancel: threading.Event | None = None, trigger: str = "manual") -> Any:
        """One sync run (or a dry run); ``progress`` gets whole-run figures; ``cancel`` stops it within a second.
        Returns the SyncReport; a Stop ends it with status "cancelled", never an exception."""
        tracker = ProgressTracker()
        forward = None
        if progress is not None:
            def forward(raw: Any) -> None:
                progress(tracker.update(raw))
        return self._runner().run_once(dry_run=dry_run, progress=forward, cancel=cancel, trigger=trigger)

    def preview(self, progress: Callable[[RunProgress], None] | None = None,
                cancel: threading.Event | None = None) -> Preview:
        """The dry run, per entity: what the first real sync would create, link, update, and what needs a look."""
        report = self.run_once(dry_run=True, progress=progress, cancel=cancel, trigger="preview")
        return self.preview_of(report)

    def preview_of(self, report: Any) -> Preview:
        per_entity: dict[str, dict[str, int]] = getattr(report, "per_entity", None) or {"counterparty": report.counts}
        entities = []
        problems_by_entity: dict[str, list[str]] = {}
        with self._store() as store:
            if store is not None:
                for entry in store.journal_search(run_id=report.run_id, actions=("fail",), limit=200):
                    problems_by_entity.setdefault(entry.entity, []).append(f"{entry.title}: {entry.reason_text}")
        for entity, counts in per_entity.items():
            lines = [line for line in report.planned if line.get("entity", entity) == entity]
            entities.append(EntityPreview(
                entity=entity, create=int(counts.get("planned_create", 0)), link=int(counts.get("planned_link", 0)),
                update=int(counts.get("planned_update", 0)), mark=int(counts.get("planned_mark", 0)),
                unchanged=int(counts.get("unchanged", 0)) + int(counts.get("skipped", 0)),
                duplicates=sum(1 for line in lines if line.get("duplicates")),
                invalid=int(counts.get("failed", 0)), lines=lines, problems=problems_by_entity.get(entity, [])))
        return Preview(run_id=report.run_id, entities=entities, status=report.status, error=report.error)

    def first_sync_confirmed(self) -> bool:
        """True once the admin saw a preview and allowed writing (or a real sync already ran)."""
        profile = self.profile()
        if profile is not None and getattr(profile, "first_sync_confirmed", False):
            return True
        with self._store() as store:
            return store is not None and store.last_run() is not None

    def confirm_first_sync(self) -> None:
        profile = self.require_profile()
        profile.first_sync_confirmed = True
        ProfileStore(self.paths).save(profile)

    def entity_choices(self) -> list[tuple[str, str, bool, bool]]:
        """(entity, direction, enabled now, enabled by default) of every entity this configuration can sync, in run
        order (settings window). Opt-in entities (the catalogue) are listed too, unticked until chosen."""
        from core.mapping.table import load_mapping
        from core.sync import registry

        profile = self.require_profile()
        table = load_mapping(profile.onec_profile)
        enabled = {cls.entity for cls in registry.enabled(table, profile.entities or None)}
        mapped = registry.ordered([cls for cls in registry.PIPELINES if cls.entity in table])
        return [(cls.entity, cls.direction, cls.entity in enabled, cls.enabled_by_default) for cls in mapped]

    def set_autostart(self, enabled: bool) -> str:
        """Start with the user's session (Windows Run key / XDG autostart file); saved in the profile as well."""
        from core.service.autostart import set_autostart

        explicit_home = str(self.paths.home) if os.environ.get("SYNCBRIDGE_HOME") else None
        where = set_autostart(enabled, home=explicit_home)
        profile = self.profile()
        if profile is not None and profile.autostart != enabled:
            profile.autostart = enabled
            ProfileStore(self.paths).save(profile)
        return where

    # ==== schedule ================================================================================================
    def schedule_policy(self) -> SchedulePolicy:
        profile = self.profile()
        return SchedulePolicy.from_profile(profile) if profile else SchedulePolicy()

    def pause_for(self, hours: float, now: datetime | None = None) -> datetime:
        profile = self.require_profile()
        until = (now or datetime.now()) + timedelta(hours=hours)
        profile.paused_until = until.isoformat(timespec="minutes")
        ProfileStore(self.paths).save(profile)
        return until

    def resume(self) -> None:
        profile = self.require_profile()
        profile.paused_until = ""
        ProfileStore(self.paths).save(profile)

    # ==== status ==================================================================================================
    def status(self) -> StatusInfo:
        profile = self.profile()
        info = StatusInfo(configured=profile is not None, home=str(self.paths.home))
        if profile is not None:
            info.onec_url = mask_url(profile.onec_url)
            info.bitrix24_url = profile.bitrix24_url
            info.schedule_minutes = profile.schedule_minutes
            paused = getattr(profile, "paused_until", "")
            info.paused_until = datetime.fromisoformat(paused) if paused else None
        with self._store() as store:
            if store is None:
                return info
            info.last_run = store.last_run()
            info.queue = store.outbox_counts()
            run_id = info.last_run.id if info.last_run else None
            info.problems = store.journal(limit=20, problems_only=True, run_id=run_id)
            info.duplicates_open = len(store.open_duplicates())
            info.conflicts = store.conflicts()
            info.conflicts_open = len(info.conflicts)
        return info

    def last_run(self) -> Any:
        with self._store() as store:
            return store.last_run() if store is not None else None

    # ==== journal =================================================================================================
    def journal(self, query: JournalQuery | None = None) -> JournalPage:
        query = query or JournalQuery()
        with self._store() as store:
            if store is None:
                return JournalPage(rows=[], total=0, query=query)
            filters = _journal_filters(query)
            entries = store.journal_search(limit=query.limit, offset=query.offset, sort=query.sort,
                                           descending=query.descending, **filters)
            total = store.journal_count(**filters)
            entities = store.journal_entities()
        base = self._portal_base()
        return JournalPage(rows=[self._row(entry, base) for entry in entries], total=total, query=query,
                           entities=entities)

    def export_journal_csv(self, path: str | Path, query: JournalQuery | None = None) -> int:
        """Every line matching ``query`` (all pages) into a CSV file Excel opens (UTF-8 with BOM, «;»)."""
        query = query or JournalQuery()
        written = 0
        base = self._portal_base()
        with self._store() as store, open(path, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out, delimiter=";")
            writer.writerow(["Время", "Объект", "Название", "Действие", "1С", "Ссылка 1С", "ID в Битрикс24",
                             "Карточка в Битрикс24", "Причина"])
            if store is None:
                return 0
            filters = _journal_filters(query)
            offset = 0
            while True:
                chunk = store.journal_search(limit=1000, offset=offset, sort=query.sort,
                                             descending=query.descending, **filters)
                for entry in chunk:
                    row = self._row(entry, base)
                    writer.writerow([_local(entry.ts).strftime("%d.%m.%Y %H:%M:%S"),
                                     ENTITY_LABELS.get(entry.entity, entry.entity), entry.title,
                                     ACTION_LABELS.get(entry.action, entry.action), row.onec_label,
                                     entry.onec_ref or "", entry.b24_id or "", row.portal_url or "",
                                     entry.reason_text])
                written += len(chunk)
                offset += len(chunk)
                if len(chunk) < 1000:
                    break
        return written

    def _row(self, entry: Any, base: str | None) -> JournalRow:
        params = entry.reason_params or {}
        inn = params.get("inn")
        label = f"ИНН {inn}" if inn and inn != "—" else _short_ref(entry.onec_ref)
        url = None
        card = ENTITY_CARDS.get(entry.entity)
        if base and entry.b24_id and card:
            url = base + B24_CARD_PATHS[card].format(id=entry.b24_id)
        return JournalRow(entry=entry, onec_label=label, portal_url=url, inn=inn if inn and inn != "—" else "")

    def _portal_base(self) -> str | None:
        try:
            profile = self.profile()
        except ConfigError:
            return None
        return profile.bitrix24_url.rstrip("/") + "/" if profile and profile.bitrix24_url else None

    def portal_card_url(self, b24_type: str, b24_id: str) -> str | None:
        base = self._portal_base()
        path = B24_CARD_PATHS.get(b24_type)
        return base + path.format(id=b24_id) if base and path else None

    # ==== review: duplicates and conflicts =======================================================================
    def duplicates(self, status: str | None = "open") -> list[Any]:
        with self._store() as store:
            return store.duplicates(status) if store is not None else []

    def dismiss_duplicate(self, item_id: int) -> Any:
        from core.service.review import dismiss

        return dismiss(self, item_id)

    def link_duplicate(self, item_id: int) -> Any:
        from core.service.review import link_to_portal_company

        return link_to_portal_company(self, item_id)

    def merge_duplicate(self, item_id: int) -> Any:
        from core.service.review import merge_in_portal

        return merge_in_portal(self, item_id)

    def conflicts(self, status: str | None = "open") -> list[Any]:
        with self._store() as store:
            return store.conflicts(status) if store is not None else []

    def resolve_conflict(self, item_id: int, side: str) -> None:
        """A person decided a conflict: ``side`` "source" keeps the change the pipeline wanted to write (it is
        applied by the pipeline that filed the conflict on its next run), "target" keeps what the other system
        holds. The conflict leaves the list; the decision is journaled."""
        if side not in ("source", "target"):
            raise ValueError(side)
        with self._store(create=True) as store:
            item = next((c for c in store.conflicts() if c.id == item_id), None)
            if item is None:
                raise SyncBridgeError("Этот конфликт уже решён.", "Обновите список.")
            store.resolve_conflict(item_id, "resolved" if side == "source" else "dismissed")
            kept = "изменение источника" if side == "source" else "версия другой системы"
            store.journal_add(run_id=None, entity=item.entity, direction="", action="review", reason_code="review",
                              reason_params={"text": f"конфликт «{item.title}»: оставлена {kept}"},
                              onec_ref=item.target_id if item.entity == "sales_order" else item.key,
                              title=item.title)

    def attention_count(self) -> int:
        """Items waiting for a person: open duplicates and conflicts."""
        with self._store() as store:
            if store is None:
                return 0
            return len(store.open_duplicates()) + len(store.conflicts())

    def restore_state_backup(self) -> tuple[str, str | None]:
        """Put the newest sound backup of the state database in place; the damaged file is kept beside it.
        Returns (backup file name, name the damaged file was kept under or None)."""
        from core.state.health import restore_backup

        backup, moved = restore_backup(self.paths.state_db)
        return backup.name, moved.name if moved else None

    # ==== overview ================================================================================================
    def overview(self, runs: int = 20, *, ask_portal: bool = False) -> Overview:
        """Per entity: 1C records seen by the last poll, portal records (asked live when ``ask_portal``, else the
        linked ones), linked, waiting in the outbox, failed in the last run; and the last runs."""
        overview = self._overview_from_store(runs)
        if ask_portal:
            totals = self._portal_totals([e.entity for e in overview.entities])
            for row in overview.entities:
                row.in_portal = totals.get(row.entity, row.in_portal)
        return overview

    def _portal_totals(self, entities: list[str]) -> dict[str, int | None]:
        """How many records the portal holds per entity (one cheap list call each); None when it cannot say."""
        from core.connections import open_bitrix24

        methods = {"counterparty": "crm.company.list", "contact": "crm.contact.list"}
        totals: dict[str, int | None] = {}
        wanted = [e for e in entities if e in methods]
        if not wanted:
            return totals
        try:
            client = open_bitrix24(self.require_profile(), self.credentials)
        except SyncBridgeError:
            return {e: None for e in wanted}
        try:
            for entity in wanted:
                try:
                    answer = client.call_raw(methods[entity], {"select": ["ID"], "start": 0})
                    totals[entity] = int(answer.get("total", len(answer.get("result") or [])))
                except SyncBridgeError as exc:
                    log.info("portal total of %s unknown: %s", entity, exc.message)
                    totals[entity] = None
        finally:
            client.close()
        return totals

    def _overview_from_store(self, runs: int) -> Overview:
        with self._store() as store:
            if store is None:
                return Overview(entities=[], runs=[])
            links = store.link_counts()
            seen = store.version_counts("onec")
            outbox = store.outbox_counts_by_entity()
            last = store.last_run()
            failed: dict[str, int] = {}
            if last is not None:
                for entry in store.journal_search(run_id=last.id, actions=("fail",), limit=100_000):
                    failed[entry.entity] = failed.get(entry.entity, 0) + 1
            entities = sorted(set(links) | set(seen) | set(outbox) | set(failed))
            rows = [EntityOverview(entity=e, in_onec=seen.get(e, 0), in_portal=links.get(e, 0),
                                   linked=links.get(e, 0),
                                   waiting=sum(n for s, n in outbox.get(e, {}).items() if s != "failed"),
                                   failed=failed.get(e, 0)) for e in entities]
            points = [RunPoint(id=r.id, started_at=r.started_at, status=r.status,
                               records=sum(int(r.counts.get(k, 0)) for k in ("created", "updated", "linked",
                                                                              "marked")),
                               errors=int(r.counts.get("failed", 0)))
                      for r in reversed(store.runs(limit=runs)) if not r.dry_run]
            return Overview(entities=rows, runs=points, duplicates_open=len(store.open_duplicates()),
                            conflicts_open=len(store.conflicts()))

    def reconciliation_html(self) -> str:
        """The reconciliation report (Russian HTML): the GUI saves it as HTML or prints it to PDF."""
        from core.service.report import reconciliation_html

        return reconciliation_html(self.overview(ask_portal=True), self.status(), self.duplicates(), self.conflicts())

    # ==== demo ====================================================================================================
    @staticmethod
    def demo(base_paths: AppPaths) -> Any:
        """A demo environment (sandbox servers + a profile); ``start()`` returns the demo home's AppPaths."""
        from core.sandbox.demo import DemoEnvironment

        return DemoEnvironment(base_paths)

    # ==== helpers =================================================================================================
    @contextmanager
    def _store(self, create: bool = False) -> Iterator[Any]:
        from core.state.store import StateStore

        if not create and not self.paths.state_db.exists():
            yield None  # nothing synced yet: do not create an empty database just to look at it
            return
        store = StateStore.open(self.paths.state_db)
        try:
            yield store
        finally:
            store.close()


def _journal_filters(query: JournalQuery) -> dict[str, Any]:
    def utc(day: Any, end: bool) -> str | None:
        if day is None:
            return None
        moment = datetime.combine(day + timedelta(days=1) if end else day, time(0, 0)).astimezone()
        return moment.astimezone(UTC).isoformat(timespec="seconds")

    return {"run_id": query.run_id, "problems_only": query.problems_only, "text": query.text,
            "entities": tuple(query.entities), "actions": tuple(query.actions),
            "since": utc(query.date_from, False), "until": utc(query.date_to, True)}


def _local(moment: datetime) -> datetime:
    return moment.astimezone() if moment.tzinfo else moment


def _short_ref(ref: str | None) -> str:
    if not ref:
        return ""
    return ref.split("-")[0] + "…" if len(ref) > 12 and "-" in ref else ref


__all__ = ["SyncService", "run_status_text"]
