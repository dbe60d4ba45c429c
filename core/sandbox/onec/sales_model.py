"""Sales objects of the sandbox УТ 11 base: the customer order, the invoice, bank and cash receipts, the sale.

Names follow onec-odata.md §4 (customer order, invoice, receipts, shipment rows) and the real УТ 11
``$metadata`` the reference points to (``Document_РеализацияТоваровУслуг_Товары_RowType`` with a composite
``ЗаказКлиента``). Where the notes are silent the model is the stricter reading, and docs/decisions.md says so:
- ``Document_СчетНаОплатуКлиенту`` has no ``Товары``: the notes list only ``ДокументОснование`` and
  ``ЭтапыГрафикаОплаты``; lines of an invoice come from its basis (the order);
- ``Posted`` cannot be written: only the ``Post``/``Unpost`` actions change it;
- ``Номенклатура_Key`` points to ``Catalog_Номенклатура``, which the catalog work publishes; until then the
  reference simply dangles, as 1C allows.

Also the small catalogs an order needs and a deal does not carry (organisation, warehouse, agreement, VAT
rate), seeded with the factory's own values so the wizard has real lists to pick from.
"""

from __future__ import annotations

from typing import Any

from core.sandbox.onec.entity_model import (
    ENUMS,
    EntitySetDef,
    Prop,
    TabularPart,
    b,
    composite,
    dt,
    enum,
    num,
    ref,
    s,
)
from core.sandbox.onec.seed import RUB_REF, onec_guid

ENUMS.update({
    "СтатусыЗаказовКлиентов": ("НеСогласован", "КОбеспечению", "КОтгрузке", "Закрыт"),
    "ХозяйственныеОперации": (
        "РеализацияКлиенту", "РеализацияКлиентуРеглУчет", "ПоступлениеОплатыОтКлиента",
        "ПоступлениеДенежныхСредствОтДругойОрганизации", "ПрочееПоступлениеДенежныхСредств",
        "ВозвратОплатыКлиенту",
    ),
    "СтатусыРеализацийТоваровУслуг": ("КПредоплате", "ВПути", "Отгружено"),
    "ВариантыОбеспечения": ("Отгрузить", "СоСклада", "Обособленно", "КОбеспечению", "Требуется", "НеТребуется"),
    "ТипыНалогообложенияНДС": ("ПродажаОблагаетсяНДС", "ПродажаНеОблагаетсяНДС", "ПродажаНаЭкспорт"),
    "СтатусыСоглашенийСКлиентами": ("НеСогласовано", "Действует", "Закрыто"),
    "ВидыСтавокНДС": ("Общая", "Пониженная", "Нулевая", "БезНДС"),
})

ORDERS = "Document_ЗаказКлиента"
INVOICES = "Document_СчетНаОплатуКлиенту"
BANK_RECEIPTS = "Document_ПоступлениеБезналичныхДенежныхСредств"
CASH_RECEIPTS = "Document_ПриходныйКассовыйОрдер"
SALES = "Document_РеализацияТоваровУслуг"
ORGANISATIONS = "Catalog_Организации"
WAREHOUSES = "Catalog_Склады"
AGREEMENTS = "Catalog_СоглашенияСКлиентами"
VAT_RATES = "Catalog_СтавкиНДС"
NOMENCLATURE = "Catalog_Номенклатура"


def _ro(name: str, edm: str) -> Prop:
    return Prop(name, edm, read_only=True)


def _document_head() -> tuple[Prop, ...]:
    return (
        Prop("Ref_Key", "Edm.Guid", nullable=False, read_only=True),
        _ro("DataVersion", "Edm.String"),
        b("DeletionMark"),
        s("Number", 11),
        dt("Date"),
        _ro("Posted", "Edm.Boolean"),
    )


def _row_head() -> tuple[Prop, ...]:
    return (
        Prop("Ref_Key", "Edm.Guid", nullable=False, read_only=True),
        Prop("LineNumber", "Edm.Int64", nullable=False),
    )


def _goods_row(*extra: Prop) -> TabularPart:
    return TabularPart("Товары", (
        *_row_head(),
        ref("Номенклатура_Key", NOMENCLATURE),
        ref("Характеристика_Key", "Catalog_ХарактеристикиНоменклатуры"),
        ref("Упаковка_Key", "Catalog_УпаковкиЕдиницыИзмерения"),
        num("КоличествоУпаковок"),
        num("Количество"),
        ref("ВидЦены_Key", "Catalog_ВидыЦен"),
        num("Цена"),
        num("Сумма"),
        ref("СтавкаНДС_Key", VAT_RATES),
        num("СуммаНДС"),
        num("СуммаСНДС"),
        num("КодСтроки", "Edm.Int64"),
        num("ПроцентРучнойСкидки"),
        num("СуммаРучнойСкидки"),
        ref("Склад_Key", WAREHOUSES),
        *extra,
    ))


