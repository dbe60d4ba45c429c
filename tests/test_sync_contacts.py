"""Contact persons → Bitrix24 contacts bound to their companies, on the pipeline frame, in every configuration."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.paths import AppPaths
from core.sandbox.onec.seed import CONTACT_PERSONS, PARTIES, TECHPROM_REF, onec_guid
from core.sandbox.onec.seed_configurations import NO_KIND, ORG_REF
from core.state.store import StateStore
from tests.configuration_base import ConfigurationBase, make_base

pytestmark = pytest.mark.integration

PERSONS = {"ut11": "Catalog_КонтактныеЛицаПартнеров", "bp30": "Catalog_КонтактныеЛица", "unf": "Catalog_КонтактныеЛица"}
VOLGA = next(p for p in PARTIES if p.key == "volga-energomash")
VOLGA_TLT = next(p for p in PARTIES if p.key == "volga-tlt")


class Base(ConfigurationBase):
    def store(self) -> StateStore:
        return StateStore.open(self.paths.state_db)

    def contacts(self) -> dict[str, dict]:
        return {c["ORIGIN_ID"]: c for c in self.b24.entities("contact") if c.get("ORIGIN_ID")}

    def company_id(self, ref: str) -> str:
        return next(str(c["ID"]) for c in self.b24.entities("company") if c.get("ORIGIN_ID") == ref)

    def bindings(self, contact_id: str) -> list[tuple[str, str]]:
        with self.b24.portal.lock:
            items = self.b24.portal.contact_links.items(int(contact_id))
        return [(i["COMPANY_ID"], i["IS_PRIMARY"]) for i in items]


@pytest.fixture(params=["ut11", "bp30", "unf"])
def base(request, home: AppPaths, tmp_path) -> Iterator[Base]:
    yield from make_base(home, tmp_path, request.param, Base)


@pytest.fixture
def bp30(home: AppPaths, tmp_path) -> Iterator[Base]:
    yield from make_base(home, tmp_path, "bp30", Base)


@pytest.fixture
def ut11(home: AppPaths, tmp_path) -> Iterator[Base]:
    yield from make_base(home, tmp_path, "ut11", Base)


def test_contacts_are_created_bound_to_their_companies(base: Base):
    report = base.sync()
    assert report.per_entity["contact"].get("created") == len(CONTACT_PERSONS), report.per_entity
    contacts = base.contacts()
    assert {c["ORIGINATOR_ID"] for c in contacts.values()} == {f"1C:{base.configuration}"}
    smirnova = contacts[onec_guid("contact-person", 1)]
    assert (smirnova["LAST_NAME"], smirnova["NAME"], smirnova["SECOND_NAME"], smirnova["POST"]) == \
        ("Смирнова", "Ольга", "Павловна", "Главный инженер")
    assert [e["VALUE"] for e in smirnova["PHONE"]] == ["+74957481231"]  # НомерТелефона, like companies
    assert [e["VALUE"] for e in smirnova["EMAIL"]] == ["o.smirnova@techprom.ru"]
    techprom = base.company_id(TECHPROM_REF)
    assert smirnova["COMPANY_ID"] == techprom and base.bindings(smirnova["ID"]) == [(techprom, "Y")]
    # the chief mechanic of Волжская энергомашина: in УТ 11 the partner has a branch too, in УНФ he is linked to it
    tarasov = contacts[onec_guid("contact-person", 5)]
    expected = [(base.company_id(VOLGA.ref), "Y")]
    if base.configuration in ("ut11", "unf"):
        expected.append((base.company_id(VOLGA_TLT.ref), "N"))
    assert base.bindings(tarasov["ID"]) == expected
    # БП 3.0: the organisation's own accountant is not a customer's contact
    assert onec_guid("contact-person", "org-accountant") not in contacts
    mark = len(base.b24.request_log())
    again = base.sync()
    assert again.per_entity["contact"].get("unchanged") == len(CONTACT_PERSONS)
    assert not [m for m in base.b24.request_log()[mark:] if m.endswith((".add", ".update", ".delete"))]


def test_changed_person_is_updated_not_duplicated(base: Base):
    base.sync()
    ref = onec_guid("contact-person", 2)
    base.onec.modify(base.onec.model.objects[PERSONS[base.configuration]].name, ref,
                     **{"ДолжностьПоВизитке" if base.configuration == "ut11" else "Должность": "Директор по закупкам"})
    report = base.sync()
    assert report.per_entity["contact"].get("updated") == 1
    contact = base.contacts()[ref]
    assert contact["POST"] == "Директор по закупкам" and len(contact["PHONE"]) == 1
    assert len(base.contacts()) == len(CONTACT_PERSONS)


def test_same_phone_without_identity_is_a_probable_duplicate_never_merged(ut11: Base):
    with ut11.b24.portal.lock:
        manual = ut11.b24.portal.contacts.add({"NAME": "Ольга", "LAST_NAME": "Смирнова",
                                               "EMAIL": [{"VALUE": "O.Smirnova@techprom.ru", "VALUE_TYPE": "WORK"}]},
                                              **ut11.b24.portal._write_ctx())
    report = ut11.sync()
    assert report.per_entity["contact"]["duplicates"] == 1
    ours = ut11.contacts()[onec_guid("contact-person", 1)]
    assert str(ours["ID"]) != str(manual)
    kept = next(c for c in ut11.b24.entities("contact") if str(c["ID"]) == str(manual))
    assert not kept.get("ORIGIN_ID") and kept["EMAIL"][0]["VALUE"] == "O.Smirnova@techprom.ru"
    [dup] = [d for d in ut11.store().open_duplicates() if d.entity == "contact"]
    assert (dup.b24_id, dup.onec_title) == (str(manual), "Смирнова Ольга Павловна")
    assert any(e.reason_code == "contact_probable_duplicate" for e in ut11.store().journal(limit=500))


def test_person_of_a_counterparty_not_in_the_portal_waits_with_a_reason(bp30: Base):
    ref = onec_guid("contact-person", "no-kind")
    bp30.onec.put("Catalog_КонтактныеЛица", {
        "Ref_Key": ref, "Description": "Орлов Максим Юрьевич", "Фамилия": "Орлов", "Имя": "Максим",
        "Отчество": "Юрьевич", "ОбъектВладелец": NO_KIND.ref,
        "ОбъектВладелец_Type": "StandardODATA.Catalog_Контрагенты"})
    report = bp30.sync()
    assert report.per_entity["contact"]["failed"] == 1
    [entry] = [e for e in bp30.store().journal(limit=500) if e.onec_ref == ref]
    assert entry.reason_code == "failed_invalid" and "ещё не перенесён" in entry.reason_text
    assert ref not in bp30.contacts()
    # the accountant fixes the card in 1C: the counterparty goes, and the person follows in the same run
    bp30.onec.modify("Catalog_Контрагенты", NO_KIND.ref, ЮридическоеФизическоеЛицо="ЮридическоеЛицо")
    bp30.sync()
    contact = bp30.contacts()[ref]
    assert contact["COMPANY_ID"] == bp30.company_id(NO_KIND.ref)


def test_lost_answer_is_recovered_by_identity(ut11: Base):
    ut11.b24.inject_fault("batch:crm.contact.add", "reset_after_write")
    ut11.sync()
    ut11.sync()
    origins = [c["ORIGIN_ID"] for c in ut11.b24.entities("contact") if c.get("ORIGIN_ID")]
    assert sorted(origins) == sorted(set(origins)) and len(origins) == len(CONTACT_PERSONS)
    assert all(ut11.bindings(c["ID"]) for c in ut11.contacts().values())


def test_contacts_of_an_organisation_owned_person_are_left_out(bp30: Base):
    bp30.sync()
    assert all(c.get("ORIGIN_ID") != onec_guid("contact-person", "org-accountant")
               for c in bp30.b24.entities("contact"))
    assert ORG_REF not in {c.get("ORIGIN_ID") for c in bp30.b24.entities("company")}


@pytest.fixture
def unf_no_rights(home: AppPaths, tmp_path) -> Iterator[Base]:
    gen = make_base(home, tmp_path, "unf", Base)
    base = next(gen)
    base.onec.service.forbidden.add("Catalog_КонтактныеЛица")  # RLS / no role for the integration user
    yield base
    yield from gen


def test_rights_denied_on_contacts_stops_only_contacts(unf_no_rights: Base):
    base = unf_no_rights
    report = base.sync()
    assert report.status == "partial"
    assert report.per_entity["counterparty"]["created"] > 20
    [entry] = [e for e in base.store().journal(limit=500) if e.reason_code == "entity_failed"]
    assert entry.entity == "contact" and "Catalog_КонтактныеЛица" in entry.reason_text
    assert "прав" in entry.reason_text and base.contacts() == {}


def test_half_published_base_names_each_missing_object(home: AppPaths, tmp_path):
    gen = make_base(home, tmp_path, "bp30", Base)
    base = next(gen)
    try:
        base.onec.set_published({"Catalog_Контрагенты", "Catalog_Банки", "Catalog_ВидыКонтактнойИнформации"})
        with pytest.raises(Exception) as err:  # nothing could run: the run fails with the first reason
            base.sync()
        assert "Catalog_БанковскиеСчета" in str(err.value)
        journal = base.store().journal(limit=500)
        failed = {e.entity: e.reason_text for e in journal if e.reason_code in ("entity_failed", "entity_blocked")}
        assert "Catalog_БанковскиеСчета" in failed["counterparty"]
        assert "Настройка стандартного интерфейса OData" in failed["counterparty"]
        assert "Контрагенты" in failed["contact"]  # blocked by its dependency, said so
        # the administrator publishes the rest: the next run sees it without any action here
        base.onec.set_published(set(base.onec.model.objects))
        report = base.sync()
        assert report.per_entity["counterparty"]["created"] > 20 and report.per_entity["contact"]["created"] == 8
    finally:
        gen.close()


def test_person_marked_for_deletion_is_kept_with_a_comment(ut11: Base):
    ut11.sync()
    ref = onec_guid("contact-person", 3)
    ut11.onec.modify("Catalog_КонтактныеЛицаПартнеров", ref, DeletionMark=True)
    report = ut11.sync()
    assert report.per_entity["contact"].get("marked") == 1
    contact = ut11.contacts()[ref]  # never deleted in the portal
    comments = [c for c in ut11.b24.entities("timeline_comment") if c["ENTITY_TYPE"] == "contact"]
    assert [c["ENTITY_ID"] for c in comments] == [str(contact["ID"])]
    assert "помечено на удаление" in comments[0]["COMMENT"]


def test_person_of_a_counterparty_marked_for_deletion_is_skipped_not_failed(bp30: Base):
    deleted = next(p for p in PARTIES if p.deleted)
    ref = onec_guid("contact-person", "of-deleted")
    bp30.onec.put("Catalog_КонтактныеЛица", {
        "Ref_Key": ref, "Description": "Фёдорова Мария Олеговна", "Фамилия": "Фёдорова", "Имя": "Мария",
        "ОбъектВладелец": deleted.ref, "ОбъектВладелец_Type": "StandardODATA.Catalog_Контрагенты"})
    bp30.sync()
    [entry] = [e for e in bp30.store().journal(limit=500) if e.onec_ref == ref]
    assert entry.reason_code == "contact_skip_deleted"
    report = bp30.sync()
    assert not report.per_entity["contact"].get("failed")
