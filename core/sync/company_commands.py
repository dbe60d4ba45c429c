"""Bitrix24 write commands for one counterparty: company, requisite, bank details, multifield changes.

Pure functions over an :class:`Item` (``record`` a Counterparty, ``payload`` a B24Payload, ``target_id`` the company,
``meta`` the requisite and bank detail ids); the pipeline decides *whether* to write, this module says *what*.
One record's commands reference each other (``$result[c3]``) and therefore always travel in one batch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.bitrix24.batch import reference
from core.mapping.counterparty import same_multifield_value
from core.sync.pipeline import Commands, Item

REQUISITE_OWNER = 8  # crm.address ENTITY_TYPE_ID of a requisite


def _ids(item: Item) -> tuple[str | None, str | None, dict[str, str]]:
    return item.target_id, item.meta.get("requisite_id"), dict(item.meta.get("bankdetails") or {})


def build_commands(k: int, item: Item, spec: dict[str, Any], originator: str,
                   preset_id: Callable[[str], str]) -> Commands:
    """Batch commands for one record; keys carry the record index so results can be split back."""
    cmds: Commands = {}
    p, old, cp = item.payload, item.old_payload, item.record
    company_id, requisite_id, bankdetail_ids = _ids(item)
    if item.action == "mark":
        cmds[f"t{k}"] = ("crm.timeline.comment.add", {"fields": {
            "ENTITY_ID": company_id, "ENTITY_TYPE": "company",
            "COMMENT": f"Контрагент «{cp.name}» помечен на удаление в 1С. В Битрикс24 запись сохранена."}})
        return cmds
    identity = {"ORIGINATOR_ID": originator, "ORIGIN_ID": cp.ref, "ORIGIN_VERSION": cp.version}
    if company_id is None:
        fields = {**p.company, **identity}
        for kind, values in p.multifields.items():
            fields[kind] = [{"VALUE": v, "VALUE_TYPE": spec["bitrix24"]["multifield_value_type"]}
                            for v in values]
        cmds[f"c{k}"] = ("crm.company.add", {"fields": fields, "params": {"REGISTER_SONET_EVENT": "N"}})
        company_ref = reference(f"c{k}")
    else:
        fields = {key: v for key, v in p.company.items() if old is None or old.company.get(key) != v}
        fields.update(identity)
        fields.update(multifield_changes(item, spec))
        cmds[f"c{k}"] = ("crm.company.update", {"id": company_id, "fields": fields,
                                                "params": {"REGISTER_SONET_EVENT": "N"}})
        company_ref = company_id
    requisite_fields = {**p.requisite, "XML_ID": cp.ref, "ORIGINATOR_ID": originator}
    if requisite_id is None:
        cmds[f"r{k}"] = ("crm.requisite.add", {"fields": {
            "ENTITY_TYPE_ID": 4, "ENTITY_ID": company_ref, "PRESET_ID": preset_id(p.preset_kind),
            **requisite_fields}})
        requisite_ref = reference(f"r{k}")
    else:
        if old is None or old.requisite != p.requisite or old.preset_kind != p.preset_kind:
            changed = {key: v for key, v in requisite_fields.items()
                       if old is None or old.requisite.get(key) != v or key in ("XML_ID", "ORIGINATOR_ID")}
            if old is None or old.preset_kind != p.preset_kind:
                changed["PRESET_ID"] = preset_id(p.preset_kind)
            cmds[f"r{k}"] = ("crm.requisite.update", {"id": requisite_id, "fields": changed})
        requisite_ref = requisite_id
    for j, (acc_ref, bank_fields) in enumerate(p.bankdetails.items()):
        fields = {**bank_fields, "XML_ID": acc_ref, "ORIGINATOR_ID": originator}
        if acc_ref in bankdetail_ids:
            if old is None or old.bankdetails.get(acc_ref) != bank_fields:
                cmds[f"b{k}_{j}"] = ("crm.requisite.bankdetail.update",
                                     {"id": bankdetail_ids[acc_ref], "fields": fields})
        else:
            cmds[f"b{k}_{j}"] = ("crm.requisite.bankdetail.add",
                                 {"fields": {"ENTITY_ID": requisite_ref, "COUNTRY_ID": 1, **fields}})
    for j, acc_ref in enumerate(sorted(set(bankdetail_ids) - set(p.bankdetails))):
        # only bank details we created ourselves (XML_ID = 1C ref) are removed when 1C drops the account
        cmds[f"e{k}_{j}"] = ("crm.requisite.bankdetail.delete", {"id": bankdetail_ids[acc_ref]})
    cmds.update(address_commands(k, item, requisite_ref))
    return cmds


def address_commands(k: int, item: Item, requisite_ref: str) -> Commands:
    """crm.address on the requisite. An address has no id: (TYPE_ID, requisite) is its identity, ``meta['addresses']``
    the types the portal has there (what we wrote, or what the lookup found on a requisite we linked to). An update
    replaces the whole address, so every field is always sent; an address 1C dropped is deleted only if we wrote it."""
    p, old = item.payload, item.old_payload
    present = set(item.meta.get("addresses") or [])
    ours = set(old.addresses) if old is not None else set()
    cmds: Commands = {}
    for type_id, fields in sorted(p.addresses.items()):
        key = {"TYPE_ID": int(type_id), "ENTITY_TYPE_ID": REQUISITE_OWNER, "ENTITY_ID": requisite_ref}
        if type_id not in present:
            cmds[f"a{k}_{type_id}"] = ("crm.address.add", {"fields": {**key, **fields}})
        elif old is None or old.addresses.get(type_id) != fields:
            cmds[f"a{k}_{type_id}"] = ("crm.address.update", {"fields": {**key, **fields}})
    for type_id in sorted((present & ours) - set(p.addresses)):
        cmds[f"a{k}_{type_id}"] = ("crm.address.delete", {"fields": {
            "TYPE_ID": int(type_id), "ENTITY_TYPE_ID": REQUISITE_OWNER, "ENTITY_ID": requisite_ref}})
    return cmds


def multifield_changes(item: Item, spec: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """PHONE/EMAIL changes by entry ID: add 1C values the portal lacks, delete values *we* wrote earlier that
    1C no longer has; values managers added in the portal stay untouched."""
    current = item.current or {}
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
    bankdetails = dict(item.meta.get("bankdetails") or {})
    for key, (method, params) in cmds.items():
        value = res.get(key)
        if value in (None, False, "") or isinstance(value, (dict, list)):
            continue  # no id in the answer: the record stays incomplete and the engine treats it as uncertain
        if method == "crm.company.add":
            item.target_id = str(value)
        elif method == "crm.requisite.add":
            item.meta["requisite_id"] = str(value)
        elif method == "crm.requisite.bankdetail.add":
            bankdetails[params["fields"]["XML_ID"]] = str(value)
        elif method == "crm.requisite.bankdetail.delete":
            bankdetails = {r: i for r, i in bankdetails.items() if i != params["id"]}
    addresses = set(item.meta.get("addresses") or [])
    for key, (method, params) in cmds.items():
        if method.startswith("crm.address.") and res.get(key) is True:
            type_id = str(params["fields"]["TYPE_ID"])
            if method == "crm.address.delete":
                addresses.discard(type_id)
            else:
                addresses.add(type_id)
    item.meta["bankdetails"] = bankdetails
    item.meta["addresses"] = sorted(addresses)


def missing_ids(item: Item, cmds: Commands) -> bool:
    """True when an add command of this record was answered without an id (a garbled answer)."""
    bankdetails = item.meta.get("bankdetails") or {}
    for method, params in cmds.values():
        if method == "crm.company.add" and item.target_id is None:
            return True
        if method == "crm.requisite.add" and not item.meta.get("requisite_id"):
            return True
        if method == "crm.requisite.bankdetail.add" and params["fields"]["XML_ID"] not in bankdetails:
            return True
    return False
