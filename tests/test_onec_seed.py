"""The sandbox seed: required counterparties, valid requisites everywhere, deterministic bulk rows."""

from __future__ import annotations

import pytest

from core.ru_requisites import complete_inn, corr_account, ogrn_is_valid
from core.sandbox.onec import seed
from core.sandbox.onec.seed import (
    bank_account_is_valid,
    inn_is_valid,
    kpp_is_valid,
    make_bulk_counterparties,
    seed_rows,
)

ROWS = seed_rows()
COUNTERPARTIES = ROWS["Catalog_Контрагенты"]
BY_NAME = {r["Description"]: r for r in COUNTERPARTIES}


def accounts_of(ref: str) -> list[dict]:
    return [a for a in ROWS["Catalog_БанковскиеСчетаКонтрагентов"] if a["Owner"] == ref]


def phones_and_emails(row: dict) -> tuple[list[str], list[str]]:
    ci = row["КонтактнаяИнформация"]
    return ([r["Представление"] for r in ci if r["Тип"] == "Телефон"],
            [r["АдресЭП"] for r in ci if r["Тип"] == "АдресЭлектроннойПочты"])


def test_validators_on_known_values():
    assert inn_is_valid("7728145639") and inn_is_valid("5024089920")
    assert not inn_is_valid("7728145638") and not inn_is_valid("77281456") and not inn_is_valid("")
    assert inn_is_valid(complete_inn("7720148935"))
    assert not inn_is_valid("772014893578")
    assert kpp_is_valid("772801001") and kpp_is_valid("7728AB001")
    assert not kpp_is_valid("77280100") and not kpp_is_valid("7728ab001")
    # real pairs from the reference payloads and the Bank of Russia directory
    assert bank_account_is_valid("30101810500000000976", "044525976")
    assert bank_account_is_valid("30101810400000000225", "044525225")
    assert not bank_account_is_valid("30101810500000000977", "044525976")
    assert corr_account("044525225") == "30101810400000000225"


def test_required_techprom():
    row = BY_NAME["ООО «ТехПром»"]
    assert row["НаименованиеПолное"] == "Общество с ограниченной ответственностью «ТехПром»"
    assert (row["ИНН"], row["КПП"], row["ЮрФизЛицо"]) == ("7728145639", "772801001", "ЮрЛицо")
    assert len(accounts_of(row["Ref_Key"])) == 2
    phones, emails = phones_and_emails(row)
    assert phones and emails
    assert row["Ref_Key"] == seed.TECHPROM_REF


def test_required_uzmk():
    row = BY_NAME["Уральский завод металлоконструкций"]
    assert row["НаименованиеПолное"].startswith("Акционерное общество")
    assert (row["ИНН"], row["КПП"]) == ("6671039180", "667101001")
    assert len(accounts_of(row["Ref_Key"])) == 1
    assert row["Ref_Key"] == seed.UZMK_REF


def test_population_shape():
    kinds = [r["ЮрФизЛицо"] for r in COUNTERPARTIES]
    assert 20 <= len(COUNTERPARTIES) <= 30
    assert kinds.count("ЮрЛицо") >= 15
    assert kinds.count("ИндивидуальныйПредприниматель") >= 2
    assert kinds.count("ФизЛицо") == 1
    assert sum(r["DeletionMark"] for r in COUNTERPARTIES) == 1
    branches = [r for r in COUNTERPARTIES if r["ОбособленноеПодразделение"]]
    assert len(branches) == 1
    (branch,) = branches
    head = next(r for r in COUNTERPARTIES if r["Ref_Key"] == branch["ГоловнойКонтрагент_Key"])
    assert head is not branch and head["ИНН"] == branch["ИНН"] and head["КПП"] != branch["КПП"]
    assert len({r["Ref_Key"] for r in COUNTERPARTIES}) == len(COUNTERPARTIES)


