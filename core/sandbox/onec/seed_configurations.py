"""Seeds of the sandbox БП 3.0 and УНФ bases: the same factory's customers as the УТ 11 seed, in each
configuration's own names and shapes.

The people and firms are those of ``seed.py`` (same ИНН, Ref_Key, bank accounts), so a test or a demo can
compare the three profiles record by record. What differs is how each configuration stores them:

- БП 3.0: ``ЮридическоеФизическоеЛицо`` (an ИП is a ФизическоеЛицо with an ОГРНИП in ``РегистрационныйНомер``),
  accounts in ``Catalog_БанковскиеСчета`` (closing = ``ДатаЗакрытия``), banks in ``Catalog_Банки``, contact
  persons owned by the counterparty through ``ОбъектВладелец``; one counterparty has no
  ``ЮридическоеФизическоеЛицо`` at all (bad input the issue names), and the organisation itself owns a bank
  account and a contact person that must not be taken for a customer's.
- УНФ: ``ЮрФизЛицо`` ЮрЛицо/ФизЛицо, ``ОГРН``, contact persons linked through ``СвязиКонтрагентов``.

Each base also has products, price types, warehouses and a couple of sales documents.
"""

from __future__ import annotations

from typing import Any

from core.ru_requisites import complete_inn, complete_ogrn
from core.sandbox.onec.seed import (
    BANKS,
    CONTACT_PERSONS,
    COUNTERPARTY_TYPE,
    CURRENCIES,
    MANUAL_BANK,
    PARTIES,
    RUB_REF,
    ZERO,
    Address,
    Party,
    _account_number,
    _address_row,
    _email_row,
    _phone_row,
    counterparty_contact_rows,
    onec_guid,
)

ORGANIZATION_TYPE = "StandardODATA.Catalog_Организации"
ORG_REF = onec_guid("organization", "zavod")

# БП 3.0 / УНФ predefined kinds of contact information (names as in БСП)
CONTACT_KINDS = [
    ("ТелефонКонтрагента", "Телефон", "Телефон"),
    ("EmailКонтрагента", "Email", "АдресЭлектроннойПочты"),
    ("ЮрАдресКонтрагента", "Юридический адрес", "Адрес"),
    ("ФактАдресКонтрагента", "Фактический адрес", "Адрес"),
    ("ТелефонКонтактногоЛица", "Телефон", "Телефон"),
    ("EmailКонтактногоЛица", "Email", "АдресЭлектроннойПочты"),
    ("ЮрАдресОрганизации", "Юридический адрес", "Адрес"),
]

#: a БП 3.0 counterparty whose «Юр./физ. лицо» was never filled (an old base, a careless import)
NO_KIND = Party("bp-no-kind", "ООО «МехСервис»", "Общество с ограниченной ответственностью «МехСервис»", "",
                complete_inn("772901334"), "772901001", complete_ogrn("117774612345"), "+7 (495) 612-40-07",
                "mail@mehservis.ru", Address("119334", "Москва", "", "ул. Вавилова", "д. 5"), ("044525225",))

PRODUCTS = [
    # (key, description, article, unit OKEI, service)
    ("beam-20", "Балка двутавровая 20Б1", "БД-20Б1", "796", False),
    ("crane-5t", "Кран-балка подвесная 5 т", "КБП-5", "796", False),
    ("bolt-m16", "Болт М16х80 оцинкованный", "М16-80Ц", "796", False),
    ("sheet-4", "Лист г/к 4 мм", "ЛГК-4", "166", False),
    ("montage", "Монтаж металлоконструкций", "", "796", True),
]
UNITS = [("796", "шт", "Штука"), ("166", "кг", "Килограмм")]


def _kind_ref(predefined: str) -> str:
    return onec_guid("contact-kind", predefined)


