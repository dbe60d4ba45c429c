"""The sandbox УТ 11 catalogue: nomenclature, price and stock registers, virtual tables, documents that change them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from urllib.parse import quote

import pytest
import requests

from core.errors import RemoteError
from core.onec.client import OneCClient
from core.sandbox.onec.catalog_model import FREE_STOCK, NOMENCLATURE, PRICES
from core.sandbox.onec.catalog_seed import ITEMS, price_type_ref, product_ref, warehouse_ref
from core.sandbox.onec.server import OneCSandbox

AUTH = ("Интеграция", "демо-пароль")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[OneCSandbox]:
    with OneCSandbox() as sb:
        yield sb


@pytest.fixture
def fresh() -> Iterator[OneCSandbox]:
    with OneCSandbox() as sb:
        yield sb


def client(sb: OneCSandbox) -> OneCClient:
    return OneCClient(sb.url, *AUTH, retry_delays=())


def raw_get(sb: OneCSandbox, path: str) -> requests.Response:
    return requests.get(sb.url + path, auth=(AUTH[0].encode(), AUTH[1].encode()), timeout=10)


def prices_of(sb: OneCSandbox, product: str) -> dict[str, Decimal]:
    rows = client(sb).slice_last_many(PRICES, "Номенклатура_Key", [product],
                                      select=["ВидЦены_Key", "Цена", "Номенклатура_Key"])
    return {r["ВидЦены_Key"]: r["Цена"] for r in rows}


def test_nomenclature_has_groups_services_and_the_edge_cases(sandbox: OneCSandbox):
    rows = client(sandbox).list(NOMENCLATURE, select=[
        "Ref_Key", "Description", "IsFolder", "Parent_Key", "Артикул", "ТипНоменклатуры", "ЕдиницаИзмерения_Key",
        "DeletionMark", "СтавкаНДС_Key"])
    groups = [r for r in rows if r["IsFolder"]]
    goods = {r["Description"]: r for r in rows if not r["IsFolder"]}
    assert {g["Description"] for g in groups} >= {"Металлопрокат", "Листовой прокат", "Услуги"}
    assert len(goods) == len(ITEMS)
    assert goods["Резка металла"]["ТипНоменклатуры"] == "Услуга"
    assert goods["Грунт-эмаль ГФ-021"]["ЕдиницаИзмерения_Key"] == "00000000-0000-0000-0000-000000000000"
    assert goods["Саморез 4,2х19"]["DeletionMark"] is True
    articles = [g["Артикул"] for g in goods.values() if g["Артикул"] == "БМ12-60"]
    assert len(articles) == 2
    units = {u["Ref_Key"]: u["Code"] for u in client(sandbox).list("Catalog_УпаковкиЕдиницыИзмерения")}
    assert units[goods["Болт М12х60 ГОСТ 7798-70"]["ЕдиницаИзмерения_Key"]] == "796"  # ОКЕИ code


def test_slice_last_call_forms_all_answer_the_same(sandbox: OneCSandbox):
    product = product_ref("sheet-2")
    register = quote(PRICES)
    condition = f"Номенклатура_Key eq guid'{product}'"
    forms = [
        f"{register}/SliceLast(Condition='{quote(condition)}')?$format=json",  # raw inner quotes (docs)
        f"{register}/SliceLast(Condition='{quote(condition.replace(chr(39), chr(39) * 2))}')?$format=json",  # doubled
        f"{register}_RecordType/SliceLast?Condition={quote(condition)}&$format=json",  # query-string form
    ]
    answers = []
    for path in forms:
        response = raw_get(sandbox, path)
        assert response.status_code == 200, response.text
        answers.append(sorted((r["ВидЦены_Key"], r["Цена"]) for r in response.json()["value"]))
    assert answers[0] == answers[1] == answers[2]
    assert (price_type_ref("wholesale"), 8950) in answers[0]


def test_slice_last_with_a_period_sees_the_past(fresh: OneCSandbox):
    product, wholesale = product_ref("tube-40"), price_type_ref("wholesale")
    before = prices_of(fresh, product)[wholesale]
    fresh.set_price(product, wholesale, Decimal("250.00"), date=datetime(2026, 11, 20, 10, 0))
    assert prices_of(fresh, product)[wholesale] == Decimal("250")
    past = client(fresh).virtual_table(PRICES, "SliceLast", period=datetime(2026, 11, 10),
                                       condition=f"Номенклатура_Key eq guid'{product}' and ВидЦены_Key eq "
                                                 f"guid'{wholesale}'")
    assert [r["Цена"] for r in past] == [before]


def test_a_price_document_bumps_versions_and_unposting_reverts_the_price(fresh: OneCSandbox):
    product, retail = product_ref("nut-m12"), price_type_ref("retail")
    onec = client(fresh)
    docs_before = {r["Ref_Key"]: r["DataVersion"] for r in onec.list(
        "Document_УстановкаЦенНоменклатуры", select=["Ref_Key", "DataVersion", "Posted"])}
    doc = fresh.set_price(product, retail, 6.2)
    docs_after = {r["Ref_Key"]: r for r in onec.list("Document_УстановкаЦенНоменклатуры",
                                                     select=["Ref_Key", "DataVersion", "Posted", "Товары"])}
    assert set(docs_after) - set(docs_before) == {doc}
    assert docs_after[doc]["Товары"][0]["Номенклатура_Key"] == product
    assert prices_of(fresh, product)[retail] == Decimal("6.2")
    records = onec.list(f"{PRICES}_RecordType", filter=f"Recorder_Key eq guid'{doc}'")
    assert [r["Цена"] for r in records] == [Decimal("6.2")]
    fresh.unpost_price_document(doc)
    assert prices_of(fresh, product)[retail] == Decimal("5.5")
    version = {r["Ref_Key"]: r for r in onec.list("Document_УстановкаЦенНоменклатуры",
                                                  select=["Ref_Key", "DataVersion", "Posted"])}[doc]
    assert version["Posted"] is False and version["DataVersion"] != docs_after[doc]["DataVersion"]


def test_balance_groups_by_dimensions_and_keeps_negatives(sandbox: OneCSandbox):
    onec = client(sandbox)
    rows = onec.virtual_table(FREE_STOCK, "Balance", dimensions=["Номенклатура", "Склад"])
    balance = {(r["Номенклатура_Key"], r["Склад_Key"]): r for r in rows}
    bolts = balance[(product_ref("bolt-m12"), warehouse_ref("main"))]
    assert bolts["ВНаличииBalance"] == 15000 and bolts["ВРезервеСоСкладаBalance"] == 2500
    assert balance[(product_ref("electrodes"), warehouse_ref("ekb"))]["ВНаличииBalance"] == -12
    assert (product_ref("screw"), warehouse_ref("main")) not in balance  # zero balances are left out
    by_product = onec.virtual_table(FREE_STOCK, "Balance", dimensions=["Номенклатура"],
                                    filter=f"Номенклатура_Key eq guid'{product_ref('tube-40')}'")
    assert [(set(r), r["ВНаличииBalance"]) for r in by_product] == [
        ({"Номенклатура_Key", "ВНаличииBalance", "ВРезервеСоСкладаBalance", "ВРезервеПодЗаказBalance"}, 2440)]


def test_stock_documents_and_reserves_move_the_balance(fresh: OneCSandbox):
    product, main = product_ref("angle-50"), warehouse_ref("main")
    onec = client(fresh)

    def free() -> tuple[Decimal, Decimal]:
        rows = onec.balance_many(FREE_STOCK, "Номенклатура_Key", [product], dimensions=["Номенклатура", "Склад"],
                                 extra=f"Склад_Key eq guid'{main}'")
        return rows[0]["ВНаличииBalance"], rows[0]["ВРезервеСоСкладаBalance"]

    assert free() == (920, 0)
    moment = datetime.now().replace(microsecond=0)
    fresh.change_stock(product, main, -20)
    fresh.change_stock(product, main, 5)
    fresh.reserve(product, main, 100)
    assert free() == (905, 100)
    movements = onec.list(f"{FREE_STOCK}_RecordType",
                          filter=f"Period ge datetime'{moment.isoformat()}' and Номенклатура_Key eq guid'{product}'")
    assert sorted(m["RecordType"] for m in movements) == ["Expense", "Receipt", "Receipt"]
    assert {m["Recorder_Type"] for m in movements} == {
        "StandardODATA.Document_СписаниеНедостачТоваров", "StandardODATA.Document_ОприходованиеИзлишковТоваров",
        "StandardODATA.Document_ЗаказКлиента"}


def test_register_functions_and_writes_that_1c_refuses(sandbox: OneCSandbox):
    assert raw_get(sandbox, f"{quote(PRICES)}/Balance()?$format=json").status_code == 400
    assert raw_get(sandbox, f"{quote(FREE_STOCK)}/SliceLast()?$format=json").status_code == 400
    bad = raw_get(sandbox, f"{quote(FREE_STOCK)}/Balance(Dimensions='Цвет')?$format=json")
    assert bad.status_code == 400
    posted = requests.post(sandbox.url + quote(f"{PRICES}_RecordType") + "?$format=json", json={"Цена": 1},
                           auth=(AUTH[0].encode(), AUTH[1].encode()), timeout=10)
    assert posted.status_code == 405
    with pytest.raises(RemoteError):
        client(sandbox).virtual_table(PRICES, "SliceLast", condition="Номенклатура_Key gt guid'"
                                      f"{product_ref('sheet-2')}'")


def test_long_conditions_are_chunked_under_the_iis_limits(sandbox: OneCSandbox):
    refs = [product_ref(i.key) for i in ITEMS] * 1 + [product_ref(f"missing-{n}") for n in range(60)]
    sandbox.clear_request_log()
    rows = client(sandbox).slice_last_many(PRICES, "Номенклатура_Key", refs, select=["Номенклатура_Key", "Цена"])
    assert {r["Номенклатура_Key"] for r in rows} == {product_ref(i.key) for i in ITEMS}
    log = sandbox.request_log()
    assert len(log) > 1 and all(len(target.split("?", 1)[1]) <= 2048 for _, target in log)


def test_bulk_generator(fresh: OneCSandbox):
    made = fresh.load_bulk_catalog(300, price_types=2, warehouses=3)
    assert len(made["products"]) == 300
    onec = client(fresh)
    prices = onec.slice_last_many(PRICES, "ВидЦены_Key", made["price_types"], select=["Номенклатура_Key", "Цена"])
    assert len(prices) == 600
    stock = onec.balance_many(FREE_STOCK, "Склад_Key", made["warehouses"], dimensions=["Номенклатура", "Склад"])
    assert 800 < len(stock) <= 900


def test_conditions_on_a_key_answer_as_a_full_scan_does(fresh: OneCSandbox):
    """The sandbox takes records for ``(Поле eq guid'…' or …)`` from an index (CPU only): the answer is the one a
    condition it cannot index — here the same keys plus a term on another field no record has — gives."""
    made = fresh.load_bulk_catalog(120, price_types=2, warehouses=3)
    onec = client(fresh)
    products = made["products"][::12]  # short enough for the IIS query-string limit
    keys = " or ".join(f"Номенклатура_Key eq guid'{p}'" for p in products)
    nobody = "Номенклатура_Key eq guid'00000000-0000-0000-0000-000000000001'"
    for register, function, other, extra in ((PRICES, "SliceLast", "ВидЦены_Key", {}),
                                             (FREE_STOCK, "Balance", "Склад_Key",
                                              {"dimensions": ["Номенклатура", "Склад"]})):
        stray = f"{other} eq guid'00000000-0000-0000-0000-000000000002'"
        indexed = onec.virtual_table(register, function, condition=f"({keys} or {nobody})", **extra)
        scanned = onec.virtual_table(register, function, condition=f"({keys} or {stray})", **extra)
        assert indexed and sorted(map(repr, indexed)) == sorted(map(repr, scanned))
    price_type = made["price_types"][0]
    before = onec.virtual_table(PRICES, "SliceLast", condition=f"({keys}) and (ВидЦены_Key eq guid'{price_type}')")
    fresh.set_price(products[0], price_type, 777)  # a write: the index is rebuilt
    after = {r["Номенклатура_Key"]: r["Цена"] for r in onec.virtual_table(
        PRICES, "SliceLast", condition=f"({keys}) and (ВидЦены_Key eq guid'{price_type}')")}
    assert len(after) == len(before) == len(products) and after[products[0]] == Decimal("777")
