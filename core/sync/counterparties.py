"""Counterparties 1C → Bitrix24: Catalog_Контрагенты (+ bank accounts) → company + requisite + bank details.

The entity's own part of the flow (the skeleton is ``core/sync/engine.py``): the light poll also reads the bank
accounts so that a changed account makes its owner dirty; a record is matched in the portal by link → ORIGIN_ID →
ИНН(+КПП); portal companies without ИНН with a similar name are probable duplicates for review; one record's
commands (company → requisite → bank details) travel in one batch because later ones refer to earlier results.
The portal's query language lives in ``core/bitrix24/crm_company.py``, the write commands in ``company_commands``.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any, ClassVar

from core.bitrix24 import crm_company
from core.bitrix24.portal_index import PortalIndex
from core.errors import AccessDenied, NotPublished, RemoteError
from core.mapping import names
from core.mapping.counterparty import (
    account_is_active,
    changed_fields,
    counterparty_from_onec,
    counterparty_to_b24,
    payload_from_json,
    payload_to_json,
    validation_problems,
)
from core.mapping.schema import select_of
from core.messages import STAGES
from core.onec.payload import composite
from core.sync.company_commands import apply_results, build_commands, missing_ids
from core.sync.engine import MAX_BATCH
from core.sync.pipeline import Commands, Item, Pipeline

log = logging.getLogger(__name__)

LOOKUP_CHUNK = 12  # records per lookup batch (≤ 4 commands each)
ZERO_REF = "00000000-0000-0000-0000-000000000000"


def _effective_version(data_version: str, accounts: list[tuple[str, str]]) -> str:
    """One version for the counterparty *and* its bank accounts: a change to either makes the record dirty."""
    if not accounts:
        return data_version
    blob = data_version + "|" + "|".join(f"{ref}:{ver}" for ref, ver in sorted(accounts))
    return data_version + "+" + hashlib.sha1(blob.encode()).hexdigest()[:12]


class CounterpartyPipeline(Pipeline):
    entity = "counterparty"
    label = "Контрагенты"
    target_type = "company"
    failing_actions: ClassVar[dict[str, str]] = {"ambiguous": "ambiguous_inn",
                                                 "onec_duplicate": "onec_duplicate_inn"}
    duplicate_reason = "похожее название, у компании портала нет ИНН"
    #: a counterparty's chain — company, requisite, bank detail, address — is 4 commands and stays in one batch: 12
    #: of them fill a batch (48). Slices of 100, 200, 400… left a part-filled batch each: 252 requests for 250
    slice_multiple = 12

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        self._presets: dict[str, str] | None = None
        # the portal index of this run, once loaded: kept across slices and refreshed incrementally
        self._run_index: PortalIndex | None = None
        self._accounts_by_owner: dict[str, list[dict[str, Any]]] = {}

    # ==== source: 1C ================================================================================================
    def poll(self) -> dict[str, str]:
        cp_spec, acc_spec = self.spec["onec"], self.spec["bank_accounts"]
        onec = self.onec
        assert onec is not None
        # two independent reads at once: on a first load of 3 000 cards the lists are 3 s one after the other
        rows, acc_rows = onec.together(
            lambda: onec.list(cp_spec["entity_set"], select=select_of(cp_spec, poll=True)),
            lambda: onec.list(acc_spec["entity_set"], select=select_of(acc_spec, poll=True)))
        self.ctx.check_cancelled()
        self._accounts_by_owner = {}
        for acc in self.versions_of_rows(acc_rows):
            owner_type, owner = composite(acc, acc_spec["owner_field"])
            if owner and owner_type == acc_spec["owner_type"]:
                self._accounts_by_owner.setdefault(owner, []).append(acc)
        return {ref: _effective_version(version, [(a["Ref_Key"], str(a["DataVersion"]))
                                                  for a in self._accounts_by_owner.get(ref, [])])
                for ref, version in self.versions_of(rows).items()}

    def versions_of_rows(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Bank account rows with a usable key and version (a malformed one is journaled by versions_of)."""
        good = self.versions_of(rows)
        return [row for row in rows if isinstance(row, dict) and row.get("Ref_Key") in good]

    def read(self, keys: list[str]) -> dict[str, Any]:
        cp_spec, acc_spec, bank_spec = self.spec["onec"], self.spec["bank_accounts"], self.spec["banks"]
        onec = self.onec
        assert onec is not None
        acc_refs = [a["Ref_Key"] for ref in keys for a in self._accounts_by_owner.get(ref, [])]
        # the accounts' keys are known from the poll: cards, accounts and (once a run) the kinds of contact
        # information are read at once
        full, accounts, kinds = onec.together(
            lambda: onec.get_many(cp_spec["entity_set"], keys, select=select_of(cp_spec)),
            lambda: onec.get_many(acc_spec["entity_set"], acc_refs, select=select_of(acc_spec)) if acc_refs else {},
            self._contact_kinds)
        bank_field = acc_spec["fields"]["bank_ref"]
        bank_refs = sorted({a[bank_field] for a in accounts.values()
                            if isinstance(a.get(bank_field), str) and a[bank_field] != ZERO_REF})
        banks = onec.get_many(bank_spec["entity_set"], bank_refs, select=select_of(bank_spec)) if bank_refs else {}
        raw: dict[str, Any] = {}
        for ref in keys:
            if ref not in full:
                continue
            active = [accounts[a["Ref_Key"]] for a in self._accounts_by_owner.get(ref, [])
                      if a["Ref_Key"] in accounts and account_is_active(accounts[a["Ref_Key"]], self.table)]
            raw[ref] = (full[ref], active, banks, kinds)
        return raw

    def _contact_kinds(self) -> dict[str, str] | None:
        """Kinds of contact information (Вид_Key → predefined name), read once per run; None when the catalog is not
        in the table or cannot be read (addresses then go by their order)."""
        if hasattr(self, "_kinds"):
            return self._kinds
        spec = self.spec.get("contact_kinds")
        self._kinds: dict[str, str] | None = None
        if spec and self.onec is not None:
            f = spec["fields"]
            try:
                rows = self.onec.list(spec["entity_set"], select=select_of(spec))
            except (NotPublished, AccessDenied, RemoteError) as exc:
                log.info("contact kinds not read (%s): addresses go by their order", exc.message)
                return None
            self._kinds = {str(r["Ref_Key"]): str(r.get(f["predefined"]) or r.get(f["name"]) or "")
                           for r in rows if isinstance(r, dict) and r.get("Ref_Key")}
        return self._kinds

    def to_record(self, key: str, raw: Any) -> Any:
        row, accounts, banks, kinds = raw
        return counterparty_from_onec(row, accounts, banks, self.table, kinds)

    # ==== mapping ===================================================================================================
    def to_payload(self, record: Any) -> Any:
        return counterparty_to_b24(record, self.table)

    def payload_to_json(self, payload: Any) -> dict[str, Any] | None:
        return payload_to_json(payload)

    def payload_from_json(self, data: dict[str, Any] | None) -> Any:
        return payload_from_json(data)

    def validate(self, record: Any) -> list[str]:
        return validation_problems(record)

    def changed_fields(self, old: Any, new: Any) -> list[str]:
        return changed_fields(old, new)

    # ==== target: find in the portal ================================================================================
    def lookup(self, items: list[Item]) -> None:
        creates = [item for item in items if item.action == "create"]
        # one index per run: later slices (and a lost answer's recovery) use it as loaded plus what this run wrote
        index = self._run_index
        if index is None and PortalIndex.worth_loading(self.b24, len(creates)):  # type: ignore[arg-type]
            index = self._run_index = PortalIndex.load(self.b24, self.originator)  # type: ignore[arg-type]
        if index is None:
            self._lookup(items)
        else:
            self.ctx.progress(STAGES["lookup_portal"], 0, len(items), entity=self.entity)
            self._index = index
            self._resolve_from_index(creates, index)
            self._lookup([item for item in items if item.action == "update"])
        self._lookup_addresses(items)

    def _lookup_addresses(self, items: list[Item]) -> None:
        """Which address types the portal has on the requisite, for records whose addresses are about to be written
        to a requisite that already exists (crm.address has no id: add vs update depends on what is there)."""
        wanted = [item for item in items if item.action in ("update", "link") and item.meta.get("requisite_id")
                  and (item.old_payload is None or item.old_payload.addresses != item.payload.addresses)]
        for start in range(0, len(wanted), MAX_BATCH):
            self.ctx.check_cancelled()
            chunk = wanted[start:start + MAX_BATCH]
            result = self.b24.batch({f"a{k}": crm_company.addresses_of_requisite(str(item.meta["requisite_id"]))  # type: ignore[union-attr]
                                     for k, item in enumerate(chunk)})
            for k, item in enumerate(chunk):
                rows = result.result.get(f"a{k}")
                if f"a{k}" in result.errors or not isinstance(rows, list):
                    error = result.errors.get(f"a{k}")
                    item.action = "lookup_failed"
                    item.params = {"error": error.message if error is not None
                                   else "портал не ответил на чтение адресов реквизита"}
                    continue
                item.meta["addresses"] = sorted({str(r.get("TYPE_ID")) for r in rows if isinstance(r, dict)})

    def _lookup(self, items: list[Item]) -> None:
        """Read what the portal has for these records, in batches: identity fields, ИНН, current multifields."""
        for start in range(0, len(items), LOOKUP_CHUNK):
            self.ctx.check_cancelled()
            chunk = items[start:start + LOOKUP_CHUNK]
            commands: Commands = {}
            for k, item in enumerate(chunk):
                cp = item.record
                if item.action == "create":
                    commands[f"o{k}"] = crm_company.by_origin(self.originator, cp.ref)
                    commands[f"x{k}"] = crm_company.requisite_by_xml_id(cp.ref)
                    if item.payload.bankdetails:
                        commands[f"y{k}"] = crm_company.bankdetails_by_xml_id(list(item.payload.bankdetails))
                    if cp.inn:
                        commands[f"n{k}"] = crm_company.requisites_by_inn(cp.inn)
                elif item.action == "update":
                    commands[f"g{k}"] = crm_company.company(str(item.target_id))
            if not commands:
                continue
            self.ctx.progress(STAGES["lookup_portal"], start, len(items), entity=self.entity)
            result = self.b24.batch(commands)  # type: ignore[union-attr]
            for k, item in enumerate(chunk):
                if item.action == "create":
                    keys = [key for key in (f"o{k}", f"x{k}", f"y{k}", f"n{k}") if key in commands]
                    failed = [result.errors[key] for key in keys if key in result.errors]
                    unanswered = [key for key in keys if key not in result.result and key not in result.errors]
                    if failed or unanswered:
                        # without a reliable answer "not in the portal" is unknown: creating could duplicate
                        item.action = "lookup_failed"
                        item.params = {"error": failed[0].message if failed
                                       else "портал не ответил на поиск записи (ответ неполный)"}
                    else:
                        self._resolve_identity(item, result.result, k)
                elif item.action == "update":
                    company = result.result.get(f"g{k}")
                    error = result.errors.get(f"g{k}")
                    if (error is not None and not error.not_found) or (error is None and not isinstance(company, dict)):
                        # access denied, a portal fault, a garbled answer…: the company may well exist, never
                        # re-create it
                        item.action = "lookup_failed"
                        item.params = {"error": error.message if error is not None
                                       else "портал не ответил на чтение компании (ответ неполный)"}
                    elif error is not None:
                        # the manager deleted the company in the portal: start over rather than fail forever
                        log.info("company %s of %s is gone from the portal", item.target_id, item.key)
                        self.forget_link(item)
                        self._lookup([item])
                    else:
                        item.current = company

    def _resolve_from_index(self, items: list[Item], index: PortalIndex) -> None:
        for item in items:
            self.ctx.check_cancelled()
            found = index.lookup(item.key, item.record.inn)
            if found["o0"] or item.key in index.touched:
                # the portal already has it under our ORIGIN_ID (a lost answer, a reinstall): the per-record lookup
                # also finds its bank details
                self._lookup([item])
            else:
                self._resolve_identity(item, found, 0)

    def _resolve_identity(self, item: Item, res: dict[str, Any], k: int) -> None:
        cp = item.record
        by_origin = [c for c in (res.get(f"o{k}") or []) if isinstance(c, dict)]
        if by_origin:
            company = by_origin[0]
            item.target_id, item.target_title = str(company["ID"]), company.get("TITLE", "")
            requisites = [r for r in (res.get(f"x{k}") or []) if str(r.get("ENTITY_ID")) == item.target_id]
            item.meta["requisite_id"] = str(requisites[0]["ID"]) if requisites else None
            item.meta["bankdetails"] = {str(b["XML_ID"]): str(b["ID"]) for b in (res.get(f"y{k}") or [])}
            item.action, item.reason_code = "link", "linked_by_origin"
            item.params = {"origin_id": cp.ref}
            self._refetch_company(item)
            return
        if not cp.inn:
            item.reason_code = "created_no_inn"
            return
        candidates = res.get(f"n{k}") or []
        kpp = cp.kpp
        exact = [r for r in candidates if (r.get("RQ_KPP") or "") == kpp] if kpp else []
        no_kpp = [r for r in candidates if not r.get("RQ_KPP")]
        chosen = exact or no_kpp or ([] if kpp else candidates)
        company_ids = sorted({str(r["ENTITY_ID"]) for r in chosen})
        linked_elsewhere = {cid: lk for cid in company_ids
                            if (lk := self.store.link_by_b24(self.target_type, cid, self.entity))
                            and lk.onec_ref != cp.ref}
        free = [cid for cid in company_ids if cid not in linked_elsewhere]
        if len(free) == 1:
            requisite = next(r for r in chosen if str(r["ENTITY_ID"]) == free[0])
            item.target_id = free[0]
            item.meta["requisite_id"] = str(requisite["ID"])
            item.action, item.reason_code = "link", "linked_by_inn"
            item.params = {"inn": cp.inn, "kpp_part": f"/{kpp}" if kpp and requisite.get("RQ_KPP") else ""}
            self._refetch_company(item)
            item.params["b24_title"] = item.target_title
        elif free:
            item.action = "ambiguous"
            item.duplicates = [(cid, "") for cid in free]
            item.params = {"inn": cp.inn, "candidates": ", ".join(f"ID {cid}" for cid in free)}
        elif linked_elsewhere:
            # the portal company with this ИНН/КПП already mirrors another 1C counterparty: a duplicate in 1C
            other = next(iter(linked_elsewhere.values()))
            payload = other.meta.get("payload") or {}
            self._mark_onec_duplicate(item, (payload.get("company") or {}).get("TITLE") or other.onec_ref)
        else:
            item.reason_code = "created"
            item.params = {"inn": cp.inn}

    def _mark_onec_duplicate(self, item: Item, other_title: str) -> None:
        cp = item.record
        item.action = "onec_duplicate"
        item.target_id = None
        item.meta = {}
        item.params = {"other": other_title, "inn": cp.inn, "kpp_part": f"/{cp.kpp}" if cp.kpp else ""}

    def settle_conflicts(self, items: list[Item]) -> None:
        """Lookups ran before any write of this run, so two records may claim the same thing: the same ИНН/КПП
        twice in 1C (a duplicate in 1C: the first one wins, the rest are reported), or a head office and its
        branch both matching one portal company without КПП (the first links, the other gets its own company)."""
        by_key: dict[tuple[str, str], Item] = {}
        claimed: set[str] = set()
        for item in items:
            cp = item.record
            if item.action not in ("create", "link") or not cp.inn or item.reason_code == "linked_by_origin":
                continue
            first = by_key.setdefault((cp.inn, cp.kpp), item)
            if first is not item:
                self._mark_onec_duplicate(item, first.title)
                continue
            if item.action == "link":
                if item.target_id in claimed:
                    item.action, item.reason_code, item.params = "create", "created", {"inn": cp.inn}
                    item.target_id, item.current = None, None
                    item.meta = {}
                else:
                    claimed.add(str(item.target_id))

    def claims(self, item: Item) -> frozenset[str]:
        """Besides its own ORIGIN_ID/XML_ID a record's lookup finds portal requisites by ИНН: a record of a later
        slice with the same ИНН waits until this one's write is settled (then it links or is reported as a
        duplicate in 1C, never creates a second company). Probable duplicates are portal companies without our
        ORIGIN_ID, which our own writes never are."""
        inn = item.record.inn
        return frozenset({f"inn:{inn}"}) if inn else frozenset()

    def _refetch_company(self, item: Item) -> None:
        company = self.b24.call(*crm_company.company(str(item.target_id)))  # type: ignore[union-attr]
        item.current = company if isinstance(company, dict) else None
        item.target_title = (item.current or {}).get("TITLE") or item.target_title

    def find_duplicates(self, items: list[Item]) -> None:
        """Portal companies without ИНН whose names look like ours: reported for review, never merged."""
        index: PortalIndex | None = getattr(self, "_index", None)
        if index is not None:
            for item in items:
                item.duplicates = index.duplicate_candidates(item.record.name)
            self._index = None
            return
        for start in range(0, len(items), MAX_BATCH - 1):
            self.ctx.check_cancelled()
            chunk = [i for i in items[start:start + MAX_BATCH - 1] if names.search_stem(i.record.name)]
            if not chunk:
                continue
            commands = {f"d{k}": crm_company.similar_titles(names.search_stem(item.record.name))
                        for k, item in enumerate(chunk)}
            found = self.b24.batch(commands).result  # type: ignore[union-attr]
            candidates: dict[int, list[dict[str, Any]]] = {}
            for k, item in enumerate(chunk):
                rows = [c for c in (found.get(f"d{k}") or []) if isinstance(c, dict)
                        and not c.get("ORIGIN_ID") and names.probably_same(item.record.name, c.get("TITLE") or "")]
                if rows:
                    candidates[k] = rows
            ids = sorted({str(c["ID"]) for rows in candidates.values() for c in rows})
            with_inn = crm_company.companies_with_inn(self.b24, ids)  # type: ignore[arg-type]
            for k, rows in candidates.items():
                chunk[k].duplicates = [(str(c["ID"]), c.get("TITLE") or "") for c in rows
                                       if str(c["ID"]) not in with_inn]

    def on_failed(self, item: Item, code: str) -> None:
        if code == "ambiguous_inn":
            for dup_id, _ in item.duplicates:
                self.store.add_duplicate(entity=self.entity, onec_ref=item.key, b24_type=self.target_type,
                                         b24_id=dup_id, onec_title=item.title, b24_title=f"компания ID {dup_id}",
                                         reason=f"несколько компаний портала с ИНН {item.record.inn}")

    # ==== target: write =============================================================================================
    def commands(self, k: int, item: Item) -> Commands:
        if self._run_index is not None:
            self._run_index.touched.add(item.key)
        return build_commands(k, item, self.spec, self.originator, self._preset_id)

    def apply_results(self, item: Item, cmds: Commands, result: dict[str, Any]) -> None:
        apply_results(item, cmds, result)
        self._remember(item)

    def not_sent(self, item: Item) -> None:
        # never left the client: the index may answer for it (a touched record costs a lookup request of its own)
        if self._run_index is not None:
            self._run_index.touched.discard(item.key)

    def adopt(self, item: Item, probe: Item) -> None:
        super().adopt(item, probe)
        # found after a lost answer: later slices must see it by ИНН before its retry pass at the entity's end
        self._remember(item)

    def _remember(self, item: Item) -> None:
        if self._run_index is not None:
            requisite = item.payload.requisite
            self._run_index.remember(ref=item.key, originator=self.originator, company_id=item.target_id,
                                     title=item.title, requisite_id=item.meta.get("requisite_id"),
                                     inn=str(requisite.get("RQ_INN") or ""), kpp=str(requisite.get("RQ_KPP") or ""))

    def incomplete(self, item: Item, cmds: Commands) -> bool:
        return missing_ids(item, cmds)

    def _preset_id(self, kind: str) -> str:
        if self._presets is None:
            self._presets = crm_company.preset_ids(self.b24, self.spec["bitrix24"]["presets"])  # type: ignore[arg-type]
        if kind not in self._presets:
            raise crm_company.missing_preset(kind, self.spec["bitrix24"]["presets"][kind])
        return self._presets[kind]
