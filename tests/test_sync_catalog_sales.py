"""The catalogue and the sales loop together, with no stand-in links: products synced from 1C are what a manager
puts on a deal, and the won deal's order in 1C carries the 1C nomenclature those products came from."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.paths import AppPaths
from core.profile import Profile
from core.sandbox.bitrix24.sales import SalesManager
from core.sandbox.bitrix24.server import Bitrix24Sandbox
from core.sandbox.onec.catalog_seed import product_ref
from core.sandbox.onec.seed import TECHPROM_REF
from core.sandbox.onec.server import OneCSandbox
from core.setup_service import apply_setup
from core.state.store import StateStore
from core.sync.registry import CATALOG_ENTITIES
from core.sync.runner import SyncRunner
from tests.sales_world import sales_settings
from tests.test_sync_catalog import CATALOG_SETTINGS

pytestmark = pytest.mark.integration

USER, PASSWORD = "Интеграция", "пароль-1С"


@pytest.fixture
def sandboxes(home: AppPaths, tmp_path) -> Iterator[tuple[OneCSandbox, Bitrix24Sandbox]]:
    onec = OneCSandbox(users={USER: PASSWORD})
    b24 = Bitrix24Sandbox(cert_dir=tmp_path / "b24", rate=50, burst=500)
    onec.start()
    b24.start()
    profile = Profile(onec_url=onec.url, onec_user=USER, bitrix24_url="https://127.0.0.1",
                      bitrix24_ca_file=str(b24.ca_file), bitrix24_rate=50, bitrix24_burst=500,
                      entities=["counterparty", *CATALOG_ENTITIES, "sales_order"],
                      entity_settings={**CATALOG_SETTINGS, "sales": sales_settings(post_orders=False)})
    apply_setup(home, profile, PASSWORD, b24.webhook_url)
    try:
        yield onec, b24
    finally:
        onec.stop()
        b24.stop()


def test_a_deal_built_from_synced_products_becomes_an_order_of_their_1c_nomenclature(home: AppPaths, sandboxes):
    onec, b24 = sandboxes
    report = SyncRunner(home).run_once()
    assert report.per_entity["product"].get("created"), report.per_entity
    products = {p["xmlId"]: p for p in b24.entities("product")}
    angle, tube = products[product_ref("angle-50")], products[product_ref("tube-40")]
    store = StateStore.open(home.state_db)
    company = store.get_link("counterparty", TECHPROM_REF, "company")
    store.close()
    assert company is not None
    manager = SalesManager(b24.portal)
    rows = [{"PRODUCT_ID": int(angle["id"]), "PRODUCT_NAME": angle["name"], "PRICE": 455, "QUANTITY": 10,
             "TAX_RATE": 20, "TAX_INCLUDED": "Y"},
            {"PRODUCT_ID": int(tube["id"]), "PRODUCT_NAME": tube["name"], "PRICE": 239, "QUANTITY": 3,
             "TAX_RATE": 20, "TAX_INCLUDED": "Y"}]
    deal = manager.create_deal("Металлопрокат для ТехПрома", company_id=int(company.b24_id), rows=rows)
    manager.win(deal)
    report = SyncRunner(home).run_once()
    assert report.per_entity["sales_order"].get("created") == 1, report.per_entity
    orders = [o for o in onec.rows("Document_ЗаказКлиента") if f"/crm/deal/details/{deal}/" in o["Комментарий"]]
    assert len(orders) == 1
    lines = sorted(orders[0]["Товары"], key=lambda line: int(line["LineNumber"]))
    assert [line["Номенклатура_Key"] for line in lines] == [product_ref("angle-50"), product_ref("tube-40")]
    assert [float(line["Количество"]) for line in lines] == [10, 3]
