"""Counterparty mapping: 1C rows → canonical record → Bitrix24 payloads, driven by the profile's table."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from core.canonical import BankAccount, Counterparty
from core.errors import BadRecord
from core.mapping.addresses import address_fields, pick_addresses
from core.mapping.contact_values import clean_text, normalise_emails, normalise_phones
from core.mapping.portal_columns import BANKDETAIL_COLUMNS, COMPANY_COLUMNS, REQUISITE_COLUMNS, fit
from core.onec.payload import ref_or_none
from core.ru_requisites import bank_account_is_valid, inn_is_valid, kpp_is_valid

EMPTY_DATE = "0001-01-01T00:00:00"


def _text(value: Any) -> str:
    return clean_text(value)


def _line_number(line: dict[str, Any], table: str) -> int:
    try:
        return int(line.get("LineNumber") or 0)
    except (TypeError, ValueError):
        raise BadRecord(f"в табличной части {table} номер строки «{str(line.get('LineNumber'))[:20]}» "
                        "не число") from None


def _table_rows(row: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """A tabular part's lines in LineNumber order; anything but a list of objects is a malformed record."""
    lines = row.get(name) or []
    if not isinstance(lines, list) or not all(isinstance(line, dict) for line in lines):
        raise BadRecord(f"табличная часть {name} пришла не списком строк")
    return sorted(lines, key=lambda line: _line_number(line, name))


def _contact_value(row: dict[str, Any], kind: str, spec: dict[str, str]) -> str:
    value = _text(row.get(spec[f"{kind}_value"]))
    if not value:
        value = _text(row.get(spec["presentation"]))
    if not value and row.get("Значение"):
        # newer БСП keeps a JSON document in Значение: {"value": "...", "type": "..."}
        try:
            value = _text(json.loads(row["Значение"]).get("value"))
        except (ValueError, AttributeError):
            value = ""
    return value


# canonical fields the code itself reads; any other key of ``onec.fields`` is carried through ``Counterparty.extra``
KNOWN_FIELDS = {"name", "full_name", "inn", "kpp", "ogrn", "legal_form", "head_ref", "contact_info"}


def counterparty_from_onec(row: dict[str, Any], accounts: list[dict[str, Any]], banks: dict[str, dict[str, Any]],
                           table: dict[str, Any], kinds: dict[str, str] | None = None) -> Counterparty:
    """``kinds``: Вид_Key → predefined name of the kind of contact information (legal vs actual address); None when
    the kinds catalog is not read (the first address is then the legal one)."""
    spec = table["counterparty"]["onec"]
    f = spec["fields"]
    ci = spec["contact_info"]
    phones, emails, address = [], [], ""
    address_rows: list[tuple[dict[str, Any], str | None]] = []
    for line in _table_rows(row, f["contact_info"]):
        kind = line.get(ci["type_field"])
        if kind == ci["phone_type"]:
            value = _contact_value(line, "phone", ci)
            if value and value not in phones:
                phones.append(value)
        elif kind == ci["email_type"]:
            value = _contact_value(line, "email", ci)
            if value and value not in emails:
                emails.append(value)
        elif kind == ci["address_type"]:
            address = address or _text(line.get(ci["presentation"]))
            address_rows.append((line, None if kinds is None else kinds.get(_text(line.get("Вид_Key")))))
    addresses = pick_addresses(address_rows, ci)
    legal = next((a.text for a in addresses if a.kind == "legal"), "")
    problems = []
    # free text from people: split, unwrap, check like the portal does; what cannot be fixed is noted, not sent
    phones, phone_notes = normalise_phones(phones)
    emails, email_notes = normalise_emails(emails)
    legal_form = _text(row.get(f["legal_form"]))
    kind = spec["legal_forms"].get(legal_form)
    if kind is None:
        # БП 3.0 has no default: a card whose «Юр./физ. лицо» is empty cannot say which requisite preset it needs
        problems.append(f"в 1С не заполнено поле «Юр./физ. лицо» ({f['legal_form']})" if not legal_form else
                        f"неизвестное значение «{legal_form[:40]}» в поле {f['legal_form']}")
        problems[-1] += (" — откройте карточку контрагента в 1С и выберите вид: "
                         + ", ".join(k for k in spec["legal_forms"] if k))
        kind = "company"
    ogrn = _text(row.get(f["ogrn"]))
    if kind == "person" and spec.get("sole_proprietor_by_ogrnip") and len(re.sub(r"\D", "", ogrn)) == 15:
        kind = "sole_proprietor"  # БП 3.0: an ИП is a «ФизическоеЛицо» with an ОГРНИП
    return Counterparty(
        ref=row["Ref_Key"], version=_text(row.get("DataVersion")), deleted=bool(row.get("DeletionMark")),
        name=_text(row.get(f["name"])), full_name=_text(row.get(f["full_name"])) or _text(row.get(f["name"])),
        kind=kind, inn=_text(row.get(f["inn"])), kpp=_text(row.get(f["kpp"])), ogrn=ogrn,
        head_ref=ref_or_none(row.get(f["head_ref"])) if "head_ref" in f else None, phones=phones, emails=emails,
        legal_address=legal or address, addresses=addresses, problems=problems,
        bank_accounts=[_bank_account(a, banks, table) for a in accounts],
        extra={key: _text(row.get(attribute)) for key, attribute in f.items() if key not in KNOWN_FIELDS},
        notes=phone_notes + email_notes,
    )


