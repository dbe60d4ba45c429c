"""A one-pass picture of the portal's companies and requisites, for first syncs of many records.

Per-record lookups cost up to four list commands per unlinked 1C record. The portal bills every nested list call
against the method's operating time (480 s per 10 minutes in the cloud), so a first load of 10 000 counterparties
made that way stalls on 429 OPERATION_TIME_LIMIT for long stretches. Reading all companies and requisites once with
the ID-window method (2 500 rows per HTTP request) costs (companies + requisites) / 50 list commands instead; the
pipeline picks whichever is cheaper, using the portal's own ``total`` counts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from core.bitrix24 import crm_company
from core.bitrix24.client import Bitrix24Client
from core.mapping import names

PAGE = 50
PER_RECORD_COMMANDS = 4  # company by ORIGIN_ID, requisite by XML_ID, requisite by ИНН, duplicate candidates


@dataclass
class PortalIndex:
    by_origin: dict[str, dict[str, Any]] = field(default_factory=dict)  # ORIGIN_ID (our originator) -> company
    requisites_by_inn: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    requisites_by_xml: dict[str, dict[str, Any]] = field(default_factory=dict)
    companies_with_inn: set[str] = field(default_factory=set)
    foreign_by_token: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    # highest IDs read so far: a later refresh reads only what the portal gained since
    last_company_id: int = 0
    last_requisite_id: int = 0
    # 1C refs this run has sent writes for: whatever the answer said (or if it was lost), these are always looked
    # up in the portal itself, never answered from memory
    touched: set[str] = field(default_factory=set)

    @classmethod
    def worth_loading(cls, b24: Bitrix24Client, unlinked: int) -> bool:
        """True when reading the whole portal is cheaper than looking each unlinked record up."""
        if unlinked * PER_RECORD_COMMANDS < 100:  # a few records: two count calls would cost more than they save
            return False
        companies, requisites = crm_company.totals(b24)
        return (companies + requisites) / PAGE < unlinked * PER_RECORD_COMMANDS

    @classmethod
    def load(cls, b24: Bitrix24Client, originator: str) -> PortalIndex:
        return cls().refresh(b24, originator)

    def refresh(self, b24: Bitrix24Client, originator: str) -> PortalIndex:
        """Add the companies and requisites created since the last read (IDs only grow; the first read is the
        whole portal). A run keeps one index and adds its own writes with :meth:`remember` instead of re-reading;
        changes to records read earlier are not seen, which is why refs in ``touched`` are never answered here."""
        for company in crm_company.all_companies(b24, self.last_company_id):
            self.last_company_id = max(self.last_company_id, _int(company.get("ID")))
            if company.get("ORIGIN_ID"):
                if company.get("ORIGINATOR_ID") == originator:
                    self.by_origin.setdefault(str(company["ORIGIN_ID"]), company)
                continue
            for token in set(names.name_tokens(company.get("TITLE") or "")):
                self.foreign_by_token[token].append(company)
        for requisite in crm_company.all_requisites(b24, self.last_requisite_id):
            self.last_requisite_id = max(self.last_requisite_id, _int(requisite.get("ID")))
            if requisite.get("RQ_INN"):
                self.requisites_by_inn[str(requisite["RQ_INN"])].append(requisite)
                self.companies_with_inn.add(str(requisite["ENTITY_ID"]))
            if requisite.get("XML_ID"):
                self.requisites_by_xml.setdefault(str(requisite["XML_ID"]), requisite)
        return self

    def remember(self, *, ref: str, originator: str, company_id: str | None, title: str,
                 requisite_id: str | None, inn: str, kpp: str) -> None:
        """What this run has just written, so the next slices see it without reading the portal again."""
        if company_id:
            self.by_origin[ref] = {"ID": company_id, "TITLE": title, "ORIGINATOR_ID": originator, "ORIGIN_ID": ref}
        if company_id and requisite_id and ref not in self.requisites_by_xml:
            requisite = {"ID": requisite_id, "ENTITY_ID": company_id, "RQ_INN": inn, "RQ_KPP": kpp, "XML_ID": ref}
            self.requisites_by_xml[ref] = requisite
            if inn:
                self.requisites_by_inn[inn].append(requisite)
                self.companies_with_inn.add(company_id)

    def lookup(self, ref: str, inn: str) -> dict[str, Any]:
        """What the per-record lookup batch would have answered (keys o0, x0, n0), from memory."""
        return {"o0": [self.by_origin[ref]] if ref in self.by_origin else [],
                "x0": [self.requisites_by_xml[ref]] if ref in self.requisites_by_xml else [],
                "n0": list(self.requisites_by_inn.get(inn, [])) if inn else []}

    def duplicate_candidates(self, title: str) -> list[tuple[str, str]]:
        """Portal companies without ИНН and without a 1C origin whose names look like ``title``."""
        stem = names.search_stem(title)
        return [(str(c["ID"]), c.get("TITLE") or "") for c in self.foreign_by_token.get(stem, [])
                if str(c["ID"]) not in self.companies_with_inn and names.probably_same(title, c.get("TITLE") or "")]


def _int(value: Any) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return 0
