"""Contact persons: 1C row → canonical :class:`ContactPerson` → Bitrix24 contact payload, driven by the profile's
``contact`` section. Phones and e-mails come from КонтактнаяИнформация exactly as for counterparties."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from core.canonical import ContactPerson
from core.mapping.contact_values import normalise_emails, normalise_phones
from core.mapping.counterparty import _contact_value, _table_rows, _text
from core.mapping.portal_columns import CONTACT_COLUMNS, fit


def contact_from_onec(row: dict[str, Any], spec: dict[str, Any], counterparty_refs: list[str],
                      company_ids: list[str]) -> ContactPerson:
    f, ci = spec["fields"], spec["contact_info"]
    phones: list[str] = []
    emails: list[str] = []
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
    # the same free text as on counterparties, the same portal check on crm.contact.add: cleaned, or noted
    phones, phone_notes = normalise_phones(phones)
    emails, email_notes = normalise_emails(emails)
    name = _text(row.get(f["name"]))
    last, first, middle = (_text(row.get(f[k])) for k in ("last_name", "first_name", "middle_name"))
    if not (last or first) and name:
        # parts not filled in 1C: «Фамилия Имя Отчество» in the presentation is the best there is
        words = name.split()
        last, first, middle = [*words, "", "", ""][:3] if len(words) <= 3 else (name, "", "")
    return ContactPerson(ref=row["Ref_Key"], version=_text(row.get("DataVersion")),
                         deleted=bool(row.get("DeletionMark")), name=name or " ".join(p for p in (last, first) if p),
                         last_name=last, first_name=first, middle_name=middle, position=_text(row.get(f["position"])),
                         phones=phones, emails=emails, counterparty_refs=list(counterparty_refs),
                         company_ids=list(company_ids), notes=phone_notes + email_notes)


def validation_problems(person: ContactPerson) -> list[str]:
    problems = []
    if not (person.last_name or person.first_name):
        problems.append("не заполнены ни фамилия, ни имя")
    if not person.counterparty_refs:
        problems.append("контактное лицо не относится ни к одному контрагенту")
    elif not person.company_ids:
        problems.append("контрагент, к которому относится контактное лицо, ещё не перенесён в Битрикс24 — "
                        "сначала исправьте ошибку контрагента (см. журнал); лицо перенесётся следующей синхронизацией")
    return problems


@dataclass
class ContactPayload:
    contact: dict[str, Any]
    multifields: dict[str, list[str]]  # PHONE/EMAIL -> values
    companies: list[str] = field(default_factory=list)  # Bitrix24 company ids, the main one first

    def digest(self) -> str:
        blob = json.dumps([self.contact, self.multifields, self.companies], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()


def contact_to_b24(person: ContactPerson, spec: dict[str, Any]) -> ContactPayload:
    b24 = spec["bitrix24"]
    values = {"first_name": person.first_name, "last_name": person.last_name, "middle_name": person.middle_name,
              "position": person.position, "name": person.name, "phones": person.phones, "emails": person.emails}
    notes: list[str] = []  # column lengths: cut with a note, never a refused contact
    contact = fit({target: values[source] for target, source in b24["contact"].items()}, CONTACT_COLUMNS, notes,
                  labels={"NAME": "имя"})
    person.notes.extend(note for note in notes if note not in person.notes)
    return ContactPayload(contact=contact,
                          multifields={target: list(values[source])
                                       for target, source in b24["contact_multifields"].items()},
                          companies=list(person.company_ids))


def changed_fields(old: ContactPayload | None, new: ContactPayload) -> list[str]:
    if old is None:
        return []
    labels = {"NAME": "имя", "LAST_NAME": "фамилия", "SECOND_NAME": "отчество", "POST": "должность",
              "PHONE": "телефоны", "EMAIL": "e-mail"}
    changed = [labels.get(k, k) for k in new.contact if old.contact.get(k) != new.contact[k]]
    changed += [labels.get(k, k) for k in new.multifields if old.multifields.get(k) != new.multifields[k]]
    if old.companies != new.companies:
        changed.append("компании")
    return changed


def payload_to_json(payload: ContactPayload) -> dict[str, Any]:
    return {"contact": payload.contact, "multifields": payload.multifields, "companies": payload.companies}


def payload_from_json(data: dict[str, Any] | None) -> ContactPayload | None:
    if not data:
        return None
    return ContactPayload(contact=data["contact"], multifields=data["multifields"],
                          companies=list(data.get("companies") or []))
