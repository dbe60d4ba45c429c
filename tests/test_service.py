"""The service facade (core/service): schedule policy, whole-run progress, journal queries and CSV, conflicts,
review decisions against the sandbox portal (crm.entity.mergeBatch with its CONFLICT answer), the service loop
surviving any failure, and a Stop honoured within a second during a long (rate-limited) lookup."""

from __future__ import annotations

import csv
import threading
import time
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from core.errors import ConnectionFailed
from core.service import JournalQuery, SchedulePolicy, SyncService
from core.service.loop import run_schedule
from core.service.progress import ProgressTracker
from core.state.store import StateStore
from core.sync.context import Progress

# ---- schedule ---------------------------------------------------------------------------------------------------


def test_retry_policy_backs_off_up_to_the_interval() -> None:
    policy = SchedulePolicy(interval_s=15 * 60)
    assert [policy.retry_delay(n) for n in range(6)] == [900, 60, 120, 240, 480, 900]


def test_working_hours_and_pause_move_the_next_run() -> None:
    from datetime import time as clock

    policy = SchedulePolicy(interval_s=600, work_start=clock(8, 0), work_end=clock(19, 0))
    evening = datetime(2026, 12, 1, 18, 55)
    assert policy.in_working_hours(evening)
    # the next run would be 19:05: out of hours, so it moves to 08:00 next morning
    assert policy.next_delay(0, evening) == pytest.approx((datetime(2026, 12, 2, 8, 0) - evening).total_seconds())
    night = SchedulePolicy(interval_s=600, work_start=clock(22, 0), work_end=clock(6, 0))
    assert night.in_working_hours(datetime(2026, 12, 1, 23, 0)) and not night.in_working_hours(
        datetime(2026, 12, 1, 12, 0))
    paused = SchedulePolicy(interval_s=600, paused_until=datetime(2026, 12, 1, 14, 0))
    assert paused.wait_until_allowed(datetime(2026, 12, 1, 12, 0)) == 7200
    assert paused.wait_until_allowed(datetime(2026, 12, 1, 14, 1)) == 0


def test_pause_for_hours_is_kept_in_the_profile(home: Any) -> None:
    from core.profile import Profile, ProfileStore

    ProfileStore(home).save(Profile(onec_url="http://srv/ut11/odata/standard.odata/", onec_user="u",
                                    bitrix24_url="https://portal.example.ru"))
    service = SyncService(home)
    now = datetime(2026, 12, 1, 10, 0)
    service.pause_for(3, now=now)
    assert service.schedule_policy().paused_until == datetime(2026, 12, 1, 13, 0)
    service.resume()
    assert service.schedule_policy().paused_until is None


# ---- progress ---------------------------------------------------------------------------------------------------


def test_progress_is_for_the_whole_run_with_speed_and_time_left() -> None:
    now = [0.0]
    tracker = ProgressTracker(clock=lambda: now[0])
    first = tracker.update(Progress("Поиск", 0, 2000, "counterparty", {"seen": 5000, "unchanged": 1000}))
    assert (first.done, first.total, first.rate) == (1000, 5000, None)
    now[0] = 10.0
    # the engine's slice counter restarts at 0; the whole-run figure does not
    later = tracker.update(Progress("Запись", 0, 2000, "counterparty",
                                    {"seen": 5000, "unchanged": 1000, "created": 1500, "linked": 500}))
    assert (later.done, later.total, later.stage_done, later.entity) == (3000, 5000, 0, "counterparty")
    assert later.rate == pytest.approx(200.0)
    assert later.eta_s == pytest.approx(10.0)


# ---- journal ----------------------------------------------------------------------------------------------------


def _journal(home: Any, n: int) -> None:
    store = StateStore.open(home.state_db)
    run = store.start_run("manual", False)
    for i in range(n):
        store.journal_add(run_id=run, entity="counterparty", direction="1c->b24",
                          action="fail" if i % 10 == 0 else "create", reason_code="created",
                          reason_params={"inn": f"77{i:08d}"}, onec_ref=f"ref-{i}", b24_id=str(100 + i),
                          title=f"ООО «Ромашка {i}»")
    store.finish_run(run, "partial", {"created": n})
    store.close()


def test_journal_query_filters_sorts_pages_and_exports(home: Any, tmp_path: Any) -> None:
    _journal(home, 1234)
    service = SyncService(home)
    page = service.journal(JournalQuery(limit=100))
    assert page.total == 1234 and len(page.rows) == 100
    assert page.rows[0].title == "ООО «Ромашка 1233»"  # newest first
    assert service.journal(JournalQuery(problems_only=True, limit=1000)).total == 124
    assert service.journal(JournalQuery(text="ромашка 12", limit=1000)).total == 1 + 10 + 34  # 12, 12x, 12xx
    assert service.journal(JournalQuery(text="7700000042")).rows[0].title == "ООО «Ромашка 42»"
    by_title = service.journal(JournalQuery(sort="title", descending=False, limit=3))
    assert [r.title for r in by_title.rows] == ["ООО «Ромашка 0»", "ООО «Ромашка 1000»", "ООО «Ромашка 1001»"]
    last = service.journal(JournalQuery(limit=100, offset=1200))
    assert len(last.rows) == 34
    today = date.today()
    assert service.journal(JournalQuery(date_from=today, date_to=today)).total == 1234
    assert service.journal(JournalQuery(date_to=today - timedelta(days=1))).total == 0
    target = tmp_path / "j.csv"
    assert service.export_journal_csv(target, JournalQuery(problems_only=True)) == 124
    rows = list(csv.reader(target.open(encoding="utf-8-sig"), delimiter=";"))
    assert len(rows) == 125 and rows[1][3] == "Ошибка" and rows[1][4].startswith("ИНН 77")


