"""Canonical records: what a counterparty *is*, independent of 1C field names and Bitrix24 field names.

Readers turn a side's payload into these; writers turn these into the other side's payload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

LegalKind = Literal["company", "sole_proprietor", "person"]


@dataclass(frozen=True)
class BankAccount:
    ref: str  # 1C Ref_Key of the bank account
    number: str
    bik: str
    corr_account: str
    bank_name: str
    bank_city: str = ""


@dataclass(frozen=True)
class PostalAddress:
    """A legal or actual address from КонтактнаяИнформация, split as far as 1C gives its parts."""

    kind: str  # "legal" | "actual"
    text: str  # the presentation as 1C shows it
    street: str = ""  # street, house, building, office — what is left after postcode/country/region/city
    city: str = ""
    postal_code: str = ""
    region: str = ""
    country: str = ""


@dataclass
class Counterparty:
    ref: str  # 1C Ref_Key
    version: str  # 1C DataVersion
    deleted: bool
    name: str
    full_name: str
    kind: LegalKind
    inn: str = ""
    kpp: str = ""
    ogrn: str = ""
    head_ref: str | None = None  # ГоловнойКонтрагент for branches
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    legal_address: str = ""
    bank_accounts: list[BankAccount] = field(default_factory=list)
    # fields the profile's table maps beyond the ones above: adding a mapped field is data, not code
    extra: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what mapping had to leave out or shorten, for the journal
    addresses: list[PostalAddress] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # found while reading (e.g. no legal form): not sendable


@dataclass
class ContactPerson:
    """A contact person of one or more counterparties (УТ 11: of their partner; БП 3.0: owned by the counterparty;
    УНФ: linked through rows of a tabular part)."""

    ref: str  # 1C Ref_Key
    version: str
    deleted: bool
    name: str  # the presentation (Description), used when the parts are empty
    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""
    position: str = ""
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    counterparty_refs: list[str] = field(default_factory=list)  # 1C counterparties, the main one first
    company_ids: list[str] = field(default_factory=list)  # their Bitrix24 companies (from the links), same order
    owners_left_out: bool = False  # every counterparty of the person was settled without a portal company
    notes: list[str] = field(default_factory=list)
