"""What a portal looks like before SyncBridge ever ran: companies managers typed in by hand.

None of them carries ORIGIN_ID. Two are the cases the sync must get right:
- «ТехПром Москва» has no requisite (no ИНН) — the seed article's probable duplicate of 1C's
  ООО «ТехПром»: it must go to the review list, never be merged silently;
- «УЗМК» has a requisite with ИНН 6671039180 / КПП 667101001 — the sync must link it by ИНН
  instead of creating a second company.
"""

from __future__ import annotations

from typing import Any

from .portal import Portal

#: (title, phones, e-mails, requisite fields or None, created)
_COMPANIES: tuple[tuple[str, list[str], list[str], dict[str, str] | None, str], ...] = (
    ("ТехПром Москва", ["+7 495 123-45-67"], ["zakaz@techprom-msk.ru"], None, "2025-03-14T11:20:00+03:00"),
    (
        "УЗМК",
        ["+7 343 310-22-41"],
        ["snab@uzmk.ru"],
        {"PRESET_ID": "1", "NAME": "Организация", "RQ_INN": "6671039180", "RQ_KPP": "667101001",
         "RQ_COMPANY_NAME": "АО «УЗМК»", "RQ_COMPANY_FULL_NAME": "Акционерное общество «УЗМК»"},
        "2024-11-02T09:05:00+03:00",
    ),
    ("Стройинвест", ["+7 812 555-01-02"], ["office@stroyinvest.example"], None, "2025-01-20T15:45:00+03:00"),
    ("Ромашка", ["8 (383) 200-30-40"], [], None, "2025-06-05T10:00:00+03:00"),
    (
        "ИП Петров",
        ["+7 916 700-11-22"],
        ["petrov.ip@mail.example"],
        {"PRESET_ID": "2", "NAME": "ИП", "RQ_INN": "500100732259", "RQ_OGRNIP": "304500116000157",
         "RQ_LAST_NAME": "Петров", "RQ_FIRST_NAME": "Сергей", "RQ_SECOND_NAME": "Иванович"},
        "2025-08-12T13:30:00+03:00",
    ),
)

_CONTACT = {
    "NAME": "Анна", "LAST_NAME": "Смирнова", "POST": "Менеджер по закупкам",
    "PHONE": [{"VALUE": "+7 383 200-30-41", "VALUE_TYPE": "WORK"}],
    "EMAIL": [{"VALUE": "a.smirnova@romashka.example", "VALUE_TYPE": "WORK"}],
}


def seed_portal(portal: Portal) -> None:
    """Fill an empty portal. Uses the same code paths as REST writes, then back-dates the records."""
    with portal.lock:
        ctx: dict[str, Any] = {"now": portal.now(), "user_id": portal.user_id, "next_mf_id": portal.next_mf_id}
        company_ids: dict[str, int] = {}
        for title, phones, emails, requisite, created in _COMPANIES:
            fields: dict[str, Any] = {
                "TITLE": title,
                "PHONE": [{"VALUE": p, "VALUE_TYPE": "WORK"} for p in phones],
                "EMAIL": [{"VALUE": e, "VALUE_TYPE": "WORK"} for e in emails],
            }
            company_id = portal.companies.add(fields, **ctx)
            _backdate(portal.companies.records[company_id], created)
            company_ids[title] = company_id
            if requisite:
                rq_id = portal.requisites.add(
                    {"ENTITY_TYPE_ID": "4", "ENTITY_ID": str(company_id), **requisite}, **ctx
                )
                _backdate(portal.requisites.records[rq_id], created)
        contact_id = portal.contacts.add({**_CONTACT, "COMPANY_ID": company_ids["Ромашка"]}, **ctx)
        _backdate(portal.contacts.records[contact_id], "2025-06-05T10:10:00+03:00")


def _backdate(record: dict[str, Any], created: str) -> None:
    record["DATE_CREATE"] = created
    if record.get("DATE_MODIFY"):
        record["DATE_MODIFY"] = created
