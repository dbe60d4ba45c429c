"""The customer's path in 1C → what the deal shows: timeline texts, partial/complete, the stage to move to.

Pure functions over the 1C rows the pipeline read (payments, shipments, the order) — the texts are
deterministic for a given document, so the same document always yields the same comment (the pipeline
also uses the text to find a comment whose answer was lost).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from core.mapping.sales_order import dec, format_money, money
from core.onec.payload import composite


@dataclass(frozen=True)
class PathDocument:
    kind: str  # payment | shipment
    ref: str
    number: str
    date: str  # 1C date "2026-03-12T10:00:00"
    order_ref: str
    amount: Decimal  # the part of the document that settles / ships this order
    incoming_number: str = ""  # п/п № of the payer (bank receipts)
    cash: bool = False
    lines: tuple[tuple[str, Decimal], ...] = ()  # shipment: (item ref, quantity)


def _date_ru(text: str) -> str:
    try:
        return datetime.fromisoformat(text[:19]).strftime("%d.%m.%Y")
    except ValueError:
        return text


def payment_from_onec(row: dict[str, Any], spec: dict[str, Any], order_refs: set[str], *,
                      cash: bool) -> list[PathDocument]:
    """One receipt → one PathDocument per order it settles (a receipt may pay several orders).

    An order is named by ``Заказ`` or, when that is empty, by ``ОснованиеПлатежа`` of the order's type."""
    f = spec["line_fields"]
    per_order: dict[str, Decimal] = {}
    for line in row.get(spec["fields"]["settlement"]) or []:
        order_type, order = composite(line, f["line_order"])
        if order is None or order_type != spec["order_set"]:
            order_type, order = composite(line, f["line_basis"])
        if order is None or order_type != spec["order_set"] or order not in order_refs:
            continue
        per_order[order] = per_order.get(order, Decimal(0)) + dec(line.get(f["line_sum"]))
    return [
        PathDocument("payment", str(row["Ref_Key"]), str(row.get("Number") or "").strip(), str(row.get("Date") or ""),
                     order, amount,
                     incoming_number=str(row.get(spec["fields"].get("incoming_number", ""), "") or "").strip(),
                     cash=cash)
        for order, amount in per_order.items()
    ]


def shipment_from_onec(row: dict[str, Any], spec: dict[str, Any], order_refs: set[str]) -> list[PathDocument]:
    """A sale → one PathDocument per order (the header ``ЗаказКлиента`` or the lines' own ``ЗаказКлиента``)."""
    f = spec["line_fields"]
    _t, header_order = composite(row, spec["fields"]["order"])
    per_order: dict[str, list[tuple[str, Decimal, Decimal]]] = {}
    for line in row.get(spec["fields"]["goods"]) or []:
        _lt, line_order = composite(line, f["line_order"])
        order = line_order or header_order
        if order is None or order not in order_refs:
            continue
        per_order.setdefault(order, []).append((str(line.get(f["line_item"])), dec(line.get(f["line_quantity"])),
                                                dec(line.get(f["line_sum"]))))
    return [
        PathDocument("shipment", str(row["Ref_Key"]), str(row.get("Number") or "").strip(), str(row.get("Date") or ""),
                     order, sum((s for _i, _q, s in lines), Decimal(0)),
                     lines=tuple((item, qty) for item, qty, _s in lines))
        for order, lines in per_order.items()
    ]


def payment_text(doc: PathDocument, paid_total: Decimal, order_total: Decimal) -> str:
    """«Оплата 1 336 010,00 ₽ получена 12.03.2026, п/п № 418» (+ «частичная оплата…» when not all is paid)."""
    source = f"ПКО № {doc.number}" if doc.cash else (
        f"п/п № {doc.incoming_number}" if doc.incoming_number else f"поступление № {doc.number}")
    text = f"Оплата {format_money(doc.amount)} ₽ получена {_date_ru(doc.date)}, {source}"
    if money(paid_total) < money(order_total):  # compared to the kopeck
        text += (f". Частичная оплата: всего оплачено {format_money(paid_total)} ₽ из "
                 f"{format_money(order_total)} ₽, осталось {format_money(order_total - paid_total)} ₽")
    return text


def shipment_text(doc: PathDocument, names: dict[str, str], shipped: dict[str, Decimal],
                  ordered: dict[str, Decimal]) -> str:
    """«Отгрузка 14.03.2026, реализация № ТД00-000003: Станок 16К20 — 2 шт; …» (+ what is still to ship)."""
    # a name 1C did not give (the catalogue is not published) is said as the line's position
    parts = [f"{names.get(item) or f'позиция {n}'} — {_qty(qty)} шт" for n, (item, qty) in enumerate(doc.lines, 1)]
    text = f"Отгрузка {_date_ru(doc.date)}, реализация № {doc.number}: " + "; ".join(parts)
    left = {item: ordered[item] - shipped.get(item, Decimal(0)) for item in ordered}
    left = {item: qty for item, qty in left.items() if qty > 0}
    if left:
        rest = "; ".join(f"{names.get(item) or 'товар'} — {_qty(qty)} шт" for item, qty in left.items())
        text += f". Частичная отгрузка, осталось отгрузить: {rest}"
    return text


def _qty(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def path_event(paid: Decimal, order_total: Decimal, shipped: dict[str, Decimal],
               ordered: dict[str, Decimal]) -> list[str]:
    """Events reached so far, in the order a deal passes them (the stage map picks the furthest it knows)."""
    events = []
    if paid > 0:
        events.append("paid" if money(paid) >= money(order_total) else "paid_partly")
    if any(q > 0 for q in shipped.values()):
        complete = all(shipped.get(item, Decimal(0)) >= qty for item, qty in ordered.items())
        events.append("shipped" if complete else "shipped_partly")
    return events
