"""Deals, stages, product rows, smart invoices and deal comments of the sandbox portal (no HTTP)."""

from __future__ import annotations

import pytest

from core.sandbox.bitrix24.errors import PortalError
from core.sandbox.bitrix24.portal import Portal
from core.sandbox.bitrix24.sales import SalesManager
from core.sandbox.bitrix24.seed import seed_portal


class Clock:
    def __init__(self, now: float = 1_780_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def portal(clock: Clock) -> Portal:
    p = Portal(user_id=1, scopes={"crm", "basic"}, clock=clock, operating_limit=None, method_cost=0.01)
    seed_portal(p)
    return p


def call(portal: Portal, method: str, params: dict | None = None):
    outcome, _time = portal.execute(method, params or {})
    return outcome


ROWS = [
    {"PRODUCT_ID": 450, "PRODUCT_NAME": "Product #2", "PRICE": 899.1, "QUANTITY": 1, "DISCOUNT_TYPE_ID": 2,
     "DISCOUNT_RATE": 10},
    {"PRODUCT_ID": 449, "PRODUCT_NAME": "Product #1", "PRICE": 100, "QUANTITY": 3},
]


def test_deal_add_get_has_legacy_shape(portal: Portal):
    fields = {"TITLE": "Станки", "COMPANY_ID": 2, "OPPORTUNITY": 1000000}
    deal_id = call(portal, "crm.deal.add", {"fields": fields}).result
    deal = call(portal, "crm.deal.get", {"id": deal_id}).result
    assert deal["ID"] == str(deal_id) and deal["STAGE_ID"] == "NEW" and deal["STAGE_SEMANTIC_ID"] == "P"
    assert deal["OPPORTUNITY"] == "1000000.00" and deal["CATEGORY_ID"] == "0" and deal["CLOSED"] == "N"
    assert deal["COMPANY_ID"] == "2" and deal["DATE_MODIFY"].endswith("+03:00")


def test_stage_must_belong_to_the_funnel_and_category_is_fixed(portal: Portal):
    with pytest.raises(PortalError):
        call(portal, "crm.deal.add", {"fields": {"TITLE": "x", "CATEGORY_ID": 1, "STAGE_ID": "WON"}})
    deal_id = call(portal, "crm.deal.add", {"fields": {"TITLE": "x", "CATEGORY_ID": 1}}).result
    assert call(portal, "crm.deal.get", {"id": deal_id}).result["STAGE_ID"] == "C1:NEW"
    call(portal, "crm.deal.update", {"id": deal_id, "fields": {"CATEGORY_ID": 0, "STAGE_ID": "C1:WON"}})
    deal = call(portal, "crm.deal.get", {"id": deal_id}).result
    assert deal["CATEGORY_ID"] == "1" and deal["STAGE_SEMANTIC_ID"] == "S" and deal["CLOSED"] == "Y"


def test_product_rows_replace_all_and_recalculate_like_the_reference(portal: Portal, clock: Clock):
    deal_id = call(portal, "crm.deal.add", {"fields": {"TITLE": "x"}}).result
    before = call(portal, "crm.deal.get", {"id": deal_id}).result["DATE_MODIFY"]
    clock.now += 60
    assert call(portal, "crm.deal.productrows.set", {"id": deal_id, "rows": ROWS}).result is True
    rows = call(portal, "crm.deal.productrows.get", {"id": deal_id}).result
    first = rows[0]
    assert first["ID"].isdigit() and first["OWNER_TYPE"] == "D" and first["OWNER_ID"] == str(deal_id)
    assert first["PRICE"] == 899.1 and first["PRICE_NETTO"] == 999 and first["DISCOUNT_SUM"] == 99.9
    assert first["PRICE_ACCOUNT"] == "899.10" and first["TAX_INCLUDED"] == "Y"
    deal = call(portal, "crm.deal.get", {"id": deal_id}).result
    assert deal["OPPORTUNITY"] == "1199.10" and deal["DATE_MODIFY"] > before
    call(portal, "crm.deal.productrows.set", {"id": deal_id, "rows": ROWS[1:]})
    assert len(call(portal, "crm.deal.productrows.get", {"id": deal_id}).result) == 1


def test_item_productrow_camel_case(portal: Portal):
    deal_id = call(portal, "crm.deal.add", {"fields": {"TITLE": "x"}}).result
    out = call(portal, "crm.item.productrow.set", {"ownerType": "D", "ownerId": deal_id, "productRows": [
        {"productId": 7, "price": 120, "quantity": 2, "taxRate": 20, "taxIncluded": "Y"}]}).result
    row = out["productRows"][0]
    assert row["ownerType"] == "D" and row["quantity"] == 2 and row["priceExclusive"] == 100
    listed = call(portal, "crm.item.productrow.list", {"filter": {"=ownerType": "D", "=ownerId": deal_id}}).result
    assert listed["productRows"][0]["id"] == row["id"]
    with pytest.raises(PortalError):
        call(portal, "crm.item.productrow.list", {"filter": {"=ownerId": deal_id}})


def test_deal_list_by_date_modify_ordered_by_id(portal: Portal, clock: Clock):
    ids = [call(portal, "crm.deal.add", {"fields": {"TITLE": f"d{i}"}}).result for i in range(3)]
    clock.now += 3600
    call(portal, "crm.deal.update", {"id": ids[0], "fields": {"TITLE": "changed"}})
    since = call(portal, "crm.deal.get", {"id": ids[0]}).result["DATE_MODIFY"]
    page = call(portal, "crm.deal.list", {"filter": {">=DATE_MODIFY": since}, "order": {"ID": "ASC"},
                                          "select": ["ID", "STAGE_ID", "DATE_MODIFY"]})
    assert [r["ID"] for r in page.result] == [str(ids[0])] and page.total == 1
    assert set(page.result[0]) == {"ID", "STAGE_ID", "DATE_MODIFY"}


def test_categories_and_stage_semantics(portal: Portal):
    cats = call(portal, "crm.category.list", {"entityTypeId": 2}).result["categories"]
    assert [c["id"] for c in cats] == [0, 1]
    stages = call(portal, "crm.status.list", {"filter": {"ENTITY_ID": "DEAL_STAGE_1"}}).result
    assert [s["STATUS_ID"] for s in stages if s["SEMANTICS"] == "S"] == ["C1:WON"]
    assert {s["SEMANTICS"] for s in stages} == {None, "S", "F"}
    old = call(portal, "crm.dealcategory.stage.list", {"id": 0}).result
    assert old[0] == {"NAME": "Новая", "SORT": "10", "STATUS_ID": "NEW"}


def test_smart_invoice_envelopes_and_parent_deal(portal: Portal):
    deal_id = call(portal, "crm.deal.add", {"fields": {"TITLE": "x"}}).result
    item = call(portal, "crm.item.add", {"entityTypeId": 31, "fields": {
        "title": "Счёт 12", "parentId2": deal_id, "xmlId": "abc", "opportunity": "1500.50"}}).result["item"]
    assert item["entityTypeId"] == 31 and item["parentId2"] == deal_id and item["opportunity"] == 1500.5
    assert item["stageId"] == "DT31_2:N"
    listed = call(portal, "crm.item.list", {"entityTypeId": 31, "filter": {"=xmlId": "abc"}, "select": ["id"]})
    assert listed.result == {"items": [{"id": item["id"], "entityTypeId": 31}]} and listed.total == 1
    with pytest.raises(PortalError) as bad:
        call(portal, "crm.item.list", {"entityTypeId": 31, "filter": {"NOPE": 1}})
    assert bad.value.code == "INVALID_ARG_VALUE"
    with pytest.raises(PortalError):
        call(portal, "crm.item.add", {"entityTypeId": 31, "fields": {"parentId2": 99999}})
    updated = call(portal, "crm.item.update", {"entityTypeId": 31, "id": item["id"],
                                               "fields": {"stageId": "DT31_2:P"}}).result["item"]
    assert updated["stageSemanticId"] == "S"
    # companies still answer through crm.item with entityTypeId 4
    assert call(portal, "crm.item.list", {"entityTypeId": 4, "select": ["id"]}).total == 5


def test_deal_timeline_comments(portal: Portal):
    deal_id = call(portal, "crm.deal.add", {"fields": {"TITLE": "x"}}).result
    cid = call(portal, "crm.timeline.comment.add", {"fields": {"ENTITY_ID": deal_id, "ENTITY_TYPE": "deal",
                                                               "COMMENT": "Оплата"}}).result
    assert isinstance(cid, int)
    rows = call(portal, "crm.timeline.comment.list", {"filter": {"ENTITY_ID": deal_id, "ENTITY_TYPE": "deal"}})
    assert rows.result[0]["COMMENT"] == "Оплата" and rows.result[0]["ID"] == str(cid) and rows.total == 1
    with pytest.raises(PortalError):
        call(portal, "crm.timeline.comment.add", {"fields": {"ENTITY_ID": 999, "ENTITY_TYPE": "deal",
                                                             "COMMENT": "x"}})
    with pytest.raises(PortalError):
        call(portal, "crm.timeline.comment.list", {"filter": {"ENTITY_TYPE": "deal"}})


def test_sales_manager_acts_like_the_deal_card(portal: Portal, clock: Clock):
    manager = SalesManager(portal)
    deal_id = manager.create_deal("Поставка", company_id=2, rows=ROWS, category_id=1)
    clock.now += 10
    manager.set_quantity(deal_id, 1, 5)
    assert manager.rows(deal_id)[1]["QUANTITY"] == 5
    manager.win(deal_id)
    deal = manager.deal(deal_id)
    assert deal["STAGE_ID"] == "C1:WON" and deal["OPPORTUNITY"] == "1399.10"
    assert portal.entities("deal")[0]["ID"] == str(deal_id)


def test_single_product_rows_keep_the_other_ids_and_move_the_deal(portal: Portal, clock: Clock):
    deal_id = call(portal, "crm.deal.add", {"fields": {"TITLE": "x"}}).result
    rows = call(portal, "crm.item.productrow.set", {"ownerType": "D", "ownerId": deal_id, "productRows": [
        {"productId": 1, "price": 100, "quantity": 1}]}).result["productRows"]
    before = call(portal, "crm.deal.get", {"id": deal_id}).result["DATE_MODIFY"]
    clock.now += 60
    added = call(portal, "crm.item.productrow.add", {"fields": {"ownerType": "D", "ownerId": deal_id,
                                                                "productId": 2, "price": 50, "quantity": 2}})
    row = added.result["productRow"]
    assert row["sort"] == 20 and row["quantity"] == 2
    updated = call(portal, "crm.item.productrow.update", {"id": row["id"], "fields": {"quantity": 3}}).result
    assert updated["productRow"]["id"] == row["id"] and updated["productRow"]["quantity"] == 3
    deal = call(portal, "crm.deal.get", {"id": deal_id}).result
    assert deal["OPPORTUNITY"] == "250.00" and deal["DATE_MODIFY"] > before
    assert call(portal, "crm.item.productrow.delete", {"id": rows[0]["id"]}).result == []
    listed = call(portal, "crm.item.productrow.list", {"filter": {"=ownerType": "D", "=ownerId": deal_id}})
    assert [r["id"] for r in listed.result["productRows"]] == [row["id"]]
    assert call(portal, "crm.deal.get", {"id": deal_id}).result["OPPORTUNITY"] == "150.00"
