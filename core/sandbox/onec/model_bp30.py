"""Objects of the sandbox "1С:Бухгалтерия предприятия 3.0" base, named as БП 3.0 publishes them.

Attribute names, order and shapes of ``Catalog_Контрагенты``, ``Catalog_БанковскиеСчета``, ``Catalog_Банки``
follow the real БП 3.0 payloads in ``/work/shared/reference/onec/`` (catalog_kontragenty_list_bp30.json,
catalog_bankovskie_scheta_bp30.json, catalog_banki_bp30.json) and ``Document_ПоступлениеТоваровУслуг`` shows the
document shape (Number/Date/Posted, tabular parts, composite «Субконто»). What БП 3.0 differs in from УТ 11:
no partners (contact persons belong to the counterparty itself), ``ЮридическоеФизическоеЛицо`` instead of
``ЮрФизЛицо`` (an ИП is a «ФизическоеЛицо» with an ОГРНИП), bank accounts in ``Catalog_БанковскиеСчета`` owned by
counterparties *and* organisations, banks in ``Catalog_Банки``, closing an account by ``ДатаЗакрытия``.

Not from a payload (shapes by the БП 3.0 metadata as commonly published; UNVERIFIED against a live base):
``Catalog_КонтактныеЛица`` (owner in the composite ``ОбъектВладелец``, ``Должность``), ``Catalog_Номенклатура``,
``Catalog_ТипыЦенНоменклатуры``, ``Catalog_Склады``, ``Document_РеализацияТоваровУслуг``,
``Document_СчетНаОплатуПокупателю``, ``Catalog_Организации`` — only the attributes the product may read.
"""

from __future__ import annotations

