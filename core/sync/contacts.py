"""Contact persons 1C → Bitrix24 contacts bound to their companies (runs after counterparties).

How a person belongs to a counterparty differs per configuration (the profile's ``contact.onec.owner``):
- УТ 11 ``partner``: ``Catalog_КонтактныеЛицаПартнеров.Owner_Key`` is a partner; the counterparties whose
  ``Партнер_Key`` is that partner are its companies (the head office first, then branches);
- БП 3.0 ``composite``: ``Catalog_КонтактныеЛица.ОбъектВладелец`` of type Catalog_Контрагенты (persons of the
  organisation itself are not customers' contacts and are left out);
- УНФ ``tabular``: rows of ``СвязиКонтрагентов`` (one person may serve several counterparties).

Identity: ORIGINATOR_ID + ORIGIN_ID (= 1C Ref_Key) on the contact. A portal contact with the same phone or e-mail
and no 1C identity is a probable duplicate for review — the person is created and the pair is listed, never merged.
The version of a contact includes its companies' portal ids, so a counterparty linked later re-binds the contact.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from typing import Any, ClassVar

from core.bitrix24 import crm_contact
from core.bitrix24.batch import reference
from core.mapping.contact import (
    changed_fields,
    contact_from_onec,
    contact_to_b24,
    payload_from_json,
    payload_to_json,
    validation_problems,
)
from core.mapping.schema import select_of
from core.messages import STAGES
from core.onec.payload import composite
from core.sync.company_commands import multifield_changes
from core.sync.engine import MAX_BATCH
from core.sync.pipeline import Commands, Item, Pipeline

log = logging.getLogger(__name__)

LOOKUP_CHUNK = 25  # records per lookup batch (≤ 2 commands each)
ZERO_REF = "00000000-0000-0000-0000-000000000000"


class ContactPipeline(Pipeline):
    entity = "contact"
    label = "Контактные лица"
    target_type = "contact"
    depends_on = ("counterparty",)
    duplicate_reason = "тот же телефон или e-mail, у контакта портала нет идентификатора 1С"
    reason_codes: ClassVar[dict[str, str]] = {
        "created": "contact_created", "probable_duplicate": "contact_probable_duplicate",
        "dry_run_link": "contact_dry_run_link", "marked_deleted": "contact_marked_deleted",
        "skip_deleted_unlinked": "contact_skip_deleted",
    }

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        self._owners: dict[str, list[str]] = {}  # contact ref -> 1C counterparty refs, main first

    # ==== source: 1C ================================================================================================
    def poll(self) -> dict[str, str]:
        onec, spec = self.onec, self.spec["onec"]
        assert onec is not None
        select = select_of(spec, poll=True)
        via = spec["owner"]["via"]
        if via == "partner":
            select.append(spec["fields"]["owner"])
        elif via == "tabular":
            select.append(spec["fields"]["links"])
        rows = onec.list(spec["entity_set"], select=select)
        self.ctx.check_cancelled()
        # the owners' list is as long as the counterparties' (3 000 rows ≈ 1.6 s of 1C): only when there are contacts
        by_partner = self._counterparties_by_partner() if via == "partner" and rows else {}
        versions = self.versions_of(rows)
        result: dict[str, str] = {}
        self._owners = {}
        for row in rows:
            ref = row.get("Ref_Key") if isinstance(row, dict) else None
            if ref not in versions:
                continue
            owners = self._owners_of(row, via, spec, by_partner)
            if owners is None:
                continue  # not a customer's contact (a person of the organisation itself)
            self._owners[ref] = owners
            companies = self._company_ids(owners)
            blob = "|".join(companies)
            result[ref] = versions[ref] + ("+" + hashlib.sha1(blob.encode()).hexdigest()[:12] if companies else "")
        return result

    def _counterparties_by_partner(self) -> dict[str, list[str]]:
        spec = self.spec["owners"]
        partner, head = spec["fields"]["partner"], spec["fields"].get("head_ref")
        rows = self.onec.list(spec["entity_set"], select=select_of(spec))  # type: ignore[union-attr]
        by_partner: dict[str, list[tuple[bool, str]]] = {}
        for row in rows:
            if not isinstance(row, dict) or row.get("DeletionMark") or row.get(partner) in (None, "", ZERO_REF):
                continue
            is_head = head is None or row.get(head) in (row.get("Ref_Key"), ZERO_REF, None, "")
            by_partner.setdefault(str(row[partner]), []).append((not is_head, str(row["Ref_Key"])))
        return {p: [ref for _, ref in sorted(refs)] for p, refs in by_partner.items()}

    @staticmethod
    def _owners_of(row: dict[str, Any], via: str, spec: dict[str, Any],
                   by_partner: dict[str, list[str]]) -> list[str] | None:
        if via == "partner":
            return by_partner.get(str(row.get(spec["fields"]["owner"])), [])
        if via == "composite":
            owner_type, owner = composite(row, spec["owner_field"])
            if owner and owner_type != spec["owner_type"]:
                return None
            return [owner] if owner else []
        links = row.get(spec["fields"]["links"]) or []
        column = spec["owner"]["column"]
        refs = [str(line.get(column)) for line in sorted(
            (line for line in links if isinstance(line, dict)), key=lambda line: int(line.get("LineNumber") or 0))
            if line.get(column) not in (None, "", ZERO_REF)]
        return list(dict.fromkeys(refs))

    def _company_ids(self, counterparty_refs: list[str]) -> list[str]:
        ids = []
        for ref in counterparty_refs:
            link = self.store.get_link("counterparty", ref, "company")
            if link is not None and link.b24_id not in ids:
                ids.append(link.b24_id)
        return ids

    def read(self, keys: list[str]) -> dict[str, Any]:
        spec = self.spec["onec"]
        return self.onec.get_many(spec["entity_set"], keys, select=select_of(spec))  # type: ignore[union-attr]

    def to_record(self, key: str, raw: Any) -> Any:
        owners = self._owners.get(key, [])
        person = contact_from_onec(raw, self.spec["onec"], owners, self._company_ids(owners))
        if owners and not person.company_ids:
            # counterparties the last run settled without a company (marked for deletion in 1C) have a stored
            # version and no link; a failed one has neither and the person waits for it
            settled = self._settled_counterparties()
            person.owners_left_out = all(ref in settled for ref in owners)
        return person

    def _settled_counterparties(self) -> set[str]:
        if not hasattr(self, "_settled"):
            self._settled = set(self.store.versions("onec", "counterparty"))
        return self._settled

    def is_deleted(self, record: Any) -> bool:
        return bool(record.deleted or record.owners_left_out)

    # ==== mapping ===================================================================================================
    def to_payload(self, record: Any) -> Any:
        return contact_to_b24(record, self.spec)

    def payload_to_json(self, payload: Any) -> dict[str, Any] | None:
        return payload_to_json(payload)

    def payload_from_json(self, data: dict[str, Any] | None) -> Any:
        return payload_from_json(data)

    def validate(self, record: Any) -> list[str]:
        if self.ctx.dry_run and record.counterparty_refs and not record.company_ids:
            # a dry run writes no links: a counterparty this same run plans to create or link will be there
            planned = {line["onec_ref"] for line in self.ctx.planned
                       if line["entity"] == "counterparty" and line["action"] in ("create", "link")}
            if any(ref in planned for ref in record.counterparty_refs):
                return validation_problems(replace(record, company_ids=["planned"]))
        return validation_problems(record)

    def changed_fields(self, old: Any, new: Any) -> list[str]:
        return changed_fields(old, new)

    # ==== target: find in the portal ================================================================================
    def lookup(self, items: list[Item]) -> None:
        b24 = self.b24
        assert b24 is not None
        for start in range(0, len(items), LOOKUP_CHUNK):
            self.ctx.check_cancelled()
            chunk = items[start:start + LOOKUP_CHUNK]
            commands: Commands = {}
            for k, item in enumerate(chunk):
                if item.action == "create":
                    commands[f"o{k}"] = crm_contact.by_origin(self.originator, item.key)
                elif item.action == "update":
                    commands[f"g{k}"] = crm_contact.contact(str(item.target_id))
            if not commands:
                continue
            self.ctx.progress(STAGES["lookup_portal"], start, len(items), entity=self.entity)
            result = b24.batch(commands)
            for k, item in enumerate(chunk):
                key = f"o{k}" if item.action == "create" else f"g{k}"
                if key not in commands:
                    continue
                error, answer = result.errors.get(key), result.result.get(key)
                if item.action == "create":
                    if error is not None or not isinstance(answer, list):
                        item.action = "lookup_failed"
                        item.params = {"error": error.message if error is not None
                                       else "портал не ответил на поиск контакта (ответ неполный)"}
                    elif answer:
                        found = answer[0]
                        item.target_id = str(found["ID"])
                        item.target_title = " ".join(p for p in (found.get("LAST_NAME"), found.get("NAME")) if p)
                        item.action, item.reason_code = "link", "linked_by_origin"
                        item.params = {"origin_id": item.key}
                        item.current = None  # read below: the update needs the current multifields
                    else:
                        item.reason_code = "created"
                elif error is not None and error.not_found and item.action == "update":
                    log.info("contact %s of %s is gone from the portal", item.target_id, item.key)
                    self.forget_link(item)
                    self.lookup([item])
                elif error is not None or not isinstance(answer, dict):
                    item.action = "lookup_failed"
                    item.params = {"error": error.message if error is not None
                                   else "портал не ответил на чтение контакта (ответ неполный)"}
                else:
                    item.current = answer
        linked = [item for item in items if item.action == "link" and item.current is None]
        if linked:
            self._read_current(linked)

    def _read_current(self, items: list[Item]) -> None:
        result = self.b24.batch({f"g{k}": crm_contact.contact(str(item.target_id))  # type: ignore[union-attr]
                                 for k, item in enumerate(items)})
        for k, item in enumerate(items):
            answer = result.result.get(f"g{k}")
            item.current = answer if isinstance(answer, dict) else {}

    def find_duplicates(self, items: list[Item]) -> None:
        """Portal contacts with one of the person's phones or e-mails and no 1C identity: for review, never merged."""
        b24 = self.b24
        assert b24 is not None
        for start in range(0, len(items), MAX_BATCH // 2):
            self.ctx.check_cancelled()
            chunk = items[start:start + MAX_BATCH // 2]
            commands: Commands = {}
            for k, item in enumerate(chunk):
                if item.payload.multifields.get("PHONE"):
                    commands[f"p{k}"] = crm_contact.by_communication("PHONE", item.payload.multifields["PHONE"])
                if item.payload.multifields.get("EMAIL"):
                    commands[f"e{k}"] = crm_contact.by_communication("EMAIL", item.payload.multifields["EMAIL"])
            if not commands:
                continue
            found = b24.batch(commands).result
            candidates: dict[int, list[str]] = {}
            for k in range(len(chunk)):
                ids: list[str] = []
                for key in (f"p{k}", f"e{k}"):
                    answer = found.get(key)
                    if isinstance(answer, dict):
                        ids += [str(i) for i in answer.get("CONTACT") or []]
                if ids:
                    candidates[k] = list(dict.fromkeys(ids))
            every = sorted({i for ids in candidates.values() for i in ids}, key=int)
            if not every:
                continue
            rows = b24.list_all(*crm_contact.identities(every))
            free = {str(r["ID"]): " ".join(p for p in (r.get("LAST_NAME"), r.get("NAME")) if p) or f"контакт {r['ID']}"
                    for r in rows if isinstance(r, dict) and not r.get("ORIGIN_ID")}
            for k, ids in candidates.items():
                chunk[k].duplicates = [(i, free[i]) for i in ids if i in free]

    # ==== target: write =============================================================================================
    def commands(self, k: int, item: Item) -> Commands:
        p, old, person = item.payload, item.old_payload, item.record
        if item.action == "mark":
            return {f"t{k}": ("crm.timeline.comment.add", {"fields": {
                "ENTITY_ID": item.target_id, "ENTITY_TYPE": "contact",
                "COMMENT": f"Контактное лицо «{person.name}» помечено на удаление в 1С. "
                           "В Битрикс24 запись сохранена."}})}
        identity = {"ORIGINATOR_ID": self.originator, "ORIGIN_ID": person.ref, "ORIGIN_VERSION": person.version}
        value_type = self.spec["bitrix24"]["multifield_value_type"]
        cmds: Commands = {}
        if item.target_id is None:
            fields: dict[str, Any] = {**p.contact, **identity, "COMPANY_ID": p.companies[0] if p.companies else ""}
            for kind, values in p.multifields.items():
                fields[kind] = [{"VALUE": v, "VALUE_TYPE": value_type} for v in values]
            cmds[f"c{k}"] = ("crm.contact.add", {"fields": fields, "params": {"REGISTER_SONET_EVENT": "N"}})
            contact_ref, bound = reference(f"c{k}"), p.companies[:1]  # a BatchRef: plain "$result" text is data
        else:
            fields = {key: v for key, v in p.contact.items() if old is None or old.contact.get(key) != v}
            fields.update(identity)
            fields.update(multifield_changes(item, self.spec))
            cmds[f"c{k}"] = ("crm.contact.update", {"id": item.target_id, "fields": fields,
                                                    "params": {"REGISTER_SONET_EVENT": "N"}})
            contact_ref = str(item.target_id)
            bound = list(old.companies) if old is not None else []
        for j, company_id in enumerate(p.companies):
            if company_id not in bound:
                cmds[f"m{k}_{j}"] = crm_contact.bind(contact_ref, company_id, primary=j == 0)
        if item.target_id is not None:
            # only bindings we made are removed when 1C drops them; a manager's own bindings stay
            for j, company_id in enumerate(c for c in bound if c not in p.companies):
                cmds[f"u{k}_{j}"] = crm_contact.unbind(str(item.target_id), company_id)
        return cmds

    def apply_results(self, item: Item, cmds: Commands, result: dict[str, Any]) -> None:
        for key, (method, _params) in cmds.items():
            value = result.get(key)
            if method == "crm.contact.add" and value not in (None, False, "") and not isinstance(value, (dict, list)):
                item.target_id = str(value)
