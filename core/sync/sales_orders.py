"""Pipeline Bitrix24 → 1C: a deal that reached its trigger stage → ``Document_ЗаказКлиента``, exactly one per deal.

- Change detection: ``crm.deal.list`` with ``>=DATE_MODIFY`` from the last watermark minus an overlap window,
  ordered by ID (ID windows, no COUNT); the engine compares each deal's DATE_MODIFY with the stored one, so the
  overlap costs nothing. Deals seen by a poll but not settled (a crash, a company not in 1C yet) are polled
  again until they are. Own writes are not echoes: a stage move by the customer-path pipelines stores the
  DATE_MODIFY it caused, and a deal whose order body did not change is skipped by digest.
- Exactly one order per deal: the link table (deal → order), the order's ``НомерПоДаннымКлиента`` carrying
  the deal's identity (``B24-<deal>/<portal tag>``, survives a lost local store) and an identity lookup before
  any create, and after any lost answer (the engine never re-sends blindly).
- Changes: the same order is updated with ``Товары`` sent whole (LineNumber 1..n). A shipped or closed order is
  not overwritten: the change goes to the conflicts list with both versions.
- Bad input (no company, a company without ИНН, a row that is not a linked 1C product, a zero quantity, an
  unknown currency, a deal moved back out of the trigger stage, an order deleted in 1C): a journaled reason
  on that deal, a problems-list entry, nothing created twice; the rest of the run goes on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar

from core.bitrix24.deal_stages import DealStages
from core.errors import AnswerLost, PostingRefused, RemoteError, SyncBridgeError
from core.mapping.sales_order import (
    CURRENCY_CODES,
    Deal,
    OrderContext,
    Problem,
    body_digest,
    deal_from_b24,
    dec,
    format_money,
    goods_summary,
    identity_marker,
    order_body,
    portal_tag,
    row_problems,
)
from core.mapping.sales_settings import SalesSettings
from core.onec.query import guid_literal
from core.ru_requisites import inn_is_valid
from core.state.store import Link
from core.sync.pipeline import Item, Pipeline

log = logging.getLogger(__name__)

DIRECTION = "b24->1c"
OVERLAP = timedelta(minutes=5)
READ_CHUNK = 25  # deals per batch: deal + rows = 2 commands each
SEEN = "sales_order.seen"  # versions: deals a poll returned (settled ones also have a "sales_order" version)
MARK = "sales_order.mark"  # versions: the DATE_MODIFY watermark
#: problems a person fixes in the deal itself: the deal is not retried until it changes again
FIXED_IN_DEAL = {"sales_no_company", "sales_company_no_inn", "sales_no_rows", "sales_row_free_text",
                 "sales_row_bad_quantity", "sales_currency_unknown", "sales_vat_unknown", "sales_moved_back"}
PROBLEM_TEXTS = {
    "sales_no_company": "в сделке не указана компания — укажите клиента",
    "sales_company_no_inn": "у компании «{company}» нет ИНН в реквизитах, а контрагента в 1С создаём только по ИНН",
    "sales_company_not_in_1c": "компания «{company}» ещё не связана с контрагентом 1С (создание контрагентов "
                               "из Битрикс24 выключено) — сделка будет перенесена, когда контрагент появится",
    "sales_no_rows": "в сделке нет товаров",
    "sales_row_free_text": "строка {line} «{name}» — не товар из каталога (введена текстом)",
    "sales_row_not_linked": "строка {line} «{name}»: товар портала {product_id} не связан с номенклатурой 1С",
    "sales_row_bad_quantity": "строка {line} «{name}»: количество {quantity} — должно быть больше нуля",
    "sales_currency_unknown": "валюты {currency} нет в справочнике валют 1С",
    "sales_vat_unknown": "ставки НДС «{rate}» нет в справочнике ставок НДС 1С",
    "sales_moved_back": "сделку вернули со стадии «{trigger}» на «{stage}»; заказ {number} в 1С не изменён — "
                        "решите, нужен ли он",
}


def problem_text(problem: Problem) -> str:
    return PROBLEM_TEXTS[problem.code].format(**problem.params)


@dataclass
class DealRecord:
    deal: Deal
    qualifies: bool
    problems: list[Problem] = field(default_factory=list)
    counterparty_ref: str | None = None
    partner_ref: str | None = None
    new_counterparty: dict[str, Any] | None = None  # company data when 1C needs a new counterparty
    context: OrderContext | None = None

    @property
    def name(self) -> str:
        return f"Сделка № {self.deal.id} «{self.deal.title}»"


@dataclass
class OrderPayload:
    create_body: dict[str, Any] | None
    update_body: dict[str, Any] | None

    def digest(self) -> str:
        return body_digest(self.update_body) if self.update_body is not None else ""


class SalesOrderPipeline(Pipeline):
    entity = "sales_order"
    label = "Заказы клиентов"
    target_type = "deal"  # the link row: onec_ref = order, b24_type = deal, b24_id = deal ID
    depends_on = ("counterparty", "product")
    direction = DIRECTION
    version_side = "b24"
    write_mode = "single"
    process_chunk = 500
    settings_entity = "sales"
    failing_actions: ClassVar[dict[str, str]] = {"conflict": "sales_conflict", "order_deleted": "sales_order_deleted"}
    reason_codes: ClassVar[dict[str, str]] = {
        "created": "sales_order_created", "updated": "sales_order_updated", "failed_invalid": "sales_deal_invalid",
        "failed_remote": "sales_failed_onec", "answer_lost_recovered": "sales_answer_lost_recovered",
        "answer_lost_pending": "sales_answer_lost_pending", "mapping_note": "sales_order_note",
        "skip_same_payload": "sales_skip_same", "dry_run_create": "sales_dry_run_create",
        "dry_run_update": "sales_dry_run_update", "dry_run_link": "sales_dry_run_link",
    }

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        self.sales = SalesSettings.from_dict(self.settings)
        self.order_spec: dict[str, Any] = self.spec.get("order", {})
        self.order_set = self.order_spec.get("entity_set", "Document_ЗаказКлиента")
        self._stages: DealStages | None = None
        self._currencies: dict[str, str] | None = None
        self._vat: dict[str, str] | None = None
        self._partners: dict[str, str | None] = {}
        self._portal_tag = ""
        self._portal_url = ""

    # ==== source: the portal ======================================================================================
    def stages(self) -> DealStages:
        if self._stages is None:
            assert self.b24 is not None
            self._stages = DealStages.read(self.b24)
        return self._stages

    def poll(self) -> dict[str, str]:
        if not self.sales.enabled or self.b24 is None or self.onec is None:
            return {}
        b24 = self.b24
        self._portal_url = b24.webhook_masked.split("/rest/", 1)[0]
        self._portal_tag = portal_tag(self._portal_url)
        stages = self.stages()
        start = datetime.combine(self.sales.start, datetime.min.time())
        mark = self.store.versions("b24", MARK).get("DATE_MODIFY", ("", ""))[0]
        since = start
        if mark:
            since = max(start, datetime.fromisoformat(mark).replace(tzinfo=None) - OVERLAP)
        rows = list(b24.list_all("crm.deal.list", {
            "filter": {">=DATE_MODIFY": since.isoformat(timespec="seconds")},
            "select": ["ID", "DATE_MODIFY", "DATE_CREATE", "MOVED_TIME", "STAGE_ID", "CATEGORY_ID", "OPPORTUNITY"],
        }))
        self.ctx.check_cancelled()
        linked = {link.b24_id for link in self.store.links(self.entity, self.target_type).values()}
        start_iso = start.isoformat()
        versions: dict[str, str] = {}
        newest = mark
        for row in rows:
            key, modified = str(row.get("ID")), str(row.get("DATE_MODIFY") or "")
            if not key.isdigit() or not modified:
                self.reject(key, "у сделки нет ID или даты изменения")
                continue
            newest = max(newest, modified) if newest else modified
            # DATE_MODIFY has whole seconds: a second edit within the second we read the deal would look unchanged,
            # so the sum and the stage are part of the version (free in this select)
            version = f"{modified}|{row.get('OPPORTUNITY')}|{row.get('STAGE_ID')}"
            if key in linked:
                versions[key] = version
                continue
            category = int(str(row.get("CATEGORY_ID") or 0))
            trigger = stages.trigger(category, self.sales.trigger_stages.get(str(category), ""))
            recent = max(_naive(row.get("DATE_CREATE")), _naive(row.get("MOVED_TIME"))) >= start_iso
            if recent and stages.reached(category, str(row.get("STAGE_ID")), trigger):
                versions[key] = version
        settled = self.store.versions("b24", self.entity)
        for key, (version, _hash) in self.store.versions("b24", SEEN).items():
            if key not in versions and settled.get(key, ("", ""))[0] != version:
                versions[key] = version  # polled before, never settled (a crash, a missing link): again
        if not self.ctx.dry_run:  # a dry run leaves no trace in the state store
            with self.store.transaction():
                for key, version in versions.items():
                    self.store.save_version("b24", SEEN, key, version)
                if newest and newest != mark:
                    self.store.save_version("b24", MARK, "DATE_MODIFY", newest)
        return versions

    def read(self, keys: list[str]) -> dict[str, Any]:
        assert self.b24 is not None
        raw: dict[str, Any] = {}
        batches = []
        for start in range(0, len(keys), READ_CHUNK):
            chunk = keys[start:start + READ_CHUNK]
            batches.append({**{f"d{k}": ("crm.deal.get", {"id": k}) for k in chunk},
                            **{f"r{k}": ("crm.deal.productrows.get", {"id": k}) for k in chunk}})
        for index, outcome in self.b24.batch_many(batches, cancel=self.ctx.cancel):
            if isinstance(outcome, SyncBridgeError):
                raise outcome
            for key in keys[index * READ_CHUNK:(index + 1) * READ_CHUNK]:
                deal = outcome.result.get(f"d{key}")
                failed = [outcome.errors[k] for k in (f"d{key}", f"r{key}") if k in outcome.errors
                          and not (k.startswith("d") and getattr(outcome.errors[k], "not_found", False))]
                if failed:  # an unusable answer is a failed read of this deal, never "no rows"
                    raw[key] = {"error": getattr(failed[0], "message", str(failed[0]))}
                elif isinstance(deal, dict):  # a deal deleted since the poll answers "Not found": absent
                    raw[key] = {"deal": deal, "rows": outcome.result.get(f"r{key}") or []}
        self._read_companies(raw)
        return raw

    def _read_companies(self, raw: dict[str, Any]) -> None:
        """Counterparty (and partner) of each deal's company; the company itself where 1C lacks it."""
        assert self.b24 is not None and self.onec is not None
        unlinked: set[str] = set()
        refs: set[str] = set()
        for data in raw.values():
            if "error" in data:
                continue
            company = str(data["deal"].get("COMPANY_ID") or "0")
            if company == "0":
                continue
            link = self.store.link_by_b24("company", company, "counterparty")
            if link is None:
                unlinked.add(company)
            else:
                data["counterparty_ref"] = link.onec_ref
                refs.add(link.onec_ref)
        missing = [ref for ref in refs if ref not in self._partners]
        if missing:
            cp_spec = self.spec["counterparties"]
            partner_field = cp_spec["fields"]["partner"]
            rows = self.onec.get_many(cp_spec["entity_set"], missing, select=["Ref_Key", partner_field])
            for ref in missing:
                partner = (rows.get(ref) or {}).get(partner_field)
                self._partners[ref] = partner if partner and partner != _ZERO else None
        if unlinked and self.sales.create_counterparties:
            companies = sorted(unlinked)
            commands = {**{f"c{c}": ("crm.company.get", {"id": c}) for c in companies},
                        **{f"q{c}": ("crm.requisite.list", {"filter": {"ENTITY_TYPE_ID": 4, "ENTITY_ID": c},
                                                             "select": ["ID", "RQ_INN", "RQ_KPP", "RQ_COMPANY_NAME",
                                                                        "RQ_COMPANY_FULL_NAME", "PRESET_ID"]})
                           for c in companies}}
            found: dict[str, Any] = {}
            for start in range(0, len(commands), 50):
                part = dict(list(commands.items())[start:start + 50])
                result = self.b24.batch(part)
                found.update(result.result)
            for data in raw.values():
                company = str(data["deal"].get("COMPANY_ID") or "0") if "error" not in data else "0"
                if company in unlinked:
                    data["company"] = found.get(f"c{company}")
                    data["requisites"] = found.get(f"q{company}") or []

    def _reference_lists(self) -> None:
        if self._currencies is not None:
            return
        assert self.onec is not None
        spec = self.spec
        code = spec["currencies"]["fields"]["code"]
        rows = self.onec.list(spec["currencies"]["entity_set"], select=["Ref_Key", code])
        self._currencies = {str(r.get(code) or "").strip(): r["Ref_Key"] for r in rows}
        vat: dict[str, str] = {}
        if self.sales.vat_rates:
            vat = dict(self.sales.vat_rates)
        else:
            vat_spec = spec["vat_rates"]
            rate, kind = vat_spec["fields"]["rate"], vat_spec["fields"]["kind"]
            for r in self.onec.list(vat_spec["entity_set"], select=["Ref_Key", rate, kind, "DeletionMark"]):
                if r.get("DeletionMark"):
                    continue
                key = "none" if r.get(kind) == vat_spec["none_kind"] else format(dec(r.get(rate)).normalize(), "f")
                vat.setdefault(key, r["Ref_Key"])
        self._vat = vat

    def to_record(self, key: str, raw: Any) -> DealRecord:
        if "error" in raw:
            raise RemoteError(f"сделка не прочитана: {raw['error']}")  # journaled for this deal; tried again
        deal = deal_from_b24(raw["deal"], raw["rows"])
        stages = self.stages()
        link = self.get_link(key)
        trigger = stages.trigger(deal.category_id, self.sales.trigger_stages.get(str(deal.category_id), ""))
        qualifies = stages.reached(deal.category_id, deal.stage_id, trigger)
        record = DealRecord(deal, qualifies)
        if link is not None and not qualifies:
            current = stages.stage(deal.stage_id)
            record.problems.append(Problem("sales_moved_back", {
                "trigger": trigger.name if trigger else "?", "stage": current.name if current else deal.stage_id,
                "number": str(link.meta.get("number") or link.onec_ref)}))
            return record
        if deal.company_id is None:
            record.problems.append(Problem("sales_no_company", {}))
        elif raw.get("counterparty_ref"):
            record.counterparty_ref = raw["counterparty_ref"]
            record.partner_ref = self._partners.get(raw["counterparty_ref"])
        else:
            company = raw.get("company") or {}
            title = str(company.get("TITLE") or f"ID {deal.company_id}")
            requisite = next((r for r in raw.get("requisites") or [] if str(r.get("RQ_INN") or "").strip()), None)
            if not self.sales.create_counterparties:
                record.problems.append(Problem("sales_company_not_in_1c", {"company": title}))
            elif requisite is None or not inn_is_valid(str(requisite["RQ_INN"]).strip()):
                record.problems.append(Problem("sales_company_no_inn", {"company": title}))
            else:
                record.new_counterparty = {"company_id": str(deal.company_id), "title": title,
                                           "inn": str(requisite["RQ_INN"]).strip(),
                                           "kpp": str(requisite.get("RQ_KPP") or "").strip(),
                                           "full_name": str(requisite.get("RQ_COMPANY_FULL_NAME") or title)}
        product_refs: dict[int, str] = {}
        for row in deal.rows:
            if row.product_id:
                product = self.store.link_by_b24("product", str(row.product_id), "product")
                if product is not None:
                    product_refs[row.product_id] = product.onec_ref
        record.problems += row_problems(deal, product_refs)
        self._reference_lists()
        assert self._currencies is not None and self._vat is not None
        currency_ref = self._currencies.get(CURRENCY_CODES.get(deal.currency, deal.currency))
        if currency_ref is None:
            record.problems.append(Problem("sales_currency_unknown", {"currency": deal.currency}))
        for row in deal.rows:
            rate = "none" if row.tax_rate is None else format(row.tax_rate.normalize(), "f")
            if rate not in self._vat:
                record.problems.append(Problem("sales_vat_unknown", {"rate": "без НДС" if rate == "none" else
                                                                      f"{rate} %"}))
                break
        if not record.problems:
            record.context = OrderContext(
                counterparty_ref=record.counterparty_ref or NEW_COUNTERPARTY, partner_ref=record.partner_ref,
                currency_ref=currency_ref or "", product_refs=product_refs, vat_refs=self._vat,
                identity=identity_marker(deal.id, self._portal_tag),
                deal_url=f"{self._portal_url}/crm/deal/details/{deal.id}/")
        return record

    # ==== mapping ===================================================================================================
    def to_payload(self, record: DealRecord) -> OrderPayload:
        if record.context is None:
            return OrderPayload(None, None)
        return OrderPayload(order_body(record.deal, record.context, self.order_spec, self.sales, create=True),
                            order_body(record.deal, record.context, self.order_spec, self.sales, create=False))

    def payload_to_json(self, payload: OrderPayload) -> dict[str, Any] | None:
        if payload.update_body is None:
            return None
        return {"digest": payload.digest(), "total": str(payload.update_body.get(self.order_spec["fields"]["total"])),
                "lines": len(payload.update_body.get(self.order_spec["goods"]) or [])}

    def payload_from_json(self, data: dict[str, Any] | None) -> Any:
        return _StoredPayload(data["digest"]) if data and data.get("digest") else None

    def validate(self, record: DealRecord) -> list[str]:
        return [problem_text(p) for p in record.problems]

    def title_of(self, record: DealRecord) -> str:
        return record.name

    def changed_fields(self, old: Any, new: Any) -> list[str]:
        return ["товары, количества, цены или сумма сделки"]

    # ==== target: 1C ================================================================================================
    def get_link(self, key: str) -> Link | None:
        return self.store.link_by_b24(self.target_type, key, self.entity)

    def load_link(self, item: Item) -> None:
        link = item.link
        if link is None:
            return
        item.target_id = link.onec_ref
        item.meta = {k: v for k, v in link.meta.items() if k != "payload"}
        item.old_payload = self.payload_from_json(link.meta.get("payload"))

    def save_link(self, item: Item, payload_json: dict[str, Any] | None) -> None:
        if item.target_id is None:
            return
        self.store.save_link(Link(self.entity, item.target_id, self.target_type, item.key,
                                  {**item.meta, "payload": payload_json}))

    def lookup(self, items: list[Item]) -> None:
        assert self.onec is not None
        f = self.order_spec["fields"]
        for item in items:
            self.ctx.check_cancelled()
            record: DealRecord = item.record
            try:
                if item.action == "create":
                    identity = identity_marker(record.deal.id, self._portal_tag)
                    found = self.onec.find_by(self.order_set, f["identity"], identity,
                                              select=["Ref_Key", "Number", "DeletionMark"])
                    alive = [row for row in found if not row.get("DeletionMark")] or found
                    if alive:
                        item.action, item.target_id = "link", alive[0]["Ref_Key"]
                        item.meta["number"] = alive[0].get("Number", "")
                        item.reason_code, item.params = "sales_linked_by_identity", {"identity": identity}
                elif item.action == "update":
                    self._check_order(item)
            except (RemoteError, AnswerLost) as exc:
                item.action, item.params = "lookup_failed", {"error": exc.message}

    def _check_order(self, item: Item) -> None:
        """The order as 1C holds it now: gone, closed or shipped means it must not be overwritten."""
        assert self.onec is not None and item.target_id is not None
        f = self.order_spec["fields"]
        current = self.onec.get(self.order_set, item.target_id,
                                select=["Ref_Key", "Number", "Posted", "DeletionMark", f["status"], f["total"],
                                        self.order_spec["goods"]])
        item.current = current
        if current is None or current.get("DeletionMark"):
            item.action = "order_deleted"
            item.params = {"number": str(item.meta.get("number") or item.target_id)}
            return
        item.meta["number"] = current.get("Number", item.meta.get("number", ""))
        shipments = self.table.get("customer_path", {}).get("shipments", {})
        shipped = []
        if shipments:
            sale_set = shipments["entity_set"]
            order_field = shipments["fields"]["order"]
            flt = (f"{order_field} eq cast({guid_literal(item.target_id)}, '{self.order_set}') "
                   f"and Posted eq true and DeletionMark eq false")
            shipped = self.onec.list(sale_set, select=["Ref_Key", "Number"], filter=flt)
        closed = current.get(f["status"]) == self.order_spec.get("closed_status", "Закрыт")
        if closed or shipped:
            why = "заказ закрыт в 1С" if closed else f"по заказу уже есть отгрузка № {shipped[0].get('Number')}"
            item.action = "conflict"
            item.params = {"number": item.meta["number"], "why": why}

    def write_one(self, item: Item) -> None:
        assert self.onec is not None
        record: DealRecord = item.record
        payload: OrderPayload = item.payload
        f = self.order_spec["fields"]
        assert payload.create_body is not None and payload.update_body is not None
        item.meta["category"] = record.deal.category_id  # the customer-path pipeline maps stages per funnel
        if item.action == "create":
            body = dict(payload.create_body)
            if body.get(f["counterparty"]) == NEW_COUNTERPARTY:
                body[f["counterparty"]], partner = self._ensure_counterparty(record)
                if partner:
                    body[f["partner"]] = partner
            created = self.onec.create(self.order_set, body)
            item.target_id = created["Ref_Key"]
            item.meta["number"] = created.get("Number", "")
            item.params = {"number": item.meta["number"]}
            self._post(item, posted=False)
            return
        body = dict(payload.update_body)
        if body.get(f["counterparty"]) == NEW_COUNTERPARTY:
            body[f["counterparty"]], partner = self._ensure_counterparty(record)
            if partner:
                body[f["partner"]] = partner
        assert item.target_id is not None
        updated = self.onec.update(self.order_set, item.target_id, body)
        item.meta["number"] = updated.get("Number", item.meta.get("number", ""))
        self._post(item, posted=bool(updated.get("Posted")))

    def _post(self, item: Item, *, posted: bool) -> None:
        """Post when the profile says so; a refusal keeps the order unposted and journals 1C's own words."""
        if not self.sales.post_orders or posted:
            return
        assert self.onec is not None and item.target_id is not None
        try:
            self.onec.post_document(self.order_set, item.target_id)
        except PostingRefused as exc:
            item.notes.append(f"заказ {item.meta.get('number', '')} сохранён, но не проведён: {exc.message}")
        except AnswerLost:
            item.notes.append(f"ответ 1С на проведение заказа {item.meta.get('number', '')} потерян — "
                              "проведение проверится при следующем изменении сделки")

    def _ensure_counterparty(self, record: DealRecord) -> tuple[str, str | None]:
        """A counterparty (with its partner) for a company 1C lacks: found by ИНН(+КПП) first, created only when
        there is none — a lost answer is therefore never a second counterparty."""
        assert self.onec is not None and record.new_counterparty is not None
        data = record.new_counterparty
        cp_set = self.spec["counterparties"]["entity_set"]
        cp_fields = self.spec["counterparties"]["fields"]
        flt = f"{cp_fields['inn']} eq '{data['inn']}'" + (f" and {cp_fields['kpp']} eq '{data['kpp']}'"
                                                           if data["kpp"] else "")
        found = self.onec.list(cp_set, select=["Ref_Key", cp_fields["partner"], "DeletionMark"], filter=flt)
        found = [row for row in found if not row.get("DeletionMark")]
        if found:
            ref, partner = found[0]["Ref_Key"], found[0].get(cp_fields["partner"])
        else:
            partner_set = self.spec["partners"]["entity_set"]
            partners = self.onec.find_by(partner_set, "Description", data["title"][:100],
                                         select=["Ref_Key", "DeletionMark"])
            partners = [p for p in partners if not p.get("DeletionMark")]
            partner = partners[0]["Ref_Key"] if partners else self.onec.create(partner_set, {
                "Description": data["title"][:100], "НаименованиеПолное": data["full_name"], "Клиент": True,
                "ЮрФизЛицо": "Компания"})["Ref_Key"]
            ref = self.onec.create(cp_set, {
                "Description": data["title"][:100], "НаименованиеПолное": data["full_name"], "ИНН": data["inn"],
                "КПП": data["kpp"], "Партнер_Key": partner,
                "ЮрФизЛицо": "ИндивидуальныйПредприниматель" if len(data["inn"]) == 12 else "ЮрЛицо",
                "ЮридическоеФизическоеЛицо": "ФизическоеЛицо" if len(data["inn"]) == 12 else "ЮридическоеЛицо",
            })["Ref_Key"]
            self.ctx.journal(entity=self.entity, action="create", reason_code="sales_counterparty_created",
                             params={"company": data["title"], "inn": data["inn"]}, onec_ref=ref,
                             b24_id=data["company_id"], title=data["title"], direction=DIRECTION)
        self.store.save_link(Link("counterparty", ref, "company", data["company_id"], {"created_from": "b24"}))
        record.new_counterparty = None
        return ref, partner if partner and partner != _ZERO else None

    def on_failed(self, item: Item, code: str) -> None:
        record: DealRecord = item.record
        if code == "sales_conflict" and item.target_id:
            self._record_conflict(item)
        fixed_in_deal = record.problems and all(p.code in FIXED_IN_DEAL for p in record.problems)
        if code in ("sales_conflict", "sales_order_deleted") or (code == "failed_invalid" and fixed_in_deal):
            # nothing changes until the deal does: do not journal the same problem on every run
            self.store.save_version("b24", self.entity, item.key, item.version,
                                    item.old_payload.digest() if item.old_payload is not None else "")

    def _record_conflict(self, item: Item) -> None:
        f, goods = self.order_spec["fields"], self.order_spec["goods"]
        payload: OrderPayload = item.payload
        current = item.current or {}
        record: DealRecord = item.record
        names = self._product_names([*(payload.update_body or {}).get(goods, []), *current.get(goods, [])])
        if record.context is not None:  # the names the deal shows, where 1C's catalog is not published
            for row in record.deal.rows:
                ref = record.context.product_refs.get(row.product_id)
                if ref and row.name:
                    names.setdefault(ref, row.name)
        ours = {"сделка": item.title, "сумма": format_money(dec((payload.update_body or {}).get(f["total"]))),
                "товары": goods_summary((payload.update_body or {}).get(goods, []), self.order_spec, names)}
        theirs = {"заказ": str(item.meta.get("number", "")), "статус": current.get(f["status"], ""),
                  "сумма": format_money(dec(current.get(f["total"]))),
                  "товары": goods_summary(current.get(goods, []), self.order_spec, names)}
        self.store.add_conflict(entity=self.entity, key=item.key, target_id=item.target_id or "", title=item.title,
                                reason=item.params.get("why", ""), ours=ours, theirs=theirs)

    def _product_names(self, lines: list[dict[str, Any]]) -> dict[str, str]:
        item_field = self.order_spec["row_fields"]["item"]
        refs = sorted({str(line.get(item_field)) for line in lines if line.get(item_field)})
        names_spec = self.table.get("customer_path", {}).get("product_names")
        if not refs or not names_spec or self.onec is None:
            return {}
        try:
            name = names_spec["fields"]["name"]
            rows = self.onec.get_many(names_spec["entity_set"], refs, select=["Ref_Key", name])
        except SyncBridgeError:
            return {}
        return {ref: str(row.get(name) or ref) for ref, row in rows.items()}


NEW_COUNTERPARTY = "<new counterparty>"
_ZERO = "00000000-0000-0000-0000-000000000000"


@dataclass(frozen=True)
class _StoredPayload:
    value: str

    def digest(self) -> str:
        return self.value


def _naive(value: Any) -> str:
    """Portal datetime → naive ISO in the portal's wall clock, comparable with the start date."""
    text = str(value or "")
    return text[:19] if text else ""
