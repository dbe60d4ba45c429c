"""Seed catalogue of the sandbox УТ 11 (a machine-building factory's goods and services) and a bulk generator.

Small and fixed, with every bad-input case the catalogue sync must journal:
- «Грунт-эмаль ГФ-021» has no unit (`ЕдиницаИзмерения_Key` empty);
- «Перчатки трикотажные» has the 5 % (УСН) VAT rate a portal does not have;
- «Электроды МР-3 ∅4» has a negative free balance at the Екатеринбург warehouse (a shipment posted before the
  receipt);
- price type «Цена поставщика (юань)» is in CNY, a currency the portal lacks;
- «Болт М12х60 оцинкованный» carries the same article as «Болт М12х60» (БМ12-60);
- price type «Розничная (старая)» is marked for deletion but still has prices;
- «Саморез 4,2х19» is marked for deletion (the portal product must be deactivated, never deleted).
Services («Резка металла», «Доставка по городу») are ТипНоменклатуры = Услуга, their units are hours and
conventional units (ОКЕИ 356, 876), which a fresh portal's measure list does not have.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from core.sandbox.onec.catalog_documents import CatalogDocuments
from core.sandbox.onec.catalog_model import (
    KINDS,
    NOMENCLATURE,
    PRICE_TYPES,
    UNITS,
    VAT_RATES,
    WAREHOUSES,
)
from core.sandbox.onec.entity_model import ZERO_GUID
from core.sandbox.onec.seed import onec_guid
from core.sandbox.onec.store import Store

RUB = onec_guid("currency", "643")
CNY = onec_guid("currency", "156")
SEED_DATE = datetime(2026, 11, 2, 9, 0, 0)

# (ОКЕИ code, short name, full name, international)
UNIT_ROWS = (("796", "шт", "Штука", "PCE"), ("006", "м", "Метр", "MTR"), ("166", "кг", "Килограмм", "KGM"),
             ("356", "ч", "Час", "HUR"), ("876", "усл. ед", "Условная единица", ""), ("055", "м2", "Квадратный метр",
                                                                                        "MTK"))
# (key, description, rate, enum member, kind) — the refs are the sales seed's (sales_model.VAT_REFS) for 20/10/0/none
VAT_ROWS = (("22", "22%", 22, "НДС22", "Общая"), ("20", "20%", 20, "НДС20", "Общая"),
            ("10", "10%", 10, "НДС10", "Пониженная"), ("0", "0%", 0, "НДС0", "Нулевая"),
            ("none", "Без НДС", None, "БезНДС", "БезНДС"), ("5", "5%", 5, "НДС5", "Пониженная"))
# (key, description, currency, deleted)
PRICE_TYPE_ROWS = (("wholesale", "Оптовая", RUB, False), ("retail", "Розничная", RUB, False),
                   ("supplier-cny", "Цена поставщика (юань)", CNY, False), ("retail-old", "Розничная (старая)", RUB,
                                                                            True))
WAREHOUSE_ROWS = (("main", "Основной склад"), ("ekb", "Склад Екатеринбург"), ("finished", "Склад готовой продукции"))
GROUP_ROWS = (("metal", "Металлопрокат", None), ("sheet", "Листовой прокат", "metal"), ("fasteners", "Крепёж", None),
              ("consumables", "Расходные материалы", None), ("services", "Услуги", None))


@dataclass(frozen=True)
class Item:
    key: str
    name: str
    article: str
    group: str
    unit: str | None  # ОКЕИ code or None
    vat: str
    service: bool = False
    deleted: bool = False
    wholesale: str = "0"
    retail: str = "0"
    stock: tuple[tuple[str, str], ...] = ()  # (warehouse key, quantity)


ITEMS = (
    Item("sheet-2", "Лист стальной 2 мм 1250х2500", "ЛС-2-1250", "sheet", "796", "22", wholesale="8950",
         retail="9870", stock=(("main", "120"), ("ekb", "35"))),
    Item("tube-40", "Труба профильная 40х20х2", "ТП-40202", "metal", "006", "22", wholesale="214.5", retail="239",
         stock=(("main", "1800"), ("ekb", "640"))),
    Item("angle-50", "Уголок стальной 50х50х5", "УГ-50505", "metal", "006", "22", wholesale="412", retail="455",
         stock=(("main", "920"),)),
    Item("bolt-m12", "Болт М12х60 ГОСТ 7798-70", "БМ12-60", "fasteners", "796", "22", wholesale="18.4", retail="23",
         stock=(("main", "15000"), ("ekb", "4200"))),
    Item("bolt-m12-zinc", "Болт М12х60 оцинкованный", "БМ12-60", "fasteners", "796", "22", wholesale="21.9",
         retail="27", stock=(("main", "6000"),)),
    Item("nut-m12", "Гайка М12 ГОСТ 5915-70", "ГМ12", "fasteners", "796", "22", wholesale="4.1", retail="5.5",
         stock=(("main", "22000"),)),
    Item("electrodes", "Электроды МР-3 ∅4", "ЭМР3-4", "consumables", "166", "22", wholesale="265", retail="298",
         stock=(("main", "480"), ("ekb", "-12"))),
    Item("primer", "Грунт-эмаль ГФ-021", "ГФ-021", "consumables", None, "22", wholesale="310", retail="349",
         stock=(("main", "75"),)),
    Item("gloves", "Перчатки трикотажные", "ПТ-13", "consumables", "796", "5", wholesale="32", retail="39",
         stock=(("main", "2400"),)),
    Item("screw", "Саморез 4,2х19", "СМ-4219", "fasteners", "796", "22", deleted=True, wholesale="0.9",
         retail="1.2", stock=(("main", "0"),)),
    Item("cutting", "Резка металла", "", "services", "356", "22", service=True, wholesale="1800", retail="2200"),
    Item("delivery", "Доставка по городу", "", "services", "876", "22", service=True, wholesale="3500",
         retail="3500"),
)
#: reserves from customer orders: (item, warehouse, quantity)
RESERVES = (("bolt-m12", "main", "2500"), ("sheet-2", "main", "20"))
#: prices in CNY of the supplier price type, and prices of the deleted price type
CNY_PRICES = (("sheet-2", "612"), ("electrodes", "17.5"))
OLD_RETAIL_PRICES = (("sheet-2", "9500"), ("bolt-m12", "22"))


def ref(kind: str, key: str) -> str:
    return onec_guid(kind, key)


def product_ref(key: str) -> str:
    return ref("nomenclature", key)


def price_type_ref(key: str) -> str:
    return ref("price-type", key)


def warehouse_ref(key: str) -> str:
    return ref("warehouse", key)


def vat_ref(key: str) -> str:
    return ref("vat-rate", key)


def unit_ref(okei: str) -> str:
    return ref("unit", okei)


def reference_rows() -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {UNITS: [], VAT_RATES: [], KINDS: [], PRICE_TYPES: [], WAREHOUSES: []}
    for okei, short, full, intl in UNIT_ROWS:
        rows[UNITS].append({"Ref_Key": unit_ref(okei), "Code": okei, "Description": short, "НаименованиеПолное": full,
                            "МеждународноеСокращение": intl, "ТипУпаковки": "ЕдиницаИзмерения", "Числитель": 1,
                            "Знаменатель": 1})
    for key, description, rate, member, kind in VAT_ROWS:
        rows[VAT_RATES].append({"Ref_Key": vat_ref(key), "Description": description,
                                "Ставка": 0 if rate is None else rate, "ПеречислениеСтавкаНДС": member,
                                "ВидСтавкиНДС": kind, "НеОблагается": rate is None})
    for key, description, kind in (("goods", "Товары", "Товар"), ("services", "Услуги", "Услуга")):
        rows[KINDS].append({"Ref_Key": ref("kind", key), "Description": description, "ТипНоменклатуры": kind})
    for order, (key, description, currency, deleted) in enumerate(PRICE_TYPE_ROWS, start=1):
        rows[PRICE_TYPES].append({"Ref_Key": price_type_ref(key), "Description": description,
                                  "ВалютаЦены_Key": currency, "ЦенаВключаетНДС": True,
                                  "Статус": "Недействует" if deleted else "Действует",
                                  "ИспользоватьПриПродаже": True, "DeletionMark": deleted,
                                  "РеквизитДопУпорядочивания": str(order)})
    for key, description in WAREHOUSE_ROWS:
        rows[WAREHOUSES].append({"Ref_Key": warehouse_ref(key), "Description": description, "ТипСклада": "Склад"})
    return rows


def nomenclature_rows() -> list[dict[str, Any]]:
    rows = []
    for key, description, parent in GROUP_ROWS:
        rows.append({"Ref_Key": ref("group", key), "Description": description, "IsFolder": True,
                     "Parent_Key": ref("group", parent) if parent else ZERO_GUID})
    for number, item in enumerate(ITEMS, start=1):
        rows.append({
            "Ref_Key": product_ref(item.key), "Code": f"00-{number:08d}", "Description": item.name,
            "НаименованиеПолное": item.name, "Артикул": item.article, "Parent_Key": ref("group", item.group),
            "IsFolder": False, "ВидНоменклатуры_Key": ref("kind", "services" if item.service else "goods"),
            "ТипНоменклатуры": "Услуга" if item.service else "Товар",
            "ЕдиницаИзмерения_Key": unit_ref(item.unit) if item.unit else ZERO_GUID,
            "СтавкаНДС_Key": vat_ref(item.vat), "DeletionMark": item.deleted,
        })
    return rows


def load_catalog(store: Store, documents: CatalogDocuments) -> None:
    """Fill the catalogue: reference data, nomenclature, then the documents that wrote prices and stock."""
    for entity_set, rows in reference_rows().items():
        for row in rows:
            store.create(entity_set, row, trusted=True, version=int(row["Ref_Key"][:2], 16) % 5)
    for row in nomenclature_rows():
        store.create(NOMENCLATURE, row, trusted=True, version=int(row["Ref_Key"][:2], 16) % 5)
    documents.set_prices(
        [(product_ref(i.key), price_type_ref("wholesale"), Decimal(i.wholesale)) for i in ITEMS]
        + [(product_ref(i.key), price_type_ref("retail"), Decimal(i.retail)) for i in ITEMS]
        + [(product_ref(k), price_type_ref("retail-old"), Decimal(v)) for k, v in OLD_RETAIL_PRICES],
        date=SEED_DATE, comment="Цены на ноябрь")
    documents.set_prices([(product_ref(k), price_type_ref("supplier-cny"), Decimal(v)) for k, v in CNY_PRICES],
                         date=SEED_DATE + timedelta(hours=2), comment="Прайс поставщика")
    moment = SEED_DATE - timedelta(days=20)
    for item in ITEMS:
        for warehouse, quantity in item.stock:
            amount = Decimal(quantity)
            if amount != 0:
                documents.change_stock(product_ref(item.key), warehouse_ref(warehouse), amount, date=moment)
                moment += timedelta(minutes=7)
    for key, warehouse, quantity in RESERVES:
        documents.reserve(product_ref(key), warehouse_ref(warehouse), Decimal(quantity), date=moment)


# ----- bulk generator (benchmarks) -------------------------------------------------------------------


def load_bulk_catalog(store: Store, documents: CatalogDocuments, products: int, *, price_types: int = 2,
                      warehouses: int = 5, date: datetime = SEED_DATE) -> dict[str, list[str]]:
    """``products`` goods in 20 groups with prices of ``price_types`` RUB price types (one document per 500 lines)
    and stock at ``warehouses`` warehouses. Returns the refs created, by kind."""
    if not store.snapshot(UNITS):
        for entity_set, rows in reference_rows().items():
            for row in rows:
                store.create(entity_set, row, trusted=True)
    type_refs = [ref("bulk-price-type", str(n)) for n in range(price_types)]
    for n, type_ref in enumerate(type_refs):
        store.create(PRICE_TYPES, {"Ref_Key": type_ref, "Description": f"Вид цен {n + 1}", "ВалютаЦены_Key": RUB,
                                   "ЦенаВключаетНДС": True, "Статус": "Действует"}, trusted=True)
    store_refs = [ref("bulk-warehouse", str(n)) for n in range(warehouses)]
    for n, store_ref in enumerate(store_refs):
        store.create(WAREHOUSES, {"Ref_Key": store_ref, "Description": f"Склад №{n + 1}", "ТипСклада": "Склад"},
                     trusted=True)
    group_refs = [ref("bulk-group", str(n)) for n in range(20)]
    for n, group_ref in enumerate(group_refs):
        store.create(NOMENCLATURE, {"Ref_Key": group_ref, "Description": f"Группа {n + 1}", "IsFolder": True},
                     trusted=True)
    units = [unit_ref(code) for code in ("796", "006", "166")]
    product_refs = []
    for n in range(products):
        product = ref("bulk-product", str(n))
        product_refs.append(product)
        store.create(NOMENCLATURE, {
            "Ref_Key": product, "Code": f"БН-{n:08d}", "Description": f"Товар {n:06d}", "Артикул": f"A-{n:06d}",
            "Parent_Key": group_refs[n % len(group_refs)], "ВидНоменклатуры_Key": ref("kind", "goods"),
            "ТипНоменклатуры": "Товар", "ЕдиницаИзмерения_Key": units[n % len(units)],
            "СтавкаНДС_Key": vat_ref("22")}, trusted=True)
    lines = [(p, t, Decimal(100 + (i * 7 + j * 13) % 9000) + Decimal("0.5"))
             for i, p in enumerate(product_refs) for j, t in enumerate(type_refs)]
    for start in range(0, len(lines), 500):
        documents.set_prices(lines[start:start + 500], date=date)
    for j, w in enumerate(store_refs):
        stock = [(p, (i * 31 + j * 17) % 400) for i, p in enumerate(product_refs)]
        stock = [(p, q) for p, q in stock if q]
        for start in range(0, len(stock), 500):
            documents.change_stock_many(w, stock[start:start + 500], date=date - timedelta(days=10))
    return {"products": product_refs, "price_types": type_refs, "warehouses": store_refs}
