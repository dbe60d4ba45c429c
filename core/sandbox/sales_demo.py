"""The sales loop in the demo: a won deal becomes an order in the sandbox 1C, a quantity change reaches the same order,
a posted payment and a shipment appear on the deal's timeline. Sandbox-only: the demo plays the sales manager and the
accountant itself.

The deal rows are the products the catalogue sync brought from 1C (their links are what turns a portal product into
a 1C nomenclature line). Only where the demo profile leaves the catalogue out does the demo link two 1C nomenclature
refs to portal product ids itself, and says so.
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


def catalogue_rows(paths: AppPaths) -> list[dict[str, Any]] | None:
    """Deal rows made of two products the catalogue sync linked to 1C; None when it has linked none."""
    from core.sandbox.onec.catalog_seed import ITEMS, product_ref

    state = StateStore.open(paths.state_db)
    try:
        rows = []
        for key, quantity in (("angle-50", 40), ("tube-40", 120)):
            link = state.get_link("product", product_ref(key), "product")
            item = next(i for i in ITEMS if i.key == key)
            if link is None:
                return None
            rows.append({"PRODUCT_ID": int(link.b24_id), "PRODUCT_NAME": item.name, "PRICE": float(item.retail),
                         "QUANTITY": quantity, "TAX_RATE": 20, "TAX_INCLUDED": "Y"})
        return rows
    finally:
        state.close()


def seed_won_deal(paths: AppPaths, b24: Bitrix24Sandbox) -> int | None:
    """A deal the demo's manager already won, for the portal's own «УЗМК» (linked to 1C by ИНН on the first sync):
    the first «Синхронизировать сейчас» of the demo turns it into an order in the sandbox 1C. Its row is the
    portal's own «Электроды МР-3» card, which carries the 1C ref and is linked by the catalogue in the same run."""
    from core.sandbox.bitrix24.seed import ELECTRODES_ONEC_REF

    company = next((c for c in b24.entities("company") if c.get("TITLE") == "УЗМК"), None)
    if company is None:
        return None
    electrodes = next((p for p in b24.entities("product") if p.get("xmlId") == ELECTRODES_ONEC_REF), None)
    if electrodes is not None and _catalogue_enabled(paths):
        rows = [{"PRODUCT_ID": int(electrodes["id"]), "PRODUCT_NAME": electrodes["name"], "PRICE": 298,
                 "QUANTITY": 50, "TAX_RATE": 20, "TAX_INCLUDED": "Y"}]
    else:
        link_demo_products(paths)
        rows = DEMO_ROWS
    manager = SalesManager(b24.portal)
    deal = manager.create_deal("Электроды для УЗМК", company_id=int(company["ID"]), rows=rows)
    manager.win(deal)
    return deal


def _catalogue_enabled(paths: AppPaths) -> bool:
    profile = ProfileStore(paths).load()
    return profile is not None and "product" in profile.entities


def run_story(paths: AppPaths, onec: OneCSandbox, b24: Bitrix24Sandbox, sync: Callable[[], Any],
              say: Callable[[str], None]) -> None:
    manager, accountant = SalesManager(b24.portal), OneCAccountant(onec)
    state = StateStore.open(paths.state_db)
    link = state.get_link("counterparty", TECHPROM_REF, "company")
    state.close()
    if link is None:
        say("Продажи: компания ООО «ТехПром» не синхронизирована — сценарий продаж пропущен.")
        return
    rows = catalogue_rows(paths)
    if rows is None:
        link_demo_products(paths)
        rows = DEMO_ROWS
        say("Продажи: товары сделки связаны с номенклатурой 1С демо-связями (каталог в этом профиле не "
            "синхронизируется).")
    deal = manager.create_deal("Поставка металлопроката", company_id=int(link.b24_id), rows=rows)
    manager.win(deal)
    sync()
    order = _order(onec, deal)
    say(f"Менеджер выиграл сделку № {deal} → в 1С заказ клиента {order['Number']} на "
        f"{format_money(dec(order['СуммаДокумента']))} ₽" + (", проведён." if order["Posted"] else ", не проведён."))
    changed_name, new_quantity = rows[1]["PRODUCT_NAME"], rows[1]["QUANTITY"] + 6
    manager.set_quantity(deal, 1, new_quantity)
    sync()
    order = _order(onec, deal)
    say(f"Менеджер изменил количество «{changed_name}» на {new_quantity:g} → тот же заказ {order['Number']}: строк "
        f"{len(order['Товары'])}, во второй строке {order['Товары'][1]['Количество']:g}, сумма "
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