def _bank_account(row: dict[str, Any], banks: dict[str, dict[str, Any]], table: dict[str, Any]) -> BankAccount:
    f = table["counterparty"]["bank_accounts"]["fields"]
    bf = table["counterparty"]["banks"]["fields"]
    manual = table["counterparty"]["bank_accounts"].get("manual_bank")
    bank_ref = ref_or_none(row.get(f["bank_ref"]))
    if manual and (row.get(manual["flag"]) is True or not bank_ref):
        # bank details typed in by hand on the account (bank missing from the classifier)
        return BankAccount(ref=row["Ref_Key"], number=_text(row.get(f["number"])), bik=_text(row.get(manual["bik"])),
                           corr_account=_text(row.get(manual["corr_account"])),
                           bank_name=_text(row.get(manual["name"])), bank_city=_text(row.get(manual["city"])))
    bank = banks.get(bank_ref or "", {})
    return BankAccount(ref=row["Ref_Key"], number=_text(row.get(f["number"])), bik=_text(bank.get(bf["bik"])),
                       corr_account=_text(bank.get(bf["corr_account"])), bank_name=_text(bank.get(bf["name"])),
                       bank_city=_text(bank.get(bf["city"])))


def account_is_active(row: dict[str, Any], table: dict[str, Any]) -> bool:
    """Not marked for deletion and not closed: a «Закрыт» flag (УТ 11) or a filled «ДатаЗакрытия» (БП 3.0, УНФ)."""
    fields = table["counterparty"]["bank_accounts"]["fields"]
    closed_field, closed_date = fields.get("closed"), fields.get("closed_date")
    if closed_date and _text(row.get(closed_date)) not in ("", EMPTY_DATE):
        return False
    return not row.get("DeletionMark") and not (closed_field and row.get(closed_field) is True)


def validation_problems(cp: Counterparty) -> list[str]:
    """What makes a record unfit to send. Each item is a Russian phrase for the journal."""
    problems = list(cp.problems)
    if not cp.name:
        problems.append("не заполнено наименование")
    if cp.inn and not inn_is_valid(cp.inn):
        problems.append(f"ИНН {cp.inn} не проходит проверку контрольного числа — исправьте его в 1С")
    if cp.inn and cp.kind == "company" and len(cp.inn) != 10:
        problems.append(f"у юрлица ИНН должен быть из 10 цифр, а в 1С «{cp.inn}»")
    if cp.kpp and not kpp_is_valid(cp.kpp):
        problems.append(f"КПП «{cp.kpp}» имеет неверный формат")
    for account in cp.bank_accounts:
        if account.bik and not bank_account_is_valid(account.number, account.bik):
            problems.append(f"счёт {account.number} не соответствует БИК {account.bik} (контрольный ключ)")
    return problems


