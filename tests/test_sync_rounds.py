"""A first catalogue load that outgrows the portal's operating budget: the run goes in rounds.

Products spend their method's 10-minute budget (here the window is shortened to seconds); instead of waiting for
the reset, the products entity pauses and prices and stock of the products already in the portal are written
meanwhile (their methods have budgets of their own); the next rounds resume the products and the dependents catch up.
Assertions are on the portal's contents, its refusal counters and the order of its requests — never on timings.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from core.bitrix24.throttle import OperatingTracker
from core.paths import AppPaths
from core.profile import Profile
from core.sandbox.bitrix24.server import Bitrix24Sandbox
from core.sandbox.onec.seed import seed_rows
from core.sandbox.onec.server import OneCSandbox
from core.setup_service import apply_setup
from core.sync import engine
from core.sync.registry import CATALOG_ENTITIES
from core.sync.runner import SyncRunner

pytestmark = pytest.mark.integration

USER, PASSWORD = "Интеграция", "пароль-1С"
PRODUCTS = 500
COST = 0.05  # operating seconds billed per command
LIMIT = 10.0  # = 200 calls of one method per (shortened) window: more than a first wave of 3 batches


@pytest.fixture
def small_budget(home: AppPaths, tmp_path, monkeypatch) -> Iterator[tuple[AppPaths, Bitrix24Sandbox, dict]]:
    onec = OneCSandbox(users={USER: PASSWORD}, seed=False)
    for row in seed_rows()["Catalog_Валюты"]:
        onec.put("Catalog_Валюты", row)
    made = onec.load_bulk_catalog(PRODUCTS, price_types=1, warehouses=1)
    b24 = Bitrix24Sandbox(cert_dir=tmp_path / "b24", rate=50, burst=500, operating_limit=LIMIT, method_cost=COST)
    # the cloud's 10 minutes in ten 1-minute baskets, compressed to 3 s in 0.3 s baskets
    b24.portal.operating.window, b24.portal.operating.basket_span = 3.0, 0.3
    onec.start()
    b24.start()
    monkeypatch.setattr(engine, "DEFER_AFTER_S", 0.5)  # pause rather than wait for resets a second away
    # the client knows the cloud's 480 s with a 20 s margin; here the portal's limit is LIMIT
    monkeypatch.setattr(OperatingTracker.__init__, "__kwdefaults__", {"limit": LIMIT, "margin": 0.5,
                                                                      "clock": time.time, "blocked_retry": 0.3})
    types = {"chosen": made["price_types"], "base": made["price_types"][0]}
    stores = {"chosen": made["warehouses"]}
    profile = Profile(onec_url=onec.url, onec_user=USER, bitrix24_url="https://127.0.0.1",
                      bitrix24_ca_file=str(b24.ca_file), bitrix24_rate=50, bitrix24_burst=500,
                      entities=list(CATALOG_ENTITIES),
                      entity_settings={"price_type": types, "price": types, "warehouse": stores,
                                       "stock": {**stores, "kind": "free"}})
    apply_setup(home, profile, PASSWORD, b24.webhook_url)
    try:
        yield home, b24, made
    finally:
        onec.stop()
        b24.stop()


def test_products_pause_on_a_spent_budget_while_prices_and_stock_catch_up(small_budget, monkeypatch):
    home, b24, made = small_budget
    import core.bitrix24.client as client_module
    monkeypatch.setattr(client_module, "MAX_OPERATING_WAIT", 60.0)
    report = SyncRunner(home).run_once()
    ours = {ref.lower() for ref in made["products"]}
    products = {str(p["xmlId"]).lower(): p for p in b24.entities("product") if str(p["xmlId"]).lower() in ours}
    assert set(products) == ours and len(ours) == PRODUCTS  # every product, once
    assert len([p for p in b24.entities("product") if str(p["xmlId"]).lower() in ours]) == PRODUCTS
    priced = {p["productId"] for p in b24.entities("price")}
    assert priced == {p["id"] for p in products.values()}
    stocked = [p for p in products.values() if p.get("quantity") not in (None, "")]
    assert len(stocked) == PRODUCTS, (len(stocked), next(iter(products.values())))
    traffic = b24.traffic.snapshot()
    # budgets are waited out or used elsewhere; with windows of 3 s a busy machine may still let one wave of 3
    # batches run into a reset the client has not heard of yet — those commands never ran and were written in the
    # pass at the entity's end (the strict «no 429» is tests/test_b24_throttle.py's, with a 3 s window as well)
    assert traffic.refused_operating <= 3 * 50
    assert not report.counts.get("failed")
    log = b24.request_log()
    adds = [i for i, m in enumerate(log) if m == "batch:catalog.product.add"]
    prices = [i for i, m in enumerate(log) if m == "batch:catalog.price.modify"]
    assert prices[0] < adds[-1]  # prices of the first products went while later products waited for the budget
    counts = report.per_entity
    assert counts["product"]["created"] == PRODUCTS and counts["product"]["seen"] == PRODUCTS
    assert counts["price"]["created"] == PRODUCTS and counts["price"]["seen"] == PRODUCTS
    assert report.status == "ok" and not report.counts.get("failed")
    again = SyncRunner(home).run_once()
    assert again.counts.get("created", 0) == 0 and again.counts["unchanged"] == again.counts["seen"]