def _common_rows() -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {"Catalog_Валюты": [], "Catalog_ВидыКонтактнойИнформации": [],
                                             "Catalog_Банки": [], "Catalog_Организации": [],
                                             "Catalog_КлассификаторЕдиницИзмерения": []}
    for code, name, full, symbol, method, words in CURRENCIES:
        rows["Catalog_Валюты"].append({
            "Ref_Key": onec_guid("currency", code), "Code": code, "Description": name, "НаименованиеПолное": full,
            "СимвольноеПредставление": symbol, "СпособУстановкиКурса": method, "ПараметрыПрописи": words,
        })
    for order, (predefined, description, kind) in enumerate(CONTACT_KINDS, start=1):
        rows["Catalog_ВидыКонтактнойИнформации"].append({
            "Ref_Key": _kind_ref(predefined), "Description": description, "Тип": kind, "Predefined": True,
            "PredefinedDataName": predefined, "Используется": True, "РеквизитДопУпорядочивания": str(order),
        })
    for bank in [*BANKS, MANUAL_BANK]:  # БП/УНФ keep every bank in Catalog_Банки, no manual fields on accounts
        rows["Catalog_Банки"].append({
            "Ref_Key": bank.ref, "Code": bank.bik, "Description": bank.name, "КоррСчет": bank.corr,
            "Город": bank.city, "Адрес": bank.address, "Телефоны": bank.phones, "СВИФТБИК": bank.swift,
            "Страна_Key": onec_guid("country", "643"),
        })
    rows["Catalog_Организации"].append({
        "Ref_Key": ORG_REF, "Code": "00-000001", "Description": "Завод «СтройМаш»",
        "НаименованиеПолное": "Общество с ограниченной ответственностью «Завод СтройМаш»",
        "НаименованиеСокращенное": "ООО «Завод СтройМаш»", "ИНН": complete_inn("772711520"),
        "КПП": "772701001", "ОГРН": complete_ogrn("115774611223"),
        "КонтактнаяИнформация": [_address_row(1, "ЮрАдресОрганизации",
                                              Address("109316", "Москва", "", "Волгоградский пр-кт", "д. 42"))],
    })
    for code, short, full in UNITS:
        rows["Catalog_КлассификаторЕдиницИзмерения"].append({
            "Ref_Key": onec_guid("unit", code), "Code": code, "Description": short, "НаименованиеПолное": full})
    return rows


def _parties() -> list[tuple[int, Party]]:
    return list(enumerate(PARTIES, start=1))


def _accounts(party: Party, index: int) -> list[tuple[str, str, str, bool]]:
    """(ref, number, bank ref, closed) of a party's accounts — the same numbers as in the УТ 11 seed."""
    result = []
    for n, bik in enumerate(party.banks, start=1):
        bank = next((b for b in BANKS if b.bik == bik), MANUAL_BANK)
        number = _account_number(bik, bank.branch, index, n, ip=party.kind == "ИндивидуальныйПредприниматель")
        result.append((onec_guid("bank-account", f"{party.key}:{n}"), number, bank.ref,
                       party.key == "baltsudoremont" and n == 2))
    return result


def _owner_of_partner(partner: str) -> Party:
    return next(p for p in PARTIES if p.partner == partner and not p.head)


def _contact_person(n: int) -> dict[str, Any]:
    _partner, surname, name, patronymic, position, _sex, phone, email = CONTACT_PERSONS[n - 1]
    return {
        "Ref_Key": onec_guid("contact-person", n), "Description": f"{surname} {name} {patronymic}",
        "Фамилия": surname, "Имя": name, "Отчество": patronymic, "Должность": position,
        "КонтактнаяИнформация": [_phone_row(1, "ТелефонКонтактногоЛица", phone),
                                 _email_row(2, "EmailКонтактногоЛица", email)],
    }


def _product_rows(rows: dict[str, list[dict[str, Any]]], *, service_flag: bool) -> None:
    rows["Catalog_Номенклатура"] = []
    for n, (key, description, article, unit, service) in enumerate(PRODUCTS, start=1):
        row: dict[str, Any] = {
            "Ref_Key": onec_guid("product", key), "Code": f"00-{n:08d}", "Description": description,
            "НаименованиеПолное": description, "Артикул": article, "ЕдиницаИзмерения_Key": onec_guid("unit", unit),
            "СтавкаНДС": "НДС20",
        }
        if service_flag:
            row["Услуга"] = service
        else:
            row["ТипНоменклатуры"] = "Услуга" if service else "Запас"
        rows["Catalog_Номенклатура"].append(row)