def test_every_requisite_is_valid():
    for row in COUNTERPARTIES:
        kind = row["ЮрФизЛицо"]
        if kind == "ЮрЛицо":
            assert len(row["ИНН"]) == 10 and inn_is_valid(row["ИНН"]), row["Description"]
            assert kpp_is_valid(row["КПП"]), row["Description"]
            if not row["ОбособленноеПодразделение"]:
                assert row["КПП"][:4] == row["ИНН"][:4], row["Description"]
            assert ogrn_is_valid(row["РегистрационныйНомер"]) and len(row["РегистрационныйНомер"]) == 13
        elif kind == "ИндивидуальныйПредприниматель":
            assert len(row["ИНН"]) == 12 and inn_is_valid(row["ИНН"]) and row["КПП"] == ""
            assert ogrn_is_valid(row["РегистрационныйНомер"]) and len(row["РегистрационныйНомер"]) == 15
        elif kind == "ФизЛицо":
            assert inn_is_valid(row["ИНН"]) and row["КПП"] == ""
        phones, emails = phones_and_emails(row)
        assert phones and all(p.startswith("+7 (") for p in phones)
        assert emails and all("@" in e for e in emails)
        assert any(ci["Тип"] == "Адрес" for ci in row["КонтактнаяИнформация"])


def test_every_legal_entity_has_valid_accounts():
    for row in COUNTERPARTIES:
        accounts = accounts_of(row["Ref_Key"])
        if row["ЮрФизЛицо"] == "ЮрЛицо":
            assert 1 <= len(accounts) <= 2, row["Description"]
        for account in accounts:
            bik, corr = seed.bank_of(account)
            number = account["НомерСчета"]
            assert len(number) == 20 and bank_account_is_valid(number, bik), account["Description"]
            assert number.startswith("40702810" if row["ЮрФизЛицо"] == "ЮрЛицо" else "40802810")
            assert bank_account_is_valid(corr, bik) and corr.startswith("30101810") and corr.endswith(bik[-3:])
    for bank in ROWS["Catalog_КлассификаторБанков"]:
        assert bank["Code"].startswith("04") and len(bank["Code"]) == 9
        assert bank_account_is_valid(bank["КоррСчет"], bank["Code"])


def test_contact_persons_belong_to_partners():
    partners = {p["Ref_Key"] for p in ROWS["Catalog_Партнеры"]}
    assert ROWS["Catalog_КонтактныеЛицаПартнеров"]
    for person in ROWS["Catalog_КонтактныеЛицаПартнеров"]:
        assert person["Owner_Key"] in partners
    for row in COUNTERPARTIES:
        assert row["Партнер_Key"] in partners


def test_seed_is_deterministic():
    assert seed_rows() == ROWS


@pytest.mark.parametrize("start", [0, 12_345])
def test_bulk_counterparties_are_valid_and_deterministic(start):
    rows = make_bulk_counterparties(600, start=start)
    assert rows == make_bulk_counterparties(600, start=start)
    assert len({r["Ref_Key"] for r in rows}) == 600
    assert len({r["ИНН"] for r in rows}) == 600
    assert len({r["Description"] for r in rows}) == 600
    seeded_inns = {r["ИНН"] for r in COUNTERPARTIES}
    for row in rows:
        assert inn_is_valid(row["ИНН"]) and row["ИНН"] not in seeded_inns
        assert ogrn_is_valid(row["РегистрационныйНомер"])
        if row["ЮрФизЛицо"] == "ЮрЛицо":
            assert kpp_is_valid(row["КПП"]) and row["КПП"][:4] == row["ИНН"][:4]
    assert make_bulk_counterparties(5, start=start + 3) == rows[3:8]


def test_bulk_scales_to_ten_thousand_unique():
    rows = make_bulk_counterparties(10_000)
    assert len({r["ИНН"] for r in rows}) == 10_000
    assert len({r["Description"] for r in rows}) == 10_000
