"""Pipeline 1C → Bitrix24: Catalog_Контрагенты (+ bank accounts) → company + requisite + bank details.

Flow of one record: light poll (Ref_Key, DataVersion) → changed? → full 1C read → canonical record → mapping →
match in the portal (link table → ORIGIN_ID → ИНН(+КПП)) → probable-duplicate check → batched writes → links,
versions and a journal line with a readable reason.

Writes are batched (≤ 50 commands, one HTTP request against the portal's rate limit); one record's commands
always travel in the same batch because later commands refer to earlier results (``$result[c1]``).
A batch whose answer is lost is never re-sent: its records are looked up by ORIGIN_ID / XML_ID first.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from core.bitrix24.client import Bitrix24Client
from core.errors import AnswerLost, ConfigError, RemoteError
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
from core.messages import STAGES
from core.onec.client import OneCClient
from core.onec.payload import composite
from core.state.store import Link
from core.sync.company_commands import (
    MAX_BATCH,
    Commands,
    Item,
    apply_results,
    build_commands,
    group_into_batches,
)
from core.sync.context import RunContext
from core.sync.portal_index import PortalIndex

log = logging.getLogger(__name__)

ENTITY = "counterparty"
B24_TYPE = "company"
LOOKUP_CHUNK = 12  # records per lookup batch (≤ 4 commands each)
PROCESS_CHUNK = 2000  # changed records read, matched and written per slice
# decisions that end a record's journey in this run with a journaled reason
FAILING_ACTIONS = {"ambiguous": "ambiguous_inn", "onec_duplicate": "onec_duplicate_inn",
                   "lookup_failed": "failed_remote"}


def _effective_version(data_version: str, accounts: list[tuple[str, str]]) -> str:
    """One version for the counterparty *and* its bank accounts: a change to either makes the record dirty."""
    if not accounts:
        return data_version
    blob = data_version + "|" + "|".join(f"{ref}:{ver}" for ref, ver in sorted(accounts))
    return data_version + "+" + hashlib.sha1(blob.encode()).hexdigest()[:12]


class CounterpartyPipeline:
    def __init__(self, onec: OneCClient, b24: Bitrix24Client, table: dict[str, Any], originator_id: str,
                 ctx: RunContext) -> None:
        self.onec = onec
        self.b24 = b24
        self.table = table
        self.spec = table["counterparty"]
        self.originator = originator_id
        self.ctx = ctx
        self.store = ctx.store
        self._presets: dict[str, str] | None = None
        # outbox items a previous (crashed or cut-off) run left behind, by 1C ref: closed once the record is settled
        self._stale_outbox: dict[str, list[int]] = {}

    # ==== 1. what changed in 1C =================================================================================
    def run(self) -> None:
        ctx = self.ctx
        ctx.progress(STAGES["poll_counterparties"])
        cp_spec, acc_spec = self.spec["onec"], self.spec["bank_accounts"]
        rows = self.onec.list(cp_spec["entity_set"], select=cp_spec["poll_select"])
        ctx.check_cancelled()
        acc_rows = self.onec.list(acc_spec["entity_set"], select=acc_spec["poll_select"])
        accounts_by_owner: dict[str, list[dict[str, Any]]] = {}
        for acc in acc_rows:
            owner_type, owner = composite(acc, acc_spec["owner_field"])
            if owner and owner_type == acc_spec["owner_type"]:
                accounts_by_owner.setdefault(owner, []).append(acc)

        stored = self.store.versions("onec", ENTITY)
        for leftover in self.store.outbox():
            if leftover.entity == ENTITY and leftover.onec_ref:
                self._stale_outbox.setdefault(leftover.onec_ref, []).append(leftover.id)
        uncertain = set(self._stale_outbox)
        dirty: dict[str, str] = {}
        for row in rows:
            ref = row["Ref_Key"]
            eff = _effective_version(str(row["DataVersion"]),
                                     [(a["Ref_Key"], str(a["DataVersion"])) for a in accounts_by_owner.get(ref, [])])
            if ref in uncertain or stored.get(ref, ("", ""))[0] != eff:
                dirty[ref] = eff
        ctx.counts["unchanged"] += len(rows) - len(dirty)
        ctx.counts["seen"] += len(rows)
        if not dirty:
            ctx.progress(STAGES["no_changes"], len(rows), len(rows))
            return
        # in slices, so that memory stays flat however many records changed (a first load of 100 000 cards)
        refs = list(dirty)
        for start in range(0, len(refs), PROCESS_CHUNK):
            self.process({ref: dirty[ref] for ref in refs[start:start + PROCESS_CHUNK]}, accounts_by_owner)

    def process(self, dirty: dict[str, str], accounts_by_owner: dict[str, list[dict[str, Any]]],
                *, retry_pass: bool = False) -> None:
        ctx = self.ctx
        cp_spec, acc_spec, bank_spec = self.spec["onec"], self.spec["bank_accounts"], self.spec["banks"]
        ctx.progress(STAGES["read_changed"], 0, len(dirty))
        full = self.onec.get_many(cp_spec["entity_set"], list(dirty), select=cp_spec["select"])
        acc_refs = [a["Ref_Key"] for ref in dirty for a in accounts_by_owner.get(ref, [])]
        accounts = self.onec.get_many(acc_spec["entity_set"], acc_refs, select=acc_spec["select"]) if acc_refs else {}
        bank_field = acc_spec["fields"]["bank_ref"]
        bank_refs = sorted({a[bank_field] for a in accounts.values() if a.get(bank_field)
                            and a[bank_field] != "00000000-0000-0000-0000-000000000000"})
        banks = self.onec.get_many(bank_spec["entity_set"], bank_refs, select=bank_spec["select"]) if bank_refs else {}
        ctx.check_cancelled()

        items: list[Item] = []
        for ref, eff in dirty.items():
            row = full.get(ref)
            if row is None:  # physically deleted between the poll and the read
                continue
            active = [accounts[a["Ref_Key"]] for a in accounts_by_owner.get(ref, [])
                      if a["Ref_Key"] in accounts and account_is_active(accounts[a["Ref_Key"]], self.table)]
            cp = counterparty_from_onec(row, active, banks, self.table)
            item = Item(cp=cp, effective_version=eff, payload=counterparty_to_b24(cp, self.table),
                        link=self.store.get_link(ENTITY, ref, B24_TYPE))
            if item.link:
                item.company_id = item.link.b24_id
                item.requisite_id = item.link.meta.get("requisite_id")
                item.bankdetail_ids = dict(item.link.meta.get("bankdetails", {}))
                item.old_payload = payload_from_json(item.link.meta.get("payload"))
            items.append(item)

        work = [item for item in items if self._classify(item)]
        creates = [item for item in work if item.action == "create"]
        index = PortalIndex.load(self.b24, self.originator) \
            if PortalIndex.worth_loading(self.b24, len(creates)) else None
        if index is not None:
            ctx.progress(STAGES["lookup_portal"], 0, len(work))
            self._resolve_from_index(creates, index)
            self._lookup([item for item in work if item.action == "update"])
        else:
            self._lookup(work)
        self._settle_conflicts(work)
        ctx.check_cancelled()
        if index is not None:
            for item in work:
                if item.action == "create":
                    item.duplicates = index.duplicate_candidates(item.cp.name)
        else:
            self._find_probable_duplicates([i for i in work if i.action == "create"])
        if ctx.dry_run:
            for item in work:
                self._report_dry_run(item)
            return
        recovered = self._write(work)
        if recovered and not retry_pass:
            # answers were lost; what the portal stored was found by identity: finish those records now, once
            self.process({i.cp.ref: i.effective_version for i in recovered}, accounts_by_owner, retry_pass=True)

    # ==== 2. decide what each record needs ======================================================================
    def _classify(self, item: Item) -> bool:
        """Settle records that need no portal access; return True for those that do."""
        cp = item.cp
        if cp.deleted:
            if item.link:
                item.action, item.reason_code = "mark", "marked_deleted"
                return True
            self._finish_skip(item, "skip_deleted_unlinked")
            return False
        problems = validation_problems(cp)
        if problems:
            self._fail(item, "failed_invalid", {"problem": "; ".join(problems)})
            return False
        if item.link and item.old_payload and item.old_payload.digest() == item.payload.digest():
            self._finish_skip(item, "skip_same_payload")
            return False
        item.action = "update" if item.link else "create"
        return True

    def _lookup(self, items: list[Item]) -> None:
        """Read what the portal has for these records, in batches: identity fields, ИНН, current multifields."""
        for start in range(0, len(items), LOOKUP_CHUNK):
            chunk = items[start:start + LOOKUP_CHUNK]
            commands: Commands = {}
            for k, item in enumerate(chunk):
                if item.action == "create":
                    commands[f"o{k}"] = ("crm.company.list", {
                        "filter": {"ORIGINATOR_ID": self.originator, "ORIGIN_ID": item.cp.ref},
                        "select": ["ID", "TITLE"], "order": {"ID": "ASC"}})
                    commands[f"x{k}"] = ("crm.requisite.list", {
                        "filter": {"ENTITY_TYPE_ID": 4, "XML_ID": item.cp.ref}, "select": ["ID", "ENTITY_ID"]})
                    if item.payload.bankdetails:
                        commands[f"y{k}"] = ("crm.requisite.bankdetail.list", {
                            "filter": {"@XML_ID": list(item.payload.bankdetails)}, "select": ["ID", "XML_ID"]})
                    if item.cp.inn:
                        commands[f"n{k}"] = ("crm.requisite.list", {
                            "filter": {"ENTITY_TYPE_ID": 4, "RQ_INN": item.cp.inn},
                            "select": ["ID", "ENTITY_ID", "RQ_INN", "RQ_KPP", "XML_ID"]})
                elif item.action == "update":
                    commands[f"g{k}"] = ("crm.company.get", {"id": item.company_id})
            if not commands:
                continue
            self.ctx.progress(STAGES["lookup_portal"], start, len(items))
            result = self.b24.batch(commands)
            for k, item in enumerate(chunk):
                if item.action == "create":
                    keys = (f"o{k}", f"x{k}", f"y{k}", f"n{k}")
                    failed = [result.errors[key] for key in keys if key in result.errors]
                    if failed:
                        # without a reliable answer "not in the portal" is unknown: creating could duplicate
                        item.action, item.params = "lookup_failed", {"error": failed[0].message}
                    else:
                        self._resolve_identity(item, result.result, k)
                elif item.action == "update":
                    company = result.result.get(f"g{k}")
                    error = result.errors.get(f"g{k}")
                    if error is not None and not error.not_found:
                        # access denied, a portal fault…: the company may well exist, so never re-create it
                        item.action = "lookup_failed"
                        item.params = {"error": error.message}
                    elif error is not None or not company:
                        # the manager deleted the company in the portal: start over rather than fail forever
                        log.info("company %s of %s is gone from the portal", item.company_id, item.cp.ref)
                        self.store.delete_link(ENTITY, item.cp.ref, B24_TYPE)
                        item.link, item.company_id, item.requisite_id, item.old_payload = None, None, None, None
                        item.bankdetail_ids = {}
                        item.action = "create"
                        self._lookup([item])
                    else:
                        item.current_company = company

    def _resolve_from_index(self, items: list[Item], index: PortalIndex) -> None:
        for item in items:
            found = index.lookup(item.cp.ref, item.cp.inn)
            if found["o0"]:
                # the portal already has it under our ORIGIN_ID (a lost answer, a reinstall): the per-record lookup
                # also finds its bank details
                self._lookup([item])
            else:
                self._resolve_identity(item, found, 0)

    def _resolve_identity(self, item: Item, res: dict[str, Any], k: int) -> None:
        by_origin = res.get(f"o{k}") or []
        if by_origin:
            company = by_origin[0]
            item.company_id, item.b24_title = str(company["ID"]), company.get("TITLE", "")
            requisites = [r for r in (res.get(f"x{k}") or []) if str(r.get("ENTITY_ID")) == item.company_id]
            item.requisite_id = str(requisites[0]["ID"]) if requisites else None
            item.bankdetail_ids = {str(b["XML_ID"]): str(b["ID"]) for b in (res.get(f"y{k}") or [])}
            item.action, item.reason_code = "link", "linked_by_origin"
            item.params = {"origin_id": item.cp.ref}
            self._refetch_company(item)
            return
        if not item.cp.inn:
            item.reason_code = "created_no_inn"
            return
        candidates = res.get(f"n{k}") or []
        kpp = item.cp.kpp
        exact = [r for r in candidates if (r.get("RQ_KPP") or "") == kpp] if kpp else []
        no_kpp = [r for r in candidates if not r.get("RQ_KPP")]
        chosen = exact or no_kpp or ([] if kpp else candidates)
        company_ids = sorted({str(r["ENTITY_ID"]) for r in chosen})
        linked_elsewhere = {cid: lk for cid in company_ids
                            if (lk := self.store.link_by_b24(B24_TYPE, cid, ENTITY)) and lk.onec_ref != item.cp.ref}
        free = [cid for cid in company_ids if cid not in linked_elsewhere]
        if len(free) == 1:
            requisite = next(r for r in chosen if str(r["ENTITY_ID"]) == free[0])
            item.company_id, item.requisite_id = free[0], str(requisite["ID"])
            item.action, item.reason_code = "link", "linked_by_inn"
            item.params = {"inn": item.cp.inn, "kpp_part": f"/{kpp}" if kpp and requisite.get("RQ_KPP") else ""}
            self._refetch_company(item)
            item.params["b24_title"] = item.b24_title
        elif free:
            item.action = "ambiguous"
            item.duplicates = [(cid, "") for cid in free]
            item.params = {"inn": item.cp.inn, "candidates": ", ".join(f"ID {cid}" for cid in free)}
        elif linked_elsewhere:
            # the portal company with this ИНН/КПП already mirrors another 1C counterparty: a duplicate in 1C
            other = next(iter(linked_elsewhere.values()))
            payload = other.meta.get("payload") or {}
            self._mark_onec_duplicate(item, (payload.get("company") or {}).get("TITLE") or other.onec_ref)
        else:
            item.reason_code = "created"
            item.params = {"inn": item.cp.inn}

    def _mark_onec_duplicate(self, item: Item, other_title: str) -> None:
        item.action = "onec_duplicate"
        item.company_id = item.requisite_id = None
        item.params = {"other": other_title, "inn": item.cp.inn, "kpp_part": f"/{item.cp.kpp}" if item.cp.kpp else ""}

    def _settle_conflicts(self, items: list[Item]) -> None:
        """Lookups ran before any write of this run, so two records may claim the same thing: the same ИНН/КПП
        twice in 1C (a duplicate in 1C: the first one wins, the rest are reported), or a head office and its
        branch both matching one portal company without КПП (the first links, the other gets its own company)."""
        by_key: dict[tuple[str, str], Item] = {}
        claimed: set[str] = set()
        for item in items:
            if item.action not in ("create", "link") or not item.cp.inn or item.reason_code == "linked_by_origin":
                continue
            first = by_key.setdefault((item.cp.inn, item.cp.kpp), item)
            if first is not item:
                self._mark_onec_duplicate(item, first.title)
                continue
            if item.action == "link":
                if item.company_id in claimed:
                    item.action, item.reason_code, item.params = "create", "created", {"inn": item.cp.inn}
                    item.company_id = item.requisite_id = item.current_company = None
                else:
                    claimed.add(str(item.company_id))

    def _refetch_company(self, item: Item) -> None:
        company = self.b24.call("crm.company.get", {"id": item.company_id})
        item.current_company = company
        item.b24_title = company.get("TITLE") or item.b24_title

    def _find_probable_duplicates(self, items: list[Item]) -> None:
        """Portal companies without ИНН whose names look like ours: reported for review, never merged."""
        for start in range(0, len(items), MAX_BATCH - 1):
            chunk = [i for i in items[start:start + MAX_BATCH - 1] if names.search_stem(i.cp.name)]
            if not chunk:
                continue
            commands = {f"d{k}": ("crm.company.list", {
                "filter": {"%TITLE": names.search_stem(item.cp.name)}, "select": ["ID", "TITLE", "ORIGIN_ID"],
                "order": {"ID": "ASC"}}) for k, item in enumerate(chunk)}
            found = self.b24.batch(commands).result
            candidates: dict[int, list[dict[str, Any]]] = {}
            for k, item in enumerate(chunk):
                rows = [c for c in (found.get(f"d{k}") or [])
                        if not c.get("ORIGIN_ID") and names.probably_same(item.cp.name, c.get("TITLE") or "")]
                if rows:
                    candidates[k] = rows
            ids = sorted({str(c["ID"]) for rows in candidates.values() for c in rows})
            with_inn: set[str] = set()
            if ids:
                for req in self.b24.list_all("crm.requisite.list", {
                        "filter": {"ENTITY_TYPE_ID": 4, "@ENTITY_ID": ids}, "select": ["ID", "ENTITY_ID", "RQ_INN"]}):
                    if req.get("RQ_INN"):
                        with_inn.add(str(req["ENTITY_ID"]))
            for k, rows in candidates.items():
                chunk[k].duplicates = [(str(c["ID"]), c.get("TITLE") or "") for c in rows
                                       if str(c["ID"]) not in with_inn]

    # ==== 3. dry run ============================================================================================
    def _report_dry_run(self, item: Item) -> None:
        ctx = self.ctx
        if item.action in FAILING_ACTIONS:
            self._fail(item, FAILING_ACTIONS[item.action], item.params)
            return
        if item.action == "create":
            code, params = "dry_run_create", {}
        elif item.action == "link":
            code, params = "dry_run_link", {"b24_title": item.b24_title, "inn": item.cp.inn or "—"}
        elif item.action == "mark":
            code, params = "marked_deleted", {}
        else:
            code = "dry_run_update"
            params = {"fields": ", ".join(changed_fields(item.old_payload, item.payload)) or "все поля"}
        ctx.counts["planned_" + item.action] += 1
        ctx.planned.append({"action": item.action, "title": item.title, "onec_ref": item.cp.ref,
                            "b24_id": item.company_id, "duplicates": [t for _, t in item.duplicates]})
        ctx.journal(entity=ENTITY, action="plan", reason_code=code, params=params, onec_ref=item.cp.ref,
                    b24_id=item.company_id, title=item.title)
        for _, dup_title in item.duplicates:
            ctx.journal(entity=ENTITY, action="duplicate", reason_code="probable_duplicate",
                        params={"b24_title": dup_title, "onec_title": item.title}, onec_ref=item.cp.ref,
                        title=item.title)

    # ==== 4. writes =============================================================================================
    def _preset_id(self, kind: str) -> str:
        if self._presets is None:
            presets = self.b24.call("crm.requisite.preset.list", {"select": ["ID", "NAME"]}) or []
            wanted = self.spec["bitrix24"]["presets"]
            self._presets = {}
            for preset_kind, labels in wanted.items():
                for preset in presets:
                    if (preset.get("NAME") or "").strip().lower() in (label.lower() for label in labels):
                        self._presets[preset_kind] = str(preset["ID"])
                        break
        if kind not in self._presets:
            raise ConfigError(
                f"В портале нет шаблона реквизитов для вида «{kind}» "
                f"(ожидался один из: {', '.join(self.spec['bitrix24']['presets'][kind])}).",
                "Создайте шаблон в CRM → Настройки → Реквизиты или укажите его в таблице соответствий.")
        return self._presets[kind]

    def _write(self, items: list[Item]) -> list[Item]:
        ctx = self.ctx
        for item in items:
            if item.action in FAILING_ACTIONS:
                self._fail(item, FAILING_ACTIONS[item.action], item.params)
        todo = [i for i in items if i.action in ("create", "update", "link", "mark")]
        plans = [(item, build_commands(k, item, self.spec, self.originator, self._preset_id))
                 for k, item in enumerate(todo)]
        recovered: list[Item] = []
        done = 0
        for batch in group_into_batches(plans):
            ctx.check_cancelled()
            ctx.progress(STAGES["write_portal"], done, len(plans))
            recovered += self._send(batch)
            done += len(batch)
        ctx.progress(STAGES["write_portal"], done, len(plans))
        return recovered

    def _send(self, batch: list[tuple[Item, Commands]]) -> list[Item]:
        ctx = self.ctx
        commands: Commands = {}
        for item, cmds in batch:
            item.outbox_id = self.store.outbox_add(run_id=ctx.run_id, target="b24", entity=ENTITY,
                                                   onec_ref=item.cp.ref, operation=item.action,
                                                   payload={"commands": list(cmds)})
            self.store.outbox_mark(item.outbox_id, "in_flight")
            commands.update(cmds)
        if not commands:
            for item, _ in batch:
                self._finish_ok(item, {})
            return []
        try:
            result = self.b24.batch(commands)
        except AnswerLost as exc:
            log.warning("batch answer lost: %s", exc.message)
            return self._recover_lost([item for item, _ in batch])
        except RemoteError as exc:
            for item, _ in batch:
                self.store.outbox_mark(item.outbox_id, "failed", exc.message)  # type: ignore[arg-type]
                self._fail(item, "failed_remote", {"error": exc.message})
            return []
        for item, cmds in batch:
            errors = {key: result.errors[key] for key in cmds if key in result.errors}
            apply_results(item, cmds, result.result)
            if errors:
                first = next(iter(errors.values()))
                self.store.outbox_mark(item.outbox_id, "failed", first.message)  # type: ignore[arg-type]
                self._save_link(item, payload_json=None)  # partial: next run resends everything, idempotently
                self._fail(item, "failed_remote", {"error": first.message})
            else:
                self._finish_ok(item, cmds)
        return []

    def _recover_lost(self, items: list[Item]) -> list[Item]:
        """The portal may have stored some of the batch: find records by identity, never re-send blindly."""
        recovered = []
        for item in items:
            self.store.outbox_mark(item.outbox_id, "uncertain", "ответ портала потерян")  # type: ignore[arg-type]
            probe = Item(cp=item.cp, effective_version=item.effective_version, payload=item.payload, link=None,
                         action="create")
            try:
                self._lookup([probe])
            except Exception as exc:  # the portal is still unreachable: leave it uncertain for the next run
                log.warning("lookup after lost answer failed: %s", exc)
                probe.action = "unknown"
            if probe.company_id:
                item.company_id, item.requisite_id = probe.company_id, probe.requisite_id
                item.bankdetail_ids = probe.bankdetail_ids
                self._save_link(item, payload_json=None)
                self.store.outbox_mark(item.outbox_id, "done")  # type: ignore[arg-type]
                self.ctx.journal(entity=ENTITY, action="recover", reason_code="answer_lost_recovered",
                                 onec_ref=item.cp.ref, b24_id=item.company_id, title=item.title)
                recovered.append(item)
            elif item.company_id is None and probe.action != "unknown":
                # nothing reached the portal: it is safe to create it on the next pass of this same run
                self.store.outbox_mark(item.outbox_id, "done")  # type: ignore[arg-type]
                recovered.append(item)
            else:
                self.ctx.counts["failed"] += 1
                self.ctx.journal(entity=ENTITY, action="fail", reason_code="answer_lost_pending",
                                 onec_ref=item.cp.ref, b24_id=item.company_id, title=item.title)
        return recovered

    # ==== 5. bookkeeping ========================================================================================
    def _save_link(self, item: Item, payload_json: dict[str, Any] | None) -> None:
        if item.company_id is None:
            return
        self.store.save_link(Link(ENTITY, item.cp.ref, B24_TYPE, item.company_id, {
            "requisite_id": item.requisite_id, "bankdetails": item.bankdetail_ids, "payload": payload_json}))

    def _finish_ok(self, item: Item, cmds: dict[str, Any]) -> None:
        ctx = self.ctx
        with self.store.transaction():
            self._save_link(item, payload_to_json(item.payload))
            self.store.save_version("onec", ENTITY, item.cp.ref, item.effective_version, item.payload.digest())
            if item.outbox_id is not None:
                self.store.outbox_mark(item.outbox_id, "done")
            self._close_stale_outbox(item)
            if item.action == "create":
                code = item.reason_code or "created"
                ctx.counts["created"] += 1
                ctx.journal(entity=ENTITY, action="create", reason_code=code, params=item.params,
                            onec_ref=item.cp.ref, b24_id=item.company_id, title=item.title)
            elif item.action == "link":
                ctx.counts["linked"] += 1
                ctx.journal(entity=ENTITY, action="link", reason_code=item.reason_code, params=item.params,
                            onec_ref=item.cp.ref, b24_id=item.company_id, title=item.title)
            elif item.action == "mark":
                ctx.counts["marked"] += 1
                ctx.journal(entity=ENTITY, action="mark", reason_code="marked_deleted", onec_ref=item.cp.ref,
                            b24_id=item.company_id, title=item.title)
            else:
                ctx.counts["updated"] += 1
                fields = ", ".join(changed_fields(item.old_payload, item.payload)) or "все поля (повторная сверка)"
                ctx.journal(entity=ENTITY, action="update", reason_code="updated", params={"fields": fields},
                            onec_ref=item.cp.ref, b24_id=item.company_id, title=item.title)
            for dup_id, dup_title in item.duplicates:
                if self.store.add_duplicate(entity=ENTITY, onec_ref=item.cp.ref, b24_type=B24_TYPE, b24_id=dup_id,
                                            onec_title=item.title, b24_title=dup_title,
                                            reason="похожее название, у компании портала нет ИНН"):
                    ctx.counts["duplicates"] += 1
                    ctx.journal(entity=ENTITY, action="duplicate", reason_code="probable_duplicate",
                                params={"b24_title": dup_title, "onec_title": item.title}, onec_ref=item.cp.ref,
                                b24_id=dup_id, title=item.title)

    def _close_stale_outbox(self, item: Item) -> None:
        for stale_id in self._stale_outbox.pop(item.cp.ref, []):
            self.store.outbox_mark(stale_id, "done")

    def _finish_skip(self, item: Item, code: str) -> None:
        self.ctx.counts["skipped"] += 1
        if not self.ctx.dry_run:
            self._close_stale_outbox(item)
            self.store.save_version("onec", ENTITY, item.cp.ref, item.effective_version,
                                    item.old_payload.digest() if item.old_payload else "")
        self.ctx.journal(entity=ENTITY, action="skip", reason_code=code, onec_ref=item.cp.ref,
                         b24_id=item.company_id, title=item.title)

    def _fail(self, item: Item, code: str, params: dict[str, Any]) -> None:
        self.ctx.counts["failed"] += 1
        self.ctx.journal(entity=ENTITY, action="fail", reason_code=code, params=params, onec_ref=item.cp.ref,
                         b24_id=item.company_id, title=item.title)
        if code == "ambiguous_inn" and not self.ctx.dry_run:
            for dup_id, _ in item.duplicates:
                self.store.add_duplicate(entity=ENTITY, onec_ref=item.cp.ref, b24_type=B24_TYPE, b24_id=dup_id,
                                         onec_title=item.title, b24_title=f"компания ID {dup_id}",
                                         reason=f"несколько компаний портала с ИНН {item.cp.inn}")
