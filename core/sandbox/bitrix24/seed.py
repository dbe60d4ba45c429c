"""What a portal looks like before SyncBridge ever ran: companies and products managers typed in by hand.

None of them carries ORIGIN_ID. Two are the cases the sync must get right:
- «ТехПром Москва» has no requisite (no ИНН) — the seed article's probable duplicate of 1C's
  ООО «ТехПром»: it must go to the review list, never be merged silently;
- «УЗМК» has a requisite with ИНН 6671039180 / КПП 667101001 — the sync must link it by ИНН
  instead of creating a second company.

The catalogue: one store «Основной склад» (every portal has one), and two products:
- «Гайка М12» typed in by hand with article ГМ12 — its xmlId is its own id, as the iblock fills it: the probable
  duplicate of 1C's «Гайка М12 ГОСТ 5915-70» (same article, no 1C identity), for review, never merged;
- «Электроды МР-3 4 мм» imported earlier with xmlId = the 1C Ref_Key of «Электроды МР-3 ∅4»: must be linked,
  never duplicated.
"""

from __future__ import annotations

from typing import Any

from .catalog import ARTICLE_PROPERTY_ID, PRODUCT_IBLOCK_ID
from .portal import Portal

#: Ref_Key of «Электроды МР-3 ∅4» in the sandbox 1C seed (core/sandbox/onec/catalog_seed.py)
ELECTRODES_ONEC_REF = "62661491-199f-11ee-49f5-00155d0a1c2b"

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
        _seed_catalog(portal)


def _seed_catalog(portal: Portal) -> None:
    catalog = portal.catalog
    handlers = catalog.methods()
    handlers["catalog.store.add"]({"fields": {"title": "Основной склад", "address": "г. Москва, ул. Складская, 1",
                                              "sort": 100}})
    handlers["catalog.product.add"]({"fields": {"iblockId": PRODUCT_IBLOCK_ID, "name": "Гайка М12",
                                                f"property{ARTICLE_PROPERTY_ID}": "ГМ12", "measure": 5}})
    handlers["catalog.product.add"]({"fields": {"iblockId": PRODUCT_IBLOCK_ID, "name": "Электроды МР-3 4 мм",
                                                "xmlId": ELECTRODES_ONEC_REF, "measure": 4}})
    for row in catalog.products.rows.values():
        row["dateCreate"] = row["timestampX"] = "2025-09-18T14:02:00+03:00"


def _backdate(record: dict[str, Any], created: str) -> None:
    record["DATE_CREATE"] = created
    if record.get("DATE_MODIFY"):
        record["DATE_MODIFY"] = created
