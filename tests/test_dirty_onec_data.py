"""Dirty 1C contact data must not cost a company: values are cleaned like the portal checks them, what cannot be
fixed is left out with a note naming the field, long values are cut to the portal's columns with a note."""

from __future__ import annotations

import pytest

from core.mapping.contact_values import email_is_valid, normalise_emails, normalise_phone, normalise_phones
from core.sandbox.bitrix24.values import check_email
from tests.test_sync_counterparties import CP, Slice, world  # noqa: F401  (fixture)


@pytest.mark.parametrize(("raw", "expected"), [
    ("snab@firm.ru; buh@firm.ru", ["snab@firm.ru", "buh@firm.ru"]),
    ("Иван Петров <ivan@firm.ru>", ["ivan@firm.ru"]),
    ("  info@firm.ru  ", ["info@firm.ru"]),
    ("snab@firm,ru", ["snab@firm.ru"]),
    ("a@x.ru, b@y.ru  c@z.ru", ["a@x.ru", "b@y.ru", "c@z.ru"]),
    ("mailto:sales@firm.ru.", ["sales@firm.ru"]),
    ("бухгалтерия buh@firm.ru", ["buh@firm.ru"]),
    ("почта@пример.рф", ["почта@пример.рф"]),
    ("A@X.RU; a@x.ru", ["A@X.RU"]),
])
def test_emails_are_split_unwrapped_and_kept(raw: str, expected: list[str]) -> None:
    values, notes = normalise_emails([raw])
    assert values == expected and notes == []
    assert all(check_email(v) for v in values)


@pytest.mark.parametrize("raw", ["нет", "snab@", "@firm.ru", "a..b@firm.ru", "a@firm", "a@firm.r", "a@fi_rm.ru"])
def test_invalid_emails_are_left_out_with_a_note_naming_the_field(raw: str) -> None:
    values, notes = normalise_emails([raw])
    assert values == [] and len(notes) == 1 and notes[0].startswith("e-mail «") and "не перенесён" in notes[0]


def test_product_and_sandbox_agree_with_check_email() -> None:
    samples = ["a@b.ru", "a.b@c.d.ru", "a@b.c", "a b@c.ru", "x@y.verylongtopleveldomainxx", "x@y.abcdefghijklmnopqrst",
               "ä@ö.рф", "a+b=c@d-e.ru", "-a@b.ru", "a.@b.ru", ".a@b.ru"]
    assert [email_is_valid(s) for s in samples] == [check_email(s) for s in samples]
    assert check_email("Имя <a@b.ru>")  # non-strict: the portal unwraps it for the check


