"""The vertical slice end to end: sandbox 1C (OData) → SyncRunner → sandbox Bitrix24 (HTTPS REST)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from core.paths import AppPaths
from core.profile import Profile
from core.sandbox.bitrix24.server import Bitrix24Sandbox
from core.sandbox.onec.server import OneCSandbox
from core.setup_service import apply_setup
from core.state.store import StateStore
from core.sync.runner import SyncRunner

pytestmark = pytest.mark.integration

CP = "Catalog_Контрагенты"
ACCOUNTS = "Catalog_БанковскиеСчетаКонтрагентов"
USER, PASSWORD = "Интеграция", "пароль-1С"
WRITE_PREFIXES = (".add", ".update", ".delete", ".set")
ZERO_GUID = "00000000-0000-0000-0000-000000000000"


def branch_and_head(rows: list[dict]) -> tuple[dict, dict]:
    """A branch of the seed (ГоловнойКонтрагент points to another card; on head offices it points to itself)."""
    branch = next(r for r in rows if r["ГоловнойКонтрагент_Key"] not in (r["Ref_Key"], ZERO_GUID))
    return branch, next(r for r in rows if r["Ref_Key"] == branch["ГоловнойКонтрагент_Key"])


class Slice:
    def __init__(self, paths: AppPaths, onec: OneCSandbox, b24: Bitrix24Sandbox) -> None:
        self.paths, self.onec, self.b24 = paths, onec, b24

    def sync(self, **kwargs):
        return SyncRunner(self.paths).run_once(**kwargs)

    def b24_writes(self, since: int = 0) -> list[str]:
        return [m for m in self.b24.request_log()[since:] if m.split(":")[-1].endswith(WRITE_PREFIXES)]

    def companies_by_origin(self) -> dict[str, dict]:
        return {c["ORIGIN_ID"]: c for c in self.b24.entities("company") if c.get("ORIGIN_ID")}

    def cp(self, description: str) -> dict:
        return next(r for r in self.onec.rows(CP) if r["Description"] == description)

    def store(self) -> StateStore:
        return StateStore.open(self.paths.state_db)


@pytest.fixture
def world(home: AppPaths, tmp_path) -> Iterator[Slice]:
    onec = OneCSandbox(users={USER: PASSWORD})
    # a generous bucket keeps the suite fast; the default 2/s + 50 is exercised by the demo and the benchmark
    b24 = Bitrix24Sandbox(cert_dir=tmp_path / "b24", rate=50, burst=500)
    onec.start()
    b24.start()
    # counterparties alone: contact persons (which follow them) have their own tests (test_sync_contacts.py)
    profile = Profile(onec_url=onec.url, onec_user=USER, bitrix24_url="https://127.0.0.1",
                      bitrix24_ca_file=str(b24.ca_file), bitrix24_rate=50, bitrix24_burst=500,
                      entities=["counterparty"])
    apply_setup(home, profile, PASSWORD, b24.webhook_url)
    try:
        yield Slice(home, onec, b24)
    finally:
        onec.stop()
        b24.stop()


def test_first_sync_creates_companies_with_requisites_and_bank_details(world: Slice):
    report = world.sync()
    assert report.failed == 0 and report.exit_code == 0
    active = [r for r in world.onec.rows(CP) if not r["DeletionMark"]]
    by_origin = world.companies_by_origin()
    assert set(by_origin) == {r["Ref_Key"] for r in active}
    assert {c["ORIGINATOR_ID"] for c in by_origin.values()} == {"1C:ut11"}

    requisites = {r["XML_ID"]: r for r in world.b24.entities("requisite") if r.get("XML_ID")}
    techprom = world.cp("ООО «ТехПром»")
    company = by_origin[techprom["Ref_Key"]]
    requisite = requisites[techprom["Ref_Key"]]
    assert (requisite["RQ_INN"], requisite["RQ_KPP"]) == ("7728145639", "772801001")
    assert str(requisite["ENTITY_ID"]) == str(company["ID"]) and str(requisite["PRESET_ID"]) == "1"
    assert requisite["RQ_COMPANY_FULL_NAME"] == techprom["НаименованиеПолное"]
    techprom_accounts = [a for a in world.onec.rows(ACCOUNTS) if a["Owner"] == techprom["Ref_Key"]
                         and not a["DeletionMark"]]
    bankdetails = [b for b in world.b24.entities("bankdetail") if str(b["ENTITY_ID"]) == str(requisite["ID"])]
    assert len(techprom_accounts) == 2
    assert {b["RQ_ACC_NUM"] for b in bankdetails} == {a["НомерСчета"] for a in techprom_accounts}
    assert all(len(b["RQ_BIK"]) == 9 and b["RQ_COR_ACC_NUM"].startswith("30101") for b in bankdetails)
    assert company["PHONE"] and company["EMAIL"]
    # every open account of every synced counterparty arrives, including bank details typed in by hand in 1C
    active_refs = {r["Ref_Key"] for r in active}
    open_accounts = [a for a in world.onec.rows(ACCOUNTS) if a["Owner"] in active_refs and not a["DeletionMark"]
                     and not a["Закрыт"]]
    all_details = world.b24.entities("bankdetail")
    assert {b["XML_ID"] for b in all_details} == {a["Ref_Key"] for a in open_accounts}
    assert all(len(b["RQ_BIK"]) == 9 and b["RQ_BANK_NAME"] for b in all_details)

    # sole proprietors get the ИП preset and ОГРНИП
    ip = next(r for r in active if r["ЮрФизЛицо"] == "ИндивидуальныйПредприниматель")
    assert str(requisites[ip["Ref_Key"]]["PRESET_ID"]) == "2"


def test_techprom_case_links_by_inn_and_reports_the_duplicate(world: Slice):
    before = {c["TITLE"]: c for c in world.b24.entities("company")}
    world.sync()
    companies = world.b24.entities("company")
    # УЗМК existed in the portal with the same ИНН: linked, not duplicated
    with_inn = [r for r in world.b24.entities("requisite") if r.get("RQ_INN") == "6671039180"]
    assert len(with_inn) == 1
    uzmk = next(c for c in companies if str(c["ID"]) == str(before["УЗМК"]["ID"]))
    assert uzmk["ORIGIN_ID"] == world.cp("Уральский завод металлоконструкций")["Ref_Key"]
    # «ТехПром Москва» (no ИНН) is untouched and listed for review
    moscow = next(c for c in companies if str(c["ID"]) == str(before["ТехПром Москва"]["ID"]))
    assert not moscow.get("ORIGIN_ID") and moscow["TITLE"] == "ТехПром Москва"
    store = world.store()
    dups = {(d.onec_title, d.b24_title) for d in store.open_duplicates()}
    assert ("ООО «ТехПром»", "ТехПром Москва") in dups
    reasons = {e.reason_code for e in store.journal(limit=1000)}
    assert {"linked_by_inn", "probable_duplicate", "created"} <= reasons


def test_second_sync_writes_nothing(world: Slice):
    world.sync()
    mark = len(world.b24.request_log())
    onec_mark = len(world.onec.request_log())
    report = world.sync()
    assert (report.created, report.updated, report.linked, report.failed) == (0, 0, 0, 0)
    assert world.b24_writes(mark) == []
    assert world.b24.request_log()[mark:] == []  # not even a lookup
    assert len(world.onec.request_log()) - onec_mark == 2  # two light polls


def test_changed_counterparty_is_updated_not_recreated(world: Slice):
    world.sync()
    techprom = world.cp("ООО «ТехПром»")
    company = world.companies_by_origin()[techprom["Ref_Key"]]
    company_count = len(world.b24.entities("company"))
    # a manager adds a phone in the portal; the accountant changes the КПП and the phone in 1C
    client_phone = "+7 (916) 000-11-22"
    from core.bitrix24.client import Bitrix24Client

    with Bitrix24Client(world.b24.webhook_url, ca_file=world.b24.ca_file, rate=50, burst=500) as client:
        client.call("crm.company.update", {"id": company["ID"], "fields": {"PHONE": [{"VALUE": client_phone,
                                                                                      "VALUE_TYPE": "MOBILE"}]}})
    old_phone = next(line["НомерТелефона"] for line in techprom["КонтактнаяИнформация"] if line["Тип"] == "Телефон")
    contact_info = [dict(line) for line in techprom["КонтактнаяИнформация"]]
    for line in contact_info:
        if line["Тип"] == "Телефон" and line["НомерТелефона"] == old_phone:
            line["НомерТелефона"] = line["Представление"] = "+7 (495) 222-33-44"
    world.onec.modify(CP, techprom["Ref_Key"], КПП="772801002", КонтактнаяИнформация=contact_info)

    report = world.sync()
    assert (report.updated, report.created) == (1, 0)
    assert len(world.b24.entities("company")) == company_count
    company = world.companies_by_origin()[techprom["Ref_Key"]]
    phones = [p["VALUE"] for p in company["PHONE"]]
    assert "+74952223344" in phones and client_phone in phones
    assert old_phone not in phones  # the value we wrote earlier and 1C dropped is removed
    requisite = next(r for r in world.b24.entities("requisite") if r.get("XML_ID") == techprom["Ref_Key"])
    assert requisite["RQ_KPP"] == "772801002"
    [entry] = [e for e in world.store().journal(limit=5) if e.action == "update"]
    assert "КПП" in entry.reason_text and "телефоны" in entry.reason_text


def test_version_bump_without_changes_writes_nothing(world: Slice):
    world.sync()
    ref = world.cp("ООО «ТехПром»")["Ref_Key"]
    world.onec.modify(CP, ref, Description="ООО «ТехПром»")  # re-saved in 1C: DataVersion bumps
    mark = len(world.b24.request_log())
    report = world.sync()
    assert report.updated == 0 and world.b24.request_log()[mark:] == []
    assert world.store().journal(limit=1)[0].reason_code == "skip_same_payload"


@pytest.mark.parametrize("fault", ["html_502_after_write", "reset_after_write"])
def test_lost_answer_is_recovered_without_duplicates(world: Slice, fault: str):
    world.b24.inject_fault("batch:crm.company.add", fault)
    # the first write batch stores its records and then loses the answer
    report = world.sync()
    assert report.failed == 0
    by_origin = world.companies_by_origin()
    active = [r for r in world.onec.rows(CP) if not r["DeletionMark"]]
    assert set(by_origin) == {r["Ref_Key"] for r in active}
    origins = [c["ORIGIN_ID"] for c in world.b24.entities("company") if c.get("ORIGIN_ID")]
    assert len(origins) == len(set(origins)), "a lost answer must never produce a second company"
    xml_ids = [r["XML_ID"] for r in world.b24.entities("requisite") if r.get("XML_ID")]
    assert len(xml_ids) == len(set(xml_ids))
    assert "answer_lost_recovered" in {e.reason_code for e in world.store().journal(limit=1000)}
    assert world.store().outbox() == []
    mark = len(world.b24.request_log())
    world.sync()
    assert world.b24_writes(mark) == []


def test_lost_local_state_does_not_duplicate(world: Slice):
    world.sync()
    count = len(world.b24.entities("company"))
    world.paths.state_db.unlink()
    for suffix in ("-wal", "-shm"):
        world.paths.state_db.with_name(world.paths.state_db.name + suffix).unlink(missing_ok=True)
    report = world.sync()
    assert report.created == 0 and report.linked > 0
    assert len(world.b24.entities("company")) == count


def test_dry_run_writes_nothing(world: Slice):
    before = len(world.b24.entities("company"))
    report = world.sync(dry_run=True)
    assert world.b24_writes() == []
    assert len(world.b24.entities("company")) == before
    assert report.counts["planned_create"] > 0 and report.counts["planned_link"] == 1
    assert any(line["duplicates"] == ["ТехПром Москва"] for line in report.planned)
    conn = sqlite3.connect(world.paths.state_db)
    assert conn.execute("SELECT COUNT(*) FROM links").fetchone()[0] == 0
    # a real sync afterwards still does everything
    assert world.sync().created == report.counts["planned_create"]


def test_invalid_inn_is_journaled_and_not_sent(world: Slice):
    ref = world.cp("ООО «ТехПром»")["Ref_Key"]
    world.onec.modify(CP, ref, ИНН="7728145630")
    report = world.sync()
    assert report.failed == 1 and report.exit_code == 1
    assert ref not in world.companies_by_origin()
    [entry] = [e for e in world.store().journal(problems_only=True, limit=10) if e.action == "fail"]
    assert "контрольного числа" in entry.reason_text and entry.title == "ООО «ТехПром»"


def test_deletion_mark_keeps_the_company_and_comments(world: Slice):
    world.sync()
    ref = world.cp("ООО «ТехПром»")["Ref_Key"]
    world.onec.modify(CP, ref, DeletionMark=True)
    report = world.sync()
    assert report.counts.get("marked") == 1
    assert ref in world.companies_by_origin()
    comments = world.b24.entities("timeline_comment")
    assert any("помечен на удаление" in c.get("COMMENT", "") for c in comments)


def test_deleted_portal_company_is_recreated(world: Slice):
    world.sync()
    ref = world.cp("ООО «ТехПром»")["Ref_Key"]
    company_id = world.companies_by_origin()[ref]["ID"]
    from core.bitrix24.client import Bitrix24Client

    with Bitrix24Client(world.b24.webhook_url, ca_file=world.b24.ca_file, rate=50, burst=500) as client:
        client.call("crm.company.delete", {"id": company_id})
    world.onec.modify(CP, ref, НаименованиеПолное="ООО «ТехПром» (новое)")
    report = world.sync()
    assert report.created == 1 and report.failed == 0
    assert world.companies_by_origin()[ref]["ID"] != company_id


def test_branch_with_same_inn_other_kpp_gets_its_own_company(world: Slice):
    world.sync()
    branch, head = branch_and_head(world.onec.rows(CP))
    assert head["ИНН"] == branch["ИНН"] and head["КПП"] != branch["КПП"]
    by_origin = world.companies_by_origin()
    assert by_origin[head["Ref_Key"]]["ID"] != by_origin[branch["Ref_Key"]]["ID"]


def test_connection_error_is_a_clear_failure(world: Slice):
    world.onec.stop()
    from core.errors import ConnectionFailed

    with pytest.raises(ConnectionFailed) as info:
        world.sync()
    assert "1С" in info.value.message or "1C" in info.value.message
    run = world.store().last_run()
    assert run.status == "failed" and run.error


def test_outbox_left_by_a_crashed_run_is_rechecked_and_closed(world: Slice):
    world.sync()
    ref = world.cp("ООО «ТехПром»")["Ref_Key"]
    store = world.store()
    # a previous process died after sending a write whose outcome it never learnt
    item = store.outbox_add(run_id=None, target="b24", entity="counterparty", onec_ref=ref, operation="update",
                            payload={"commands": ["c0"]})
    store.outbox_mark(item, "in_flight")
    mark = len(world.b24.request_log())
    report = world.sync()
    assert report.failed == 0
    assert world.store().outbox() == []
    assert world.b24_writes(mark) == []  # re-checked: nothing to change, nothing written
    assert len(world.b24.entities("company")) == len({c["ID"] for c in world.b24.entities("company")})


def test_duplicate_in_1c_is_reported_not_copied_to_the_portal(world: Slice):
    techprom = world.cp("ООО «ТехПром»")
    twin = {k: v for k, v in techprom.items() if k not in ("Ref_Key", "DataVersion") and "@" not in k}
    twin["Description"] = "ТехПром (дубль)"
    world.onec.put(CP, twin)
    report = world.sync()
    assert report.failed == 1
    assert len([r for r in world.b24.entities("requisite") if r.get("RQ_INN") == "7728145639"]) == 1
    [entry] = [e for e in world.store().journal(limit=100) if e.action == "fail"]
    assert entry.reason_code == "onec_duplicate_inn" and "ТехПром" in entry.reason_text
    # on the next run the portal company is linked to the first card: still reported, still not copied
    report = world.sync()
    assert report.failed == 1
    assert len([r for r in world.b24.entities("requisite") if r.get("RQ_INN") == "7728145639"]) == 1


def test_head_office_and_branch_sharing_one_portal_company_without_kpp(world: Slice):
    branch, head = branch_and_head(world.onec.rows(CP))
    from core.bitrix24.client import Bitrix24Client

    with Bitrix24Client(world.b24.webhook_url, ca_file=world.b24.ca_file, rate=50, burst=500) as client:
        company_id = client.call("crm.company.add", {"fields": {"TITLE": "Волжская энергомашина (вручную)"}})
        client.call("crm.requisite.add", {"fields": {"ENTITY_TYPE_ID": 4, "ENTITY_ID": company_id, "PRESET_ID": 1,
                                                     "NAME": "Реквизиты", "RQ_INN": head["ИНН"]}})
    report = world.sync()
    assert report.failed == 0
    by_origin = world.companies_by_origin()
    ids = {str(by_origin[head["Ref_Key"]]["ID"]), str(by_origin[branch["Ref_Key"]]["ID"])}
    assert len(ids) == 2 and str(company_id) in ids  # one links to the manual company, the other gets its own



@pytest.fixture
def big_world(world: Slice) -> Slice:
    from core.sandbox.onec.seed import make_bulk_counterparties

    for row in make_bulk_counterparties(60):
        world.onec.put(CP, row)
    return world


def _list_commands(log: list[str]) -> int:
    return sum(1 for m in log if m.split(":")[-1].endswith(".list"))


def test_first_sync_of_many_records_reads_the_portal_once(big_world: Slice):
    world = big_world
    before = {c["TITLE"]: c for c in world.b24.entities("company")}
    report = world.sync()
    assert report.failed == 0 and report.created == len(world.onec.rows(CP)) - 2  # УЗМК linked, one deleted
    log = world.b24.request_log()
    # per-record lookups would have cost 3-4 list commands per record; the index costs a handful
    assert _list_commands(log) < 20, _list_commands(log)
    uzmk = next(c for c in world.b24.entities("company") if str(c["ID"]) == str(before["УЗМК"]["ID"]))
    assert uzmk["ORIGIN_ID"] == world.cp("Уральский завод металлоконструкций")["Ref_Key"]
    dups = {(d.onec_title, d.b24_title) for d in world.store().open_duplicates()}
    assert ("ООО «ТехПром»", "ТехПром Москва") in dups
    mark = len(world.b24.request_log())
    assert world.sync().created == 0 and world.b24_writes(mark) == []


def test_index_path_recovers_links_after_the_local_store_is_lost(big_world: Slice):
    world = big_world
    world.sync()
    count = len(world.b24.entities("company"))
    world.paths.state_db.unlink()
    for suffix in ("-wal", "-shm"):
        world.paths.state_db.with_name(world.paths.state_db.name + suffix).unlink(missing_ok=True)
    report = world.sync()
    assert report.created == 0 and report.failed == 0
    assert len(world.b24.entities("company")) == count
    xml_ids = [b["XML_ID"] for b in world.b24.entities("bankdetail")]
    assert len(xml_ids) == len(set(xml_ids))  # bank details were found, not added twice


def test_slices_give_the_same_result_as_one_pass(world: Slice, monkeypatch):
    from core.sync import counterparties

    monkeypatch.setattr(counterparties.CounterpartyPipeline, "process_chunk", 4)
    report = world.sync()
    assert report.failed == 0 and report.linked == 1
    active = [r for r in world.onec.rows(CP) if not r["DeletionMark"]]
    assert set(world.companies_by_origin()) == {r["Ref_Key"] for r in active}
    assert ("ООО «ТехПром»", "ТехПром Москва") in {(d.onec_title, d.b24_title) for d in world.store().open_duplicates()}
    mark = len(world.b24.request_log())
    assert world.sync().created == 0 and world.b24_writes(mark) == []
