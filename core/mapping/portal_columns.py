"""Column lengths of the portal's CRM tables, and fitting 1C values into them.

A value longer than its column makes the portal refuse the whole record (or, on a MySQL without strict mode, cut
it silently). Neither is acceptable: SyncBridge cuts it itself, at a known place, and says so in the journal.

The lengths are those of the CRM module's tables (``b_crm_company``, ``b_crm_requisite``, ``b_crm_bank_detail``,
``b_crm_field_multi``); the sandbox portal enforces the same numbers.
"""

from __future__ import annotations

#: field -> maximum length in characters
COMPANY_COLUMNS: dict[str, int] = {"TITLE": 255, "ORIGIN_ID": 255, "ORIGINATOR_ID": 255, "ORIGIN_VERSION": 255,
                                   "ADDRESS_LEGAL": 1024}
CONTACT_COLUMNS: dict[str, int] = {"NAME": 50, "SECOND_NAME": 50, "LAST_NAME": 50, "POST": 255, "ORIGIN_ID": 255,
                                   "ORIGINATOR_ID": 255}
REQUISITE_COLUMNS: dict[str, int] = {
    "NAME": 255, "CODE": 45, "XML_ID": 255, "ORIGINATOR_ID": 255, "RQ_NAME": 150, "RQ_FIRST_NAME": 50,
    "RQ_LAST_NAME": 50, "RQ_SECOND_NAME": 50, "RQ_COMPANY_NAME": 255, "RQ_COMPANY_FULL_NAME": 300, "RQ_INN": 15,
    "RQ_KPP": 9, "RQ_OGRN": 15, "RQ_OGRNIP": 15, "RQ_OKPO": 12, "RQ_OKTMO": 11, "RQ_OKVED": 255,
}
BANKDETAIL_COLUMNS: dict[str, int] = {
    "NAME": 255, "CODE": 45, "XML_ID": 255, "RQ_BANK_NAME": 255, "RQ_BIK": 11, "RQ_ACC_NUM": 34,
    "RQ_COR_ACC_NUM": 34, "RQ_IBAN": 34, "RQ_SWIFT": 11, "RQ_BIC": 11, "ORIGINATOR_ID": 255,
}

#: how a field is called in a journal note
FIELD_LABELS: dict[str, str] = {
    "TITLE": "название", "NAME": "название реквизита", "RQ_NAME": "ФИО", "RQ_COMPANY_NAME": "наименование",
    "RQ_COMPANY_FULL_NAME": "полное наименование", "RQ_INN": "ИНН", "RQ_KPP": "КПП", "RQ_OGRN": "ОГРН",
    "RQ_OGRNIP": "ОГРНИП", "RQ_BANK_NAME": "наименование банка", "RQ_BIK": "БИК", "RQ_ACC_NUM": "номер счёта",
    "RQ_COR_ACC_NUM": "корр. счёт", "ADDRESS_LEGAL": "юридический адрес", "RQ_OKPO": "ОКПО", "RQ_OKTMO": "ОКТМО",
    "RQ_OKVED": "ОКВЭД", "LAST_NAME": "фамилия", "SECOND_NAME": "отчество", "POST": "должность",
}


def fit(fields: dict[str, object], columns: dict[str, int], notes: list[str], where: str = "",
        labels: dict[str, str] | None = None) -> dict[str, object]:
    """``fields`` with every string cut to its column; a Russian note per cut value goes to ``notes``.
    ``labels`` overrides FIELD_LABELS where a name means something else (a contact's NAME is the first name)."""
    fitted: dict[str, object] = {}
    for name, value in fields.items():
        limit = columns.get(name)
        if limit is not None and isinstance(value, str) and len(value) > limit:
            label = (labels or {}).get(name) or FIELD_LABELS.get(name, name)
            notes.append(f"{where}значение поля «{label}» сокращено до {limit} символов (в 1С {len(value)})")
            value = value[:limit].rstrip()
        fitted[name] = value
    return fitted
