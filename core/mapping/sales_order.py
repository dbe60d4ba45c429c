"""A Bitrix24 deal with its product rows → canonical deal → a 1C ``Document_ЗаказКлиента`` body.

Pure functions; the pipeline supplies what lives elsewhere (the company's 1C counterparty and partner, the
product links, the currency and VAT-rate references, the profile's order defaults).

Prices: Bitrix24 ``PRICE`` is the final unit price (discount and tax applied), ``PRICE_BRUTTO``/``PRICE_NETTO``
the price before the discount with/without tax (reference row: 899.1 = 999 − 10 %). A 1C order line has the
price before the manual discount in the order's own VAT convention (``ЦенаВключаетНДС``), the manual discount
as percent and sum, and ``Сумма``/``СуммаНДС``/``СуммаСНДС`` of the line. ``Сумма`` of the line equals what the
deal row costs, so the order total is the deal's product total to the kopeck.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")

#: ISO 4217 letters -> the numeric code 1C keeps in Catalog_Валюты.Code
CURRENCY_CODES = {"RUB": "643", "RUR": "643", "USD": "840", "EUR": "978", "CNY": "156", "KZT": "398",
                  "BYN": "933", "UAH": "980", "GBP": "826", "JPY": "392", "TRY": "949", "AED": "784"}


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def dec(value: Any) -> Decimal:
    if value is None or value == "":
        return Decimal(0)
    return Decimal(str(value))


@dataclass(frozen=True)
class DealRow:
    product_id: int  # 0 = a free-text row, not a catalog product
    name: str
    price: Decimal  # final unit price incl. discount and tax
    quantity: Decimal
    discount_rate: Decimal  # percent
    tax_rate: Decimal | None  # None = no VAT set on the row
    tax_included: bool
    price_netto: Decimal  # before discount, without tax
    price_brutto: Decimal  # before discount, with tax


@dataclass
class Deal:
    id: int
    title: str
    category_id: int
    stage_id: str
    company_id: int | None
    currency: str
    modified: str  # DATE_MODIFY as the portal printed it
    close_date: str = ""
    rows: list[DealRow] = field(default_factory=list)


def deal_from_b24(deal: dict[str, Any], rows: list[dict[str, Any]]) -> Deal:
    """``crm.deal.get``/``list`` row (legacy strings) + ``crm.deal.productrows.get`` rows (mixed types)."""
    company = int(str(deal.get("COMPANY_ID") or 0) or 0)
    return Deal(
        id=int(str(deal["ID"])), title=str(deal.get("TITLE") or ""), category_id=int(str(deal.get("CATEGORY_ID") or 0)),
        stage_id=str(deal.get("STAGE_ID") or ""), company_id=company or None,
        currency=str(deal.get("CURRENCY_ID") or "RUB").upper(), modified=str(deal.get("DATE_MODIFY") or ""),
        close_date=str(deal.get("CLOSEDATE") or ""),
        rows=[_row(r) for r in sorted(rows, key=lambda r: (int(r.get("SORT") or 0), int(str(r.get("ID") or 0))))],
    )


def _row(row: dict[str, Any]) -> DealRow:
    tax = row.get("TAX_RATE")
    return DealRow(
        product_id=int(float(str(row.get("PRODUCT_ID") or 0))), name=str(row.get("PRODUCT_NAME") or ""),
        price=dec(row.get("PRICE")), quantity=dec(row.get("QUANTITY")), discount_rate=dec(row.get("DISCOUNT_RATE")),
        tax_rate=None if tax in (None, "") else dec(tax), tax_included=str(row.get("TAX_INCLUDED", "Y")) != "N",
        price_netto=dec(row.get("PRICE_NETTO") if row.get("PRICE_NETTO") is not None else row.get("PRICE")),
        price_brutto=dec(row.get("PRICE_BRUTTO") if row.get("PRICE_BRUTTO") is not None else row.get("PRICE")),
    )


@dataclass(frozen=True)
class Problem:
    """Why a deal cannot become (or update) an order now: a journal reason code + its parameters."""

    code: str
    params: dict[str, Any]


def row_problems(deal: Deal, product_refs: dict[int, str]) -> list[Problem]:
    problems = []
    if not deal.rows:
        problems.append(Problem("sales_no_rows", {}))
    for n, row in enumerate(deal.rows, start=1):
        if row.product_id == 0:
            problems.append(Problem("sales_row_free_text", {"line": n, "name": row.name}))
        elif row.product_id not in product_refs:
            problems.append(Problem("sales_row_not_linked", {"line": n, "name": row.name,
                                                              "product_id": row.product_id}))
        if row.quantity <= 0:
            problems.append(Problem("sales_row_bad_quantity", {"line": n, "name": row.name,
                                                                "quantity": _plain(row.quantity)}))
    return problems


@dataclass(frozen=True)
class OrderContext:
    """What the pipeline found for this deal on the 1C side."""

    counterparty_ref: str
    partner_ref: str | None
    currency_ref: str
    product_refs: dict[int, str]  # Bitrix24 product id -> Catalog_Номенклатура ref
    vat_refs: dict[str, str]  # "20"/"10"/"0"/"none" -> Catalog_СтавкиНДС ref
    identity: str  # value of the identity field (see identity_marker)
    deal_url: str


def identity_marker(deal_id: int, portal_tag: str) -> str:
    """What the order carries in ``НомерПоДаннымКлиента`` (≤ 30 chars): ``B24-410/7f3a`` — deal 410 of the portal
    whose host hashes to 7f3a, so two portals feeding one base never collide (docs/decisions.md)."""
    return f"B24-{deal_id}/{portal_tag}"


def portal_tag(portal_url: str) -> str:
    host = portal_url.split("://", 1)[-1].split("/", 1)[0].lower()
    return hashlib.sha1(host.encode()).hexdigest()[:4]


def _vat_key(rate: Decimal | None) -> str:
    return "none" if rate is None else _plain(rate)


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def order_body(deal: Deal, ctx: OrderContext, spec: dict[str, Any], settings: Any, *, create: bool) -> dict[str, Any]:
    """The order as 1C wants it. ``spec`` = the ``sales_order`` section of the profile's mapping table.

    ``create``: a new order also gets its status, organisation, operation and identity; an update sends
    what the deal owns (client, lines, sums, currency, delivery date) and leaves 1C's own fields alone.
    """
    f = spec["fields"]
    r = spec["row_fields"]
    includes_vat = all(row.tax_included for row in deal.rows) if deal.rows else True
    lines = []
    total = Decimal(0)
    for n, row in enumerate(deal.rows, start=1):
        rate = row.tax_rate or Decimal(0)
        unit = row.price_brutto if includes_vat else row.price_netto
        line_sum = money(row.price * row.quantity) if includes_vat else \
            money(row.price / (1 + rate / 100) * row.quantity)
        gross = money(unit * row.quantity)
        discount = max(gross - line_sum, Decimal(0))
        vat = money(line_sum * rate / (100 + rate)) if includes_vat else money(line_sum * rate / 100)
        with_vat = line_sum if includes_vat else line_sum + vat
        total += with_vat
        lines.append({
            "LineNumber": n, r["item"]: ctx.product_refs[row.product_id], r["quantity"]: row.quantity,
            r["packages"]: row.quantity, r["price"]: money(unit), r["discount_percent"]: row.discount_rate,
            r["discount_sum"]: discount, r["sum"]: line_sum, r["vat_rate"]: ctx.vat_refs[_vat_key(row.tax_rate)],
            r["vat_sum"]: vat, r["sum_with_vat"]: with_vat,
        })
    body: dict[str, Any] = {
        f["counterparty"]: ctx.counterparty_ref,
        f["currency"]: ctx.currency_ref,
        f["price_includes_vat"]: includes_vat,
        f["total"]: money(total),
        f["comment"]: f"Сделка Битрикс24 № {deal.id} «{deal.title}»: {ctx.deal_url}",
        spec["goods"]: lines,
    }
    if ctx.partner_ref:
        body[f["partner"]] = ctx.partner_ref
    if deal.close_date:
        body[f["ship_date"]] = deal.close_date[:10] + "T00:00:00"
    if create:
        body[f["identity"]] = ctx.identity
        body[f["organisation"]] = settings.organisation_ref
        body[f["warehouse"]] = settings.warehouse_ref
        body[f["operation"]] = settings.operation
        body[f["status"]] = settings.order_status
        if settings.agreement_ref:
            body[f["agreement"]] = settings.agreement_ref
    return body


def body_digest(body: dict[str, Any]) -> str:
    """Digest of what the deal contributes (the skip-if-same check and the echo guard)."""
    blob = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha1(blob.encode()).hexdigest()


def goods_summary(lines: list[dict[str, Any]], spec: dict[str, Any], names: dict[str, str]) -> list[str]:
    """Readable lines for the conflicts list: «Станок 16К20 — 2 × 450 000,00»."""
    r = spec["row_fields"]
    out = []
    for line in lines:
        item = str(line.get(r["item"]) or "")
        out.append(f"{names.get(item, item)} — {_plain(dec(line.get(r['quantity'])))} × "
                   f"{format_money(dec(line.get(r['price'])))}")
    return out


def format_money(value: Decimal) -> str:
    """``1 336 010,00`` — Russian grouping and decimal comma."""
    text = f"{money(value):,.2f}"
    return text.replace(",", " ").replace(".", ",")