def _settlement_part() -> TabularPart:
    return TabularPart("РасшифровкаПлатежа", (
        *_row_head(),
        ref("Партнер_Key", "Catalog_Партнеры"),
        *composite("ОснованиеПлатежа", ORDERS, INVOICES, SALES),
        *composite("Заказ", ORDERS),
        num("Сумма"),
        ref("ВалютаВзаиморасчетов_Key", "Catalog_Валюты"),
        num("СуммаВзаиморасчетов"),
        ref("СтавкаНДС_Key", VAT_RATES),
        num("СуммаНДС"),
        ref("СтатьяДвиженияДенежныхСредств_Key", "Catalog_СтатьиДвиженияДенежныхСредств"),
    ))


CUSTOMER_ORDERS = EntitySetDef(
    ORDERS,
    (
        *_document_head(),
        enum("ХозяйственнаяОперация", "ХозяйственныеОперации"),
        ref("Организация_Key", ORGANISATIONS),
        ref("Партнер_Key", "Catalog_Партнеры"),
        ref("Контрагент_Key", "Catalog_Контрагенты"),
        ref("Соглашение_Key", AGREEMENTS),
        ref("Договор_Key", "Catalog_ДоговорыКонтрагентов"),
        ref("Склад_Key", WAREHOUSES),
        ref("Валюта_Key", "Catalog_Валюты"),
        enum("Статус", "СтатусыЗаказовКлиентов"),
        b("ЦенаВключаетНДС"),
        enum("НалогообложениеНДС", "ТипыНалогообложенияНДС"),
        num("СуммаДокумента"),
        dt("ДатаОтгрузки"),
        s("НомерПоДаннымКлиента", 30),
        dt("ДатаПоДаннымКлиента"),
        ref("Менеджер_Key", "Catalog_Пользователи"),
        s("Комментарий", 0),
    ),
    (_goods_row(b("Отменено"), enum("ВариантОбеспечения", "ВариантыОбеспечения"), dt("ДатаОтгрузки")),),
    presentation=("Date", "Number"),
    number_format=("ТД00-", 11),
)

CUSTOMER_INVOICES = EntitySetDef(
    INVOICES,
    (
        *_document_head(),
        ref("Организация_Key", ORGANISATIONS),
        ref("Партнер_Key", "Catalog_Партнеры"),
        ref("Контрагент_Key", "Catalog_Контрагенты"),
        *composite("ДокументОснование", ORDERS, SALES),
        ref("Валюта_Key", "Catalog_Валюты"),
        num("СуммаДокумента"),
        b("ЦенаВключаетНДС"),
        b("Аннулирован"),
        s("Комментарий", 0),
    ),
    (TabularPart("ЭтапыГрафикаОплаты", (
        *_row_head(),
        dt("ДатаПлатежа"),
        num("ПроцентПлатежа"),
        num("СуммаПлатежа"),
    )),),
    presentation=("Date", "Number"),
    number_format=("ТД00-", 11),
)

BANK_RECEIPT_DOCS = EntitySetDef(
    BANK_RECEIPTS,
    (
        *_document_head(),
        enum("ХозяйственнаяОперация", "ХозяйственныеОперации"),
        ref("Организация_Key", ORGANISATIONS),
        ref("БанковскийСчет_Key", "Catalog_БанковскиеСчетаОрганизаций"),
        ref("Контрагент_Key", "Catalog_Контрагенты"),
        ref("Валюта_Key", "Catalog_Валюты"),
        num("СуммаДокумента"),
        s("НомерВходящегоДокумента", 30),
        dt("ДатаВходящегоДокумента"),
        s("НазначениеПлатежа", 0),
        s("Комментарий", 0),
    ),
    (_settlement_part(),),
    presentation=("Date", "Number"),
    number_format=("ТД00-", 11),
)

CASH_RECEIPT_DOCS = EntitySetDef(
    CASH_RECEIPTS,
    (
        *_document_head(),
        enum("ХозяйственнаяОперация", "ХозяйственныеОперации"),
        ref("Организация_Key", ORGANISATIONS),
        ref("Касса_Key", "Catalog_Кассы"),
        ref("Контрагент_Key", "Catalog_Контрагенты"),
        ref("Валюта_Key", "Catalog_Валюты"),
        num("СуммаДокумента"),
        s("ПринятоОт", 100),
        s("Основание", 0),
        s("Комментарий", 0),
    ),
    (_settlement_part(),),
    presentation=("Date", "Number"),
    number_format=("ТД00-", 11),
)

SALES_DOCS = EntitySetDef(
    SALES,
    (
        *_document_head(),
        enum("ХозяйственнаяОперация", "ХозяйственныеОперации"),
        ref("Организация_Key", ORGANISATIONS),
        ref("Партнер_Key", "Catalog_Партнеры"),
        ref("Контрагент_Key", "Catalog_Контрагенты"),
        ref("Соглашение_Key", AGREEMENTS),
        ref("Договор_Key", "Catalog_ДоговорыКонтрагентов"),
        ref("Склад_Key", WAREHOUSES),
        ref("Валюта_Key", "Catalog_Валюты"),
        *composite("ЗаказКлиента", ORDERS),
        enum("Статус", "СтатусыРеализацийТоваровУслуг"),
        b("ЦенаВключаетНДС"),
        num("СуммаДокумента"),
        s("Комментарий", 0),
    ),
    (_goods_row(*composite("ЗаказКлиента", ORDERS)),),
    presentation=("Date", "Number"),
    number_format=("ТД00-", 11),
)


