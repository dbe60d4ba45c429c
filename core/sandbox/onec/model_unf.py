"""Objects of the sandbox "1С:Управление нашей фирмой" base, with УНФ names.

There is no verbatim УНФ payload in the reference set. Object names are the ones public УНФ OData clients use
(``Catalog_Контрагенты``, ``Catalog_КонтактныеЛица``, ``Catalog_СтруктурныеЕдиницы``, ``Document_ЗаказПокупателя``
with ``Запасы``, ``Document_РасходнаяНакладная``, ``Document_СчетНаОплату``); attribute names are UNVERIFIED
against a live УНФ base and marked so in docs/user-guide.md:

- ``Catalog_Контрагенты``: ``ЮрФизЛицо`` (ЮрЛицо / ФизЛицо), ``ИНН``, ``КПП``, ``ОГРН``, ``НаименованиеПолное``;
- ``Catalog_КонтактныеЛица``: not owned by a counterparty; the links are rows of the tabular part
  ``СвязиКонтрагентов`` (``Контрагент_Key``), so one person can be a contact of several counterparties;
- ``Catalog_БанковскиеСчета`` (owner composite: counterparty or organisation) at ``Catalog_Банки``.

Because the product reads only what the base's `$metadata` publishes, a name that differs on a real base is a
named warning (optional attribute) or a named stop (required one), never a silent wrong sync.
"""

from __future__ import annotations

from core.sandbox.onec.entity_model import (
    CONTACT_INFO_KINDS,
    CONTACT_INFO_PART,
    CURRENCIES,
    EntitySetDef,
    TabularPart,
    _catalog_head,
    _predefined,
    _row_head,
    b,
    composite,
    dt,
    enum,
    num,
    ref,
    s,
)
from core.sandbox.onec.model_bp30 import BANKS, ORGANIZATIONS, UNITS, _document_head

COUNTERPARTIES = EntitySetDef(
    "Catalog_Контрагенты",
    (
        *_catalog_head(code=9, description=100),
        ref("Parent_Key", "Catalog_Контрагенты"),
        b("IsFolder"),
        s("НаименованиеПолное", 1000),
        enum("ЮрФизЛицо", "ЮрФизЛицо"),
        s("ИНН", 12),
        s("КПП", 9),
        s("ОГРН", 15),
        s("КодПоОКПО", 10),
        b("Покупатель"),
        b("Поставщик"),
        ref("ОсновноеКонтактноеЛицо_Key", "Catalog_КонтактныеЛица"),
        ref("БанковскийСчетПоУмолчанию_Key", "Catalog_БанковскиеСчета"),
        s("Комментарий", 0),
        dt("ДатаСоздания"),
        *_predefined(),
    ),
    (CONTACT_INFO_PART,),
    code_format=("00-", 9),
)

BANK_ACCOUNTS = EntitySetDef(
    "Catalog_БанковскиеСчета",
    (
        *_catalog_head(description=150),
        *composite("Owner", "Catalog_Контрагенты", "Catalog_Организации"),
        s("НомерСчета", 34),
        ref("Банк_Key", "Catalog_Банки"),
        ref("ВалютаДенежныхСредств_Key", "Catalog_Валюты"),
        enum("ВидСчета", "ВидыСчетов"),
        dt("ДатаОткрытия"),
        dt("ДатаЗакрытия"),
        *_predefined(),
    ),
)

CONTACT_PERSONS = EntitySetDef(
    "Catalog_КонтактныеЛица",
    (
        *_catalog_head(code=9, description=100),
        s("Фамилия", 50),
        s("Имя", 50),
        s("Отчество", 50),
        s("Должность", 100),
        s("Комментарий", 0),
        *_predefined(),
    ),
    (
        CONTACT_INFO_PART,
        TabularPart("СвязиКонтрагентов", (
            *_row_head(), ref("Контрагент_Key", "Catalog_Контрагенты"), s("ОписаниеСвязи", 100),
        )),
    ),
    code_format=("00-", 9),
)

PRODUCTS = EntitySetDef(
    "Catalog_Номенклатура",
    (
        *_catalog_head(code=11, description=100),
        ref("Parent_Key", "Catalog_Номенклатура"),
        b("IsFolder"),
        s("НаименованиеПолное", 1000),
        s("Артикул", 25),
        s("ТипНоменклатуры", 50),
        ref("ЕдиницаИзмерения_Key", "Catalog_КлассификаторЕдиницИзмерения"),
        enum("СтавкаНДС", "СтавкиНДС"),
        s("Комментарий", 0),
        *_predefined(),
    ),
    code_format=("00-", 11),
)

PRICE_KINDS = EntitySetDef(
    "Catalog_ВидыЦен",
    (*_catalog_head(description=50), ref("ВалютаЦены_Key", "Catalog_Валюты"), b("ЦенаВключаетНДС"),
     *_predefined()),
)

BUSINESS_UNITS = EntitySetDef(
    "Catalog_СтруктурныеЕдиницы",
    (
        *_catalog_head(description=100),
        ref("Parent_Key", "Catalog_СтруктурныеЕдиницы"),
        s("ТипСтруктурнойЕдиницы", 50),
        ref("Организация_Key", "Catalog_Организации"),
        *_predefined(),
    ),
)

_STOCK = TabularPart("Запасы", (
    *_row_head(),
    ref("Номенклатура_Key", "Catalog_Номенклатура"),
    num("Количество"),
    num("Цена"),
    num("Сумма"),
    enum("СтавкаНДС", "СтавкиНДС"),
    num("СуммаНДС"),
))


def _sales_document(name: str) -> EntitySetDef:
    return EntitySetDef(
        name,
        (
            *_document_head(),
            ref("Организация_Key", "Catalog_Организации"),
            ref("Контрагент_Key", "Catalog_Контрагенты"),
            ref("СтруктурнаяЕдиница_Key", "Catalog_СтруктурныеЕдиницы"),
            ref("ВидЦен_Key", "Catalog_ВидыЦен"),
            ref("ВалютаДокумента_Key", "Catalog_Валюты"),
            b("СуммаВключаетНДС"),
            num("СуммаДокумента"),
            dt("ДатаОтгрузки"),
            s("Комментарий", 0),
        ),
        (_STOCK,),
        presentation=("Date", "Number"),
    )


UNF_SETS: tuple[EntitySetDef, ...] = (
    COUNTERPARTIES, BANK_ACCOUNTS, BANKS, CONTACT_PERSONS, ORGANIZATIONS, CURRENCIES, CONTACT_INFO_KINDS, UNITS,
    PRODUCTS, PRICE_KINDS, BUSINESS_UNITS, _sales_document("Document_ЗаказПокупателя"),
    _sales_document("Document_РасходнаяНакладная"), _sales_document("Document_СчетНаОплату"),
)
