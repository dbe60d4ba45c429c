"""Bitrix24 CRM query language for companies and their requisites: filters, selects, presets.

The counterparty pipeline asks questions in its own terms («the company with this 1C ref», «requisites with this
ИНН»); this module says how the portal wants them asked. Company = ENTITY_TYPE_ID 4 in requisite filters.
"""

from __future__ import annotations

from typing import Any

from core.bitrix24.client import Bitrix24Client
from core.errors import ConfigError, RemoteError

COMPANY_TYPE_ID = 4
Command = tuple[str, dict[str, Any]]


def by_origin(originator: str, ref: str) -> Command:
    return ("crm.company.list", {"filter": {"ORIGINATOR_ID": originator, "ORIGIN_ID": ref},
                                 "select": ["ID", "TITLE"], "order": {"ID": "ASC"}})


def requisite_by_xml_id(ref: str) -> Command:
    return ("crm.requisite.list", {"filter": {"ENTITY_TYPE_ID": COMPANY_TYPE_ID, "XML_ID": ref},
                                   "select": ["ID", "ENTITY_ID"]})


def bankdetails_by_xml_id(refs: list[str]) -> Command:
    return ("crm.requisite.bankdetail.list", {"filter": {"@XML_ID": refs}, "select": ["ID", "XML_ID"]})


def requisites_by_inn(inn: str) -> Command:
    return ("crm.requisite.list", {"filter": {"ENTITY_TYPE_ID": COMPANY_TYPE_ID, "RQ_INN": inn},
                                   "select": ["ID", "ENTITY_ID", "RQ_INN", "RQ_KPP", "XML_ID"]})


def company(company_id: str) -> Command:
    return ("crm.company.get", {"id": company_id})


def similar_titles(stem: str) -> Command:
    return ("crm.company.list", {"filter": {"%TITLE": stem}, "select": ["ID", "TITLE", "ORIGIN_ID"],
                                 "order": {"ID": "ASC"}})


def companies_with_inn(b24: Bitrix24Client, company_ids: list[str]) -> set[str]:
    """Which of these companies have a requisite with an ИНН."""
    found: set[str] = set()
    if not company_ids:
        return found
    for req in b24.list_all("crm.requisite.list", {
            "filter": {"ENTITY_TYPE_ID": COMPANY_TYPE_ID, "@ENTITY_ID": company_ids},
            "select": ["ID", "ENTITY_ID", "RQ_INN"]}):
        if req.get("RQ_INN"):
            found.add(str(req["ENTITY_ID"]))
    return found


def totals(b24: Bitrix24Client) -> tuple[int, int]:
    """How many companies and company requisites the portal holds: two light list commands in one request (on a
    first load that is rate-limited every request costs half a second)."""
    answer = b24.batch({"c": ("crm.company.list", {"select": ["ID"]}),
                        "r": ("crm.requisite.list", {"filter": {"ENTITY_TYPE_ID": COMPANY_TYPE_ID},
                                                     "select": ["ID"]})})
    for key in ("c", "r"):
        if key in answer.errors:
            raise answer.errors[key]
        if key not in answer.result:
            raise RemoteError("Битрикс24 не ответил, сколько в портале компаний и реквизитов (ответ неполный).",
                              "Повторите синхронизацию позже.")
    return int(answer.total.get("c") or 0), int(answer.total.get("r") or 0)


def all_companies(b24: Bitrix24Client, after: int = 0) -> Any:
    """Every company (with ID above ``after``), by the ID-window method."""
    return b24.list_all("crm.company.list", {"filter": {">ID": after} if after else {},
                                             "select": ["ID", "TITLE", "ORIGINATOR_ID", "ORIGIN_ID"]})


def all_requisites(b24: Bitrix24Client, after: int = 0) -> Any:
    """Every company requisite (with ID above ``after``), by the ID-window method."""
    window: dict[str, Any] = {"ENTITY_TYPE_ID": COMPANY_TYPE_ID}
    if after:
        window[">ID"] = after
    return b24.list_all("crm.requisite.list", {"filter": window,
                                               "select": ["ID", "ENTITY_ID", "RQ_INN", "RQ_KPP", "XML_ID"]})


def preset_ids(b24: Bitrix24Client, wanted: dict[str, list[str]]) -> dict[str, str]:
    """Requisite preset ID per legal kind, found by the preset's name (portals name them in their language)."""
    presets = b24.call("crm.requisite.preset.list", {"select": ["ID", "NAME"]}) or []
    found: dict[str, str] = {}
    for kind, labels in wanted.items():
        for preset in presets:
            if (preset.get("NAME") or "").strip().lower() in (label.lower() for label in labels):
                found[kind] = str(preset["ID"])
                break
    return found


def missing_preset(kind: str, labels: list[str]) -> ConfigError:
    return ConfigError(
        f"В портале нет шаблона реквизитов для вида «{kind}» (ожидался один из: {', '.join(labels)}).",
        "Создайте шаблон в CRM → Настройки → Реквизиты или укажите его в таблице соответствий.")


def addresses_of_requisite(requisite_id: str) -> tuple[str, dict[str, Any]]:
    """crm.address rows of one requisite (ENTITY_TYPE_ID 8). ``start=-1``: the list's ``total`` is wrong anyway."""
    return ("crm.address.list", {"filter": {"ENTITY_TYPE_ID": 8, "ENTITY_ID": requisite_id},
                                 "select": ["TYPE_ID"], "start": -1})
