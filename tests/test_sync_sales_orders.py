"""Deals → 1C customer orders end to end: sandbox portal → SyncRunner → sandbox 1C."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from core.paths import AppPaths
from tests.sales_world import SalesWorld, make_world

pytestmark = pytest.mark.integration


@pytest.fixture
def world(home: AppPaths, tmp_path) -> Iterator[SalesWorld]:
    yield from make_world(home, tmp_path)


def test_won_deal_becomes_one_posted_order(world: SalesWorld):
    deal_id = world.won_deal()
    report = world.sync()
    assert report.per_entity["sales_order"].get("created") == 1, world.journal()
    order = world.order_of(deal_id)
    assert order["Posted"] is True and order["Статус"] == "КОтгрузке"
    assert [line["LineNumber"] for line in order["Товары"]] == ["1", "2"]
    assert order["Товары"][1]["Количество"] == 4 and order["Товары"][1]["ПроцентРучнойСкидки"] == 10
    deal = world.manager.deal(deal_id)
    assert Decimal(str(order["СуммаДокумента"])) == Decimal(deal["OPPORTUNITY"])
    assert f"/crm/deal/details/{deal_id}/" in order["Комментарий"]
    # nothing new on either side: no 1C write, a handful of light portal requests
    writes, requests = len(world.onec_writes()), len(world.b24.request_log())
    report = world.sync()
    assert report.per_entity["sales_order"].get("created", 0) == 0
    assert len(world.onec_writes()) == writes
    assert len(world.b24.request_log()) - requests <= 8