def _lines(*items: tuple[str, int, int]) -> list[dict[str, Any]]:
    lines = []
    for n, (key, qty, price) in enumerate(items, start=1):
        total = qty * price
        lines.append({"LineNumber": str(n), "Номенклатура_Key": onec_guid("product", key), "Количество": qty,
                      "Цена": price, "Сумма": total, "СтавкаНДС": "НДС20", "СуммаНДС": round(total / 6, 2)})
    return lines


def seed_rows_bp30() -> dict[str, list[dict[str, Any]]]:
    rows = _common_rows()
    rows.update({"Catalog_Контрагенты": [], "Catalog_БанковскиеСчета": [], "Catalog_КонтактныеЛица": []})
    for index, party in [*_parties(), (len(PARTIES) + 1, NO_KIND)]:
        kind = {"ЮрЛицо": "ЮридическоеЛицо", "ЮрЛицоНеРезидент": "ЮридическоеЛицо",
                "ИндивидуальныйПредприниматель": "ФизическоеЛицо", "ФизЛицо": "ФизическоеЛицо"}.get(party.kind, "")
        accounts = _accounts(party, index)
        rows["Catalog_Контрагенты"].append({
            "Ref_Key": party.ref, "Code": f"00-{index:06d}", "Description": party.description,
            "DeletionMark": party.deleted, "НаименованиеПолное": party.full_name,
            "ОбособленноеПодразделение": party.head is not None, "ЮридическоеФизическоеЛицо": kind,
            "СтранаРегистрации_Key": onec_guid("country", "398" if party.kind == "ЮрЛицоНеРезидент" else "643"),
            "ГоловнойКонтрагент_Key": onec_guid("counterparty", party.head) if party.head else party.ref,
            "ИНН": party.inn, "КПП": party.kpp, "КодПоОКПО": party.okpo, "РегистрационныйНомер": party.ogrn,
            "НалоговыйНомер": party.tax_number, "ИННВведенКорректно": bool(party.inn),
            "КППВведенКорректно": bool(party.kpp), "РасширенноеПредставлениеИНН": party.inn,
            "РасширенноеПредставлениеКПП": party.kpp,
            "ОсновнойБанковскийСчет_Key": accounts[0][0] if accounts else ZERO,
            "КонтактнаяИнформация": counterparty_contact_rows(party),
        })
        for ref, number, bank_ref, closed in accounts:
            bank = next(b for b in rows["Catalog_Банки"] if b["Ref_Key"] == bank_ref)
            rows["Catalog_БанковскиеСчета"].append({
                "Ref_Key": ref, "Description": f"{number}, {bank['Description']}", "Owner": party.ref,
                "Owner_Type": COUNTERPARTY_TYPE, "НомерСчета": number, "Банк_Key": bank_ref,
                "ВалютаДенежныхСредств_Key": RUB_REF, "ВидСчета": "Расчетный",
                "ДатаЗакрытия": "2024-06-30T00:00:00" if closed else None,
            })
    # the organisation's own account: owned by Catalog_Организации, never a customer's bank detail
    rows["Catalog_БанковскиеСчета"].append({
        "Ref_Key": onec_guid("bank-account", "org:1"), "Description": "Расчётный счёт завода",
        "Owner": ORG_REF, "Owner_Type": ORGANIZATION_TYPE,
        "НомерСчета": _account_number("044525225", "3800", 99, 1, ip=False), "Банк_Key": BANKS[0].ref,
        "ВалютаДенежныхСредств_Key": RUB_REF, "ВидСчета": "Расчетный",
    })
    for n in range(1, len(CONTACT_PERSONS) + 1):
        row = _contact_person(n)
        owner = _owner_of_partner(CONTACT_PERSONS[n - 1][0])
        row.update({"ОбъектВладелец": owner.ref, "ОбъектВладелец_Type": COUNTERPARTY_TYPE})
        rows["Catalog_КонтактныеЛица"].append(row)
    rows["Catalog_КонтактныеЛица"].append({
        "Ref_Key": onec_guid("contact-person", "org-accountant"), "Description": "Белова Наталья Игоревна",
        "Фамилия": "Белова", "Имя": "Наталья", "Отчество": "Игоревна", "Должность": "Главный бухгалтер",
        "ОбъектВладелец": ORG_REF, "ОбъектВладелец_Type": ORGANIZATION_TYPE,
    })
    _product_rows(rows, service_flag=True)
    rows["Catalog_ТипыЦенНоменклатуры"] = [
        {"Ref_Key": onec_guid("price-type", "wholesale"), "Code": "000000001", "Description": "Оптовая",
         "ВалютаЦены_Key": RUB_REF, "ЦенаВключаетНДС": True},
        {"Ref_Key": onec_guid("price-type", "retail"), "Code": "000000002", "Description": "Розничная",
         "ВалютаЦены_Key": RUB_REF, "ЦенаВключаетНДС": True},
    ]
    rows["Catalog_Склады"] = [
        {"Ref_Key": onec_guid("warehouse", "main"), "Code": "000000001", "Description": "Основной склад",
         "ТипСклада": "ОптовыйСклад"},
        {"Ref_Key": onec_guid("warehouse", "shop"), "Code": "000000002", "Description": "Цех металлоконструкций",
         "ТипСклада": "ОптовыйСклад"},
    ]
    techprom = PARTIES[0]
    rows["Document_СчетНаОплатуПокупателю"] = [{
        "Ref_Key": onec_guid("bp-invoice", 1), "Number": "0000-000015", "Date": "2026-03-02T10:15:00",
        "Posted": True, "Организация_Key": ORG_REF, "Контрагент_Key": techprom.ref, "ВалютаДокумента_Key": RUB_REF,
        "ТипЦен_Key": onec_guid("price-type", "wholesale"), "СуммаВключаетНДС": True, "СуммаДокумента": 486000,
        "Товары": _lines(("beam-20", 20, 18300), ("bolt-m16", 600, 200)),
    }]
    rows["Document_РеализацияТоваровУслуг"] = [{
        "Ref_Key": onec_guid("bp-sale", 1), "Number": "0000-000011", "Date": "2026-03-05T16:40:00",
        "Posted": True, "ВидОперации": "Товары", "Организация_Key": ORG_REF,
        "Склад_Key": onec_guid("warehouse", "main"), "Контрагент_Key": techprom.ref,
        "ВалютаДокумента_Key": RUB_REF, "СуммаВключаетНДС": True, "СуммаДокумента": 486000,
        "Товары": _lines(("beam-20", 20, 18300), ("bolt-m16", 600, 200)),
    }]
    return rows


