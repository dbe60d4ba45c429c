"""Pipeline 1C → Bitrix24: what happens to an order in 1C shows on its deal — the customer's path in one place.

One pipeline reads the 1C side of every order SyncBridge created (a few light requests per run) and turns it into
records of four kinds, keyed so that each 1C document acts once:

- ``status:<order>`` — the order's ``Статус`` → the deal's stage through the stage map;
- ``invoice:<invoice>`` — ``Document_СчетНаОплатуКлиенту`` → a smart invoice (crm.item 31, ``parentId2`` = the
  deal, ``xmlId`` = the 1C ref) with the order's lines and sum; it turns "paid" when the order is fully paid;
- ``payment:<receipt>:<order>`` — a posted bank or cash receipt settling the order (``РасшифровкаПлатежа.Заказ``
  or ``ОснованиеПлатежа``) → one timeline comment on the deal («Оплата … получена …, п/п № …») and the stage
  of "paid" / "paid partly";
- ``shipment:<sale>:<order>`` — a posted ``Document_РеализацияТоваровУслуг`` of the order → one timeline comment
  listing what was shipped (and what is left) and the stage of "shipped" / "shipped partly".

Exactly once, also across crashes: the comment's text is deterministic (cumulative sums count the documents up to
this one, in date order), so after a lost answer the identity lookup finds the comment by its text on the deal's
timeline before anything is sent again; a linked comment is never added twice. A deal is only moved forward along
its funnel, never back and never out of a closed deal. The stage write is no echo: the DATE_MODIFY it causes is
stored as the deal's version when nothing else changed the deal meanwhile.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from core.bitrix24.batch import reference
from core.bitrix24.deal_stages import DealStages
from core.errors import AnswerLost, RemoteError, SyncBridgeError
from core.mapping.customer_path import (
    PathDocument,
    path_event,
    payment_from_onec,
    payment_text,
    shipment_from_onec,
    shipment_text,
)
from core.mapping.sales_order import dec, money
from core.mapping.sales_settings import SalesSettings
from core.onec.payload import composite
from core.onec.query import datetime_literal
from core.state.store import Link
from core.sync.pipeline import Commands, Item, Pipeline
from core.sync.sales_orders import SalesOrderPipeline

log = logging.getLogger(__name__)

LOOKUP_CHUNK = 20  # records per lookup batch (≤ 2 commands each)
SI_TYPE = 31
#: what each kind of record is on the portal (the link table's b24_type)
_TARGET_TYPES = {"status": "deal_stage", "invoice": "smart_invoice", "payment": "timeline_comment",
                 "shipment": "timeline_comment"}


@dataclass
class PathRecord:
    kind: str  # status | invoice | payment | shipment
    key: str
    deal_id: str
    category: int
    name: str
    order_ref: str
    comment: str = ""
    stages: list[str] = field(default_factory=list)  # mapped target stages, furthest wins
    invoice: dict[str, Any] | None = None  # smart-invoice fields
    invoice_rows: list[dict[str, Any]] = field(default_factory=list)
    paid: bool = False
    pending: tuple[Any, ...] | None = None  # a shipment's (document, shipped so far, ordered) until names are read


@dataclass(frozen=True)
class PathPayload:
    kind: str
    comment: str
    stages: tuple[str, ...]
    invoice: tuple[tuple[str, str], ...] = ()

    def digest(self) -> str:
        blob = "|".join([self.kind, self.comment, ",".join(self.stages), repr(self.invoice)])
        return hashlib.sha1(blob.encode()).hexdigest()


class CustomerPathPipeline(Pipeline):
    entity = "customer_path"
    label = "Путь клиента"
    target_type = "deal"
    depends_on = ("sales_order",)
    settings_entity = "sales"
    reason_codes: ClassVar[dict[str, str]] = {
        "created": "path_created", "updated": "path_updated", "skip_same_payload": "path_skip_same",
        "dry_run_create": "path_dry_run", "dry_run_update": "path_dry_run", "dry_run_link": "path_dry_run",
        "answer_lost_recovered": "path_answer_lost_recovered",
    }

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        self.sales = SalesSettings.from_dict(self.settings)
        self.order_spec: dict[str, Any] = self.table.get("sales_order", {}).get("order", {})
        self._rows: dict[str, PathRecord] = {}
        self._stages: DealStages | None = None
        self._invoice_stages: tuple[str, str] | None = None  # (new, paid)
        self._deals: dict[str, dict[str, Any]] = {}  # deal id -> crm.deal.get answer read in lookup
        self._paid: dict[str, bool] = {}  # order ref -> fully paid by the receipts read in this run

    # ==== source: 1C ================================================================================================
    def poll(self) -> dict[str, str]:
        if not self.sales.enabled or self.onec is None or self.b24 is None:
            return {}
        links = {link.onec_ref: link for link in self.store.links("sales_order", "deal").values()}
        if not links:
            return {}
        onec = self.onec
        since = datetime_literal(self.sales.start)
        order_set = self.order_spec["entity_set"]
        f = self.order_spec["fields"]
        # our orders: one light request (identity filled, no lines: those are read for the dirty records only)
        orders = {r["Ref_Key"]: r for r in onec.list(
            order_set, select=["Ref_Key", "DataVersion", "Number", "Date", f["status"], f["total"]],
            filter=f"startswith({f['identity']}, 'B24-') and Date ge {since}") if r["Ref_Key"] in links}
        self.ctx.check_cancelled()
        spec = self.spec
        documents: list[PathDocument] = []
        for pay_spec in (spec["bank_payments"], spec["cash_payments"]):
            if not self._published(pay_spec["entity_set"]):
                continue  # an optional object the base does not publish (the publication check warned once)
            for doc in onec.list(pay_spec["entity_set"], select=self._doc_select(pay_spec),
                                 filter=f"Posted eq true and DeletionMark eq false and Date ge {since}"):
                documents += payment_from_onec(doc, pay_spec, set(orders), cash=bool(pay_spec["cash"]))
        ship_spec = spec["shipments"]
        if self._published(ship_spec["entity_set"]):
            order_field = ship_spec["fields"]["order"]
            for doc in onec.list(ship_spec["entity_set"],
                                 select=["Ref_Key", "DataVersion", "Number", "Date", order_field,
                                         f"{order_field}_Type", ship_spec["fields"]["goods"]],
                                 filter=f"Posted eq true and DeletionMark eq false and Date ge {since}"):
                documents += shipment_from_onec(doc, ship_spec, set(orders))
        inv_spec = spec["invoices"]
        invoices = []
        if self._published(inv_spec["entity_set"]):
            invoices = onec.list(inv_spec["entity_set"],
                                 select=["Ref_Key", "DataVersion", "Number", "Date", "Posted",
                                         inv_spec["fields"]["basis"], f"{inv_spec['fields']['basis']}_Type",
                                         inv_spec["fields"]["total"], inv_spec["fields"]["cancelled"]],
                                 filter=f"DeletionMark eq false and Date ge {since}")
        self.ctx.check_cancelled()
        self._rows = {}
        versions: dict[str, str] = {}
        for ref, order in orders.items():
            self._add_order(order, links[ref], documents, versions)
        for invoice in invoices:
            basis_type, basis = composite(invoice, inv_spec["fields"]["basis"])
            if basis in orders and basis_type == order_set and not invoice.get(inv_spec["fields"]["cancelled"]):
                self._add_invoice(invoice, orders[basis], links[basis], versions)
        return versions

    def _doc_select(self, pay_spec: dict[str, Any]) -> list[str]:
        select = ["Ref_Key", "DataVersion", "Number", "Date", pay_spec["fields"]["settlement"]]
        if pay_spec["fields"].get("incoming_number"):
            select.append(pay_spec["fields"]["incoming_number"])
        return select

    def _deal_names(self, deal_ids: set[str]) -> dict[str, dict[str, str]]:
        """Product names as the deal shows them (1C ref → row name, through the product links): the comment is read
        on the deal, and the nomenclature catalog may not be published in 1C."""
        assert self.b24 is not None
        found: dict[str, dict[str, str]] = {}
        ids = sorted(deal_ids)
        batches = [{f"r{d}": ("crm.deal.productrows.get", {"id": d}) for d in ids[i:i + 50]}
                   for i in range(0, len(ids), 50)]
        for _index, outcome in self.b24.batch_many(batches, cancel=self.ctx.cancel):
            if isinstance(outcome, SyncBridgeError):
                continue  # names are a nicety: the comment then names lines by position
            for key, rows in outcome.result.items():
                names = found.setdefault(key[1:], {})
                for row in rows if isinstance(rows, list) else []:
                    link = self.store.link_by_b24("product", str(row.get("PRODUCT_ID")), "product")
                    if link is not None and row.get("PRODUCT_NAME"):
                        names.setdefault(link.onec_ref, str(row["PRODUCT_NAME"]))
        return found

    def _published(self, entity_set: str) -> bool:
        """False for an object the base does not publish (known when the run reads through the publication)."""
        publication = getattr(self.onec, "publication", None)
        return publication is None or publication.has(entity_set)

    def _names(self, refs: set[str]) -> dict[str, str]:
        names_spec = self.spec.get("product_names")
        refs = {r for r in refs if r and r != "None"}
        if not names_spec or not refs or self.onec is None or not self._published(names_spec["entity_set"]):
            return {}
        try:
            name = names_spec["fields"]["name"]
            rows = self.onec.get_many(names_spec["entity_set"], sorted(refs), select=["Ref_Key", name])
        except SyncBridgeError:  # names are a nicety: the catalog may not be published in this base
            return {}
        return {ref: str(r.get(name) or "") for ref, r in rows.items()}

    def _add_order(self, order: dict[str, Any], link: Any, documents: list[PathDocument],
                   versions: dict[str, str]) -> None:
        f = self.order_spec["fields"]
        ref, deal_id = order["Ref_Key"], link.b24_id
        category = int(link.meta.get("category") or 0)
        title = f"Заказ {order.get('Number', '')} (сделка № {deal_id})"
        stage_map = self.sales.stage_map.get(str(category), {})
        status = str(order.get(f["status"]) or "")
        status_stage = stage_map.get(status)
        if status_stage:  # a status the stage map does not name moves nothing: no record, no journal line
            key = f"status:{ref}"
            self._rows[key] = PathRecord("status", key, deal_id, category, title, ref, stages=[status_stage])
            versions[key] = status
        total = dec(order.get(f["total"]))
        # in the order they happened; within one moment a payment before a shipment (a stable, readable order)
        mine = sorted((d for d in documents if d.order_ref == ref),
                      key=lambda d: (d.date, d.kind != "payment", d.number, d.ref))
        paid = Decimal(0)
        shipped: dict[str, Decimal] = {}
        for doc in mine:
            key = f"{doc.kind}:{doc.ref}:{ref}"
            if doc.kind == "payment":
                paid += doc.amount
                text = payment_text(doc, paid, total)
                events = path_event(paid, total, {}, {})
                self._rows[key] = PathRecord(doc.kind, key, deal_id, category, title, ref, comment=text,
                                             stages=[stage_map[e] for e in events if stage_map.get(e)])
                state = text
            else:
                for item, qty in doc.lines:
                    shipped[item] = shipped.get(item, Decimal(0)) + qty
                # the text and the "shipped fully?" event need the order's lines and the product names: both are
                # read in read(), for the shipments that are dirty only
                self._rows[key] = PathRecord(doc.kind, key, deal_id, category, title, ref,
                                             pending=(doc, dict(shipped), stage_map))
                state = repr((doc.number, doc.date, doc.lines, sorted(shipped.items())))
            versions[key] = hashlib.sha1(state.encode()).hexdigest()[:16]
        self._paid[ref] = money(paid) >= money(total) > 0

    def _add_invoice(self, invoice: dict[str, Any], order: dict[str, Any], link: Any,
                     versions: dict[str, str]) -> None:
        inv_total = dec(invoice.get(self.spec["invoices"]["fields"]["total"]))
        paid = self._paid.get(order["Ref_Key"], False)
        number = str(invoice.get("Number") or "").strip()
        day = str(invoice.get("Date") or "")[:10]
        fields = {"title": f"Счёт № {number} от {_ru_date(day)}", "xmlId": invoice["Ref_Key"],
                  "parentId2": link.b24_id, "opportunity": str(inv_total), "currencyId": "RUB",
                  "isManualOpportunity": "Y"}
        key = f"invoice:{invoice['Ref_Key']}"
        # the lines come from the order (read() fetches them for dirty invoices): its DataVersion is in the version
        self._rows[key] = PathRecord("invoice", key, link.b24_id, int(link.meta.get("category") or 0),
                                     f"Счёт {number} (сделка № {link.b24_id})", order["Ref_Key"], invoice=fields,
                                     paid=paid, pending=("invoice",))
        versions[key] = f"{invoice.get('DataVersion')}|{'paid' if paid else 'open'}|{order.get('DataVersion')}"

    def _invoice_rows(self, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        row = self.order_spec["row_fields"]
        product_ids: dict[str, int] = {}
        rows = []
        for line in lines:
            item = str(line.get(row["item"]))
            if item not in product_ids:
                product = self.store.get_link("product", item, "product")
                product_ids[item] = int(product.b24_id) if product else 0
            quantity = dec(line.get(row["quantity"]))
            with_vat = dec(line.get(row["sum_with_vat"]))
            rows.append({"productId": product_ids[item], "price": str((with_vat / quantity).quantize(Decimal("0.01")))
                         if quantity else "0", "quantity": str(quantity), "taxIncluded": "Y"})
        return rows

    def read(self, keys: list[str]) -> dict[str, Any]:
        records = {key: self._rows[key] for key in keys if key in self._rows}
        waiting = [r for r in records.values() if r.pending is not None]
        if not waiting:
            return records
        assert self.onec is not None
        goods, row = self.order_spec["goods"], self.order_spec["row_fields"]
        orders = self.onec.get_many(self.order_spec["entity_set"], sorted({r.order_ref for r in waiting}),
                                    select=["Ref_Key", goods])
        lines = {ref: (order.get(goods) or []) for ref, order in orders.items()}
        ordered: dict[str, dict[str, Decimal]] = {}
        for ref, order_lines in lines.items():
            per_item = ordered.setdefault(ref, {})
            for line in order_lines:
                item = str(line.get(row["item"]))
                per_item[item] = per_item.get(item, Decimal(0)) + dec(line.get(row["quantity"]))
        shipments = [r for r in waiting if r.kind == "shipment"]
        names = self._names({item for r in shipments for item, _q in r.pending[0].lines}) if shipments else {}  # type: ignore[index]
        deal_names = self._deal_names({r.deal_id for r in shipments}) if shipments else {}
        for record in waiting:
            if record.kind == "invoice":
                record.invoice_rows = self._invoice_rows(lines.get(record.order_ref, []))
            else:
                doc, shipped, stage_map = record.pending  # type: ignore[misc]
                wanted = ordered.get(record.order_ref, {})
                record.comment = shipment_text(doc, {**deal_names.get(record.deal_id, {}), **names}, shipped, wanted)
                events = path_event(Decimal(0), Decimal(0), shipped, wanted)
                record.stages = [stage_map[e] for e in events if stage_map.get(e)]
            record.pending = None
        return records

    def to_record(self, key: str, raw: Any) -> PathRecord:
        return raw

    def to_payload(self, record: PathRecord) -> PathPayload:
        invoice = tuple(sorted((k, str(v)) for k, v in (record.invoice or {}).items()))
        if record.kind == "invoice":
            invoice += (("paid", str(record.paid)), ("rows", repr(record.invoice_rows)))
        return PathPayload(record.kind, record.comment, tuple(record.stages), invoice)

    def title_of(self, record: PathRecord) -> str:
        return record.name

    def changed_fields(self, old: Any, new: Any) -> list[str]:
        if getattr(new, "kind", "") == "status":
            return ["стадия сделки по статусу заказа в 1С"]
        return ["счёт: сумма, строки или оплата"]

    # ==== target: the portal ========================================================================================
    def get_link(self, key: str) -> Link | None:
        return self.store.get_link(self.entity, key, _TARGET_TYPES[key.split(":", 1)[0]])

    def save_link(self, item: Item, payload_json: dict[str, Any] | None) -> None:
        if item.target_id is None:
            return
        self.store.save_link(Link(self.entity, item.key, _TARGET_TYPES[item.key.split(":", 1)[0]], item.target_id,
                                  {**item.meta, "payload": payload_json}))

    def deal_stages(self) -> DealStages:
        if self._stages is None:
            assert self.b24 is not None
            self._stages = DealStages.read(self.b24)
        return self._stages

    def _furthest(self, current: str, targets: list[str]) -> str | None:
        stages = self.deal_stages()
        best = None
        for target in targets:
            if stages.is_forward(current, target) and (best is None or stages.is_forward(best, target)):
                best = target
        return best

    def lookup(self, items: list[Item]) -> None:
        assert self.b24 is not None
        for start in range(0, len(items), LOOKUP_CHUNK):
            self.ctx.check_cancelled()
            chunk = items[start:start + LOOKUP_CHUNK]
            commands: Commands = {}
            for k, item in enumerate(chunk):
                record: PathRecord = item.record
                commands[f"d{k}"] = ("crm.deal.get", {"id": record.deal_id})
                if item.action == "create" and record.kind in ("payment", "shipment"):
                    commands[f"c{k}"] = ("crm.timeline.comment.list", {
                        "filter": {"ENTITY_ID": record.deal_id, "ENTITY_TYPE": "deal"}, "select": ["ID", "COMMENT"]})
                elif item.action == "create" and record.kind == "invoice":
                    commands[f"c{k}"] = ("crm.item.list", {"entityTypeId": SI_TYPE,
                                                           "filter": {"=xmlId": record.key.split(":", 1)[1]},
                                                           "select": ["id"]})
            try:
                result = self.b24.batch(commands)
            except (RemoteError, AnswerLost) as exc:
                for item in chunk:
                    item.action, item.params = "lookup_failed", {"error": exc.message}
                continue
            for k, item in enumerate(chunk):
                errors = [result.errors[key] for key in (f"d{k}", f"c{k}") if key in result.errors
                          and not (key.startswith("d") and getattr(result.errors[key], "not_found", False))]
                if errors:  # an unusable answer is a failed lookup, never "not there"
                    item.action, item.params = "lookup_failed", {"error": getattr(errors[0], "message", str(errors[0]))}
                    continue
                self._decide(item, result.result.get(f"d{k}"), result.result.get(f"c{k}"), f"c{k}" in commands)

    def _decide(self, item: Item, deal: Any, found: Any, looked: bool) -> None:
        record: PathRecord = item.record
        if not isinstance(deal, dict):
            item.action, item.reason_code = "skip", "path_deal_gone"
            return
        self._deals[record.deal_id] = deal
        item.meta["stage"] = self._furthest(str(deal.get("STAGE_ID") or ""), record.stages)
        item.params = {"text": record.comment or (record.invoice or {}).get("title", "")}
        if record.kind in ("payment", "shipment"):
            if item.action == "create" and looked:
                same = [c for c in found or [] if isinstance(c, dict) and c.get("COMMENT") == record.comment]
                if same:
                    item.action, item.target_id = "link", str(same[0]["ID"])
                    item.reason_code = "path_comment_found"
            elif item.action == "update":
                # the timeline entry of a document is written once; a later edit of the document does not repeat it
                item.action, item.reason_code = "skip", "path_comment_exists"
            return
        if record.kind == "status":
            if item.meta["stage"] is None:
                item.action, item.reason_code = "skip", "path_stage_kept"
            else:
                item.action, item.target_id = "update", record.deal_id
            return
        if item.action == "create" and looked:
            items = found.get("items") if isinstance(found, dict) else None
            if items:
                item.action, item.target_id, item.reason_code = "link", str(items[0]["id"]), "path_invoice_found"

    def commands(self, k: int, item: Item) -> Commands:
        record: PathRecord = item.record
        cmds: Commands = {}
        if record.kind in ("payment", "shipment") and item.action == "create":
            cmds[f"a{k}"] = ("crm.timeline.comment.add", {"fields": {"ENTITY_ID": record.deal_id, "ENTITY_TYPE": "deal",
                                                                    "COMMENT": record.comment}})
        elif record.kind == "invoice":
            fields = dict(record.invoice or {})
            new_stage, paid_stage = self.invoice_stages()
            fields["stageId"] = paid_stage if record.paid else new_stage
            deal = self._deals.get(record.deal_id) or {}
            if deal.get("COMPANY_ID"):
                fields["companyId"] = deal["COMPANY_ID"]
            if item.action == "create":
                cmds[f"i{k}"] = ("crm.item.add", {"entityTypeId": SI_TYPE, "fields": fields})
                owner = reference(f"i{k}", "item", "id")
            else:
                cmds[f"i{k}"] = ("crm.item.update", {"entityTypeId": SI_TYPE, "id": item.target_id, "fields": fields})
                owner = str(item.target_id)
            cmds[f"r{k}"] = ("crm.item.productrow.set", {"ownerType": "SI", "ownerId": owner,
                                                         "productRows": record.invoice_rows})
        stage = item.meta.get("stage")
        if stage:
            cmds[f"u{k}"] = ("crm.deal.update", {"id": record.deal_id, "fields": {"STAGE_ID": stage}})
            cmds[f"g{k}"] = ("crm.deal.get", {"id": record.deal_id})
        return cmds

    def apply_results(self, item: Item, cmds: Commands, result: dict[str, Any]) -> None:
        record: PathRecord = item.record
        for key in cmds:
            value = result.get(key)
            if key.startswith("a") and value is not None:
                item.target_id = str(value)
            elif key.startswith("i") and isinstance(value, dict) and isinstance(value.get("item"), dict):
                item.target_id = str(value["item"]["id"])
            elif key.startswith("g") and isinstance(value, dict):
                self._no_echo(record.deal_id, value)
        if record.kind == "status" and item.target_id is None:
            item.target_id = record.deal_id

    def incomplete(self, item: Item, cmds: Commands) -> bool:
        return bool(cmds) and item.target_id is None

    def _no_echo(self, deal_id: str, after: dict[str, Any]) -> None:
        """Our stage move changed DATE_MODIFY: store it as the deal's version, unless the deal also changed by
        someone else since we read it (then the deal pipeline must look at it)."""
        before = self._deals.get(deal_id) or {}
        stored = self.store.versions("b24", SalesOrderPipeline.entity).get(deal_id, ("", ""))
        version_before = f"{before.get('DATE_MODIFY')}|{before.get('OPPORTUNITY')}|{before.get('STAGE_ID')}"
        if stored[0] == version_before:
            version_after = f"{after.get('DATE_MODIFY')}|{after.get('OPPORTUNITY')}|{after.get('STAGE_ID')}"
            self.store.save_version("b24", SalesOrderPipeline.entity, deal_id, version_after, stored[1])
        self._deals[deal_id] = after

    def invoice_stages(self) -> tuple[str, str]:
        """(the first stage, the success stage) of the smart-invoice funnel."""
        if self._invoice_stages is None:
            assert self.b24 is not None
            answer = self.b24.call("crm.category.list", {"entityTypeId": SI_TYPE})
            categories = answer.get("categories", []) if isinstance(answer, dict) else []
            default = next((c for c in categories if c.get("isDefault") == "Y"), categories[0] if categories else None)
            cid = int(default["id"]) if default else 0
            rows = self.b24.call("crm.status.list", {"filter": {"ENTITY_ID": f"SMART_INVOICE_STAGE_{cid}"}}) or []
            rows = sorted(rows, key=lambda r: int(str(r.get("SORT") or 0)))
            first = str(rows[0]["STATUS_ID"]) if rows else ""
            paid = next((str(r["STATUS_ID"]) for r in rows if r.get("SEMANTICS") == "S"), first)
            self._invoice_stages = (first, paid)
        return self._invoice_stages


def _ru_date(day: str) -> str:
    try:
        return date.fromisoformat(day).strftime("%d.%m.%Y")
    except ValueError:
        return day