from core.sandbox.onec.entity_model import (
    CONTACT_INFO_KINDS,
    CONTACT_INFO_PART,
    CURRENCIES,
    EntitySetDef,
    Prop,
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

ORGS = "Catalog_Организации"
KINDS_OF_INFO = "Catalog_ВидыКонтактнойИнформации"

_HISTORY_CI = TabularPart("ИсторияКонтактнойИнформации", (
    *_row_head(), dt("Период"), enum("Тип", "ТипыКонтактнойИнформации"), ref("Вид_Key", KINDS_OF_INFO),
    s("Представление", 500), s("Значение", 0),
))

COUNTERPARTIES = EntitySetDef(
    "Catalog_Контрагенты",
    (
        # order as in the real БП 3.0 element (catalog_kontragenty_list_bp30.json)
        Prop("Ref_Key", "Edm.Guid", nullable=False, read_only=True),
        Prop("DataVersion", read_only=True),
        b("DeletionMark"),
        ref("Parent_Key", "Catalog_Контрагенты"),
        b("IsFolder"),
        s("Code", 9),
        s("Description", 100),
        s("НаименованиеПолное", 1000),
        b("ОбособленноеПодразделение"),
        enum("ЮридическоеФизическоеЛицо", "ЮридическоеФизическоеЛицо"),
        ref("СтранаРегистрации_Key", "Catalog_СтраныМира"),
        ref("ГоловнойКонтрагент_Key", "Catalog_Контрагенты"),
        s("ИНН", 12),
        s("КПП", 9),
        s("КодПоОКПО", 10),
        s("ДокументУдостоверяющийЛичность", 0),
        ref("ОсновнойБанковскийСчет_Key", "Catalog_БанковскиеСчета"),
        ref("УдалитьОсновнойДоговорКонтрагента_Key", "Catalog_ДоговорыКонтрагентов"),
        ref("ОсновноеКонтактноеЛицо_Key", "Catalog_КонтактныеЛица"),
        s("Комментарий", 0),
        s("ДополнительнаяИнформация", 0),
        s("УдалитьЮрФизЛицо", 50),
        b("ИННВведенКорректно"),
        b("КППВведенКорректно"),
        s("РасширенноеПредставлениеИНН", 50),
        s("РасширенноеПредставлениеКПП", 50),
        s("НалоговыйНомер", 50),
        s("РегистрационныйНомер", 50),
        b("ГосударственныйОрган"),
        s("ВидГосударственногоОргана", 50),
        s("КодГосударственногоОргана", 10),
        s("СвидетельствоСерияНомер", 25),
        dt("СвидетельствоДатаВыдачи"),
        dt("ДатаРегистрации"),
        dt("ДатаСоздания"),
        *_predefined(),
    ),
    (
        CONTACT_INFO_PART,
        TabularPart("ДополнительныеРеквизиты", (
            *_row_head(),
            ref("Свойство_Key", "ChartOfCharacteristicTypes_ДополнительныеРеквизитыИСведения"),
            *composite("Значение", "Catalog_ЗначенияСвойствОбъектов", "Catalog_Контрагенты"),
            s("ТекстоваяСтрока", 0),
        )),
        TabularPart("ИсторияКПП", (*_row_head(), dt("Период"), s("КПП", 9))),
        TabularPart("ИсторияНаименований", (*_row_head(), dt("Период"), s("НаименованиеПолное", 1000))),
        _HISTORY_CI,
    ),
    code_format=("00-", 9),
)

BANK_ACCOUNTS = EntitySetDef(
    "Catalog_БанковскиеСчета",
    (
        # order as in catalog_bankovskie_scheta_bp30.json
        Prop("Ref_Key", "Edm.Guid", nullable=False, read_only=True),
        Prop("DataVersion", read_only=True),
        b("DeletionMark"),
        *composite("Owner", "Catalog_Контрагенты", ORGS),
        s("Code", 9),
        s("Description", 150),
        s("НомерСчета", 34),
        ref("Банк_Key", "Catalog_Банки"),
        b("Валютный"),
        ref("ВалютаДенежныхСредств_Key", "Catalog_Валюты"),
        s("НомерИДатаРазрешения", 100),
        dt("ДатаОткрытия"),
        dt("ДатаЗакрытия"),
        ref("ПодразделениеОрганизации_Key", "Catalog_ПодразделенияОрганизаций"),
        ref("БанкДляРасчетов_Key", "Catalog_Банки"),
        enum("ВидСчета", "ВидыСчетов"),
        s("ТекстКорреспондента", 0),
        s("ТекстНазначения", 0),
        b("МесяцПрописью"),
        b("СуммаБезКопеек"),
        b("ВсегдаУказыватьКПП"),
        ref("ГосударственныйКонтракт_Key", "Catalog_ГосударственныеКонтракты"),
        b("СчетКорпоративныхРасчетов"),
        ref("СчетБанк_Key", "ChartOfAccounts_Хозрасчетный"),
        *_predefined(),
    ),
    code_format=("00-", 9),
)

BANKS = EntitySetDef(
    "Catalog_Банки",
    (
        # order as in catalog_banki_bp30.json; Code is the БИК
        Prop("Ref_Key", "Edm.Guid", nullable=False, read_only=True),
        Prop("DataVersion", read_only=True),
        b("DeletionMark"),
        ref("Parent_Key", "Catalog_Банки"),
        b("IsFolder"),
        s("Code", 9),
        s("Description", 100),
        s("КоррСчет", 20),
        s("Город", 30),
        s("Адрес", 500),
        s("Телефоны", 100),
        num("РучноеИзменение", "Edm.Int16"),
        s("СВИФТБИК", 11),
        ref("Страна_Key", "Catalog_СтраныМира"),
        *_predefined(),
    ),
)

CONTACT_PERSONS = EntitySetDef(
    "Catalog_КонтактныеЛица",
    (
        *_catalog_head(description=100),
        *composite("ОбъектВладелец", "Catalog_Контрагенты", ORGS),
        s("Фамилия", 50),
        s("Имя", 50),
        s("Отчество", 50),
        s("Должность", 100),
        s("Комментарий", 0),
        *_predefined(),
    ),
    (CONTACT_INFO_PART,),
)

ORGANIZATIONS = EntitySetDef(
    ORGS,
    (
        *_catalog_head(code=9, description=100),
        s("НаименованиеПолное", 1000),
        s("НаименованиеСокращенное", 500),
        s("ИНН", 12),
        s("КПП", 9),
        s("ОГРН", 15),
        ref("ОсновнойБанковскийСчет_Key", "Catalog_БанковскиеСчета"),
        *_predefined(),
    ),
    (CONTACT_INFO_PART,),
    code_format=("00-", 9),
)

UNITS = EntitySetDef(
    "Catalog_КлассификаторЕдиницИзмерения",
    (*_catalog_head(code=3, description=25), s("НаименованиеПолное", 100), *_predefined()),
)

PRODUCTS = EntitySetDef(
    "Catalog_Номенклатура",
    (
        *_catalog_head(code=11, description=100),
        ref("Parent_Key", "Catalog_Номенклатура"),
        b("IsFolder"),
        s("НаименованиеПолное", 1000),
        s("Артикул", 25),
        ref("ЕдиницаИзмерения_Key", "Catalog_КлассификаторЕдиницИзмерения"),
        ref("ВидНоменклатуры_Key", "Catalog_ВидыНоменклатуры"),
        b("Услуга"),
        enum("СтавкаНДС", "СтавкиНДС"),
        s("Комментарий", 0),
        *_predefined(),
    ),
    code_format=("00-", 11),
)

PRICE_TYPES = EntitySetDef(
    "Catalog_ТипыЦенНоменклатуры",
    (
        *_catalog_head(code=9, description=50),
        ref("ВалютаЦены_Key", "Catalog_Валюты"),
        b("ЦенаВключаетНДС"),
        *_predefined(),
    ),
)

WAREHOUSES = EntitySetDef(
    "Catalog_Склады",
    (
        *_catalog_head(code=9, description=100),
        ref("Parent_Key", "Catalog_Склады"),
        b("IsFolder"),
        s("ТипСклада", 50),
        ref("ТипЦенРозничнойТорговли_Key", "Catalog_ТипыЦенНоменклатуры"),
        *_predefined(),
    ),
)

_GOODS = TabularPart("Товары", (
    *_row_head(),
    ref("Номенклатура_Key", "Catalog_Номенклатура"),
    num("Количество"),
    num("Цена"),
    num("Сумма"),
    enum("СтавкаНДС", "СтавкиНДС"),
    num("СуммаНДС"),
))
_SERVICES = TabularPart("Услуги", (
    *_row_head(),
    ref("Номенклатура_Key", "Catalog_Номенклатура"),
    s("Содержание", 0),
    num("Количество"),
    num("Цена"),
    num("Сумма"),
    enum("СтавкаНДС", "СтавкиНДС"),
    num("СуммаНДС"),
))


def _document_head() -> tuple[Prop, ...]:
    return (
        Prop("Ref_Key", "Edm.Guid", nullable=False, read_only=True),
        Prop("DataVersion", read_only=True),
        b("DeletionMark"),
        s("Number", 11),
        dt("Date"),
        b("Posted"),
    )


SALES = EntitySetDef(
    "Document_РеализацияТоваровУслуг",
    (
        *_document_head(),
        s("ВидОперации", 50),
        ref("Организация_Key", ORGS),
        ref("Склад_Key", "Catalog_Склады"),
        ref("Контрагент_Key", "Catalog_Контрагенты"),
        ref("ДоговорКонтрагента_Key", "Catalog_ДоговорыКонтрагентов"),
        ref("ВалютаДокумента_Key", "Catalog_Валюты"),
        ref("ТипЦен_Key", "Catalog_ТипыЦенНоменклатуры"),
        b("СуммаВключаетНДС"),
        num("СуммаДокумента"),
        s("Комментарий", 0),
    ),
    (_GOODS, _SERVICES),
    presentation=("Date", "Number"),
)

INVOICES = EntitySetDef(
    "Document_СчетНаОплатуПокупателю",
    (
        *_document_head(),
        ref("Организация_Key", ORGS),
        ref("Контрагент_Key", "Catalog_Контрагенты"),
        ref("ДоговорКонтрагента_Key", "Catalog_ДоговорыКонтрагентов"),
        ref("ВалютаДокумента_Key", "Catalog_Валюты"),
        ref("ТипЦен_Key", "Catalog_ТипыЦенНоменклатуры"),
        b("СуммаВключаетНДС"),
        num("СуммаДокумента"),
        s("Комментарий", 0),
    ),
    (_GOODS, _SERVICES),
    presentation=("Date", "Number"),
)

BP30_SETS: tuple[EntitySetDef, ...] = (
    COUNTERPARTIES, BANK_ACCOUNTS, BANKS, CONTACT_PERSONS, ORGANIZATIONS, CURRENCIES, CONTACT_INFO_KINDS, UNITS,
    PRODUCTS, PRICE_TYPES, WAREHOUSES, SALES, INVOICES,
)