def seed_rows_unf() -> dict[str, list[dict[str, Any]]]:
    rows = _common_rows()
    rows.update({"Catalog_Контрагенты": [], "Catalog_БанковскиеСчета": [], "Catalog_КонтактныеЛица": []})
    for index, party in _parties():
        kind = "ЮрЛицо" if party.kind in ("ЮрЛицо", "ЮрЛицоНеРезидент") else "ФизЛицо"
        rows["Catalog_Контрагенты"].append({
            "Ref_Key": party.ref, "Code": f"00-{index:06d}", "Description": party.description,
            "DeletionMark": party.deleted, "НаименованиеПолное": party.full_name, "ЮрФизЛицо": kind,
            "ИНН": party.inn, "КПП": party.kpp, "ОГРН": party.ogrn, "КодПоОКПО": party.okpo, "Покупатель": True,
            "КонтактнаяИнформация": counterparty_contact_rows(party),
        })
        for ref, number, bank_ref, closed in _accounts(party, index):
            rows["Catalog_БанковскиеСчета"].append({
                "Ref_Key": ref, "Description": number, "Owner": party.ref, "Owner_Type": COUNTERPARTY_TYPE,
                "НомерСчета": number, "Банк_Key": bank_ref, "ВалютаДенежныхСредств_Key": RUB_REF,
                "ВидСчета": "Расчетный", "ДатаЗакрытия": "2024-06-30T00:00:00" if closed else None,
            })
    rows["Catalog_БанковскиеСчета"].append({
        "Ref_Key": onec_guid("bank-account", "org:1"), "Description": "Расчётный счёт завода", "Owner": ORG_REF,
        "Owner_Type": ORGANIZATION_TYPE, "НомерСчета": _account_number("044525225", "3800", 99, 1, ip=False),
        "Банк_Key": BANKS[0].ref, "ВалютаДенежныхСредств_Key": RUB_REF, "ВидСчета": "Расчетный",
    })
    for n in range(1, len(CONTACT_PERSONS) + 1):
        row = _contact_person(n)
        owner = _owner_of_partner(CONTACT_PERSONS[n - 1][0])
        links = [{"LineNumber": "1", "Контрагент_Key": owner.ref, "ОписаниеСвязи": "Сотрудник"}]
        if owner.key == "volga-energomash":  # the chief mechanic also serves the Togliatti branch
            links.append({"LineNumber": "2", "Контрагент_Key": onec_guid("counterparty", "volga-tlt"),
                          "ОписаниеСвязи": "Курирует филиал"})
        row["СвязиКонтрагентов"] = links
        rows["Catalog_КонтактныеЛица"].append(row)
    _product_rows(rows, service_flag=False)
    rows["Catalog_ВидыЦен"] = [
        {"Ref_Key": onec_guid("price-type", "wholesale"), "Description": "Оптовая цена", "ВалютаЦены_Key": RUB_REF,
         "ЦенаВключаетНДС": True},
        {"Ref_Key": onec_guid("price-type", "retail"), "Description": "Розничная цена", "ВалютаЦены_Key": RUB_REF,
         "ЦенаВключаетНДС": True},
    ]
    rows["Catalog_СтруктурныеЕдиницы"] = [
        {"Ref_Key": onec_guid("warehouse", "main"), "Description": "Основной склад", "ТипСтруктурнойЕдиницы": "Склад",
         "Организация_Key": ORG_REF},
        {"Ref_Key": onec_guid("warehouse", "sales"), "Description": "Отдел продаж",
         "ТипСтруктурнойЕдиницы": "Подразделение", "Организация_Key": ORG_REF},
    ]
    techprom = PARTIES[0]
    common = {"Организация_Key": ORG_REF, "Контрагент_Key": techprom.ref, "ВалютаДокумента_Key": RUB_REF,
              "СтруктурнаяЕдиница_Key": onec_guid("warehouse", "main"), "СуммаВключаетНДС": True,
              "СуммаДокумента": 486000, "Запасы": _lines(("beam-20", 20, 18300), ("bolt-m16", 600, 200))}
    rows["Document_ЗаказПокупателя"] = [{"Ref_Key": onec_guid("unf-order", 1), "Number": "0000-000042",
                                         "Date": "2026-03-01T11:00:00", "Posted": True, **common}]
    rows["Document_СчетНаОплату"] = [{"Ref_Key": onec_guid("unf-invoice", 1), "Number": "0000-000031",
                                      "Date": "2026-03-02T10:15:00", "Posted": True, **common}]
    rows["Document_РасходнаяНакладная"] = [{"Ref_Key": onec_guid("unf-sale", 1), "Number": "0000-000027",
                                            "Date": "2026-03-05T16:40:00", "Posted": True, **common}]
    return rows


def seed_rows_for(configuration: str) -> dict[str, list[dict[str, Any]]]:
    from core.sandbox.onec.seed import seed_rows

    return {"ut11": seed_rows, "bp30": seed_rows_bp30, "unf": seed_rows_unf}[configuration]()
