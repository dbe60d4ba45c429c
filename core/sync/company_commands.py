"""Bitrix24 write commands for one counterparty: company, requisite, bank details, multifield changes.

Pure functions over an :class:`Item`; the pipeline decides *whether* to write, this module says *what*.
One record's commands reference each other (``$result[c3]``) and therefore always travel in one batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.canonical import Counterparty
from core.mapping.counterparty import B24Payload, same_multifield_value
from core.state.store import Link

MAX_BATCH = 50


@dataclass
class Item:
    cp: Counterparty
    effective_version: str
    payload: B24Payload
    link: Link | None
    old_payload: B24Payload | None = None
    company_id: str | None = None
    requisite_id: str | None = None
    bankdetail_ids: dict[str, str] = field(default_factory=dict)
    current_company: dict[str, Any] | None = None  # portal company as read now (multifields with entry IDs)
    action: str = ""  # create | update | link | skip | fail | duplicate-hold
    reason_code: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    b24_title: str = ""
    outbox_id: int | None = None
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (company id, title) for review

    @property
    def title(self) -> str:
        return self.cp.name


Commands = dict[str, tuple[str, dict[str, Any]]]


def group_into_batches(plans: list[tuple[Item, Commands]]) -> list[list[tuple[Item, Commands]]]:
    """Pack whole records into batches of at most MAX_BATCH commands (a record is never split)."""
    batches: list[list[tuple[Item, Commands]]] = []
    size = MAX_BATCH + 1
    for plan in plans:
        if size + len(plan[1]) > MAX_BATCH:
            batches.append([])
            size = 0
        batches[-1].append(plan)
        size += len(plan[1])
    return batches


def build_commands(k: int, item: Item, spec: dict[str, Any], originator: str,
                   preset_id: Callable[[str], str]) -> Commands:
    """Batch commands for one record; keys carry the record index so results can be split back."""
    cmds: Commands = {}
    p, old = item.payload, item.old_payload
    if item.action == "mark":
        cmds[f"t{k}"] = ("crm.timeline.comment.add", {"fields": {
            "ENTITY_ID": item.company_id, "ENTITY_TYPE": "company",
            "COMMENT": f"Контрагент «{item.cp.name}» помечен на удаление в 1С. В Битрикс24 запись сохранена."}})
        return cmds
    identity = {"ORIGINATOR_ID": originator, "ORIGIN_ID": item.cp.ref, "ORIGIN_VERSION": item.cp.version}
    if item.company_id is None:
        fields = {**p.company, **identity}
        for kind, values in p.multifields.items():
            fields[kind] = [{"VALUE": v, "VALUE_TYPE": spec["bitrix24"]["multifield_value_type"]}
                            for v in values]
        cmds[f"c{k}"] = ("crm.company.add", {"fields": fields, "params": {"REGISTER_SONET_EVENT": "N"}})
        company_ref = f"$result[c{k}]"
    else:
        fields = {key: v for key, v in p.company.items() if old is None or old.company.get(key) != v}
        fields.update(identity)
        fields.update(multifield_changes(item, spec))
        cmds[f"c{k}"] = ("crm.company.update", {"id": item.company_id, "fields": fields,
                                                "params": {"REGISTER_SONET_EVENT": "N"}})
        company_ref = item.company_id
    requisite_fields = {**p.requisite, "XML_ID": item.cp.ref, "ORIGINATOR_ID": originator}
    if item.requisite_id is None:
        cmds[f"r{k}"] = ("crm.requisite.add", {"fields": {
            "ENTITY_TYPE_ID": 4, "ENTITY_ID": company_ref, "PRESET_ID": preset_id(p.preset_kind),
            **requisite_fields}})
        requisite_ref = f"$result[r{k}]"
    else:
        if old is None or old.requisite != p.requisite or old.preset_kind != p.preset_kind:
            changed = {key: v for key, v in requisite_fields.items()
                       if old is None or old.requisite.get(key) != v or key in ("XML_ID", "ORIGINATOR_ID")}
            if old is None or old.preset_kind != p.preset_kind:
                changed["PRESET_ID"] = preset_id(p.preset_kind)
            cmds[f"r{k}"] = ("crm.requisite.update", {"id": item.requisite_id, "fields": changed})
        requisite_ref = item.requisite_id
    for j, (acc_ref, bank_fields) in enumerate(p.bankdetails.items()):
        fields = {**bank_fields, "XML_ID": acc_ref, "ORIGINATOR_ID": originator}
        if acc_ref in item.bankdetail_ids:
            if old is None or old.bankdetails.get(acc_ref) != bank_fields:
                cmds[f"b{k}_{j}"] = ("crm.requisite.bankdetail.update",
                                     {"id": item.bankdetail_ids[acc_ref], "fields": fields})
        else:
            cmds[f"b{k}_{j}"] = ("crm.requisite.bankdetail.add",
                                 {"fields": {"ENTITY_ID": requisite_ref, "COUNTRY_ID": 1, **fields}})
    for j, acc_ref in enumerate(sorted(set(item.bankdetail_ids) - set(p.bankdetails))):
        # only bank details we created ourselves (XML_ID = 1C ref) are removed when 1C drops the account
        cmds[f"e{k}_{j}"] = ("crm.requisite.bankdetail.delete", {"id": item.bankdetail_ids[acc_ref]})
    return cmds


def multifield_changes(item: Item, spec: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """PHONE/EMAIL changes by entry ID: add 1C values the portal lacks, delete values *we* wrote earlier that
    1C no longer has; values managers added in the portal stay untouched."""
    current = item.current_company or {}
    changes: dict[str, list[dict[str, Any]]] = {}
    for kind, values in item.payload.multifields.items():
        entries = current.get(kind) or []
        ops: list[dict[str, Any]] = []
        for value in values:
            if not any(same_multifield_value(kind, e.get("VALUE", ""), value) for e in entries):
                ops.append({"VALUE": value, "VALUE_TYPE": spec["bitrix24"]["multifield_value_type"]})
        previously = item.old_payload.multifields.get(kind, []) if item.old_payload else []
        for gone in previously:
            if any(same_multifield_value(kind, gone, v) for v in values):
                continue
            for entry in entries:
                if same_multifield_value(kind, entry.get("VALUE", ""), gone):
                    ops.append({"ID": entry["ID"], "DELETE": "Y"})
        if ops:
            changes[kind] = ops
    return changes


def apply_results(item: Item, cmds: Commands, res: dict[str, Any]) -> None:
    """Take the ids the portal gave to created records back into the item."""
    for key, (method, params) in cmds.items():
        value = res.get(key)
        if value in (None, False):
            continue
        if method == "crm.company.add":
            item.company_id = str(value)
        elif method == "crm.requisite.add":
            item.requisite_id = str(value)
        elif method == "crm.requisite.bankdetail.add":
            item.bankdetail_ids[params["fields"]["XML_ID"]] = str(value)
        elif method == "crm.requisite.bankdetail.delete":
            item.bankdetail_ids = {r: i for r, i in item.bankdetail_ids.items() if i != params["id"]}
