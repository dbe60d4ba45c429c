"""Posting of the sandbox's sales documents: the ``Post``/``Unpost`` actions and what 1C checks on posting.

``POST Document_X(guid'…')/Post?PostingModeOperational=false`` and ``…/Unpost`` (onec-odata.md §1.3).
The notes leave the success status open (200 vs 204); the sandbox answers 200 with an empty body, so a
client that insists on a JSON body fails here rather than on a real base.

A write through OData skips the fill check (notes §2.3), posting does not: 1C runs the document's fill
check and its posting handlers, and a failure is a business error — HTTP 500, ``odata.error`` code ``-1``
and 1C's own text, the document stays as it was (unposted, or posted with its old contents when a posted
document is re-written). The texts follow the standard 1C messages («Поле "Организация" не заполнено»,
«Не заполнена колонка "Количество" в строке 2 списка "Товары"»).

Stock control ("Контролировать свободные остатки"): when on, posting a customer order needs free stock
for every row that is not cancelled. Free stock = the quantity a test set with :meth:`Posting.set_stock`
minus what the other posted, not closed orders already reserve from the same warehouse. The sandbox keeps
it in this table instead of ``AccumulationRegister_СвободныеОстатки`` (that register belongs to the
catalog work); the rule the order meets is the same.
"""

from __future__ import annotations

import copy
from datetime import datetime
from decimal import Decimal
from typing import Any

from core.sandbox.onec.codec import ODataFault, apply_body
from core.sandbox.onec.entity_model import ZERO_GUID, EntitySetDef
from core.sandbox.onec.sales_model import (
    BANK_RECEIPTS,
    CASH_RECEIPTS,
    DOCUMENT_SETS,
    INVOICES,
    NOMENCLATURE,
    ORDERS,
    SALES,
    WAREHOUSES,
)
from core.sandbox.onec.store import Store

_TITLES = {
    ORDERS: "Заказ клиента", INVOICES: "Счет на оплату клиенту",
    BANK_RECEIPTS: "Поступление безналичных денежных средств", CASH_RECEIPTS: "Приходный кассовый ордер",
    SALES: "Реализация товаров и услуг",
}
#: header attributes the fill check of each document wants (attribute -> its synonym in messages)
_REQUIRED: dict[str, dict[str, str]] = {
    ORDERS: {"Организация_Key": "Организация", "Партнер_Key": "Клиент", "Контрагент_Key": "Контрагент",
             "Соглашение_Key": "Соглашение", "Склад_Key": "Склад", "Валюта_Key": "Валюта"},
    INVOICES: {"Организация_Key": "Организация", "Контрагент_Key": "Контрагент", "Валюта_Key": "Валюта"},
    BANK_RECEIPTS: {"Организация_Key": "Организация", "Контрагент_Key": "Плательщик", "Валюта_Key": "Валюта"},
    CASH_RECEIPTS: {"Организация_Key": "Организация", "Валюта_Key": "Валюта"},
    SALES: {"Организация_Key": "Организация", "Контрагент_Key": "Контрагент", "Склад_Key": "Склад",
            "Валюта_Key": "Валюта"},
}
_GOODS_DOCS = (ORDERS, SALES)
_RECEIPTS = (BANK_RECEIPTS, CASH_RECEIPTS)


