"""Sandbox portal: crm.address.* on requisites and crm.contact.company.* bindings (called directly, no HTTP)."""

from __future__ import annotations

import pytest

from core.sandbox.bitrix24.errors import PortalError
from core.sandbox.bitrix24.portal import Portal


def portal() -> Portal:
    return Portal(user_id=1, scopes={"crm", "basic"}, clock=lambda: 1_780_000_000.0, operating_limit=None,
                  method_cost=0.01)


def call(p: Portal, method: str, params: dict | None = None):
    outcome, _time = p.execute(method, params or {})
    return outcome


def company_with_requisite(p: Portal) -> tuple[int, int]:
    company = call(p, "crm.company.add", {"fields": {"TITLE": "ООО «ТехПром»"}}).result
    requisite = call(p, "crm.requisite.add", {"fields": {"ENTITY_TYPE_ID": 4, "ENTITY_ID": company, "PRESET_ID": 1,
                                                         "NAME": "Реквизиты"}}).result
    return company, requisite


def test_address_add_list_update_replaces_whole_delete():
    p = portal()
    company, requisite = company_with_requisite(p)
    legal = {"TYPE_ID": 6, "ENTITY_TYPE_ID": 8, "ENTITY_ID": requisite, "ADDRESS_1": "ул. Профсоюзная, д. 65",
             "CITY": "Москва", "POSTAL_CODE": "117342", "COUNTRY": "Россия"}
    assert call(p, "crm.address.add", {"fields": legal}).result is True
    call(p, "crm.address.add", {"fields": {**legal, "TYPE_ID": 1, "ADDRESS_1": "ул. Каховка, д. 20"}})
    page = call(p, "crm.address.list", {"filter": {"ENTITY_TYPE_ID": 8, "ENTITY_ID": requisite},
                                        "order": {"TYPE_ID": "ASC"}})
    assert [(r["TYPE_ID"], r["ADDRESS_1"]) for r in page.result] == [("1", "ул. Каховка, д. 20"),
                                                                      ("6", "ул. Профсоюзная, д. 65")]
    assert page.result[1]["ANCHOR_TYPE_ID"] == "4" and page.result[1]["ANCHOR_ID"] == str(company)
    # the same type twice is refused: the client must update
    with pytest.raises(PortalError):
        call(p, "crm.address.add", {"fields": legal})
    # update re-registers the whole address: the postal code not sent is gone
    call(p, "crm.address.update", {"fields": {"TYPE_ID": 6, "ENTITY_TYPE_ID": 8, "ENTITY_ID": requisite,
                                              "ADDRESS_1": "ул. Профсоюзная, д. 65, корп. 1", "CITY": "Москва"}})
    legal_now = next(a for a in p.entities("address") if a["TYPE_ID"] == "6")
    assert legal_now["ADDRESS_1"].endswith("корп. 1") and legal_now["POSTAL_CODE"] is None
    with pytest.raises(PortalError):
        call(p, "crm.address.update", {"fields": {"TYPE_ID": 4, "ENTITY_TYPE_ID": 8, "ENTITY_ID": requisite}})
    assert call(p, "crm.address.delete", {"fields": {"TYPE_ID": 1, "ENTITY_TYPE_ID": 8,
                                                     "ENTITY_ID": requisite}}).result is True
    assert [a["TYPE_ID"] for a in p.entities("address")] == ["6"]
    # deleting the company removes its requisite and the requisite's addresses
    call(p, "crm.company.delete", {"id": company})
    assert p.entities("address") == []


def test_address_validation():
    p = portal()
    _company, requisite = company_with_requisite(p)
    for bad in ({"TYPE_ID": 6, "ENTITY_TYPE_ID": 8}, {"TYPE_ID": 7, "ENTITY_TYPE_ID": 8, "ENTITY_ID": requisite},
                {"TYPE_ID": 6, "ENTITY_TYPE_ID": 8, "ENTITY_ID": 999}):
        with pytest.raises(PortalError):
            call(p, "crm.address.add", {"fields": bad})
    types = call(p, "crm.enum.addresstype").result
    assert {"ID": 6, "NAME": "Юридический адрес"} in types and {"ID": 1, "NAME": "Фактический адрес"} in types
    assert call(p, "crm.address.fields").result["TYPE_ID"]["isImmutable"] is True


def test_address_list_reports_the_page_size_as_total():
    p = portal()
    ids = [company_with_requisite(p)[1] for _ in range(55)]
    for requisite in ids:
        call(p, "crm.address.add", {"fields": {"TYPE_ID": 6, "ENTITY_TYPE_ID": 8, "ENTITY_ID": requisite}})
    first = call(p, "crm.address.list", {"order": {"ENTITY_ID": "ASC"}})
    assert len(first.result) == 50 and first.total == 50 and first.next == 50
    second = call(p, "crm.address.list", {"order": {"ENTITY_ID": "ASC"}, "start": 50})
    assert len(second.result) == 5 and second.next is None


def test_contact_company_bindings():
    p = portal()
    first = call(p, "crm.company.add", {"fields": {"TITLE": "ТехПром"}}).result
    second = call(p, "crm.company.add", {"fields": {"TITLE": "УЗМК"}}).result
    contact = call(p, "crm.contact.add", {"fields": {"NAME": "Ольга", "LAST_NAME": "Смирнова",
                                                    "COMPANY_ID": first}}).result
    assert [i["COMPANY_ID"] for i in call(p, "crm.contact.company.items.get", {"id": contact}).result] == [str(first)]
    call(p, "crm.contact.company.add", {"id": contact, "fields": {"COMPANY_ID": second}})
    call(p, "crm.contact.company.add", {"id": contact, "fields": {"COMPANY_ID": second}})  # no duplicate
    items = call(p, "crm.contact.company.items.get", {"id": contact}).result
    assert [(i["COMPANY_ID"], i["IS_PRIMARY"]) for i in items] == [(str(first), "Y"), (str(second), "N")]
    call(p, "crm.contact.company.items.set", {"id": contact, "items": [{"COMPANY_ID": second, "IS_PRIMARY": "Y"}]})
    assert call(p, "crm.contact.get", {"id": contact}).result["COMPANY_ID"] == str(second)
    with pytest.raises(PortalError):
        call(p, "crm.contact.company.add", {"id": contact, "fields": {"COMPANY_ID": 999}})
    call(p, "crm.company.delete", {"id": second})
    assert call(p, "crm.contact.company.items.get", {"id": contact}).result == []
    assert call(p, "crm.contact.delete", {"id": contact}).result is True
    with pytest.raises(PortalError):
        call(p, "crm.contact.company.items.get", {"id": contact})
