"""Bitrix24 CRM query language for contacts: identity lookups, duplicates by phone/e-mail, company bindings."""

from __future__ import annotations

from typing import Any

Command = tuple[str, dict[str, Any]]
MAX_COMM_VALUES = 20  # crm.duplicate.findbycomm refuses more


def by_origin(originator: str, ref: str) -> Command:
    return ("crm.contact.list", {"filter": {"ORIGINATOR_ID": originator, "ORIGIN_ID": ref},
                                 "select": ["ID", "NAME", "LAST_NAME"], "order": {"ID": "ASC"}})


def contact(contact_id: str) -> Command:
    return ("crm.contact.get", {"id": contact_id})


def by_communication(kind: str, values: list[str]) -> Command:
    return ("crm.duplicate.findbycomm", {"entity_type": "CONTACT", "type": kind, "values": values[:MAX_COMM_VALUES]})


def identities(contact_ids: list[str]) -> Command:
    return ("crm.contact.list", {"filter": {"@ID": contact_ids},
                                 "select": ["ID", "NAME", "LAST_NAME", "ORIGIN_ID"], "order": {"ID": "ASC"}})


def bind(contact_ref: str, company_id: str, primary: bool) -> Command:
    return ("crm.contact.company.add", {"id": contact_ref, "fields": {
        "COMPANY_ID": company_id, "IS_PRIMARY": "Y" if primary else "N"}})


def unbind(contact_id: str, company_id: str) -> Command:
    return ("crm.contact.company.delete", {"id": contact_id, "fields": {"COMPANY_ID": company_id}})