class Posting:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.stock_control = False
        self.agreements_used = True
        self._stock: dict[tuple[str, str], Decimal] = {}

    # --- stock -------------------------------------------------------------------------------------
    def set_stock(self, item_ref: str, quantity: float | Decimal, warehouse_ref: str) -> None:
        self._stock[(item_ref.lower(), warehouse_ref.lower())] = Decimal(str(quantity))

    def free_stock(self, item_ref: str, warehouse_ref: str, *, except_ref: str | None = None) -> Decimal:
        reserved = Decimal(0)
        for order in self.store.snapshot(ORDERS):
            if not order["Posted"] or order["Статус"] == "Закрыт" or order["Ref_Key"] == except_ref:
                continue
            for row in order["Товары"]:
                if row["Отменено"] or row["Номенклатура_Key"] != item_ref:
                    continue
                if _warehouse(order, row) == warehouse_ref:
                    reserved += Decimal(row["Количество"])
        return self._stock.get((item_ref, warehouse_ref), Decimal(0)) - reserved

    # --- actions -----------------------------------------------------------------------------------
    def is_document(self, defn: EntitySetDef) -> bool:
        return defn.name in DOCUMENT_SETS

    def post(self, defn: EntitySetDef, ref: str) -> dict[str, Any]:
        current = self.store.get(defn.name, ref)
        if current is None:
            raise ODataFault(404, "9", f'Экземпляр сущности "{defn.object_name}" не найден по переданному ключу.')
        self.check(defn, current)
        updated = self.store.update(defn.name, ref, {"Posted": True}, trusted=True)
        assert updated is not None
        return updated

    def unpost(self, defn: EntitySetDef, ref: str) -> dict[str, Any]:
        current = self.store.get(defn.name, ref)
        if current is None:
            raise ODataFault(404, "9", f'Экземпляр сущности "{defn.object_name}" не найден по переданному ключу.')
        updated = self.store.update(defn.name, ref, {"Posted": False}, trusted=True)
        assert updated is not None
        return updated

    def check_rewrite(self, defn: EntitySetDef, ref: str, body: Any) -> None:
        """A posted document written again is posted again: the new contents must pass posting."""
        current = self.store.get(defn.name, ref)
        if current is None or not current.get("Posted") or not self.is_document(defn):
            return
        candidate = copy.deepcopy(current)
        apply_body(defn, candidate, body)
        self.check(defn, candidate)

    # --- checks --------------------------------------------------------------------------------------
    def check(self, defn: EntitySetDef, row: dict[str, Any]) -> None:
        reasons: list[str] = []
        if row.get("DeletionMark"):
            reasons.append("Нельзя провести документ, помеченный на удаление.")
        for attribute, synonym in _REQUIRED.get(defn.name, {}).items():
            if attribute == "Соглашение_Key" and not self.agreements_used:
                continue
            if attribute == "Склад_Key" and defn.name in _GOODS_DOCS and row.get("Товары") and all(
                    r.get("Склад_Key", ZERO_GUID) != ZERO_GUID for r in row["Товары"]):
                continue  # a warehouse on every line is enough
            if row.get(attribute, ZERO_GUID) == ZERO_GUID:
                reasons.append(f'Поле "{synonym}" не заполнено')
        if defn.name in _GOODS_DOCS:
            reasons += self._goods_reasons(row)
        if defn.name in _RECEIPTS:
            if Decimal(row.get("СуммаДокумента") or 0) <= 0:
                reasons.append('Поле "Сумма документа" не заполнено')
            if not row.get("РасшифровкаПлатежа"):
                reasons.append('Не заполнен список "Расшифровка платежа"')
        if not reasons and defn.name == ORDERS and self.stock_control and row.get("Статус") != "НеСогласован":
            reasons += self._stock_reasons(row)
        if reasons:
            raise ODataFault(500, "-1", f'Не удалось провести "{_presentation(defn.name, row)}"!\n'
                                        + "\n".join(reasons))

    def _goods_reasons(self, row: dict[str, Any]) -> list[str]:
        lines = row.get("Товары") or []
        if not lines:
            return ['Не заполнен список "Товары"']
        reasons = []
        for line in lines:
            n = line["LineNumber"]
            if line.get("Номенклатура_Key", ZERO_GUID) == ZERO_GUID:
                reasons.append(f'Не заполнена колонка "Номенклатура" в строке {n} списка "Товары"')
            if Decimal(line.get("Количество") or 0) <= 0:
                reasons.append(f'Не заполнена колонка "Количество" в строке {n} списка "Товары"')
        return reasons

    def _stock_reasons(self, order: dict[str, Any]) -> list[str]:
        needed: dict[tuple[str, str], Decimal] = {}
        for line in order["Товары"]:
            if line.get("Отменено"):
                continue
            key = (line["Номенклатура_Key"], _warehouse(order, line))
            needed[key] = needed.get(key, Decimal(0)) + Decimal(line["Количество"])
        reasons = []
        for (item, warehouse), quantity in needed.items():
            free = self.free_stock(item, warehouse, except_ref=order["Ref_Key"])
            if quantity > free:
                reasons.append(
                    f'Недостаточно свободного остатка товара "{self._name(NOMENCLATURE, item)}" на складе '
                    f'"{self._name(WAREHOUSES, warehouse)}". Требуется: {_qty(quantity)}, '
                    f"свободный остаток: {_qty(max(free, Decimal(0)))}"
                )
        return reasons

    def _name(self, entity_set: str, ref: str) -> str:
        try:
            row = self.store.get(entity_set, ref)
        except KeyError:  # the set is not in this model
            row = None
        return str(row.get("Description")) if row else ref


def _warehouse(order: dict[str, Any], line: dict[str, Any]) -> str:
    return line["Склад_Key"] if line.get("Склад_Key", ZERO_GUID) != ZERO_GUID else order["Склад_Key"]


def _qty(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)


def _presentation(name: str, row: dict[str, Any]) -> str:
    date = row.get("Date")
    when = date.strftime("%d.%m.%Y %H:%M:%S") if isinstance(date, datetime) else ""
    return f"{_TITLES.get(name, name)} {row.get('Number', '')} от {when}"
