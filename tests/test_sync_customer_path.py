"""1C → the deal: order statuses, invoices, payments and shipments on the deal (sandbox 1C → sandbox portal)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from core.paths import AppPaths
from core.sandbox.onec.seed import TECHPROM_REF
from tests.sales_world import CHUCK, LATHE, SalesWorld, make_world, sales_settings

pytestmark = pytest.mark.integration

STAGE_MAP = {"0": {"КОтгрузке": "EXECUTING", "paid_partly": "EXECUTING", "paid": "FINAL_INVOICE",
                   "shipped_partly": "FINAL_INVOICE", "shipped": "WON"}}


@pytest.fixture
def world(home: AppPaths, tmp_path) -> Iterator[SalesWorld]:
    # the trigger is an earlier stage here, so 1C can move the deal on towards "won"
    yield from make_world(home, tmp_path, settings=sales_settings(trigger_stages={"0": "PREPARATION"},
                                                                   stage_map=STAGE_MAP))


def _agreed_deal(world: SalesWorld) -> int:
    deal_id = world.manager.create_deal("Станки для УЗМК", company_id=world.company_of(TECHPROM_REF),
                                        rows=[LATHE, CHUCK])
    world.manager.move(deal_id, "PREPARATION")
    return deal_id


def test_payments_and_shipments_appear_once_on_the_timeline(world: SalesWorld):
    deal_id = _agreed_deal(world)
    world.sync()
    order = world.order_of(deal_id)
    assert world.manager.deal(deal_id)["STAGE_ID"] == "EXECUTING"  # status "КОтгрузке" through the map
    total = float(order["СуммаДокумента"])
    world.accountant.receive_payment(order["Ref_Key"], 500000, incoming_number="418",
                                     date=datetime(2026, 3, 12, 10, 0))
    world.sync()
    comments = world.manager.comments(deal_id)
    assert comments[-1].startswith("Оплата 500 000,00 ₽ получена 12.03.2026, п/п № 418. Частичная оплата")
    world.accountant.receive_payment(order["Ref_Key"], round(total - 500000, 2), cash=True, date=datetime(2026, 3, 13))
    world.accountant.ship(order["Ref_Key"], {1: 1}, date=datetime(2026, 3, 14))
    world.sync()
    comments = world.manager.comments(deal_id)
    assert len(comments) == 3
    assert "ПКО №" in comments[1] and "Частичная" not in comments[1]
    assert comments[2].startswith("Отгрузка 14.03.2026, реализация №") and "осталось отгрузить: " in comments[2]
    # products named as the deal names them (the 1C catalogue need not be published)
    assert ": Станок токарный 16К20 — 1 шт. Частичная отгрузка, осталось отгрузить: Патрон 250 мм — 4 шт" \
        in comments[2]
    assert world.manager.deal(deal_id)["STAGE_ID"] == "FINAL_INVOICE"
    world.accountant.ship(order["Ref_Key"], {2: 4}, date=datetime(2026, 3, 15))
    world.sync()
    world.sync()
    comments = world.manager.comments(deal_id)
    assert len(comments) == 4 and "осталось" not in comments[3]
    assert world.manager.deal(deal_id)["STAGE_ID"] == "WON"
    # our stage moves are not echoed back into 1C as deal changes
    assert len([t for m, t in world.onec_writes() if m == "PATCH"]) == 0


def test_lost_comment_answer_is_found_by_its_text(world: SalesWorld):
    deal_id = _agreed_deal(world)
    world.sync()
    order = world.order_of(deal_id)
    world.accountant.receive_payment(order["Ref_Key"], 1000, incoming_number="7")
    world.b24.inject_fault("batch:crm.timeline.comment.add", "html_502_after_write")  # stored, answer lost
    world.sync()
    assert "path_answer_lost_recovered" in [e.reason_code for e in world.journal("customer_path")]
    world.sync()
    assert len(world.manager.comments(deal_id)) == 1


def test_invoice_becomes_a_smart_invoice_that_turns_paid(world: SalesWorld):
    deal_id = _agreed_deal(world)
    world.sync()
    order = world.order_of(deal_id)
    world.accountant.issue_invoice(order["Ref_Key"], date=datetime(2026, 3, 11))
    world.sync()
    invoices = world.manager.invoices(deal_id)
    assert len(invoices) == 1 and invoices[0]["stageId"] == "DT31_2:N"
    assert invoices[0]["title"].startswith("Счёт № ТД00-") and invoices[0]["xmlId"]
    rows = world.manager.invoice_rows(invoices[0]["id"])
    assert [r["productId"] for r in rows] == [101, 102]
    world.accountant.receive_payment(order["Ref_Key"], float(order["СуммаДокумента"]))
    world.sync()
    invoices = world.manager.invoices(deal_id)
    assert len(invoices) == 1 and invoices[0]["stageId"] == "DT31_2:P"


def test_kill_after_the_comment_was_written_does_not_repeat_it(world: SalesWorld, monkeypatch):
    from core.bitrix24.client import Bitrix24Client

    deal_id = _agreed_deal(world)
    world.sync()
    order = world.order_of(deal_id)
    world.accountant.receive_payment(order["Ref_Key"], 1000, incoming_number="55")
    real_batch = Bitrix24Client.batch

    def batch_then_die(self, commands, **kwargs):
        result = real_batch(self, commands, **kwargs)
        if any(method == "crm.timeline.comment.add" for method, _ in commands.values()):
            raise KeyboardInterrupt  # the process dies after the portal stored the comment
        return result

    monkeypatch.setattr(Bitrix24Client, "batch", batch_then_die)
    with pytest.raises(KeyboardInterrupt):
        world.sync()
    monkeypatch.setattr(Bitrix24Client, "batch", real_batch)
    assert len(world.manager.comments(deal_id)) == 1
    report = world.sync()
    assert report.failed == 0
    assert world.manager.comments(deal_id) == [c for c in world.manager.comments(deal_id) if "п/п № 55" in c]
    assert len(world.manager.comments(deal_id)) == 1
