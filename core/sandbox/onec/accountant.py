"""The 1C accountant for tests and demos: what a person does in the sandbox УТ 11 with the sales documents.

    accountant = OneCAccountant(sandbox)
    accountant.receive_payment(order_ref, 1_336_010, incoming_number="418")
    accountant.ship(order_ref)                       # everything; or {line: quantity} for a part
    accountant.set_status(order_ref, "Закрыт")

Documents are written and posted through the same store and posting rules as OData writes (so DataVersion,
numbering and the posting checks behave the same), without HTTP and without the write latency.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from core.sandbox.onec.codec import ODataFault
from core.sandbox.onec.entity_model import NAMESPACE, ZERO_GUID
from core.sandbox.onec.sales_model import BANK_RECEIPTS, CASH_RECEIPTS, INVOICES, ORDERS, SALES

if TYPE_CHECKING:
    from core.sandbox.onec.server import OneCSandbox

ORDER_TYPE = f"{NAMESPACE}.{ORDERS}"


class OneCAccountant:
    def __init__(self, sandbox: OneCSandbox) -> None:
        self.sandbox = sandbox
        self.store = sandbox.store
        self.posting = sandbox.posting

    # --- settings of the base ----------------------------------------------------------------------
    def set_stock_control(self, enabled: bool) -> None:
        self.posting.stock_control = enabled

    def set_free_stock(self, item_ref: str, quantity: float, warehouse_ref: str) -> None:
        self.posting.set_stock(item_ref, quantity, warehouse_ref)

    # --- orders --------------------------------------------------------------------------------------
    def order(self, order_ref: str) -> dict[str, Any]:
        row = self.sandbox.get(ORDERS, order_ref)
        if row is None:
            raise KeyError(f"заказ {order_ref} не найден")
        return row

    def orders(self) -> list[dict[str, Any]]:
        return self.sandbox.rows(ORDERS)

    def set_status(self, order_ref: str, status: str) -> dict[str, Any]:
        return self.sandbox.modify(ORDERS, order_ref, Статус=status)

    def post(self, entity_set: str, ref: str) -> None:
        """Post by hand; a refusal raises ValueError with 1C's text."""
        try:
            self.posting.post(self.store.definition(entity_set), ref)
        except ODataFault as fault:
            raise ValueError(fault.message) from None

    def unpost(self, entity_set: str, ref: str) -> None:
        self.posting.unpost(self.store.definition(entity_set), ref)

    def delete_order(self, order_ref: str) -> None:
        self.sandbox.delete(ORDERS, order_ref)

    # --- documents that follow an order --------------------------------------------------------------
    def issue_invoice(self, order_ref: str, *, amount: float | None = None, date: datetime | None = None,
                      post: bool = True) -> str:
        order = self._raw_order(order_ref)
        total = Decimal(str(amount)) if amount is not None else order["СуммаДокумента"]
        row = self.store.create(INVOICES, {
            "Date": _date(date), "Организация_Key": order["Организация_Key"], "Партнер_Key": order["Партнер_Key"],
            "Контрагент_Key": order["Контрагент_Key"], "ДокументОснование": order_ref,
            "ДокументОснование_Type": ORDER_TYPE, "Валюта_Key": order["Валюта_Key"], "СуммаДокумента": str(total),
            "ЦенаВключаетНДС": order["ЦенаВключаетНДС"],
            "ЭтапыГрафикаОплаты": [{"LineNumber": 1, "ДатаПлатежа": _date(date), "ПроцентПлатежа": 100,
                                    "СуммаПлатежа": str(total)}],
        })
        if post:
            self.post(INVOICES, row["Ref_Key"])
        return str(row["Ref_Key"])

    def receive_payment(self, order_ref: str, amount: float, *, incoming_number: str = "",
                        date: datetime | None = None, cash: bool = False, post: bool = True) -> str:
        """A bank receipt (settlement line ``Заказ`` = the order) or, with ``cash``, a cash receipt whose
        line names the order as ``ОснованиеПлатежа`` — the two ways the issue says a payment settles it."""
        order = self._raw_order(order_ref)
        line: dict[str, Any] = {"LineNumber": 1, "Партнер_Key": order["Партнер_Key"], "Сумма": str(amount),
                                "СуммаВзаиморасчетов": str(amount), "ВалютаВзаиморасчетов_Key": order["Валюта_Key"]}
        if cash:
            line |= {"ОснованиеПлатежа": order_ref, "ОснованиеПлатежа_Type": ORDER_TYPE}
        else:
            line |= {"Заказ": order_ref, "Заказ_Type": ORDER_TYPE}
        body: dict[str, Any] = {
            "Date": _date(date), "ХозяйственнаяОперация": "ПоступлениеОплатыОтКлиента",
            "Организация_Key": order["Организация_Key"], "Контрагент_Key": order["Контрагент_Key"],
            "Валюта_Key": order["Валюта_Key"], "СуммаДокумента": str(amount), "РасшифровкаПлатежа": [line],
        }
        if cash:
            body["ПринятоОт"] = "Представитель клиента"
        else:
            body |= {"НомерВходящегоДокумента": incoming_number, "ДатаВходящегоДокумента": _date(date)}
        entity_set = CASH_RECEIPTS if cash else BANK_RECEIPTS
        row = self.store.create(entity_set, body)
        if post:
            self.post(entity_set, row["Ref_Key"])
        return str(row["Ref_Key"])

    def ship(self, order_ref: str, quantities: dict[int, float] | None = None, *, date: datetime | None = None,
             post: bool = True) -> str:
        """A sale for the order: every line, or ``{LineNumber: quantity}`` for a partial shipment."""
        order = self._raw_order(order_ref)
        lines = []
        for source in order["Товары"]:
            if source["Отменено"] or (quantities is not None and source["LineNumber"] not in quantities):
                continue
            quantity = Decimal(str(quantities[source["LineNumber"]])) if quantities is not None else \
                source["Количество"]
            share = quantity / source["Количество"] if source["Количество"] else Decimal(0)
            lines.append({
                "LineNumber": len(lines) + 1, "Номенклатура_Key": source["Номенклатура_Key"],
                "Количество": str(quantity), "КоличествоУпаковок": str(quantity), "Цена": str(source["Цена"]),
                "Сумма": str(round(source["Сумма"] * share, 2)), "СтавкаНДС_Key": source["СтавкаНДС_Key"],
                "СуммаНДС": str(round(source["СуммаНДС"] * share, 2)),
                "СуммаСНДС": str(round(source["СуммаСНДС"] * share, 2)),
                "ЗаказКлиента": order_ref, "ЗаказКлиента_Type": ORDER_TYPE,
            })
        total = sum((Decimal(line["Сумма"]) for line in lines), Decimal(0))
        row = self.store.create(SALES, {
            "Date": _date(date), "ХозяйственнаяОперация": "РеализацияКлиенту",
            "Организация_Key": order["Организация_Key"], "Партнер_Key": order["Партнер_Key"],
            "Контрагент_Key": order["Контрагент_Key"], "Соглашение_Key": order["Соглашение_Key"],
            "Склад_Key": order["Склад_Key"], "Валюта_Key": order["Валюта_Key"], "ЗаказКлиента": order_ref,
            "ЗаказКлиента_Type": ORDER_TYPE, "Статус": "Отгружено", "ЦенаВключаетНДС": order["ЦенаВключаетНДС"],
            "СуммаДокумента": str(total), "Товары": lines,
        })
        if post:
            self.post(SALES, row["Ref_Key"])
        return str(row["Ref_Key"])

    def _raw_order(self, order_ref: str) -> dict[str, Any]:
        row = self.store.get(ORDERS, order_ref)
        if row is None or row.get("Ref_Key", ZERO_GUID) == ZERO_GUID:
            raise KeyError(f"заказ {order_ref} не найден")
        return row


def _date(value: datetime | None) -> str | None:
    return value.replace(microsecond=0).isoformat() if value is not None else None
