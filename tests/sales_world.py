"""A sales world for tests: sandbox 1C + sandbox portal, counterparties synced, products linked, a sales profile.

Product links come from the catalog work in production; here they are written into the link table directly
(entity "product", b24_type "product"), the shape the catalog pipeline keeps.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from core.paths import AppPaths
from core.profile import Profile, ProfileStore
from core.sandbox.bitrix24.sales import SalesManager
from core.sandbox.bitrix24.server import Bitrix24Sandbox
from core.sandbox.onec.accountant import OneCAccountant
from core.sandbox.onec.sales_model import MAIN_WAREHOUSE_REF, ORDERS, ORGANISATION_REF, STANDARD_AGREEMENT_REF
from core.sandbox.onec.seed import TECHPROM_REF, onec_guid
from core.sandbox.onec.server import OneCSandbox
from core.setup_service import apply_setup
from core.state.store import Link, StateStore
from core.sync.runner import SyncReport, SyncRunner

USER, PASSWORD = "Интеграция", "пароль-1С"
#: portal product id -> 1C Номенклатура ref (what the catalog sync would have linked)
PRODUCTS = {101: onec_guid("nomenclature", "lathe-16k20"), 102: onec_guid("nomenclature", "chuck-250"),
            103: onec_guid("nomenclature", "service-setup")}
LATHE = {"PRODUCT_ID": 101, "PRODUCT_NAME": "Станок токарный 16К20", "PRICE": 1113341.67, "QUANTITY": 1,
         "TAX_RATE": 20, "TAX_INCLUDED": "Y"}
CHUCK = {"PRODUCT_ID": 102, "PRODUCT_NAME": "Патрон 250 мм", "PRICE": 45000, "QUANTITY": 4, "TAX_RATE": 20,
         "TAX_INCLUDED": "Y", "DISCOUNT_TYPE_ID": 2, "DISCOUNT_RATE": 10}


class SalesWorld:
    def __init__(self, paths: AppPaths, onec: OneCSandbox, b24: Bitrix24Sandbox) -> None:
        self.paths, self.onec, self.b24 = paths, onec, b24
        self.manager = SalesManager(b24.portal)
        self.accountant = OneCAccountant(onec)

    def sync(self, **kwargs: Any) -> SyncReport:
        return SyncRunner(self.paths).run_once(**kwargs)

    def store(self) -> StateStore:
        return StateStore.open(self.paths.state_db)

    def settings(self, **changes: Any) -> None:
        store = ProfileStore(self.paths)
        profile = store.load()
        assert profile is not None
        profile.entity_settings["sales"] = {**profile.entity_settings.get("sales", {}), **changes}
        store.save(profile)

    def company_of(self, onec_ref: str) -> int:
        store = self.store()
        try:
            link = store.get_link("counterparty", onec_ref, "company")
            assert link is not None, "counterparty not synced"
            return int(link.b24_id)
        finally:
            store.close()

    def won_deal(self, title: str = "Поставка станка", rows: list[dict] | None = None, **fields: Any) -> int:
        company = fields.pop("company_id", self.company_of(TECHPROM_REF))
        deal_id = self.manager.create_deal(title, company_id=company, rows=rows if rows is not None else [LATHE, CHUCK],
                                           **fields)
        self.manager.win(deal_id)
        return deal_id

    def orders(self) -> list[dict]:
        return self.onec.rows(ORDERS)

    def order_of(self, deal_id: int) -> dict:
        found = [o for o in self.orders() if o["НомерПоДаннымКлиента"].startswith(f"B24-{deal_id}/")]
        assert len(found) == 1, f"{len(found)} orders for deal {deal_id}"
        return found[0]

    def journal(self, entity: str = "sales_order") -> list:
        store = self.store()
        try:
            return [e for e in reversed(store.journal(limit=2000)) if e.entity == entity]
        finally:
            store.close()

    def onec_writes(self) -> list[tuple[str, str]]:
        return [(m, t) for m, t in self.onec.request_log() if m in ("POST", "PATCH", "PUT", "DELETE")]


def sales_settings(**extra: Any) -> dict[str, Any]:
    return {"enabled": True, "organisation_ref": ORGANISATION_REF, "warehouse_ref": MAIN_WAREHOUSE_REF,
            "agreement_ref": STANDARD_AGREEMENT_REF, "start_date": "2020-01-01", **extra}


def make_world(home: AppPaths, tmp_path: Path, *, settings: dict[str, Any] | None = None,
               onec_kwargs: dict[str, Any] | None = None) -> Iterator[SalesWorld]:
    onec = OneCSandbox(users={USER: PASSWORD}, **(onec_kwargs or {}))
    b24 = Bitrix24Sandbox(cert_dir=tmp_path / "b24", rate=50, burst=500)
    onec.start()
    b24.start()
    profile = Profile(onec_url=onec.url, onec_user=USER, bitrix24_url="https://127.0.0.1",
                      bitrix24_ca_file=str(b24.ca_file), bitrix24_rate=50, bitrix24_burst=500,
                      entity_settings={"sales": settings if settings is not None else sales_settings()})
    apply_setup(home, profile, PASSWORD, b24.webhook_url)
    world = SalesWorld(home, onec, b24)
    store = world.store()
    for product_id, ref in PRODUCTS.items():
        store.save_link(Link("product", ref, "product", str(product_id)))
    store.close()
    try:
        world.sync()  # counterparties -> companies, so deals have linked clients
        yield world
    finally:
        onec.stop()
        b24.stop()
