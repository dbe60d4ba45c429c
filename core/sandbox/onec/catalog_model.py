"""The catalogue part of the sandbox УТ 11: nomenclature, units, VAT rates, price types, warehouses, the price
register with its recorder document, and the free-stock accumulation register.

Names follow УТ 11.5 as published over OData (onec-odata.md §4; the `_RecordType` sets and the `SliceLast` call
forms as public client code uses them against real УТ/ERP bases):
- `Catalog_Номенклатура`: groups by `IsFolder`/`Parent_Key`, `Артикул`, `ЕдиницаИзмерения_Key` →
  `Catalog_УпаковкиЕдиницыИзмерения` (a unit's `Code` is its ОКЕИ code, as loaded from the classifier),
  `ВидНоменклатуры_Key` → `Catalog_ВидыНоменклатуры`, `ТипНоменклатуры` (Товар / Услуга / Работа …),
  `СтавкаНДС_Key` → `Catalog_СтавкиНДС` (the catalog УТ 11.5 uses since the 5 %/7 % УСН rates and 22 % of 2026);
- `Catalog_ВидыЦен` (`ВалютаЦены_Key`, `ЦенаВключаетНДС`, `Статус`); a price's currency is its price type's;
- `InformationRegister_ЦеныНоменклатуры25`: periodic, subordinate to `Document_УстановкаЦенНоменклатуры`
  (`Recorder_Key`), dimensions `Номенклатура`, `Характеристика`, `ВидЦены`, resource `Цена`; read as
  `…_RecordType` (flat records) or through the `SliceLast` virtual table;
- `AccumulationRegister_СвободныеОстатки`: balance register of many recorders (`Recorder` + `Recorder_Type`),
  dimensions `Номенклатура`, `Характеристика`, `Склад`, resources `ВНаличии`, `ВРезервеСоСклада`,
  `ВРезервеПодЗаказ`; read as `…_RecordType` or through `Balance`.
The register `_RecordType` sets are read-only (1C writes registers only through their recorder documents).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.sandbox.onec.entity_model import (
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

NOMENCLATURE = "Catalog_Номенклатура"
UNITS = "Catalog_УпаковкиЕдиницыИзмерения"
KINDS = "Catalog_ВидыНоменклатуры"
VAT_RATES = "Catalog_СтавкиНДС"
PRICE_TYPES = "Catalog_ВидыЦен"
WAREHOUSES = "Catalog_Склады"
PRICE_DOCUMENT = "Document_УстановкаЦенНоменклатуры"
PRICES = "InformationRegister_ЦеныНоменклатуры25"
FREE_STOCK = "AccumulationRegister_СвободныеОстатки"
RECEIPT_DOCUMENT = "Document_ОприходованиеИзлишковТоваров"
WRITE_OFF_DOCUMENT = "Document_СписаниеНедостачТоваров"
#: recorders of free stock that the sandbox does not publish as sets (their movements are seeded)
STOCK_RECORDERS = (RECEIPT_DOCUMENT, WRITE_OFF_DOCUMENT, "Document_ПриобретениеТоваровУслуг",
                   "Document_РеализацияТоваровУслуг", "Document_ЗаказКлиента")

CATALOG_ENUMS: dict[str, tuple[str, ...]] = {
    "ТипыНоменклатуры": ("Товар", "Услуга", "Работа", "МногооборотнаяТара", "Набор", "ПодарочныйСертификат"),
    "ТипыУпаковокНоменклатуры": ("ЕдиницаИзмерения", "Конечная", "Составная"),
    "СтавкиНДС": ("БезНДС", "НДС0", "НДС5", "НДС7", "НДС10", "НДС20", "НДС22"),
    "СтатусыДействияВидовЦен": ("Действует", "Недействует", "ВРазработке"),
    "ТипыСкладов": ("Склад", "ОптовыйСклад", "РозничныйМагазин"),
    "ВидыСтавокНДС": ("Общая", "Пониженная", "Нулевая", "БезНДС"),
    "ВидДвиженияНакопления": ("Receipt", "Expense"),
}


def _head(code: int | None, description: int = 100) -> tuple[Prop, ...]:
    head = [Prop("Ref_Key", "Edm.Guid", nullable=False, read_only=True), Prop("DataVersion", read_only=True),
            b("DeletionMark")]
    if code is not None:
        head.append(s("Code", code))
    head.append(s("Description", description))
    return tuple(head)


def _tail() -> tuple[Prop, ...]:
    return (Prop("Predefined", "Edm.Boolean", read_only=True), Prop("PredefinedDataName", read_only=True))


def _document_head() -> tuple[Prop, ...]:
    return (Prop("Ref_Key", "Edm.Guid", nullable=False, read_only=True), Prop("DataVersion", read_only=True),
            b("DeletionMark"), s("Number", 11), dt("Date"), b("Posted"))


NOMENCLATURE_DEF = EntitySetDef(
    NOMENCLATURE,
    (
        *_head(11, 100),
        ref("Parent_Key", NOMENCLATURE),
        b("IsFolder"),
        s("Артикул", 25),
        s("НаименованиеПолное", 1024),
        ref("ВидНоменклатуры_Key", KINDS),
        enum("ТипНоменклатуры", "ТипыНоменклатуры"),
        ref("ЕдиницаИзмерения_Key", UNITS),
        ref("СтавкаНДС_Key", VAT_RATES),
        s("Описание", 0),
        s("Комментарий", 0),
        *_tail(),
    ),
    code_format=("00-", 11),
)

UNITS_DEF = EntitySetDef(
    UNITS,
    (
        *_head(4, 50),
        s("НаименованиеПолное", 100),
        s("МеждународноеСокращение", 3),
        enum("ТипУпаковки", "ТипыУпаковокНоменклатуры"),
        num("Числитель"),
        num("Знаменатель"),
        *_tail(),
    ),
    presentation=("Description",),
)

KINDS_DEF = EntitySetDef(
    KINDS,
    (*_head(None, 100), ref("Parent_Key", KINDS), b("IsFolder"), enum("ТипНоменклатуры", "ТипыНоменклатуры"),
     *_tail()),
)

VAT_RATES_DEF = EntitySetDef(
    VAT_RATES,
    # one definition for the catalogue and the sales work (sales_model.py reads Ставка and ВидСтавкиНДС)
    (*_head(None, 50), num("Ставка"), enum("ВидСтавкиНДС", "ВидыСтавокНДС"), b("Расчетная"),
     enum("ПеречислениеСтавкаНДС", "СтавкиНДС"), b("НеОблагается"), *_tail()),
)

PRICE_TYPES_DEF = EntitySetDef(
    PRICE_TYPES,
    (
        *_head(None, 100),
        ref("ВалютаЦены_Key", "Catalog_Валюты"),
        b("ЦенаВключаетНДС"),
        enum("Статус", "СтатусыДействияВидовЦен"),
        b("ИспользоватьПриПродаже"),
        b("ИспользоватьПриПередачеМеждуОрганизациями"),
        num("РеквизитДопУпорядочивания", "Edm.Int64"),
        *_tail(),
    ),
)

WAREHOUSES_DEF = EntitySetDef(
    WAREHOUSES,
    (*_head(None, 150), ref("Parent_Key", WAREHOUSES), b("IsFolder"), enum("ТипСклада", "ТипыСкладов"),
     s("Комментарий", 0), *_tail()),
)

PRICE_DOCUMENT_DEF = EntitySetDef(
    PRICE_DOCUMENT,
    (*_document_head(), s("Комментарий", 0), ref("Ответственный_Key", "Catalog_Пользователи")),
    (TabularPart("Товары", (
        Prop("Ref_Key", "Edm.Guid", nullable=False, read_only=True),
        Prop("LineNumber", "Edm.Int64", nullable=False),
        ref("Номенклатура_Key", NOMENCLATURE),
        ref("Характеристика_Key", "Catalog_ХарактеристикиНоменклатуры"),
        ref("ВидЦены_Key", PRICE_TYPES),
        num("Цена"),
    )),),
    presentation=("Number", "Date"),
)


def _stock_document(name: str) -> EntitySetDef:
    return EntitySetDef(
        name,
        (*_document_head(), ref("Склад_Key", WAREHOUSES), s("Комментарий", 0)),
        (TabularPart("Товары", (
            Prop("Ref_Key", "Edm.Guid", nullable=False, read_only=True),
            Prop("LineNumber", "Edm.Int64", nullable=False),
            ref("Номенклатура_Key", NOMENCLATURE),
            num("Количество"),
        )),),
        presentation=("Number", "Date"),
    )


@dataclass(frozen=True)
class RegisterDef:
    """A register: its flat `_RecordType` set plus what its virtual tables need."""

    name: str
    kind: str  # "information" | "accumulation"
    dimensions: tuple[Prop, ...]
    resources: tuple[Prop, ...]
    record_set: EntitySetDef  # the `<name>_RecordType` set

    @property
    def record_type_name(self) -> str:
        return f"{self.name}_RecordType"


PRICE_DIMENSIONS = (
    ref("Номенклатура_Key", NOMENCLATURE),
    ref("Характеристика_Key", "Catalog_ХарактеристикиНоменклатуры"),
    ref("ВидЦены_Key", PRICE_TYPES),
)
PRICE_RESOURCES = (num("Цена"), ref("Упаковка_Key", UNITS))
PRICES_REGISTER = RegisterDef(
    PRICES, "information", PRICE_DIMENSIONS, PRICE_RESOURCES,
    EntitySetDef(f"{PRICES}_RecordType", (
        ref("Recorder_Key", PRICE_DOCUMENT),
        dt("Period"),
        Prop("LineNumber", "Edm.Int64", nullable=False),
        b("Active"),
        *PRICE_DIMENSIONS,
        *PRICE_RESOURCES,
    ), presentation=()),
)

STOCK_DIMENSIONS = (
    ref("Номенклатура_Key", NOMENCLATURE),
    ref("Характеристика_Key", "Catalog_ХарактеристикиНоменклатуры"),
    ref("Склад_Key", WAREHOUSES),
)
STOCK_RESOURCES = (num("ВНаличии"), num("ВРезервеСоСклада"), num("ВРезервеПодЗаказ"))
STOCK_REGISTER = RegisterDef(
    FREE_STOCK, "accumulation", STOCK_DIMENSIONS, STOCK_RESOURCES,
    EntitySetDef(f"{FREE_STOCK}_RecordType", (
        *composite("Recorder", *STOCK_RECORDERS),
        dt("Period"),
        Prop("LineNumber", "Edm.Int64", nullable=False),
        b("Active"),
        enum("RecordType", "ВидДвиженияНакопления"),
        *STOCK_DIMENSIONS,
        *STOCK_RESOURCES,
    ), presentation=()),
)

REGISTERS: dict[str, RegisterDef] = {PRICES: PRICES_REGISTER, FREE_STOCK: STOCK_REGISTER}

CATALOG_SETS: tuple[EntitySetDef, ...] = (
    NOMENCLATURE_DEF, UNITS_DEF, KINDS_DEF, VAT_RATES_DEF, PRICE_TYPES_DEF, WAREHOUSES_DEF, PRICE_DOCUMENT_DEF,
    _stock_document(RECEIPT_DOCUMENT), _stock_document(WRITE_OFF_DOCUMENT),
    PRICES_REGISTER.record_set, STOCK_REGISTER.record_set,
)
