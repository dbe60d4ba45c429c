"""The sales loop in the demo: a won deal becomes an order in the sandbox 1C, a quantity change reaches the same order,
a posted payment and a shipment appear on the deal's timeline. Sandbox-only: the demo plays the sales manager and the
accountant itself.

Product links normally come from the catalogue sync; where the demo base has none yet (the catalogue sync is not in
this build), the demo links three 1C nomenclature refs to portal product ids itself, and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from core.mapping.sales_order import dec, format_money
from core.paths import AppPaths
from core.profile import ProfileStore
from core.sandbox.bitrix24.sales import SalesManager
from core.sandbox.bitrix24.server import Bitrix24Sandbox
from core.sandbox.onec.accountant import OneCAccountant
from core.sandbox.onec.sales_model import MAIN_WAREHOUSE_REF, ORGANISATION_REF, STANDARD_AGREEMENT_REF
from core.sandbox.onec.seed import TECHPROM_REF, onec_guid
from core.sandbox.onec.server import OneCSandbox
from core.state.store import Link, StateStore

DEMO_PRODUCTS = {101: onec_guid("nomenclature", "lathe-16k20"), 102: onec_guid("nomenclature", "chuck-250")}
DEMO_ROWS = [
    {"PRODUCT_ID": 101, "PRODUCT_NAME": "Станок токарный 16К20", "PRICE": 1113341.67, "QUANTITY": 1, "TAX_RATE": 20,
     "TAX_INCLUDED": "Y"},
    {"PRODUCT_ID": 102, "PRODUCT_NAME": "Патрон 250 мм", "PRICE": 45000, "QUANTITY": 4, "TAX_RATE": 20,
     "TAX_INCLUDED": "Y", "DISCOUNT_TYPE_ID": 2, "DISCOUNT_RATE": 10},
]


def demo_sales_settings() -> dict[str, Any]:
    return {"enabled": True, "organisation_ref": ORGANISATION_REF, "warehouse_ref": MAIN_WAREHOUSE_REF,
            "agreement_ref": STANDARD_AGREEMENT_REF, "post_orders": True, "start_date": "2020-01-01"}


def enable_sales(paths: AppPaths) -> None:
    store = ProfileStore(paths)
    profile = store.load()
    assert profile is not None
    profile.entity_settings["sales"] = demo_sales_settings()
    store.save(profile)


def link_demo_products(paths: AppPaths) -> bool:
    """Stand-in product links when the catalogue sync has made none; True when the demo wrote them."""
    state = StateStore.open(paths.state_db)
    try:
        if any(state.link_by_b24("product", str(pid), "product") for pid in DEMO_PRODUCTS):
            return False
        for product_id, ref in DEMO_PRODUCTS.items():
            state.save_link(Link("product", ref, "product", str(product_id), {"demo": True}))
        return True
    finally:
        state.close()


def seed_won_deal(paths: AppPaths, b24: Bitrix24Sandbox) -> int | None:
    """A deal the demo's manager already won, for the portal's own «УЗМК» (linked to 1C by ИНН on the first sync):
    the first «Синхронизировать сейчас» of the demo turns it into an order in the sandbox 1C."""
    company = next((c for c in b24.entities("company") if c.get("TITLE") == "УЗМК"), None)
    if company is None:
        return None
    link_demo_products(paths)
    manager = SalesManager(b24.portal)
    deal = manager.create_deal("Станки для УЗМК", company_id=int(company["ID"]), rows=DEMO_ROWS)
    manager.win(deal)
    return deal


def run_story(paths: AppPaths, onec: OneCSandbox, b24: Bitrix24Sandbox, sync: Callable[[], Any],
              say: Callable[[str], None]) -> None:
    manager, accountant = SalesManager(b24.portal), OneCAccountant(onec)
    state = StateStore.open(paths.state_db)
    link = state.get_link("counterparty", TECHPROM_REF, "company")
    state.close()
    if link is None:
        say("Продажи: компания ООО «ТехПром» не синхронизирована — сценарий продаж пропущен.")
        return
    if link_demo_products(paths):
        say("Продажи: товары сделки связаны с номенклатурой 1С демо-связями (синхронизация каталога в этой сборке "
            "не участвует).")
    deal = manager.create_deal("Поставка токарного станка", company_id=int(link.b24_id), rows=DEMO_ROWS)
    manager.win(deal)
    sync()
    order = _order(onec, deal)
    say(f"Менеджер выиграл сделку № {deal} → в 1С заказ клиента {order['Number']} на "
        f"{format_money(dec(order['СуммаДокумента']))} ₽" + (", проведён." if order["Posted"] else ", не проведён."))
    manager.set_quantity(deal, 1, 6)
    sync()
    order = _order(onec, deal)
    say(f"Менеджер изменил количество патронов на 6 → тот же заказ {order['Number']}: строк "
        f"{len(order['Товары'])}, патронов {order['Товары'][1]['Количество']:g}, сумма "
        f"{format_money(dec(order['СуммаДокумента']))} ₽.")
    accountant.receive_payment(order["Ref_Key"], float(order["СуммаДокумента"]), incoming_number="418",
                               date=datetime.now())
    accountant.ship(order["Ref_Key"], date=datetime.now())
    sync()
    say("Бухгалтер провёл оплату и реализацию → в ленте сделки:")
    for comment in manager.comments(deal):
        say(f"  • {comment}")
    orders = [o for o in onec.rows("Document_ЗаказКлиента") if o["НомерПоДаннымКлиента"].startswith(f"B24-{deal}/")]
    say(f"Заказов по сделке в 1С: {len(orders)}.")


def _order(onec: OneCSandbox, deal: int) -> dict[str, Any]:
    return next(o for o in onec.rows("Document_ЗаказКлиента") if o["НомерПоДаннымКлиента"].startswith(f"B24-{deal}/"))
