"""The sandbox portal's trade catalogue, called directly and over HTTP: envelopes, validation, both inventory modes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.bitrix24.client import Bitrix24Client
from core.errors import AccessDenied
from core.sandbox.bitrix24.catalog import ARTICLE_PROPERTY_ID, PRODUCT_IBLOCK_ID
from core.sandbox.bitrix24.errors import PortalError
from core.sandbox.bitrix24.portal import Portal, normalise_method
from core.sandbox.bitrix24.seed import ELECTRODES_ONEC_REF, seed_portal
from core.sandbox.bitrix24.server import Bitrix24Sandbox

REFERENCE = Path("/work/shared/reference/bitrix24")
GUID = "0c882bf4-8de3-11ee-5621-00155d0a1c2b"


@pytest.fixture
def portal() -> Portal:
    p = Portal(user_id=1, scopes={"crm", "catalog", "basic"}, clock=lambda: 1_780_000_000.0, operating_limit=480.0,
               method_cost=0.01)
    seed_portal(p)
    return p


def call(portal: Portal, method: str, params: dict | None = None):
    outcome, _time = portal.execute(normalise_method(method), params or {})  # the HTTP front lower-cases
    return outcome


def add_product(portal: Portal, **fields):
    return call(portal, "catalog.product.add", {"fields": {"iblockId": PRODUCT_IBLOCK_ID, **fields}}).result["element"]


def listed(portal: Portal, method: str, params: dict, wrapper: str) -> list[dict]:
    return call(portal, method, params).result[wrapper]


PRODUCT_SELECT = ["id", "iblockId", "name", "xmlId", f"property{ARTICLE_PROPERTY_ID}", "type", "active"]


# ----- products ------------------------------------------------------------------------------------
def test_product_list_has_the_reference_shape(portal: Portal):
    reference = json.loads((REFERENCE / "catalog.product.list.example.json").read_text())["result"]["products"][0]
    outcome = call(portal, "catalog.product.list", {"filter": {"iblockId": PRODUCT_IBLOCK_ID},
                                                   "select": ["*", "id", "iblockId"]})
    product = outcome.result["products"][0]
    # every scalar field the documentation prints is there, with the same JSON type family
    for name, value in reference.items():
        if name.startswith("property") or name in ("detailPicture", "previewPicture"):
            continue
        assert name in product, name
        if isinstance(value, int) and product[name] is not None:
            assert isinstance(product[name], int | float), name
    assert outcome.total == 2


def test_product_list_demands_iblock_filter_and_id_select(portal: Portal):
    with pytest.raises(PortalError) as exc:
        call(portal, "catalog.product.list", {"select": ["id", "iblockId"]})
    assert exc.value.code == 0
    with pytest.raises(PortalError):
        call(portal, "catalog.product.list", {"filter": {"iblockId": PRODUCT_IBLOCK_ID}, "select": ["name"]})


def test_a_product_without_xml_id_gets_its_own_id(portal: Portal):
    by_hand = next(p for p in portal.entities("product") if p["name"] == "Гайка М12")
    assert by_hand["xmlId"] == str(by_hand["id"])
    assert by_hand[f"property{ARTICLE_PROPERTY_ID}"]["value"] == "ГМ12"


def test_products_found_by_xml_id_and_by_article(portal: Portal):
    by_xml = listed(portal, "catalog.product.list", {
        "filter": {"iblockId": PRODUCT_IBLOCK_ID, "xmlId": ELECTRODES_ONEC_REF}, "select": PRODUCT_SELECT}, "products")
    assert [p["name"] for p in by_xml] == ["Электроды МР-3 4 мм"]
    by_article = listed(portal, "catalog.product.list", {
        "filter": {"iblockId": PRODUCT_IBLOCK_ID, f"property{ARTICLE_PROPERTY_ID}": "гм12"},
        "select": PRODUCT_SELECT}, "products")
    assert [p["name"] for p in by_article] == ["Гайка М12"]
    by_many = listed(portal, "catalog.product.list", {
        "filter": {"iblockId": PRODUCT_IBLOCK_ID, "@xmlId": [ELECTRODES_ONEC_REF, GUID]}, "select": PRODUCT_SELECT},
        "products")
    assert len(by_many) == 1


def test_unknown_filter_field_is_refused(portal: Portal):
    with pytest.raises(PortalError) as exc:
        call(portal, "catalog.product.list", {"filter": {"iblockId": PRODUCT_IBLOCK_ID, "XML_ID": "x"},
                                              "select": ["id", "iblockId"]})
    assert "XML_ID" in exc.value.description


def test_services_are_type_7_with_their_own_wrappers(portal: Portal):
    service = call(portal, "catalog.product.service.add", {"fields": {
        "iblockId": PRODUCT_IBLOCK_ID, "name": "Резка металла", "xmlId": GUID}}).result["service"]
    assert service["type"] == 7
    listed_services = call(portal, "catalog.product.service.list", {
        "filter": {"iblockId": PRODUCT_IBLOCK_ID}, "select": ["id", "iblockId", "name", "type"]}).result["services"]
    assert [s["name"] for s in listed_services] == ["Резка металла"]
    # the product list shows every type of the iblock; a filter on type narrows it
    goods = listed(portal, "catalog.product.list", {"filter": {"iblockId": PRODUCT_IBLOCK_ID, "type": 1},
                                                    "select": PRODUCT_SELECT}, "products")
    assert all(p["type"] == 1 for p in goods) and len(goods) == 2


def test_product_update_answers_element_and_validates_references(portal: Portal):
    product = add_product(portal, name="Болт", xmlId=GUID)
    updated = call(portal, "catalog.product.update", {"id": product["id"], "fields": {"active": "N", "vatId": 5}})
    assert updated.result["element"]["active"] == "N" and updated.result["element"]["vatId"] == 5
    with pytest.raises(PortalError, match="Measure"):
        call(portal, "catalog.product.update", {"id": product["id"], "fields": {"measure": 999}})
    with pytest.raises(PortalError, match="Vat"):
        call(portal, "catalog.product.update", {"id": product["id"], "fields": {"vatId": 77}})
    got = call(portal, "catalog.product.get", {"id": product["id"]}).result
    assert set(got) == {"product"} and got["product"]["measure"] == 5  # the default measure (шт)


def test_add_requires_name_and_the_product_iblock(portal: Portal):
    with pytest.raises(PortalError, match="name"):
        add_product(portal, name="")
    with pytest.raises(PortalError):
        call(portal, "catalog.product.add", {"fields": {"iblockId": 999, "name": "x"}})


def test_access_denied_has_the_reference_body(portal: Portal):
    portal.catalog.access_denied = True
    with pytest.raises(PortalError) as exc:
        call(portal, "catalog.product.list", {"filter": {"iblockId": PRODUCT_IBLOCK_ID}, "select": ["id", "iblockId"]})
    reference = json.loads((REFERENCE / "catalog.product.list.error_access_denied.example.json").read_text())
    assert exc.value.body() == reference


def test_catalog_methods_need_the_catalog_scope():
    p = Portal(user_id=1, scopes={"crm", "basic"}, clock=lambda: 1.0, operating_limit=None, method_cost=0.01)
    with pytest.raises(PortalError) as exc:
        call(p, "catalog.vat.list")
    assert exc.value.code == "insufficient_scope"


def test_catalog_calls_are_billed_to_the_operating_budget(portal: Portal):
    before = portal.operating.operating("catalog.price.list")
    call(portal, "catalog.price.list", {"filter": {"productId": 1}})
    assert portal.operating.operating("catalog.price.list") > before


# ----- reference lists -----------------------------------------------------------------------------
def test_measures_vats_price_types_and_sections(portal: Portal):
    measures = listed(portal, "catalog.measure.list", {}, "measures")
    assert {m["code"] for m in measures} >= {796, 6, 166}
    assert [m["code"] for m in measures if m["isDefault"] == "Y"] == [796]
    added = call(portal, "catalog.measure.add", {"fields": {"code": 356, "measureTitle": "Час", "symbol": "ч"}})
    assert added.result["measure"]["code"] == 356
    with pytest.raises(PortalError, match="already exists"):
        call(portal, "catalog.measure.add", {"fields": {"code": 356, "measureTitle": "Час"}})
    vats = listed(portal, "catalog.vat.list", {}, "vats")
    assert {v["rate"] for v in vats} == {None, 0, 10, 20, 22}
    types = listed(portal, "catalog.priceType.list", {}, "priceTypes")
    assert [(t["name"], t["base"]) for t in types] == [("BASE", "Y")]
    retail = call(portal, "catalog.priceType.add", {"fields": {"name": "RETAIL", "xmlId": GUID}}).result["priceType"]
    assert retail["base"] == "N"
    parent = call(portal, "catalog.section.add", {"fields": {"iblockId": PRODUCT_IBLOCK_ID, "name": "Металл",
                                                             "xmlId": GUID}}).result["section"]
    child = call(portal, "catalog.section.add", {"fields": {
        "iblockId": PRODUCT_IBLOCK_ID, "name": "Лист", "iblockSectionId": parent["id"]}}).result["section"]
    assert child["iblockSectionId"] == parent["id"] and child["xmlId"] == str(child["id"])
    found = listed(portal, "catalog.section.list", {"filter": {"iblockId": PRODUCT_IBLOCK_ID, "xmlId": GUID}},
                   "sections")
    assert [s["name"] for s in found] == ["Металл"]


def test_list_paging_by_50_with_next_and_total(portal: Portal):
    for n in range(60):
        add_product(portal, name=f"Товар {n}")
    first = call(portal, "catalog.product.list", {"filter": {"iblockId": PRODUCT_IBLOCK_ID},
                                                 "select": ["id", "iblockId"], "order": {"id": "ASC"}})
    assert len(first.result["products"]) == 50 and first.total == 62 and first.next == 50
    fast = call(portal, "catalog.product.list", {"filter": {"iblockId": PRODUCT_IBLOCK_ID, ">id": 1250},
                                                "select": ["id", "iblockId"], "order": {"id": "ASC"}, "start": -1})
    assert fast.total == 0 and fast.next is None and fast.result["products"][0]["id"] == 1251


# ----- prices --------------------------------------------------------------------------------------
def test_price_modify_replaces_the_collection(portal: Portal):
    product = add_product(portal, name="Лист", xmlId=GUID)
    retail = call(portal, "catalog.priceType.add", {"fields": {"name": "RETAIL"}}).result["priceType"]["id"]
    first = call(portal, "catalog.price.modify", {"fields": {"product": {"id": product["id"], "prices": [
        {"catalogGroupId": 1, "price": 100, "currency": "RUB"},
        {"catalogGroupId": retail, "price": 120.5, "currency": "RUB"}]}}}).result["prices"]
    assert [(p["catalogGroupId"], p["price"]) for p in first] == [(1, 100), (retail, 120.5)]
    base_id = first[0]["id"]
    second = call(portal, "catalog.price.modify", {"fields": {"product": {"id": product["id"], "prices": [
        {"id": base_id, "catalogGroupId": 1, "price": 110, "currency": "RUB"}]}}}).result["prices"]
    assert [(p["id"], p["price"]) for p in second] == [(base_id, 110)]
    stored = listed(portal, "catalog.price.list", {"filter": {"productId": product["id"]}}, "prices")
    assert [(p["catalogGroupId"], p["price"]) for p in stored] == [(1, 110)]  # the retail price is gone


def test_price_validation_refuses_the_whole_collection(portal: Portal):
    product = add_product(portal, name="Лист")
    call(portal, "catalog.price.add", {"fields": {"productId": product["id"], "catalogGroupId": 1, "price": 5,
                                                  "currency": "RUB"}})
    for prices, text in (
        ([{"catalogGroupId": 1, "price": 1, "currency": "CNY"}], "Currency"),
        ([{"catalogGroupId": 42, "price": 1, "currency": "RUB"}], "price group is wrong"),
        ([{"catalogGroupId": 1, "price": 1, "currency": "RUB"}, {"catalogGroupId": 1, "price": 2, "currency": "RUB"}],
         "single price"),
        ([{"catalogGroupId": 1, "currency": "RUB"}], "Required fields: price"),
    ):
        with pytest.raises(PortalError, match=text):
            call(portal, "catalog.price.modify", {"fields": {"product": {"id": product["id"], "prices": prices}}})
    stored = listed(portal, "catalog.price.list", {"filter": {"productId": product["id"]}}, "prices")
    assert [(p["price"], p["currency"]) for p in stored] == [(5, "RUB")]
    with pytest.raises(PortalError, match="single price"):
        call(portal, "catalog.price.add", {"fields": {"productId": product["id"], "catalogGroupId": 1, "price": 5,
                                                      "currency": "RUB"}})


# ----- stores and stock, both inventory modes ------------------------------------------------------
def test_store_add_requires_an_address(portal: Portal):
    with pytest.raises(PortalError, match="address"):
        call(portal, "catalog.store.add", {"fields": {"title": "Склад"}})
    store = call(portal, "catalog.store.add", {"fields": {"title": "Склад 2", "address": "Екатеринбург",
                                                          "xmlId": GUID}}).result["store"]
    assert listed(portal, "catalog.store.list", {"filter": {"xmlId": GUID}}, "stores")[0]["id"] == store["id"]


def test_mode_off_quantities_are_written_directly_and_documents_cannot_be_conducted(portal: Portal):
    assert call(portal, "catalog.document.mode.status").result == "N"
    product = add_product(portal, name="Лист", quantity=12)
    assert product["quantity"] == 12
    updated = call(portal, "catalog.product.update", {"id": product["id"], "fields": {"quantity": 7}})
    assert updated.result["element"]["quantity"] == 7
    doc = call(portal, "catalog.document.add", {"fields": {"docType": "S", "currency": "RUB"}}).result["document"]
    call(portal, "catalog.document.element.add", {"fields": {"docId": doc["id"], "elementId": product["id"],
                                                             "storeTo": 1, "amount": 5}})
    with pytest.raises(PortalError, match="Warehouse accounting must be enabled"):
        call(portal, "catalog.document.conduct", {"id": doc["id"]})
    assert portal.entities("store_product") == []


def test_mode_on_stock_changes_only_through_conducted_documents(portal: Portal):
    portal.catalog.inventory_management = True
    assert call(portal, "catalog.document.mode.status").result == "Y"
    with pytest.raises(PortalError, match="read only"):
        add_product(portal, name="Лист", quantity=12)
    product = add_product(portal, name="Лист")
    with pytest.raises(PortalError, match="read only"):
        call(portal, "catalog.product.update", {"id": product["id"], "fields": {"quantity": 3}})

    def document(doc_type: str, amount: float, **stores: int) -> int:
        doc = call(portal, "catalog.document.add", {"fields": {"docType": doc_type, "title": "SyncBridge"}})
        doc_id = doc.result["document"]["id"]
        element = call(portal, "catalog.document.element.add", {"fields": {
            "docId": doc_id, "elementId": product["id"], "amount": amount, **stores}})
        assert element.result["documentElement"]["docId"] == doc_id
        return doc_id

    arrival = document("S", 40, storeTo=1)
    assert portal.entities("store_product") == []  # nothing moves before the document is conducted
    assert call(portal, "catalog.document.conduct", {"id": arrival}).result is True
    write_off = document("D", 15, storeFrom=1)
    call(portal, "catalog.document.conduct", {"id": write_off})
    stock = listed(portal, "catalog.storeproduct.list", {"filter": {"productId": product["id"]}}, "storeProducts")
    assert [(s["storeId"], s["amount"]) for s in stock] == [(1, 25)]
    got = call(portal, "catalog.product.get", {"id": product["id"]}).result["product"]
    assert got["quantity"] == 25
    too_much = document("D", 30, storeFrom=1)
    with pytest.raises(PortalError, match="Недостаточно"):
        call(portal, "catalog.document.conduct", {"id": too_much})
    with pytest.raises(PortalError, match="Conducted document"):
        call(portal, "catalog.document.element.add", {"fields": {"docId": arrival, "elementId": product["id"],
                                                                 "storeTo": 1, "amount": 1}})
    call(portal, "catalog.document.cancel", {"id": write_off})
    assert portal.entities("store_product")[0]["amount"] == 40
    found = listed(portal, "catalog.document.list", {"filter": {"title": "SyncBridge", "status": "Y"}}, "documents")
    assert [d["id"] for d in found] == [arrival]


def test_store_products_are_read_only(portal: Portal):
    with pytest.raises(PortalError) as exc:
        call(portal, "catalog.storeproduct.add", {"fields": {"productId": 1, "storeId": 1, "amount": 3}})
    assert exc.value.code == "ERROR_METHOD_NOT_FOUND"


# ----- over HTTP, with the real client -------------------------------------------------------------
def test_catalog_over_http_with_batch_and_list_all(tmp_path: Path):
    with Bitrix24Sandbox(cert_dir=tmp_path, rate=1000, burst=1000) as sandbox:
        client = Bitrix24Client(sandbox.webhook_url, ca_file=sandbox.ca_file, rate=1000, burst=1000)
        commands = {f"p{n}": ("catalog.product.add", {"fields": {"iblockId": PRODUCT_IBLOCK_ID, "name": f"Т {n}",
                                                                  "xmlId": f"ref-{n}"}}) for n in range(30)}
        result = client.batch(commands)
        assert not result.errors and result.result["p0"]["element"]["xmlId"] == "ref-0"
        rows = list(client.list_all("catalog.product.list", {
            "filter": {"iblockId": PRODUCT_IBLOCK_ID}, "select": ["id", "iblockId", "xmlId"]}, id_key="id"))
        assert len(rows) == 32
        sandbox.set_inventory_management(True)
        assert client.call("catalog.document.mode.status") == "Y"
        sandbox.set_catalog_access_denied(True)
        with pytest.raises(AccessDenied):
            client.call("catalog.vat.list")
        client.close()