def test_conflicts_from_the_pipelines_are_decided_through_the_facade(home: Any) -> None:
    store = StateStore.open(home.state_db)
    assert store.add_conflict(entity="sales_order", key="7", target_id="ref-1", title="Сделка № 7",
                              reason="заказ уже отгружен", ours={"сумма": "10,00"}, theirs={"сумма": "5,00"})
    store.close()
    service = SyncService(home)
    [item] = service.conflicts()
    assert (item.ours, item.theirs) == ({"сумма": "10,00"}, {"сумма": "5,00"})
    assert service.attention_count() == 1 and service.status().conflicts_open == 1
    service.resolve_conflict(item.id, "target")
    assert service.conflicts() == [] and service.attention_count() == 0
    page = service.journal(JournalQuery(actions=("review",)))
    assert page.total == 1 and "оставлена версия другой системы" in page.rows[0].reason_text
    with pytest.raises(Exception, match="уже решён"):
        service.resolve_conflict(item.id, "source")


# ---- service loop -----------------------------------------------------------------------------------------------


class _FlakyService:
    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self.calls = 0

    def schedule_policy(self) -> SchedulePolicy:
        return SchedulePolicy(interval_s=0.05, first_retry_s=0.01)

    def run_once(self, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls == 1:
            raise ConnectionFailed("Сервер 1С не отвечает.")
        if self.calls == 2:
            raise KeyError("ошибка в программе")  # a bug must not end the service
        if self.calls >= 3:
            self.stop.set()

        class Report:
            def summary_text(self) -> str:
                return "Синхронизация завершена."

        return Report()


def test_service_loop_survives_any_exception_and_backs_off() -> None:
    stop = threading.Event()
    service = _FlakyService(stop)
    said: list[str] = []
    thread = threading.Thread(target=run_schedule, args=(service, stop, said.append))
    thread.start()
    thread.join(10)
    assert not thread.is_alive() and service.calls == 3
    assert "Сервер 1С не отвечает." in said[0] and "Повтор через" in said[0]
    assert "Непредвиденная ошибка (KeyError)" in said[1]
    assert said[2].endswith("Синхронизация завершена.")


# ---- against the sandbox servers --------------------------------------------------------------------------------


@pytest.fixture
def demo(home: Any) -> Any:
    environment = SyncService.demo(home)
    yield environment
    environment.stop()


@pytest.mark.integration
def test_stop_during_a_long_lookup_is_honoured_within_a_second(home: Any) -> None:
    from core.sandbox.demo import DemoEnvironment

    # a portal that allows one request every 10 seconds: every lookup batch waits in the client's throttle
    environment = DemoEnvironment(home, rate=0.1, burst=3)
    try:
        service = SyncService(environment.start())
        cancel = threading.Event()
        stages: list[Any] = []
        result: dict[str, Any] = {}

        def run() -> None:
            result["report"] = service.run_once(progress=stages.append, cancel=cancel)

        thread = threading.Thread(target=run)
        thread.start()
        deadline = time.monotonic() + 30
        while not any("Поиск" in p.stage or "Запись" in p.stage for p in stages) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert stages, "the run never reached the portal"
        time.sleep(0.5)  # now inside a throttle wait
        pressed = time.monotonic()
        cancel.set()
        thread.join(10)
        assert not thread.is_alive()
        took = time.monotonic() - pressed
        # typically 0.2-0.6 s; room for a loaded machine, far below the 10 s pacing an ignored Stop would sit out
        assert took < 2.5, took
        report = result["report"]
        assert report.status == "cancelled"
        assert service.last_run().status == "cancelled"  # recorded as stopped, never as an error
        last = [p for p in stages if p.entity][-1]
        assert last.total == 25 and last.entity == "counterparty"  # 24 counterparties + a folder
    finally:
        environment.stop()


@pytest.mark.integration
def test_preview_then_review_decisions_against_the_sandbox(demo: Any) -> None:
    service = SyncService(demo.start())
    preview = service.preview()
    by_entity = {e.entity: e for e in preview.entities}
    assert set(by_entity) >= {"counterparty", "contact"}  # one line per entity, in run order
    entity = by_entity["counterparty"]
    assert entity.create > 10 and entity.link >= 1 and entity.duplicates >= 1
    assert entity.invalid == len(entity.problems)  # the demo 1C has no broken cards
    assert not service.duplicates()  # a dry run writes nothing, not even the review list
    assert not service.first_sync_confirmed()
    service.confirm_first_sync()
    assert service.first_sync_confirmed()

    service.run_once()
    dups = service.duplicates()
    dup = next(d for d in dups if d.b24_title == "ТехПром Москва")
    assert dup.onec_title == "ООО «ТехПром»"
    assert service.attention_count() == len(dups)
    assert service.portal_card_url("company", dup.b24_id).endswith(f"/crm/company/details/{dup.b24_id}/")

    # the two cards carry different titles: the portal answers CONFLICT and nothing changes
    outcome = service.merge_duplicate(dup.id)
    assert not outcome.ok and outcome.url and "/crm/company/merge/?id=" in outcome.url
    assert service.duplicates() and int(dup.b24_id) in {int(c["ID"]) for c in demo.bitrix24.entities("company")}

    # "link to this company": the manager's card stays; ours is merged into it once the titles agree
    ours = _link_of(service, dup.onec_ref)
    demo.bitrix24.portal.companies.records[int(dup.b24_id)]["TITLE"] = "ООО «ТехПром»"
    outcome = service.link_duplicate(dup.id)
    assert outcome.ok, outcome.message
    companies = {c["ID"]: c for c in demo.bitrix24.entities("company")}
    assert ours not in companies and dup.b24_id in companies  # ours was merged away
    assert _link_of(service, dup.onec_ref) == dup.b24_id
    requisites = [r for r in demo.bitrix24.entities("requisite") if r["ENTITY_ID"] == dup.b24_id]
    assert requisites and requisites[0]["RQ_INN"]  # the requisites moved with the merge
    assert dup.id not in {d.id for d in service.duplicates()}
    assert service.attention_count() == len(dups) - 1
    # the next sync keeps mirroring into the linked company, without creating a new one
    service.run_once()
    assert len(demo.bitrix24.entities("company")) == len(companies)
    assert len(service.duplicates()) == len(dups) - 1


@pytest.mark.integration
def test_not_a_duplicate_is_remembered(demo: Any) -> None:
    service = SyncService(demo.start())
    service.run_once()
    dups = service.duplicates()
    dup = dups[0]
    assert service.dismiss_duplicate(dup.id).ok
    assert len(service.duplicates()) == len(dups) - 1
    # the record changes in 1C and is synced again: the dismissed pair is not offered again
    store = StateStore.open(service.paths.state_db)
    store.forget_version("onec", "counterparty", dup.onec_ref)
    store.close()
    service.run_once()
    assert dup.onec_ref not in {d.onec_ref for d in service.duplicates()}


def _link_of(service: SyncService, ref: str) -> str:
    store = StateStore.open(service.paths.state_db)
    try:
        link = store.get_link("counterparty", ref, "company")
        assert link is not None
        return link.b24_id
    finally:
        store.close()


@pytest.mark.integration
def test_stop_cuts_a_request_to_a_silent_portal(home: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A portal that holds its answer for 20 s: Stop still ends the call within a second (not the read timeout)."""
    from core.bitrix24.client import Bitrix24Client
    from core.errors import Cancelled
    from core.sandbox.bitrix24 import server as b24_server
    from core.sandbox.bitrix24.server import Bitrix24Sandbox

    monkeypatch.setattr(b24_server, "SLOW_ANSWER_SECONDS", 20.0)
    sandbox = Bitrix24Sandbox(cert_dir=home.data_dir / "b24", rate=50, burst=500)
    sandbox.start()
    try:
        cancel = threading.Event()
        client = Bitrix24Client(sandbox.webhook_url, ca_file=sandbox.ca_file, cancel=cancel)
        sandbox.inject_fault("profile", "slow_after_write")
        outcome: dict[str, Any] = {}

        def call() -> None:
            try:
                client.call("profile")
            except BaseException as exc:
                outcome["error"] = exc

        thread = threading.Thread(target=call)
        thread.start()
        time.sleep(0.5)  # the request is out, the portal is silent
        pressed = time.monotonic()
        cancel.set()
        thread.join(5)
        assert not thread.is_alive()
        took = time.monotonic() - pressed
        assert took < 2.5, took  # the portal holds its answer 20 s
        assert isinstance(outcome.get("error"), Cancelled)
        client.close()
    finally:
        sandbox.stop()


def test_a_reader_and_a_starting_sync_open_a_new_state_database_at_once(tmp_path: Any) -> None:
    """The window's live journal read and a sync starting both open a brand-new database: one migrates, the other
    sees it migrated (this raced into 'table links already exists' = "database damaged")."""
    for attempt in range(15):
        db = tmp_path / f"s{attempt}" / "state.sqlite3"
        errors: list[BaseException] = []
        start = threading.Barrier(4)

        def open_it(db: Any = db, errors: list[BaseException] = errors, start: threading.Barrier = start) -> None:
            start.wait()
            try:
                StateStore.open(db).close()
            except BaseException as exc:  # the test collects whatever went wrong
                errors.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert errors == []
