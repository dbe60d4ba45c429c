"""The catalogue end to end: sandbox УТ 11 → SyncRunner → sandbox portal (products, sections, prices, stores, stock)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from core.paths import AppPaths
from core.profile import Profile
from core.sandbox.bitrix24.catalog import ARTICLE_PROPERTY_ID
from core.sandbox.bitrix24.seed import ELECTRODES_ONEC_REF
from core.sandbox.bitrix24.server import Bitrix24Sandbox
from core.sandbox.onec.catalog_seed import ITEMS, price_type_ref, product_ref, warehouse_ref
from core.sandbox.onec.server import OneCSandbox
from core.setup_service import apply_setup
from core.state.store import StateStore
from core.sync.registry import CATALOG_ENTITIES
from core.sync.runner import SyncRunner

pytestmark = pytest.mark.integration

USER, PASSWORD = "Интеграция", "пароль-1С"
ARTICLE = f"property{ARTICLE_PROPERTY_ID}"
CATALOG_SETTINGS = {
    "price_type": {"chosen": [price_type_ref("wholesale"), price_type_ref("retail"), price_type_ref("supplier-cny"),
                              price_type_ref("retail-old")], "base": price_type_ref("retail")},
    "warehouse": {"chosen": [warehouse_ref("main"), warehouse_ref("ekb")]},
}
CATALOG_SETTINGS["price"] = CATALOG_SETTINGS["price_type"]
CATALOG_SETTINGS["stock"] = {**CATALOG_SETTINGS["warehouse"], "kind": "free"}


class World:
    def __init__(self, paths: AppPaths, onec: OneCSandbox, b24: Bitrix24Sandbox) -> None:
        self.paths, self.onec, self.b24 = paths, onec, b24

    def sync(self, **kwargs):
        return SyncRunner(self.paths).run_once(**kwargs)

    def products(self) -> dict[str, dict]:
        return {p["xmlId"]: p for p in self.b24.entities("product")}

    def product(self, key: str) -> dict:
        return self.products()[product_ref(key)]

    def prices(self, key: str) -> dict[int, tuple[float, str]]:
        pid = self.product(key)["id"]
        return {p["catalogGroupId"]: (p["price"], p["currency"]) for p in self.b24.entities("price")
                if p["productId"] == pid}

    def journal(self) -> list:
        store = StateStore.open(self.paths.state_db)
        try:
            return store.journal(limit=2000)
        finally:
            store.close()

    def writes(self, since: int = 0) -> list[str]:
        return [m for m in self.b24.request_log()[since:]
                if m.split(":")[-1].rsplit(".", 1)[-1] in ("add", "update", "modify", "conduct")]


@pytest.fixture
def world(home: AppPaths, tmp_path) -> Iterator[World]:
    onec = OneCSandbox(users={USER: PASSWORD})
    b24 = Bitrix24Sandbox(cert_dir=tmp_path / "b24", rate=50, burst=500)
    onec.start()
    b24.start()
    profile = Profile(onec_url=onec.url, onec_user=USER, bitrix24_url="https://127.0.0.1",
                      bitrix24_ca_file=str(b24.ca_file), bitrix24_rate=50, bitrix24_burst=500,
                      entities=list(CATALOG_ENTITIES), entity_settings=CATALOG_SETTINGS)
    apply_setup(home, profile, PASSWORD, b24.webhook_url)
    try:
        yield World(home, onec, b24)
    finally:
        onec.stop()
        b24.stop()


def lines_about(journal: list, ref: str) -> list[str]:
    return [line.reason_text for line in journal if line.onec_ref == ref]


def test_first_sync_builds_the_catalogue(world: World):
    report = world.sync()
    assert report.status in ("ok", "partial"), report.error
    products = world.products()
    active = [i for i in ITEMS if not i.deleted]
    # every active 1C item is there once, the hand-typed «Гайка М12» stays, the imported electrodes were linked
    assert {product_ref(i.key) for i in active} <= set(products)
    assert product_ref("screw") not in products  # marked for deletion and never synced: not created
    assert sum(1 for p in world.b24.entities("product") if p["xmlId"] == ELECTRODES_ONEC_REF) == 1
    assert products[ELECTRODES_ONEC_REF]["name"] == "Электроды МР-3 ∅4"
    # services are services, units by ОКЕИ, sections from groups
    assert world.product("cutting")["type"] == 7 and world.product("sheet-2")["type"] == 1
    measures = {m["id"]: m["code"] for m in world.b24.entities("measure")}
    assert measures[world.product("tube-40")["measure"]] == 6
    sections = {s["id"]: s for s in world.b24.entities("section")}
    sheet_section = sections[world.product("sheet-2")["iblockSectionId"]]
    assert sheet_section["name"] == "Листовой прокат"
    assert sections[sheet_section["iblockSectionId"]]["name"] == "Металлопрокат"
    assert world.product("bolt-m12")[ARTICLE]["value"] == "БМ12-60"
    vats = {v["id"]: v["rate"] for v in world.b24.entities("vat")}
    assert vats[world.product("sheet-2")["vatId"]] == 22


def test_prices_go_to_chosen_price_types_with_the_base_one_linked(world: World):
    world.sync()
    types = {t["xmlId"]: t for t in world.b24.entities("price_type")}
    base = types[price_type_ref("retail")]
    assert base["name"] == "BASE" and base["base"] == "Y"  # the 1C base price went onto the portal's base type
    wholesale = types[price_type_ref("wholesale")]["id"]
    assert world.prices("sheet-2") == {base["id"]: (9870, "RUB"), wholesale: (8950, "RUB")}
    assert world.prices("tube-40")[wholesale] == (214.5, "RUB")


def test_bad_input_is_journaled_on_its_record_and_the_rest_goes_on(world: World):
    report = world.sync()
    journal = world.journal()
    assert any("единица измерения" in t for t in lines_about(journal, product_ref("primer")))
    assert any("5%" in t for t in lines_about(journal, product_ref("gloves")))
    assert world.product("gloves")["vatId"] is None
    assert any("CNY" in t for t in lines_about(journal, product_ref("sheet-2")))
    # the price type deleted in 1C is journaled on itself; its prices do not reach the portal
    assert any("помечена на удаление" in t for t in lines_about(journal, price_type_ref("retail-old")))
    assert 9500 not in {price for price, _ in world.prices("sheet-2").values()}
    both = lines_about(journal, product_ref("bolt-m12")) + lines_about(journal, product_ref("bolt-m12-zinc"))
    assert sum("БМ12-60" in t for t in both) >= 2
    assert any("отрицательный остаток -12" in t for t in lines_about(journal, product_ref("electrodes")))
    # the hand-typed «Гайка М12» with the same article is a duplicate for review, not merged
    store = StateStore.open(world.paths.state_db)
    duplicates = store.open_duplicates()
    store.close()
    assert [(d.onec_title, d.b24_title) for d in duplicates if d.entity == "product"] == [
        ("Гайка М12 ГОСТ 5915-70", "Гайка М12")]
    assert report.per_entity["product"].get("failed", 0) == 0


def test_stock_without_inventory_management_is_the_total_free_quantity(world: World):
    world.sync()
    # bolts: 15000 main − 2500 reserved + 4200 Екатеринбург
    assert world.product("bolt-m12")["quantity"] == 16700
    assert world.product("electrodes")["quantity"] == 480  # −12 at Екатеринбург counts as 0
    assert world.b24.entities("store_product") == []


def test_stock_with_inventory_management_goes_through_conducted_documents(world: World):
    world.b24.set_inventory_management(True)
    world.sync()
    stores = {s["xmlId"]: s["id"] for s in world.b24.entities("store") if s.get("xmlId")}
    amounts = {(sp["productId"], sp["storeId"]): sp["amount"] for sp in world.b24.entities("store_product")}
    bolts = world.product("bolt-m12")["id"]
    assert amounts[(bolts, stores[warehouse_ref("main")])] == 12500
    assert amounts[(bolts, stores[warehouse_ref("ekb")])] == 4200
    assert all(d["status"] == "Y" for d in world.b24.entities("document"))
    # a stock change in 1C: only the difference is posted, as a write-off
    world.onec.change_stock(product_ref("bolt-m12"), warehouse_ref("main"), -500)
    before = len(world.b24.entities("document"))
    world.sync()
    amounts = {(sp["productId"], sp["storeId"]): sp["amount"] for sp in world.b24.entities("store_product")}
    assert amounts[(bolts, stores[warehouse_ref("main")])] == 12000
    new_docs = world.b24.entities("document")[before:]
    assert [(d["docType"], d["status"]) for d in new_docs] == [("D", "Y")]


def test_incremental_price_and_stock_change_reads_and_writes_only_what_changed(world: World):
    world.sync()
    wholesale = {t["xmlId"]: t["id"] for t in world.b24.entities("price_type")}[price_type_ref("wholesale")]
    world.onec.set_price(product_ref("nut-m12"), price_type_ref("wholesale"), Decimal("4.35"))
    world.onec.change_stock(product_ref("tube-40"), warehouse_ref("ekb"), 60)
    world.onec.clear_request_log()
    mark = len(world.b24.request_log())
    report = world.sync()
    assert world.prices("nut-m12")[wholesale] == (4.35, "RUB")
    assert world.product("tube-40")["quantity"] == 2500
    writes = world.writes(mark)
    assert sorted(w.split(":")[-1] for w in writes) == ["catalog.price.modify", "catalog.product.update"]
    assert report.per_entity["price"]["updated"] == 1 and report.per_entity["stock"]["updated"] == 1
    # 1C was asked for the changed document's lines and one slice, not for the whole register
    reads = [target for _, target in world.onec.request_log()]
    assert sum("SliceLast" in t for t in reads) == 1 and not any("SliceLast?" in t and "Condition" not in t
                                                                   for t in reads)


def test_a_run_reads_the_portal_catalogue_once_and_adds_what_it_creates(world: World,
                                                                         monkeypatch: pytest.MonkeyPatch):
    """Six catalogue pipelines share one read of the portal's catalogue (iblock, units, VAT, price types, stores):
    read per pipeline it was 10 of 83 requests of a 1,000-product load. The price types and stores the run creates
    join the shared read, as a fresh one would list them (prices and stock size their lookups by them)."""
    import core.sync.runner as runner_module
    from core.sync.catalog_base import CATALOG_INFO
    from core.sync.context import RunContext

    contexts: list[RunContext] = []

    class Recorded(RunContext):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            contexts.append(self)

    monkeypatch.setattr(runner_module, "RunContext", Recorded)
    report = world.sync()
    assert report.status in ("ok", "partial"), report.error
    log = world.b24.request_log()
    assert log.count("batch:catalog.catalog.list") == 1
    assert log.count("catalog.productproperty.list") == 1
    info = contexts[0].shared[CATALOG_INFO]
    portal_types = {str(t["id"]) for t in world.b24.entities("price_type")}
    portal_stores = {str(s["id"]) for s in world.b24.entities("store")}
    assert {str(t["id"]) for t in info.price_types} == portal_types
    assert {str(s["id"]) for s in info.stores} == portal_stores
    assert {price_type_ref("wholesale"), warehouse_ref("ekb")} <= {str(r.get("xmlId")) for r in
                                                                    [*info.price_types, *info.stores]}


def test_a_run_with_nothing_changed_makes_a_handful_of_requests(world: World):
    world.sync()
    world.onec.clear_request_log()
    mark = len(world.b24.request_log())
    report = world.sync()
    assert world.writes(mark) == []
    assert len(world.onec.request_log()) <= 15
    http = [m for m in world.b24.request_log()[mark:] if not m.startswith("batch:")]
    assert len(http) <= 6, http  # the portal's catalogue settings (mode, currencies) are read, nothing else
    assert report.failed == 0


def test_deletion_mark_deactivates_and_never_deletes(world: World):
    world.sync()
    ref = product_ref("angle-50")
    world.onec.modify("Catalog_Номенклатура", ref, DeletionMark=True)
    world.sync()
    product = world.products()[ref]
    assert product["active"] == "N"
    assert any("деактивировано" in t for t in lines_about(world.journal(), ref))


def test_lost_answer_on_product_writes_is_recovered_without_duplicates(world: World):
    world.b24.inject_fault("batch:catalog.product.add", "reset_after_write")
    world.sync()
    world.sync()
    counts: dict[str, int] = {}
    for product in world.b24.entities("product"):
        counts[product["xmlId"]] = counts.get(product["xmlId"], 0) + 1
    assert all(n == 1 for n in counts.values())
    assert {product_ref(i.key) for i in ITEMS if not i.deleted} <= set(counts)


@pytest.mark.parametrize("fresh", [True, False])
def test_the_whole_catalogue_read_stands_in_for_identity_lookups_while_fresh(world: World,
                                                                           monkeypatch: pytest.MonkeyPatch,
                                                                           fresh: bool):
    """A slice with many new products reads the portal's whole catalogue once (for the article index); while that
    read is fresh its xmlIds answer the slices' identity questions, once too old every slice asks again. Either
    way the imported electrodes are linked, not doubled."""
    from core.sync import catalog_base, products

    monkeypatch.setattr(products, "INDEX_THRESHOLD", 0)
    if not fresh:
        monkeypatch.setattr(catalog_base, "FRESH_FOR", -1.0)
    report = world.sync()
    assert report.status in ("ok", "partial"), report.error
    log = world.b24.request_log()
    assert log.count("catalog.product.list") == 1  # the one whole-catalogue read
    assert ("batch:catalog.product.list" in log) is not fresh  # the slices' own questions
    # price types and stores come whole with the catalogue info: asked again only when that read is too old
    assert log.count("batch:catalog.pricetype.list") == (1 if fresh else 2)
    assert log.count("batch:catalog.store.list") == (1 if fresh else 2)
    assert sum(1 for p in world.b24.entities("product") if p["xmlId"] == ELECTRODES_ONEC_REF) == 1
    assert {product_ref(i.key) for i in ITEMS if not i.deleted} <= {p["xmlId"] for p in world.b24.entities("product")}


def test_a_lost_answer_is_probed_by_a_fresh_question_not_the_catalogue_read(world: World,
                                                                            monkeypatch: pytest.MonkeyPatch):
    """The whole-catalogue read was made before this run's writes: it cannot tell whether a write whose answer was
    lost landed. The probe asks the portal; nothing is created twice."""
    from core.sync import products

    monkeypatch.setattr(products, "INDEX_THRESHOLD", 0)
    world.b24.inject_fault("batch:catalog.product.add", "reset_after_write")
    world.sync()
    assert "batch:catalog.product.list" in world.b24.request_log()  # the probe's own question
    counts: dict[str, int] = {}
    for product in world.b24.entities("product"):
        counts[product["xmlId"]] = counts.get(product["xmlId"], 0) + 1
    assert all(n == 1 for n in counts.values()), counts
    world.sync()
    assert {product_ref(i.key) for i in ITEMS if not i.deleted} <= {p["xmlId"] for p in world.b24.entities("product")}


def test_a_lost_answer_on_a_store_is_probed_by_a_fresh_question(world: World):
    """The catalogue info lists the stores as they were before this run wrote any: a store whose answer was lost is
    looked up in the portal, not in that list, and is not created twice."""
    world.b24.inject_fault("batch:catalog.store.add", "reset_after_write")
    world.sync()
    assert world.b24.request_log().count("batch:catalog.store.list") >= 2  # the info's, and the probe's own
    titles = [s["xmlId"] for s in world.b24.entities("store") if s.get("xmlId")]
    assert len(titles) == len(set(titles))
    assert {warehouse_ref("main"), warehouse_ref("ekb")} <= set(titles)


def test_dry_run_lists_per_entity_and_writes_nothing(world: World):
    mark = len(world.b24.request_log())
    report = world.sync(dry_run=True)
    assert world.writes(mark) == []
    assert report.per_entity["product"]["planned_create"] >= 9
    assert {p["entity"] for p in report.planned} >= {"product", "product_group", "price_type", "warehouse"}


def test_lost_answer_on_stock_documents_never_doubles_the_movement(world: World):
    world.b24.set_inventory_management(True)
    world.b24.inject_fault("batch:catalog.document.add", "reset_after_write")
    world.sync()
    world.sync()
    stores = {s["xmlId"]: s["id"] for s in world.b24.entities("store") if s.get("xmlId")}
    amounts = {(sp["productId"], sp["storeId"]): sp["amount"] for sp in world.b24.entities("store_product")}
    tube = world.product("tube-40")["id"]
    assert amounts[(tube, stores[warehouse_ref("main")])] == 1800
    assert amounts[(tube, stores[warehouse_ref("ekb")])] == 640
    bolts = world.product("bolt-m12")["id"]
    assert amounts[(bolts, stores[warehouse_ref("main")])] == 12500


def test_unposting_a_price_document_brings_the_old_price_back(world: World):
    world.sync()
    retail = {t["xmlId"]: t["id"] for t in world.b24.entities("price_type")}[price_type_ref("retail")]
    doc = world.onec.set_price(product_ref("angle-50"), price_type_ref("retail"), 470)
    world.sync()
    assert world.prices("angle-50")[retail] == (470, "RUB")
    world.onec.unpost_price_document(doc)
    world.sync()
    assert world.prices("angle-50")[retail] == (455, "RUB")


def test_prices_of_other_portal_price_types_survive_modify(world: World):
    world.sync()
    product = world.product("nut-m12")["id"]
    extra = world.b24.portal.catalog.methods()["catalog.pricetype.add"]({"fields": {"name": "ДИЛЕР"}})[0]
    type_id = extra["priceType"]["id"]
    world.b24.portal.catalog.methods()["catalog.price.add"]({"fields": {
        "productId": product, "catalogGroupId": type_id, "price": 3.9, "currency": "RUB"}})
    world.onec.set_price(product_ref("nut-m12"), price_type_ref("wholesale"), Decimal("4.2"))
    world.sync()
    assert world.prices("nut-m12")[type_id] == (3.9, "RUB")


def test_duplicates_found_through_the_portal_index_on_large_loads(world: World, monkeypatch: pytest.MonkeyPatch):
    from core.sync import products

    monkeypatch.setattr(products, "INDEX_THRESHOLD", 0)
    world.sync()
    store = StateStore.open(world.paths.state_db)
    duplicates = [(d.onec_title, d.b24_title) for d in store.open_duplicates() if d.entity == "product"]
    store.close()
    assert duplicates == [("Гайка М12 ГОСТ 5915-70", "Гайка М12")]


def test_switching_inventory_management_on_rewrites_stock_as_documents(world: World):
    world.sync()
    assert world.b24.entities("store_product") == []
    world.b24.set_inventory_management(True)
    world.sync()
    stores = {s["xmlId"]: s["id"] for s in world.b24.entities("store") if s.get("xmlId")}
    amounts = {(sp["productId"], sp["storeId"]): sp["amount"] for sp in world.b24.entities("store_product")}
    assert amounts[(world.product("sheet-2")["id"], stores[warehouse_ref("main")])] == 100  # 120 − 20 reserved


def test_a_product_deleted_in_the_portal_and_marked_in_1c_is_not_recreated(world: World):
    world.sync()
    ref = product_ref("angle-50")
    portal_id = world.products()[ref]["id"]
    del world.b24.portal.catalog.products.rows[portal_id]
    world.onec.modify("Catalog_Номенклатура", ref, DeletionMark=True)
    world.sync()
    world.sync()
    assert ref not in world.products()


def test_an_unpublished_register_stops_its_section_only(world: World):
    world.onec.set_published(set(world.onec.model.published) - {"InformationRegister_ЦеныНоменклатуры25_RecordType"})
    report = world.sync()
    assert world.product("sheet-2")["quantity"] == 135  # stock went on
    assert world.b24.entities("price") == []
    journal = [line.reason_text for line in world.journal() if line.entity == "price"]
    assert any("ЦеныНоменклатуры25» не опубликован" in t for t in journal), journal
    assert report.status == "partial"
