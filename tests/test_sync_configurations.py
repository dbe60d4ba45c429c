"""Counterparties with bank details and addresses from each configuration's sandbox base (УТ 11, БП 3.0, УНФ), and
what the base's own publication does to a run: a missing optional attribute warns, a missing required one stops."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.errors import SyncBridgeError
from core.paths import AppPaths
from core.sandbox.bitrix24.server import Bitrix24Sandbox
from core.sandbox.onec.seed import ACTUAL_ADDRESSES, PARTIES, TECHPROM_REF
from core.sandbox.onec.seed_configurations import NO_KIND
from core.sandbox.onec.server import OneCSandbox
from core.state.store import StateStore
from tests.configuration_base import ConfigurationBase, make_base

pytestmark = pytest.mark.integration

ACCOUNTS = {"ut11": "Catalog_БанковскиеСчетаКонтрагентов", "bp30": "Catalog_БанковскиеСчета",
            "unf": "Catalog_БанковскиеСчета"}
WRITES = (".add", ".update", ".delete")


class Base(ConfigurationBase):
    def __init__(self, paths: AppPaths, onec: OneCSandbox, b24: Bitrix24Sandbox, configuration: str) -> None:
        super().__init__(paths, onec, b24, configuration)
        self.bad_cards = 1 if configuration == "bp30" else 0  # the БП card without «Юр./физ. лицо», every run

    def journal(self):
        return StateStore.open(self.paths.state_db).journal(limit=5000)

    def requisite_of(self, ref: str) -> dict:
        return next(r for r in self.b24.entities("requisite") if r.get("XML_ID") == ref)

    def addresses_of(self, ref: str) -> dict[str, dict]:
        requisite = self.requisite_of(ref)
        return {a["TYPE_ID"]: a for a in self.b24.entities("address")
                if a["ENTITY_TYPE_ID"] == "8" and a["ENTITY_ID"] == requisite["ID"]}


@pytest.fixture(params=["ut11", "bp30", "unf"])
def base(request, home: AppPaths, tmp_path) -> Iterator[Base]:
    yield from make_base(home, tmp_path, request.param, Base)


@pytest.fixture
def bp30(home: AppPaths, tmp_path) -> Iterator[Base]:
    yield from make_base(home, tmp_path, "bp30", Base)


def test_counterparties_bank_details_and_addresses(base: Base):
    report = base.sync()
    assert report.failed == base.bad_cards, report.summary_text()
    companies = {c["ORIGIN_ID"]: c for c in base.b24.entities("company") if c.get("ORIGIN_ID")}
    assert {c["ORIGINATOR_ID"] for c in companies.values()} == {f"1C:{base.configuration}"}
    assert TECHPROM_REF in companies
    # bank details: the counterparty's own active accounts only (never the organisation's, never a closed one)
    details = [d for d in base.b24.entities("bankdetail") if d.get("XML_ID")]
    owned = {a["Ref_Key"] for a in base.onec.rows(ACCOUNTS[base.configuration])
             if a["Owner_Type"] == "StandardODATA.Catalog_Контрагенты"}
    assert {d["XML_ID"] for d in details} < owned
    techprom_rq = base.requisite_of(TECHPROM_REF)
    assert techprom_rq["RQ_INN"] == "7728145639" and techprom_rq["PRESET_ID"] == "1"
    assert len([d for d in details if d["ENTITY_ID"] == techprom_rq["ID"]]) == 2
    # addresses on the requisite: legal (6) always, actual (1) where 1C has one
    legal = base.addresses_of(TECHPROM_REF)["6"]
    assert legal["ADDRESS_1"] == "ул. Профсоюзная, д. 65, корп. 1" and legal["POSTAL_CODE"] == "117342"
    assert legal["CITY"] == "Москва"
    with_actual = next(p for p in PARTIES if p.key in ACTUAL_ADDRESSES)
    both = base.addresses_of(with_actual.ref)
    assert set(both) == {"1", "6"}
    assert both["1"]["ADDRESS_1"].startswith(ACTUAL_ADDRESSES[with_actual.key].street)
    # ИП: the ИП preset in every configuration (in БП 3.0 a «ФизическоеЛицо» with an ОГРНИП)
    ip = next(p for p in PARTIES if p.kind == "ИндивидуальныйПредприниматель")
    assert base.requisite_of(ip.ref)["PRESET_ID"] == "2"

    mark = len(base.b24.request_log())
    again = base.sync()
    assert again.created == again.updated == 0
    assert not [m for m in base.b24.request_log()[mark:] if m.endswith(WRITES)]


def test_changed_address_replaces_the_whole_address(base: Base):
    base.sync()
    row = base.onec.get("Catalog_Контрагенты", TECHPROM_REF)
    lines = [dict(line) for line in row["КонтактнаяИнформация"]]
    legal = next(line for line in lines if line["Тип"] == "Адрес")
    legal["Представление"] = "117342, г. Москва, ул. Профсоюзная, д. 67"
    legal["Значение"] = ""
    base.onec.modify("Catalog_Контрагенты", TECHPROM_REF, КонтактнаяИнформация=lines)
    mark = len(base.b24.request_log())
    report = base.sync()
    assert report.updated == 1 and report.failed == base.bad_cards
    assert "batch:crm.address.update" in base.b24.request_log()[mark:]
    address = base.addresses_of(TECHPROM_REF)["6"]
    assert address["ADDRESS_1"] == "ул. Профсоюзная, д. 67"
    assert address["POSTAL_CODE"] == "117342"  # sent again: an update keeps only what it carries
    assert any(e.reason_code == "updated" and "адреса" in e.reason_text for e in base.journal())


def test_bp30_counterparty_without_legal_form_is_named(bp30: Base):
    report = bp30.sync()
    assert report.failed == 1
    [entry] = [e for e in bp30.journal() if e.onec_ref == NO_KIND.ref]
    assert entry.reason_code == "failed_invalid"
    assert "ЮридическоеФизическоеЛицо" in entry.reason_text and "карточку контрагента" in entry.reason_text
    assert NO_KIND.ref not in {c.get("ORIGIN_ID") for c in bp30.b24.entities("company")}


def test_missing_optional_attribute_warns_and_the_sync_goes_on(bp30: Base):
    bp30.onec.drop_attribute("Catalog_Контрагенты", "КПП")
    report = bp30.sync()
    assert report.created > 20, report.summary_text()
    warnings = [e for e in bp30.journal() if e.reason_code == "publication_optional_missing"]
    assert warnings and "Catalog_Контрагенты" in warnings[0].reason_text and "КПП" in warnings[0].reason_text
    assert not bp30.requisite_of(TECHPROM_REF).get("RQ_KPP")
    assert not any("%24select" in path and "КПП" in path for _, path in bp30.onec.request_log())


def test_attribute_dropped_after_the_metadata_was_cached_is_seen(bp30: Base):
    bp30.sync()  # $metadata cached with КПП
    bp30.onec.drop_attribute("Catalog_Контрагенты", "КПП")
    row = bp30.onec.get("Catalog_Контрагенты", TECHPROM_REF)
    bp30.onec.modify("Catalog_Контрагенты", TECHPROM_REF, Description=row["Description"] + " (изм.)")
    report = bp30.sync()  # 1C rejects the cached $select: re-read $metadata, retry without КПП
    assert report.updated == 1 and report.failed == bp30.bad_cards, report.summary_text()
    assert any(e.reason_code == "publication_optional_missing" for e in bp30.journal())


def test_missing_required_attribute_stops_counterparties_naming_both(bp30: Base):
    bp30.onec.drop_attribute("Catalog_Контрагенты", "ИНН")
    with pytest.raises(SyncBridgeError) as err:  # the only entity could not run: the run fails, readably
        bp30.sync()
    assert "Catalog_Контрагенты" in err.value.message and "ИНН" in err.value.message
    assert "Настройка стандартного интерфейса OData" in err.value.user_text()
    assert not bp30.b24.entities("requisite") or not any(r.get("XML_ID") for r in bp30.b24.entities("requisite"))


def test_publication_warning_is_journaled_once_until_metadata_is_read_again(bp30: Base):
    bp30.onec.drop_attribute("Catalog_Контрагенты", "КПП")
    bp30.sync()
    bp30.sync()
    warnings = [e for e in bp30.journal() if e.reason_code == "publication_optional_missing"]
    assert len(warnings) == 1  # a scheduled run every few minutes does not repeat it


def test_bp30_release_without_the_legal_form_attribute_stops_naming_it(bp30: Base):
    # without «Юр./физ. лицо» no card could choose its requisite preset: a stop naming the attribute, not 25 errors
    bp30.onec.drop_attribute("Catalog_Контрагенты", "ЮридическоеФизическоеЛицо")
    with pytest.raises(SyncBridgeError) as err:
        bp30.sync()
    assert "ЮридическоеФизическоеЛицо" in err.value.message
    assert not [e for e in bp30.journal() if e.reason_code == "failed_invalid"]