@dataclass
class B24Payload:
    company: dict[str, Any]
    multifields: dict[str, list[str]]  # PHONE/EMAIL -> values
    preset_kind: str
    requisite: dict[str, Any]
    bankdetails: dict[str, dict[str, Any]] = field(default_factory=dict)  # 1C bank account ref -> fields
    addresses: dict[str, dict[str, Any]] = field(default_factory=dict)  # crm.address TYPE_ID -> fields

    def digest(self) -> str:
        """Stable hash of everything we would write: equal digests mean there is nothing to send."""
        parts: list[Any] = [self.company, self.multifields, self.preset_kind, self.requisite, self.bankdetails]
        if self.addresses:  # absent from older payloads: their digests stay what they were
            parts.append(self.addresses)
        blob = json.dumps(parts, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()


def counterparty_to_b24(cp: Counterparty, table: dict[str, Any]) -> B24Payload:
    spec = table["counterparty"]["bitrix24"]
    values = {
        "name": cp.name, "full_name": cp.full_name, "inn": cp.inn, "kpp": cp.kpp, "ogrn": cp.ogrn,
        "phones": cp.phones, "emails": cp.emails, "legal_address": cp.legal_address, **cp.extra,
    }
    notes: list[str] = []  # column lengths: cut here, at a known place, and say so (never fail the record)
    company = fit({b24: values[src] for b24, src in spec["company"].items()}, COMPANY_COLUMNS, notes)
    multifields = {b24: list(values[src]) for b24, src in spec["company_multifields"].items()}
    requisite = fit({b24: values[src] for b24, src in spec["requisite"][cp.kind].items()}, REQUISITE_COLUMNS, notes,
                    "реквизиты: ")
    requisite["NAME"] = spec["requisite_name"][cp.kind]
    bankdetails = {}
    for account in cp.bank_accounts:
        account_values = {"bank_name": account.bank_name, "bik": account.bik, "number": account.number,
                          "corr_account": account.corr_account}
        fields = {b24: account_values[src] for b24, src in spec["bankdetail"].items()}
        fields["NAME"] = f"{account.bank_name or 'Счёт'} {account.number[-4:]}".strip()
        bankdetails[account.ref] = fit(fields, BANKDETAIL_COLUMNS, notes, f"счёт {account.number[-4:]}: ")
    types = spec.get("address_types") or {}
    addresses = {str(types[a.kind]): address_fields(a) for a in cp.addresses if a.kind in types}
    cp.notes.extend(note for note in notes if note not in cp.notes)
    return B24Payload(company=company, multifields=multifields, preset_kind=cp.kind, requisite=requisite,
                      bankdetails=bankdetails, addresses=addresses)


_DIGITS = re.compile(r"\D+")


def same_multifield_value(kind: str, a: str, b: str) -> bool:
    """Phones compare by their last 10 digits (8 / +7 prefixes differ), e-mails case-insensitively."""
    if kind == "PHONE":
        da, db = _DIGITS.sub("", a), _DIGITS.sub("", b)
        return bool(da) and da[-10:] == db[-10:]
    return a.strip().lower() == b.strip().lower()


def changed_fields(old: B24Payload | None, new: B24Payload) -> list[str]:
    """Readable names of what changed, for the journal."""
    if old is None:
        return []
    labels = {"TITLE": "название", "PHONE": "телефоны", "EMAIL": "e-mail", "RQ_INN": "ИНН", "RQ_KPP": "КПП",
              "RQ_OGRN": "ОГРН", "RQ_OGRNIP": "ОГРНИП", "RQ_COMPANY_FULL_NAME": "полное наименование",
              "RQ_COMPANY_NAME": "наименование в реквизитах", "RQ_NAME": "ФИО"}
    changed = [k for k in new.company if old.company.get(k) != new.company[k]]
    changed += [k for k in new.multifields if old.multifields.get(k) != new.multifields[k]]
    changed += [k for k in new.requisite if old.requisite.get(k) != new.requisite[k]]
    result = [labels.get(k, k) for k in changed]
    if old.bankdetails != new.bankdetails:
        result.append("банковские счета")
    if old.preset_kind != new.preset_kind:
        result.append("вид контрагента")
    if old.addresses != new.addresses:
        result.append("адреса")
    return result


def payload_to_json(payload: B24Payload) -> dict[str, Any]:
    return {"company": payload.company, "multifields": payload.multifields, "preset_kind": payload.preset_kind,
            "requisite": payload.requisite, "bankdetails": payload.bankdetails, "addresses": payload.addresses}


def payload_from_json(data: dict[str, Any] | None) -> B24Payload | None:
    if not data:
        return None
    return B24Payload(company=data["company"], multifields=data["multifields"], preset_kind=data["preset_kind"],
                      requisite=data["requisite"], bankdetails=data.get("bankdetails", {}),
                      addresses=data.get("addresses", {}))