@pytest.mark.parametrize(("raw", "expected"), [
    ("8 (495) 123-45-67", "+74951234567"),
    ("+7 495 123 45 67 доб. 105", "+74951234567 доб. 105"),
    ("495-123-45-67, доб. 12", "+74951234567 доб. 12"),
    ("9161234567", "+79161234567"),
    ("+44 20 7946 0958", "+442079460958"),
    ("12-34-56", "12-34-56"),  # a short office number cannot be E.164: kept as typed
])
def test_phones_become_e164_where_possible(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


def test_several_phones_in_one_field_and_words_without_a_number() -> None:
    values, notes = normalise_phones(["+7 495 123-45-67; 8 916 000 11 22", "звонить после обеда"])
    assert values == ["+74951234567", "+79160001122"]
    assert notes == ["телефон «звонить после обеда» не перенесён: в нём нет номера"]


def test_sandbox_refuses_a_company_with_one_bad_email_like_the_real_portal(world: Slice) -> None:  # noqa: F811
    from core.bitrix24.client import Bitrix24Client
    from core.errors import RemoteError

    with Bitrix24Client(world.b24.webhook_url, ca_file=world.b24.ca_file, rate=50, burst=500) as client, \
            pytest.raises(RemoteError) as caught:
        client.call("crm.company.add", {"fields": {"TITLE": "X", "EMAIL": [
            {"VALUE": "ok@firm.ru", "VALUE_TYPE": "WORK"}, {"VALUE": "snab@firm.ru; buh@firm.ru"}]}})
    assert "E-mail" in caught.value.message
    assert not any(c["TITLE"] == "X" for c in world.b24.entities("company"))
    with Bitrix24Client(world.b24.webhook_url, ca_file=world.b24.ca_file, rate=50, burst=500) as client, \
            pytest.raises(RemoteError):
        client.call("crm.company.add", {"fields": {"TITLE": "Я" * 256}})


def test_dirty_contact_data_and_long_names_still_give_the_company(world: Slice) -> None:  # noqa: F811
    techprom = world.cp("ООО «ТехПром»")
    contact_info = [dict(line) for line in techprom["КонтактнаяИнформация"] if line["Тип"] != "АдресЭлектроннойПочты"]
    template = next(line for line in techprom["КонтактнаяИнформация"] if line["Тип"] == "АдресЭлектроннойПочты")
    for text in ["snab@techprom.ru; Бухгалтерия <buh@techprom.ru>", "не указан@", "  "]:
        contact_info.append({**template, "АдресЭП": text, "Представление": text, "Значение": ""})
    for number, line in enumerate(contact_info, start=1):
        line["LineNumber"] = str(number)
    full_name = "Общество с ограниченной ответственностью «ТехПром» " + "и партнёры " * 40
    world.onec.modify(CP, techprom["Ref_Key"], КонтактнаяИнформация=contact_info, НаименованиеПолное=full_name,
                      Description="ООО «ТехПром»" + " " * 3 + "\u200b")

    report = world.sync()

    company = world.companies_by_origin().get(techprom["Ref_Key"])
    assert company is not None, "the company was dropped because of its contact data"
    emails = [e["VALUE"] for e in company["EMAIL"]]
    assert "snab@techprom.ru" in emails and "buh@techprom.ru" in emails
    assert company["TITLE"] == "ООО «ТехПром»"
    requisite = next(r for r in world.b24.entities("requisite") if r.get("XML_ID") == techprom["Ref_Key"])
    assert len(requisite["RQ_COMPANY_FULL_NAME"]) <= 300 and requisite["RQ_COMPANY_FULL_NAME"].startswith("Общество")
    bankdetails = [b for b in world.b24.entities("bankdetail") if b["ENTITY_ID"] == requisite["ID"]]
    assert bankdetails, "bank details are lost with the company"
    store = world.store()
    try:
        notes = [e.reason_text for e in store.journal(limit=500, run_id=report.run_id)
                 if e.onec_ref == techprom["Ref_Key"] and e.action == "note"]
    finally:
        store.close()
    assert len(notes) == 2  # one journal line per note, each naming the field
    assert any("e-mail «не указан@» не перенесён" in note for note in notes)
    assert any("значение поля «полное наименование» сокращено до 300 символов" in note for note in notes)


def test_a_1c_name_that_looks_like_a_batch_reference_arrives_as_typed(world: Slice) -> None:  # noqa: F811
    techprom = world.cp("ООО «ТехПром»")
    world.onec.modify(CP, techprom["Ref_Key"], Description="$result[c0]", НаименованиеПолное="$result[r0][ID]")
    report = world.sync()
    assert report.failed == 0
    company = world.companies_by_origin()[techprom["Ref_Key"]]
    assert company["TITLE"] == "$result[c0]"
    requisite = next(r for r in world.b24.entities("requisite") if r.get("XML_ID") == techprom["Ref_Key"])
    assert requisite["RQ_COMPANY_FULL_NAME"] == "$result[r0][ID]" and requisite["ENTITY_ID"] == company["ID"]


def test_a_10_mb_name_does_not_bloat_the_state_database(world: Slice) -> None:  # noqa: F811
    techprom = world.cp("ООО «ТехПром»")
    huge = "Очень длинное наименование " * 400_000  # ~10 MB
    template = next(line for line in techprom["КонтактнаяИнформация"] if line["Тип"] == "АдресЭлектроннойПочты")
    contact_info = [dict(line) for line in techprom["КонтактнаяИнформация"]]
    spam = "; ".join(f"a{i}@spam.ru" for i in range(50_000))  # a pasted list of 50 000 addresses, ~700 KB
    contact_info.append({**template, "АдресЭП": spam, "Представление": spam, "Значение": ""})
    for number, line in enumerate(contact_info, start=1):
        line["LineNumber"] = str(number)
    world.onec.modify(CP, techprom["Ref_Key"], НаименованиеПолное=huge, КонтактнаяИнформация=contact_info)
    report = world.sync()
    assert report.failed == 0
    company = world.companies_by_origin()[techprom["Ref_Key"]]
    assert len(company["EMAIL"]) <= 20
    store = world.store()
    store.close()
    db = world.paths.state_db
    total = sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if p.is_file())
    assert total < 3_000_000, f"state database files take {total} bytes"


def test_a_contact_person_with_dirty_contact_data_is_still_created(home, tmp_path) -> None:
    """The portal checks a contact's e-mails like a company's: one bad address would refuse the whole contact."""
    from tests.test_sync_contacts import Base, make_base

    gen = make_base(home, tmp_path, "ut11", Base)
    base = next(gen)
    try:
        from core.sandbox.onec.seed import onec_guid

        ref = onec_guid("contact-person", 2)
        entity_set = "Catalog_КонтактныеЛицаПартнеров"
        row = next(r for r in base.onec.rows(entity_set) if r["Ref_Key"] == ref)
        lines = [dict(line) for line in row["КонтактнаяИнформация"]]
        for line in lines:
            if line["Тип"] == "АдресЭлектроннойПочты":
                text = "Игорь Лебедев <snab@techprom.ru>; лебедев@"
                line.update(АдресЭП=text, Представление=text, Значение="")
        base.onec.modify(entity_set, ref, КонтактнаяИнформация=lines)
        report = base.sync()
        contact = base.contacts().get(ref)
        assert contact is not None, report.per_entity
        assert [e["VALUE"] for e in contact["EMAIL"]] == ["snab@techprom.ru"]
        store = base.store()
        notes = [e.reason_text for e in store.journal(limit=500) if e.onec_ref == ref and e.action == "note"]
        store.close()
        assert any("лебедев@" in n for n in notes), notes
    finally:
        next(gen, None)


def test_contact_names_are_cut_to_the_portal_columns_with_a_note() -> None:
    from core.canonical import ContactPerson
    from core.mapping.contact import contact_to_b24

    person = ContactPerson(ref="r", version="1", deleted=False, name="x", last_name="Я" * 80, first_name="Ида")
    spec = {"bitrix24": {"contact": {"LAST_NAME": "last_name", "NAME": "first_name"}, "contact_multifields": {}}}
    payload = contact_to_b24(person, spec)
    assert payload.contact == {"LAST_NAME": "Я" * 50, "NAME": "Ида"}
    assert person.notes == ["значение поля «фамилия» сокращено до 50 символов (в 1С 80)"]