def _catalog(name: str, *props: Prop, code: int | None = None) -> EntitySetDef:
    head = [Prop("Ref_Key", "Edm.Guid", nullable=False, read_only=True), _ro("DataVersion", "Edm.String"),
            b("DeletionMark")]
    if code is not None:
        head.append(s("Code", code))
    head.append(s("Description", 100))
    return EntitySetDef(name, (*head, *props, _ro("Predefined", "Edm.Boolean"), _ro("PredefinedDataName",
                                                                                   "Edm.String")))


ORGANISATION_SET = _catalog(ORGANISATIONS, s("НаименованиеПолное", 0), s("ИНН", 12), s("КПП", 9),
                            s("Префикс", 2))
WAREHOUSE_SET = _catalog(WAREHOUSES, ref("Parent_Key", WAREHOUSES), b("IsFolder"), s("ТипСклада", 50))
AGREEMENT_SET = _catalog(
    AGREEMENTS, s("Номер", 20), dt("Дата"), ref("Партнер_Key", "Catalog_Партнеры"),
    ref("Организация_Key", ORGANISATIONS), ref("Валюта_Key", "Catalog_Валюты"), b("ЦенаВключаетНДС"),
    b("Типовое"), enum("Статус", "СтатусыСоглашенийСКлиентами"),
    enum("ХозяйственнаяОперация", "ХозяйственныеОперации"),
)
VAT_RATE_SET = _catalog(VAT_RATES, num("Ставка"), enum("ВидСтавкиНДС", "ВидыСтавокНДС"), b("Расчетная"))

SALES_SETS: tuple[EntitySetDef, ...] = (
    CUSTOMER_ORDERS, CUSTOMER_INVOICES, BANK_RECEIPT_DOCS, CASH_RECEIPT_DOCS, SALES_DOCS,
    ORGANISATION_SET, WAREHOUSE_SET, AGREEMENT_SET, VAT_RATE_SET,
)
DOCUMENT_SETS = frozenset({ORDERS, INVOICES, BANK_RECEIPTS, CASH_RECEIPTS, SALES})

# --- seed: the factory's own organisation, warehouses, agreements and VAT rates ----------------------

ORGANISATION_REF = onec_guid("organisation", "stankomash")
MAIN_WAREHOUSE_REF = onec_guid("warehouse", "main")
FINISHED_WAREHOUSE_REF = onec_guid("warehouse", "finished")
STANDARD_AGREEMENT_REF = onec_guid("agreement", "standard")
VAT_REFS = {rate: onec_guid("vat-rate", rate) for rate in ("20", "10", "0", "none")}


def sales_seed_rows() -> dict[str, list[dict[str, Any]]]:
    return {
        ORGANISATIONS: [
            {"Ref_Key": ORGANISATION_REF, "Description": "СтанкоМаш ООО",
             "НаименованиеПолное": "Общество с ограниченной ответственностью «СтанкоМаш»",
             "ИНН": "7447012345", "КПП": "744701001", "Префикс": "ТД"},
        ],
        WAREHOUSES: [
            {"Ref_Key": MAIN_WAREHOUSE_REF, "Description": "Основной склад", "ТипСклада": "ОптовыйСклад"},
            {"Ref_Key": FINISHED_WAREHOUSE_REF, "Description": "Склад готовой продукции",
             "ТипСклада": "ОптовыйСклад"},
        ],
        AGREEMENTS: [
            {"Ref_Key": STANDARD_AGREEMENT_REF, "Description": "Основное соглашение с клиентами", "Номер": "1",
             "Дата": "2024-01-09T00:00:00", "Организация_Key": ORGANISATION_REF, "Валюта_Key": RUB_REF,
             "ЦенаВключаетНДС": True, "Типовое": True, "Статус": "Действует",
             "ХозяйственнаяОперация": "РеализацияКлиенту"},
        ],
        VAT_RATES: [
            {"Ref_Key": VAT_REFS["20"], "Description": "20%", "Ставка": 20, "ВидСтавкиНДС": "Общая"},
            {"Ref_Key": VAT_REFS["10"], "Description": "10%", "Ставка": 10, "ВидСтавкиНДС": "Пониженная"},
            {"Ref_Key": VAT_REFS["0"], "Description": "0%", "Ставка": 0, "ВидСтавкиНДС": "Нулевая"},
            {"Ref_Key": VAT_REFS["none"], "Description": "Без НДС", "Ставка": 0, "ВидСтавкиНДС": "БезНДС"},
        ],
    }
