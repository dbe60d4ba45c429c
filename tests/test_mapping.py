from __future__ import annotations

from decimal import Decimal

import pytest

from core.mapping import names
from core.mapping.counterparty import (
    changed_fields,
    counterparty_from_onec,
    counterparty_to_b24,
    same_multifield_value,
    validation_problems,
)
from core.mapping.table import load_mapping
from core.ru_requisites import bank_account_is_valid, inn_is_valid, kpp_is_valid, ogrn_is_valid

TABLE = load_mapping("ut11")
ZERO = "00000000-0000-0000-0000-000000000000"


def techprom_row(**over):
    row = {
        "Ref_Key": "11111111-2222-3333-4444-555555555555", "DataVersion": "AAAAAAAAAAE=", "DeletionMark": False,
        "Description": "ООО «ТехПром»", "НаименованиеПолное": "Общество с ограниченной ответственностью «ТехПром»",
        "ИНН": "7728145639", "КПП": "772801001", "РегистрационныйНомер": "", "ЮрФизЛицо": "ЮрЛицо",
        "ГоловнойКонтрагент_Key": ZERO,
        "КонтактнаяИнформация": [
            {"LineNumber": "2", "Тип": "АдресЭлектроннойПочты", "Представление": "zakaz@techprom.ru",
             "АдресЭП": "zakaz@techprom.ru", "НомерТелефона": "", "Значение": ""},
            {"LineNumber": "1", "Тип": "Телефон", "Представление": "+7 (495) 123-45-67", "АдресЭП": "",
             "НомерТелефона": "+7 (495) 123-45-67", "Значение": ""},
            {"LineNumber": "3", "Тип": "Адрес", "Представление": "119991, Москва, ул. Ленина, д. 1"},
            {"LineNumber": "4", "Тип": "Телефон", "Представление": "", "НомерТелефона": "",
             "Значение": '{"value": "+7 (495) 765-43-21", "type": "Телефон"}'},
        ],
    }
    row.update(over)
    return row


BANK_REF = "0da9dfe4-d7ac-11e5-0a9b-000c295e30eb"
ACCOUNT = {"Ref_Key": "25192496-f63d-11e5-0185-000c295e30eb", "DataVersion": "AAAAAAAAAAA=", "DeletionMark": False,
           "НомерСчета": "40702810200000000001", "Банк_Key": BANK_REF, "Закрыт": False}
BANK = {BANK_REF: {"Ref_Key": BANK_REF, "Code": "044525225", "Description": "ПАО СБЕРБАНК",
                   "КоррСчет": "30101810400000000225", "Город": "г. Москва"}}


def test_onec_row_to_canonical_reads_contact_info_in_line_order():
    cp = counterparty_from_onec(techprom_row(), [ACCOUNT], BANK, TABLE)
    assert cp.kind == "company" and cp.inn == "7728145639" and cp.kpp == "772801001"
    assert cp.phones == ["+74951234567", "+74957654321"]  # E.164; JSON Значение is understood too
    assert cp.emails == ["zakaz@techprom.ru"]
    assert cp.legal_address.startswith("119991")
    assert cp.head_ref is None  # zero GUID = empty
    [account] = cp.bank_accounts
    assert (account.bik, account.corr_account, account.bank_name) == ("044525225", "30101810400000000225",
                                                                      "ПАО СБЕРБАНК")


def test_legal_forms_choose_requisite_preset_and_fields():
    ip = counterparty_from_onec(techprom_row(ЮрФизЛицо="ИндивидуальныйПредприниматель", ИНН="502412345682",
                                             КПП="", РегистрационныйНомер="304500116000157"), [], {}, TABLE)
    payload = counterparty_to_b24(ip, TABLE)
    assert payload.preset_kind == "sole_proprietor"
    assert payload.requisite["RQ_OGRNIP"] == "304500116000157" and "RQ_KPP" not in payload.requisite
    person = counterparty_from_onec(techprom_row(ЮрФизЛицо="ФизЛицо", ИНН=""), [], {}, TABLE)
    assert counterparty_to_b24(person, TABLE).preset_kind == "person"


def test_payload_digest_is_stable_and_sensitive():
    a = counterparty_to_b24(counterparty_from_onec(techprom_row(), [ACCOUNT], BANK, TABLE), TABLE)
    b = counterparty_to_b24(counterparty_from_onec(techprom_row(DataVersion="AAAAAAAAAAI="), [ACCOUNT], BANK, TABLE),
                            TABLE)
    assert a.digest() == b.digest()  # a DataVersion bump alone is not a change worth writing
    c = counterparty_to_b24(counterparty_from_onec(techprom_row(КПП="772801002"), [ACCOUNT], BANK, TABLE), TABLE)
    assert c.digest() != a.digest()
    assert changed_fields(a, c) == ["КПП"]


def test_validation_rejects_broken_requisites_with_readable_reasons():
    bad = counterparty_from_onec(techprom_row(ИНН="7728145630"), [], {}, TABLE)
    [problem] = validation_problems(bad)
    assert "контрольного числа" in problem and "7728145630" in problem
    wrong_account = dict(ACCOUNT, НомерСчета="40702810200000000002")
    assert any("БИК" in p for p in validation_problems(
        counterparty_from_onec(techprom_row(), [wrong_account], BANK, TABLE)))
    assert validation_problems(counterparty_from_onec(techprom_row(), [ACCOUNT], BANK, TABLE)) == []


@pytest.mark.parametrize(("value", "ok"), [("7728145639", True), ("7728145630", False), ("502412345682", True),
                                           ("502412345683", False), ("12345", False), ("", False)])
def test_inn_checksums(value, ok):
    assert inn_is_valid(value) is ok


def test_other_requisite_checks():
    assert kpp_is_valid("772801001") and kpp_is_valid("7728AB001") and not kpp_is_valid("77280100")
    assert ogrn_is_valid("1027700132195") and not ogrn_is_valid("1027700132196")
    assert bank_account_is_valid("40702810200000000001", "044525225")
    assert not bank_account_is_valid("40702810200000000001", "044525974")


def test_probable_duplicate_names_from_the_seed_article():
    assert names.probably_same("ООО «ТехПром»", "ТехПром Москва")
    assert names.search_stem("ООО «ТехПром»") == "техпром"
    assert not names.probably_same("ООО «ТехПром»", "Стройинвест")
    assert not names.probably_same("ООО «Ромашка»", "ООО")  # nothing but a legal form is no evidence
    assert names.name_tokens('АО "Уральский завод металлоконструкций"') == ["уральский", "завод",
                                                                           "металлоконструкций"]


def test_multifield_comparison_ignores_formatting():
    assert same_multifield_value("PHONE", "+7 (495) 123-45-67", "84951234567")
    assert not same_multifield_value("PHONE", "+7 (495) 123-45-67", "+7 (495) 123-45-68")
    assert same_multifield_value("EMAIL", "Zakaz@TechProm.ru ", "zakaz@techprom.ru")


def test_decimal_values_do_not_break_mapping():
    row = techprom_row(Description=Decimal("1.5"))  # lenient 1C writes: a number where text was expected
    assert counterparty_from_onec(row, [], {}, TABLE).name == "1.5"
