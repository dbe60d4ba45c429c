"""What a 1C user's documents do to the catalogue registers, for seeds, tests and benchmarks.

In УТ 11 nobody writes `ЦеныНоменклатуры25` or `СвободныеОстатки` directly: a posted document writes its record set
(records carry the document as `Recorder`), and re-posting or unposting replaces or removes that set. So a price
change here is a new posted `Document_УстановкаЦенНоменклатуры` (its own DataVersion, records dated by the document),
a stock change a posted `Document_ОприходованиеИзлишковТоваров` / `Document_СписаниеНедостачТоваров`, a reserve a
movement of a customer order. The engine sees them exactly as it would on a real base.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from core.sandbox.onec.catalog_model import (
    FREE_STOCK,
    PRICE_DOCUMENT,
    PRICES,
    RECEIPT_DOCUMENT,
    WRITE_OFF_DOCUMENT,
)
from core.sandbox.onec.entity_model import NAMESPACE, ZERO_GUID
from core.sandbox.onec.store import Store

PRICE_RECORDS = f"{PRICES}_RecordType"
STOCK_RECORDS = f"{FREE_STOCK}_RecordType"
ORDER_DOCUMENT = "Document_ЗаказКлиента"
_PREFIX = {PRICE_DOCUMENT: "ЦН00-", RECEIPT_DOCUMENT: "ОИ00-", WRITE_OFF_DOCUMENT: "СН00-", ORDER_DOCUMENT: "ЗК00-"}


class CatalogDocuments:
    def __init__(self, store: Store, clock: Callable[[], datetime] = datetime.now) -> None:
        self.store = store
        self.clock = clock
        self._numbers: dict[str, int] = {}
        self._lock = threading.Lock()

    def _number(self, document: str) -> str:
        with self._lock:
            self._numbers[document] = self._numbers.get(document, 0) + 1
            return _PREFIX[document] + str(self._numbers[document]).zfill(6)

    def _date(self, date: datetime | None) -> datetime:
        return (date or self.clock()).replace(microsecond=0)

    # ----- prices -----------------------------------------------------------------------------------
    def set_prices(self, lines: list[tuple[str, str, Decimal | float | int]], *, date: datetime | None = None,
                   comment: str = "", version: int | None = None) -> str:
        """Post one «Установка цен номенклатуры» with (product, price type, price) lines; returns its Ref_Key."""
        when = self._date(date)
        rows = [{"LineNumber": i, "Номенклатура_Key": product, "ВидЦены_Key": price_type, "Цена": Decimal(str(price))}
                for i, (product, price_type, price) in enumerate(lines, start=1)]
        doc = self.store.create(PRICE_DOCUMENT, {
            "Number": self._number(PRICE_DOCUMENT), "Date": when.isoformat(), "Posted": True,
            "Комментарий": comment, "Товары": [{**r, "Цена": str(r["Цена"])} for r in rows]}, trusted=True,
            version=version)
        for row in rows:
            self.store.create(PRICE_RECORDS, {
                "Ref_Key": str(uuid.uuid4()), "Recorder_Key": doc["Ref_Key"], "Period": when.isoformat(),
                "LineNumber": row["LineNumber"], "Active": True, "Номенклатура_Key": row["Номенклатура_Key"],
                "Характеристика_Key": ZERO_GUID, "ВидЦены_Key": row["ВидЦены_Key"], "Цена": str(row["Цена"]),
                "Упаковка_Key": ZERO_GUID}, trusted=True)
        return doc["Ref_Key"]

    # ----- stock ------------------------------------------------------------------------------------
    def change_stock(self, product: str, warehouse: str, delta: Decimal | float | int, *,
                     date: datetime | None = None, version: int | None = None) -> str:
        """Post a surplus (delta > 0) or a shortage write-off (delta < 0) of one product at one warehouse."""
        return self.change_stock_many(warehouse, [(product, delta)], date=date, version=version)[0]

    def change_stock_many(self, warehouse: str, lines: list[tuple[str, Decimal | float | int]], *,
                          date: datetime | None = None, version: int | None = None) -> list[str]:
        """One surplus document for the positive lines and one write-off for the negative ones, at one warehouse."""
        when = self._date(date)
        refs = []
        for document, sign in ((RECEIPT_DOCUMENT, 1), (WRITE_OFF_DOCUMENT, -1)):
            picked = [(p, abs(Decimal(str(d)))) for p, d in lines if (Decimal(str(d)) >= 0) == (sign > 0)]
            if not picked:
                continue
            doc = self.store.create(document, {
                "Number": self._number(document), "Date": when.isoformat(), "Posted": True, "Склад_Key": warehouse,
                "Товары": [{"LineNumber": i, "Номенклатура_Key": p, "Количество": str(q)}
                           for i, (p, q) in enumerate(picked, start=1)]}, trusted=True, version=version)
            for line, (product, quantity) in enumerate(picked, start=1):
                self._movement(document, doc["Ref_Key"], when, "Receipt" if sign > 0 else "Expense", product,
                               warehouse, {"ВНаличии": quantity}, line=line)
            refs.append(doc["Ref_Key"])
        return refs

    def reserve(self, product: str, warehouse: str, quantity: Decimal | float | int, *,
                date: datetime | None = None) -> str:
        """A customer order reserving stock at a warehouse (the order itself is not a published set here)."""
        ref = str(uuid.uuid4())
        self._movement(ORDER_DOCUMENT, ref, self._date(date), "Receipt", product, warehouse,
                       {"ВРезервеСоСклада": Decimal(str(quantity))})
        return ref

    def _movement(self, document: str, recorder: str, when: datetime, record_type: str, product: str,
                  warehouse: str, resources: dict[str, Decimal], line: int = 1) -> None:
        body: dict[str, Any] = {
            "Ref_Key": str(uuid.uuid4()), "Recorder": recorder, "Recorder_Type": f"{NAMESPACE}.{document}",
            "Period": when.isoformat(), "LineNumber": line, "Active": True, "RecordType": record_type,
            "Номенклатура_Key": product, "Характеристика_Key": ZERO_GUID, "Склад_Key": warehouse,
            "ВНаличии": "0", "ВРезервеСоСклада": "0", "ВРезервеПодЗаказ": "0"}
        body.update({k: str(v) for k, v in resources.items()})
        self.store.create(STOCK_RECORDS, body, trusted=True)

    # ----- unposting --------------------------------------------------------------------------------
    def unpost(self, document: str, ref: str) -> None:
        """«Отмена проведения»: the document stays (DataVersion bumped, Posted=false), its records go."""
        if self.store.update(document, ref, {"Posted": False}) is None:
            raise KeyError(f"{document}({ref}) does not exist")
        records, field = (PRICE_RECORDS, "Recorder_Key") if document == PRICE_DOCUMENT else (STOCK_RECORDS, "Recorder")
        for row in self.store.snapshot(records):
            if row.get(field) == ref:
                self.store.delete(records, row["Ref_Key"])
