"""Deal → order mapping, customer-path texts and the sales settings (pure functions)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.errors import ConfigError
from core.mapping.customer_path import (
    PathDocument,
    path_event,
    payment_from_onec,
    payment_text,
    shipment_text,
)
from core.mapping.sales_order import (
    OrderContext,
    deal_from_b24,
    format_money,
    identity_marker,
    order_body,
    portal_tag,
    row_problems,
)
from core.mapping.sales_settings import SalesSettings
from core.mapping.table import load_mapping

TABLE = load_mapping("ut11")
SPEC = TABLE["sales_order"]["order"]
DEAL = {"ID": "410", "TITLE": "Станки", "CATEGORY_ID": "0", "STAGE_ID": "WON", "COMPANY_ID": "9",
        "CURRENCY_ID": "RUB", "DATE_MODIFY": "2026-03-10T10:00:00+03:00", "CLOSEDATE": "2026-03-20T00:00:00+03:00"}
# the two rows of the reference crm.deal.productrows.get answer (mixed types), plus a taxed one
ROWS = [
    {"ID": "5", "PRODUCT_ID": 450, "PRODUCT_NAME": "Product #2", "PRICE": 899.1, "PRICE_EXCLUSIVE": 899.1,
     "PRICE_NETTO": 999, "PRICE_BRUTTO": 999, "QUANTITY": 1, "DISCOUNT_TYPE_ID": 2, "DISCOUNT_RATE": 10,
     "DISCOUNT_SUM": 99.9, "TAX_RATE": None, "TAX_INCLUDED": "Y", "SORT": 10},
    {"ID": "4", "PRODUCT_ID": 449, "PRODUCT_NAME": "Product #1", "PRICE": 100, "PRICE_NETTO": 100,
     "PRICE_BRUTTO": 100, "QUANTITY": 1, "DISCOUNT_RATE": 0, "TAX_RATE": None, "TAX_INCLUDED": "Y", "SORT": 20},
    {"ID": "6", "PRODUCT_ID": 451, "PRODUCT_NAME": "Станок", "PRICE": 120000, "PRICE_NETTO": 100000,
     "PRICE_BRUTTO": 120000, "QUANTITY": 3, "DISCOUNT_RATE": 0, "TAX_RATE": 20, "TAX_INCLUDED": "Y", "SORT": 30},
]


def _ctx() -> OrderContext:
    return OrderContext(counterparty_ref="c" * 8 + "-0000-0000-0000-000000000000", partner_ref=None,
                        currency_ref="rub", product_refs={450: "p450", 449: "p449", 451: "p451"},
                        vat_refs={"none": "vat-none", "20": "vat-20"}, identity=identity_marker(410, "7f3a"),
                        deal_url="https://b24.example/crm/deal/details/410/")


def test_order_lines_follow_the_deal_rows_to_the_kopeck():
    deal = deal_from_b24(DEAL, ROWS)
    settings = SalesSettings(organisation_ref="org", warehouse_ref="wh", agreement_ref="agr")
    body = order_body(deal, _ctx(), SPEC, settings, create=True)
    lines = body["Товары"]
    assert [line["LineNumber"] for line in lines] == [1, 2, 3]
    first = lines[0]
    assert first["Цена"] == Decimal("999.00") and first["ПроцентРучнойСкидки"] == Decimal("10")
    assert first["СуммаРучнойСкидки"] == Decimal("99.90") and first["Сумма"] == Decimal("899.10")
    assert first["СтавкаНДС_Key"] == "vat-none" and first["СуммаНДС"] == 0
    third = lines[2]
    assert third["СуммаНДС"] == Decimal("60000.00") and third["СтавкаНДС_Key"] == "vat-20"
    assert body["СуммаДокумента"] == Decimal("360999.10") and body["ЦенаВключаетНДС"] is True
    assert body["НомерПоДаннымКлиента"] == "B24-410/7f3a" and len(body["НомерПоДаннымКлиента"]) <= 30
    assert body["Статус"] == "КОтгрузке" and body["Соглашение_Key"] == "agr"
    assert "https://b24.example/crm/deal/details/410/" in body["Комментарий"]
    assert body["ДатаОтгрузки"] == "2026-03-20T00:00:00"
    update = order_body(deal, _ctx(), SPEC, settings, create=False)
    assert "Статус" not in update and "НомерПоДаннымКлиента" not in update and update["Товары"] == lines


def test_row_problems_name_each_bad_row():
    rows = [dict(ROWS[0], PRODUCT_ID=0), dict(ROWS[1], PRODUCT_ID=999), dict(ROWS[2], QUANTITY=0)]
    problems = row_problems(deal_from_b24(DEAL, rows), {450: "a", 449: "b", 451: "c"})
    assert [p.code for p in problems] == ["sales_row_free_text", "sales_row_not_linked", "sales_row_bad_quantity"]
    assert problems[1].params["line"] == 2 and problems[2].params["quantity"] == "0"
    assert [p.code for p in row_problems(deal_from_b24(DEAL, []), {})] == ["sales_no_rows"]


def test_portal_tag_is_stable_and_short():
    assert portal_tag("https://Firm.Bitrix24.ru/") == portal_tag("https://firm.bitrix24.ru")
    assert len(portal_tag("https://firm.bitrix24.ru")) == 4


def test_payment_text_as_the_issue_writes_it():
    doc = PathDocument("payment", "r", "ТД00-000012", "2026-03-12T09:30:00", "o", Decimal("1336010"),
                       incoming_number="418")
    assert payment_text(doc, Decimal("1336010"), Decimal("1336010")) == \
        "Оплата 1 336 010,00 ₽ получена 12.03.2026, п/п № 418"
    partial = payment_text(doc, Decimal("1336010"), Decimal("2000000"))
    assert "Частичная оплата: всего оплачено 1 336 010,00 ₽ из 2 000 000,00 ₽, осталось 663 990,00 ₽" in partial
    cash = PathDocument("payment", "r", "ТД00-000007", "2026-03-12T09:30:00", "o", Decimal("5000"), cash=True)
    assert payment_text(cash, Decimal("5000"), Decimal("5000")).endswith("ПКО № ТД00-000007")


def test_payment_lines_find_orders_by_order_or_basis():
    spec = TABLE["customer_path"]["bank_payments"]
    order_type = "StandardODATA.Document_ЗаказКлиента"
    row = {"Ref_Key": "p1", "Number": "ТД00-000001", "Date": "2026-03-12T00:00:00", "НомерВходящегоДокумента": "418",
           "РасшифровкаПлатежа": [
               {"LineNumber": "1", "Заказ": "11111111-1111-1111-1111-111111111111", "Заказ_Type": order_type,
                "Сумма": 100},
               {"LineNumber": "2", "Заказ": "", "Заказ_Type": "StandardODATA.Undefined",
                "ОснованиеПлатежа": "22222222-2222-2222-2222-222222222222", "ОснованиеПлатежа_Type": order_type,
                "Сумма": 50},
               {"LineNumber": "3", "Заказ": "33333333-3333-3333-3333-333333333333", "Заказ_Type": order_type,
                "Сумма": 70}]}
    docs = payment_from_onec(row, spec, {"11111111-1111-1111-1111-111111111111",
                                          "22222222-2222-2222-2222-222222222222"}, cash=False)
    assert sorted((d.order_ref[0], d.amount) for d in docs) == [("1", Decimal(100)), ("2", Decimal(50))]


def test_shipment_text_states_what_is_left():
    doc = PathDocument("shipment", "s", "ТД00-000003", "2026-03-14T00:00:00", "o", Decimal(1),
                       lines=(("a", Decimal(2)),))
    names = {"a": "Станок 16К20", "b": "Патрон"}
    text = shipment_text(doc, names, {"a": Decimal(2)}, {"a": Decimal(2), "b": Decimal(5)})
    assert text == ("Отгрузка 14.03.2026, реализация № ТД00-000003: Станок 16К20 — 2 шт. "
                    "Частичная отгрузка, осталось отгрузить: Патрон — 5 шт")
    assert path_event(Decimal(10), Decimal(20), {"a": Decimal(2)}, {"a": Decimal(2)}) == ["paid_partly", "shipped"]


def test_settings_defaults_and_validation():
    settings = SalesSettings.from_dict({"organisation_ref": "o", "unknown_key": 1})
    assert settings.post_orders and settings.order_status == "КОтгрузке" and settings.organisation_ref == "o"
    with pytest.raises(ConfigError):
        SalesSettings.from_dict({"start_date": "вчера"})
    with pytest.raises(ConfigError):
        SalesSettings.from_dict({"enabled": True})
    with pytest.raises(ConfigError):
        SalesSettings.from_dict({"stage_map": {"0": {"оплачено": "WON"}}})
    assert format_money(Decimal("-5.5")) == "-5,50"
