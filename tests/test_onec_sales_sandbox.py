"""Sales documents of the sandbox 1C over HTTP: orders with tabular parts, Post/Unpost, posting refusals,
receipts and sales with their settlement lines, the accountant helper and the client's document actions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.errors import AnswerLost, PostingRefused, RemoteError
from core.onec.client import OneCClient
from core.sandbox.onec.accountant import OneCAccountant
from core.sandbox.onec.sales_model import (
    BANK_RECEIPTS,
    CASH_RECEIPTS,
    MAIN_WAREHOUSE_REF,
    ORDERS,
    ORGANISATION_REF,
    SALES,
    STANDARD_AGREEMENT_REF,
    VAT_REFS,
)
from core.sandbox.onec.seed import RUB_REF, TECHPROM_REF, onec_guid, partner_ref
from core.sandbox.onec.server import OneCSandbox
from core.sandbox.onec.write_latency import document_latency

ITEM_A = onec_guid("nomenclature-test", "a")
ITEM_B = onec_guid("nomenclature-test", "b")


@pytest.fixture
def sandbox() -> Iterator[OneCSandbox]:
    with OneCSandbox() as box:
        yield box


@pytest.fixture
def client(sandbox: OneCSandbox) -> Iterator[OneCClient]:
    with OneCClient(sandbox.url, "Интеграция", "демо-пароль", retry_delays=()) as c:
        yield c


def _line(n: int, item: str, qty: float, price: float) -> dict:
    total = round(qty * price, 2)
    vat = round(total * 20 / 120, 2)
    return {"LineNumber": n, "Номенклатура_Key": item, "Количество": qty, "КоличествоУпаковок": qty,
            "Цена": price, "Сумма": total, "СтавкаНДС_Key": VAT_REFS["20"], "СуммаНДС": vat, "СуммаСНДС": total}


def _order(**extra) -> dict:
    techprom = TECHPROM_REF
    body = {
        "ХозяйственнаяОперация": "РеализацияКлиенту", "Организация_Key": ORGANISATION_REF,
        "Партнер_Key": partner_ref("ТехПром"), "Контрагент_Key": techprom, "Соглашение_Key": STANDARD_AGREEMENT_REF,
        "Склад_Key": MAIN_WAREHOUSE_REF, "Валюта_Key": RUB_REF, "Статус": "КОтгрузке", "ЦенаВключаетНДС": True,
        "СуммаДокумента": 1300, "НомерПоДаннымКлиента": "B24:D42", "Комментарий": "Сделка Битрикс24 №42",
        "Товары": [_line(1, ITEM_A, 2, 500), _line(2, ITEM_B, 3, 100)],
    }
    return body | extra


def test_order_create_numbers_and_dates_it_and_patch_replaces_goods(client: OneCClient):
    created = client.create(ORDERS, _order())
    assert created["Number"].startswith("ТД00-") and created["Posted"] is False
    assert created["Date"] != "0001-01-01T00:00:00" and created["Товары"][1]["LineNumber"] == "2"
    updated = client.update(ORDERS, created["Ref_Key"], {"Товары": [_line(1, ITEM_B, 7, 100)]})
    assert len(updated["Товары"]) == 1 and updated["Товары"][0]["Количество"] == 7
    with pytest.raises(RemoteError):
        client.update(ORDERS, created["Ref_Key"], {"Товары": [_line(2, ITEM_B, 7, 100)]})
    found = client.find_by(ORDERS, "НомерПоДаннымКлиента", "B24:D42", select=["Ref_Key", "Number"])
    assert [f["Ref_Key"] for f in found] == [created["Ref_Key"]]


def test_posted_flag_cannot_be_written_only_posted(client: OneCClient, sandbox: OneCSandbox):
    created = client.create(ORDERS, _order(Posted=True))
    assert created["Posted"] is False
    client.post_document(ORDERS, created["Ref_Key"])
    assert sandbox.get(ORDERS, created["Ref_Key"])["Posted"] is True
    client.unpost_document(ORDERS, created["Ref_Key"])
    assert sandbox.get(ORDERS, created["Ref_Key"])["Posted"] is False
    log = [target for method, target in sandbox.request_log() if method == "POST"]
    assert any("/Post?" in t and "PostingModeOperational=false" in t for t in log)


def test_posting_runs_the_fill_check_with_1c_texts(client: OneCClient, sandbox: OneCSandbox):
    created = client.create(ORDERS, _order(Организация_Key=None, Товары=[_line(1, ITEM_A, 0, 500)]))
    with pytest.raises(PostingRefused) as refused:
        client.post_document(ORDERS, created["Ref_Key"])
    assert 'Поле "Организация" не заполнено' in refused.value.message
    assert 'колонка "Количество" в строке 1' in refused.value.message
    assert sandbox.get(ORDERS, created["Ref_Key"])["Posted"] is False


def test_stock_control_refuses_posting_and_counts_other_reservations(client: OneCClient, sandbox: OneCSandbox):
    accountant = OneCAccountant(sandbox)
    accountant.set_stock_control(True)
    accountant.set_free_stock(ITEM_A, 3, MAIN_WAREHOUSE_REF)
    accountant.set_free_stock(ITEM_B, 100, MAIN_WAREHOUSE_REF)
    first = client.create(ORDERS, _order())
    client.post_document(ORDERS, first["Ref_Key"])  # takes 2 of 3
    second = client.create(ORDERS, _order())
    with pytest.raises(PostingRefused) as refused:
        client.post_document(ORDERS, second["Ref_Key"])
    assert "Недостаточно свободного остатка" in refused.value.message
    assert "Требуется: 2, свободный остаток: 1" in refused.value.message
    # a posted order re-written with more than there is keeps its old contents
    with pytest.raises(RemoteError) as rewrite:
        client.update(ORDERS, first["Ref_Key"], {"Товары": [_line(1, ITEM_A, 5, 500)]})
    assert rewrite.value.code == "-1" and "Недостаточно свободного остатка" in rewrite.value.message
    assert sandbox.get(ORDERS, first["Ref_Key"])["Товары"][0]["Количество"] == 2


def test_accountant_documents_carry_settlement_lines(sandbox: OneCSandbox, client: OneCClient):
    accountant = OneCAccountant(sandbox)
    order = client.create(ORDERS, _order())
    bank = accountant.receive_payment(order["Ref_Key"], 1000, incoming_number="418")
    cash = accountant.receive_payment(order["Ref_Key"], 300, cash=True)
    sale = accountant.ship(order["Ref_Key"], {1: 1})
    got_bank = client.get(BANK_RECEIPTS, bank)
    assert got_bank["Posted"] and got_bank["НомерВходящегоДокумента"] == "418"
    assert got_bank["РасшифровкаПлатежа"][0]["Заказ"] == order["Ref_Key"]
    assert got_bank["РасшифровкаПлатежа"][0]["Заказ_Type"] == "StandardODATA.Document_ЗаказКлиента"
    got_cash = client.get(CASH_RECEIPTS, cash)
    assert got_cash["РасшифровкаПлатежа"][0]["ОснованиеПлатежа"] == order["Ref_Key"]
    got_sale = client.get(SALES, sale)
    assert got_sale["ЗаказКлиента"] == order["Ref_Key"] and len(got_sale["Товары"]) == 1
    assert got_sale["Товары"][0]["Количество"] == 1 and got_sale["СуммаДокумента"] == 500
    # documents of one order are found by a composite filter, as the pipeline reads them
    flt = f"ЗаказКлиента eq cast(guid'{order['Ref_Key']}', 'Document_ЗаказКлиента')"
    assert [r["Ref_Key"] for r in client.list(SALES, filter=flt, select=["Ref_Key"])] == [sale]
    accountant.set_status(order["Ref_Key"], "Закрыт")
    assert accountant.order(order["Ref_Key"])["Статус"] == "Закрыт"


def test_lost_answer_of_a_post_is_answer_lost(client: OneCClient, sandbox: OneCSandbox):
    order = client.create(ORDERS, _order())
    sandbox.inject_fault("drop_connection_once")
    with pytest.raises(AnswerLost):
        client.post_document(ORDERS, order["Ref_Key"])
    assert sandbox.get(ORDERS, order["Ref_Key"])["Posted"] is True  # it did happen


def test_actions_only_on_documents_and_in_metadata(client: OneCClient, sandbox: OneCSandbox):
    with pytest.raises(RemoteError) as caught:
        client.post_document("Catalog_Контрагенты", TECHPROM_REF)
    assert caught.value.code == "11"
    assert ORDERS in client.metadata({ORDERS})
    import requests
    edmx = requests.get(sandbox.url + "$metadata", auth=("Интеграция".encode(), "демо-пароль".encode()),
                        timeout=10).text
    assert f'<Parameter Name="bindingParameter" Type="StandardODATA.{ORDERS}"/>' in edmx


def test_document_latency_hook_is_scaled():
    delay = document_latency(speed=10)
    assert 0.03 <= delay("POST", "/ut11/odata/standard.odata/Document_ЗаказКлиента") <= 0.1
    assert delay("PATCH", "/ut11/odata/standard.odata/Catalog_Контрагенты(guid'x')") <= 0.015
