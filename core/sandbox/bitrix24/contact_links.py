"""``crm.contact.company.*``: which companies a contact belongs to (bitrix24-rest-api.md §5.2; docs
api-reference/crm/contacts/company/*).

A contact can be bound to several companies; one binding is primary (``IS_PRIMARY`` "Y") and its company is
what the contact's ``COMPANY_ID`` shows. ``items.set`` replaces all bindings, ``items.delete`` removes all,
``add`` binds one more (binding an already bound company changes nothing), ``delete`` unbinds one. A company or
contact that does not exist is "Not found", like ``crm.contact.get``. ``crm.contact.add`` with ``COMPANY_ID`` /
``COMPANY_IDS`` starts the list (read from the stored ``COMPANY_ID`` until a binding method runs).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .entities import LegacyEntity
from .errors import PortalError, not_found_legacy


class ContactCompanyLinks:
    def __init__(self, contacts: LegacyEntity, companies: LegacyEntity) -> None:
        self.contacts = contacts
        self.companies = companies
        self.links: dict[int, list[dict[str, str]]] = {}

    def _contact(self, params: dict[str, Any]) -> int:
        contact_id = self.contacts.resolve_id(params)
        self.contacts.get_record(contact_id)
        return contact_id

    def _company(self, raw: Any) -> int:
        try:
            company_id = int(str(raw))
        except (TypeError, ValueError):
            company_id = 0
        if company_id <= 0:
            raise PortalError(400, "", "The parameter COMPANY_ID is not defined or invalid.")
        if company_id not in self.companies.records:
            raise not_found_legacy()
        return company_id

    def items(self, contact_id: int) -> list[dict[str, str]]:
        if contact_id not in self.links:
            company = self.contacts.records[contact_id].get("COMPANY_ID")
            self.links[contact_id] = [] if not company else [
                {"COMPANY_ID": str(company), "SORT": "10", "ROLE_ID": "0", "IS_PRIMARY": "Y"}]
        return self.links[contact_id]

    def _store(self, contact_id: int, items: list[dict[str, str]]) -> None:
        if items and not any(i["IS_PRIMARY"] == "Y" for i in items):
            items[0]["IS_PRIMARY"] = "Y"
        self.links[contact_id] = items
        primary = next((i["COMPANY_ID"] for i in items if i["IS_PRIMARY"] == "Y"), None)
        self.contacts.records[contact_id]["COMPANY_ID"] = primary

    def _item(self, raw: Any, index: int) -> dict[str, str]:
        if not isinstance(raw, dict):
            raise PortalError(400, "", "Parameter 'items' must be array.")
        raw = {str(k).upper(): v for k, v in raw.items()}
        primary = str(raw.get("IS_PRIMARY", "N")).upper() == "Y"
        return {"COMPANY_ID": str(self._company(raw.get("COMPANY_ID"))), "SORT": str(raw.get("SORT") or 10 * index),
                "ROLE_ID": "0", "IS_PRIMARY": "Y" if primary else "N"}

    # ----- methods -------------------------------------------------------------------------------
    def add(self, params: dict[str, Any]) -> bool:
        contact_id = self._contact(params)
        fields = params.get("fields", params.get("FIELDS"))
        if not isinstance(fields, dict):
            raise PortalError(400, "", "Parameter 'fields' must be array.")
        items = [dict(i) for i in self.items(contact_id)]
        new = self._item(fields, len(items) + 1)
        if any(i["COMPANY_ID"] == new["COMPANY_ID"] for i in items):
            return True
        if new["IS_PRIMARY"] == "Y":
            for item in items:
                item["IS_PRIMARY"] = "N"
        self._store(contact_id, [*items, new])
        return True

    def delete(self, params: dict[str, Any]) -> bool:
        contact_id = self._contact(params)
        fields = params.get("fields", params.get("FIELDS"))
        if not isinstance(fields, dict):
            raise PortalError(400, "", "Parameter 'fields' must be array.")
        company = str(self._company({str(k).upper(): v for k, v in fields.items()}.get("COMPANY_ID")))
        items = [dict(i) for i in self.items(contact_id) if i["COMPANY_ID"] != company]
        self._store(contact_id, items)
        return True

    def items_get(self, params: dict[str, Any]) -> list[dict[str, str]]:
        return [dict(i) for i in self.items(self._contact(params))]

    def items_set(self, params: dict[str, Any]) -> bool:
        contact_id = self._contact(params)
        raw = params.get("items", params.get("ITEMS"))
        if isinstance(raw, dict):
            raw = list(raw.values())
        if not isinstance(raw, list):
            raise PortalError(400, "", "Parameter 'items' must be array.")
        items = [self._item(r, n) for n, r in enumerate(raw, start=1)]
        self._store(contact_id, items)
        return True

    def items_delete(self, params: dict[str, Any]) -> bool:
        self._store(self._contact(params), [])
        return True

    def fields(self, params: dict[str, Any]) -> dict[str, Any]:
        def meta(type_: str, title: str, required: bool = False) -> dict[str, Any]:
            return {"type": type_, "isRequired": required, "isReadOnly": False, "isImmutable": False,
                    "isMultiple": False, "isDynamic": False, "title": title}
        return {"COMPANY_ID": meta("integer", "ID компании", True), "SORT": meta("integer", "Индекс сортировки"),
                "ROLE_ID": meta("integer", "ID роли"), "IS_PRIMARY": meta("char", "Первичная связь")}

    def forget_contact(self, contact_id: int) -> None:
        self.links.pop(contact_id, None)

    def forget_company(self, company_id: int) -> None:
        for contact_id in list(self.contacts.records):
            current = self.items(contact_id)
            items = [i for i in current if i["COMPANY_ID"] != str(company_id)]
            if len(items) != len(current):
                self._store(contact_id, items)

    def methods(self) -> dict[str, Callable[[dict[str, Any]], tuple[Any, ...]]]:
        return {
            "crm.contact.company.add": lambda p: (self.add(p),),
            "crm.contact.company.delete": lambda p: (self.delete(p),),
            "crm.contact.company.items.get": lambda p: (self.items_get(p),),
            "crm.contact.company.items.set": lambda p: (self.items_set(p),),
            "crm.contact.company.items.delete": lambda p: (self.items_delete(p),),
            "crm.contact.company.fields": lambda p: (self.fields(p),),
        }
