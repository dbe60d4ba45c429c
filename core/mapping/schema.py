"""The shape of a mapping table, checked at load with a readable error, and ``$select`` lists derived from it.

A table is data an integrator may edit; a typo must give «counterparty.onec.fields.inn: ожидалась строка», not a
KeyError in the middle of a sync. The schema language is deliberately tiny:

- ``str``, ``bool``, ``int``, ``float`` — a value of that type (``float`` accepts ints);
- ``[T]`` — a list of T;
- ``{"*": T}`` — a map with any keys and values of T;
- ``{"key": T, "opt?": T}`` — a map with these keys (``?`` = optional); other keys are allowed (extensions).

Each entity declares its section in :data:`SECTIONS`; a section absent from a profile means «not available in this
configuration».
"""

from __future__ import annotations

from typing import Any

from core.errors import ConfigError

STANDARD_POLL = ["Ref_Key", "DataVersion", "DeletionMark"]

ONEC_SET = {"entity_set": str, "fields": {"*": str}, "required?": [str]}
CONTACT_INFO = {"type_field": str, "presentation": str, "phone_type": str, "phone_value": str, "email_type": str,
                "email_value": str, "address_type": str, "legal_address_kinds?": [str],
                "actual_address_kinds?": [str], "*": str}

SECTIONS: dict[str, Any] = {
    "counterparty": {
        "onec": {
            **ONEC_SET,
            "fields": {"name": str, "full_name": str, "inn": str, "kpp": str, "ogrn": str, "legal_form": str,
                       "head_ref?": str, "contact_info": str, "*": str},
            "legal_forms": {"*": str},
            # БП 3.0: an ИП is a «ФизическоеЛицо» whose ОГРНИП (15 digits) is filled
            "sole_proprietor_by_ogrnip?": bool,
            "contact_info": CONTACT_INFO,
        },
        "bank_accounts": {
            **ONEC_SET,
            "owner_field": str,
            "owner_type": str,
            "fields": {"number": str, "bank_ref": str, "closed?": str, "closed_date?": str, "*": str},
            "manual_bank?": {"flag": str, "bik": str, "corr_account": str, "name": str, "city": str},
        },
        "banks": {**ONEC_SET, "fields": {"bik": str, "name": str, "corr_account": str, "city": str, "*": str}},
        # kinds of contact information (legal vs actual address); optional: without it the first address is legal
        "contact_kinds?": {**ONEC_SET, "fields": {"predefined": str, "name": str}, "optional?": bool},
        "bitrix24": {
            "company": {"*": str},
            "company_multifields": {"*": str},
            "multifield_value_type": str,
            "requisite": {"company": {"*": str}, "sole_proprietor": {"*": str}, "person": {"*": str}},
            "requisite_name": {"company": str, "sole_proprietor": str, "person": str},
            "presets": {"company": [str], "sole_proprietor": [str], "person": [str]},
            "bankdetail": {"*": str},
            # crm.address TYPE_ID per canonical address kind (crm.enum.addresstype: 6 юридический, 1 фактический)
            "address_types?": {"legal?": int, "actual?": int},
        },
    },
    "sales_order": {
        "order": {
            "entity_set": str, "goods": str, "closed_status": str, "operations": [str],
            "fields": {"counterparty": str, "partner": str, "currency": str, "price_includes_vat": str, "total": str,
                       "comment": str, "ship_date": str, "identity": str, "organisation": str, "warehouse": str,
                       "operation": str, "status": str, "agreement": str},
            "row_fields": {"item": str, "quantity": str, "packages": str, "price": str, "discount_percent": str,
                           "discount_sum": str, "sum": str, "vat_rate": str, "vat_sum": str, "sum_with_vat": str},
        },
        "counterparties": {**ONEC_SET, "fields": {"partner": str, "inn": str, "kpp": str}},
        "partners": ONEC_SET,
        "currencies": {**ONEC_SET, "fields": {"code": str}},
        "vat_rates": {**ONEC_SET, "fields": {"rate": str, "kind": str}, "none_kind": str},
        "organisations": ONEC_SET,
        "warehouses": ONEC_SET,
        "agreements": ONEC_SET,
    },
    "customer_path": {
        "bank_payments": {**ONEC_SET, "cash": bool, "order_set": str,
                          "fields": {"settlement": str, "incoming_number?": str},
                          "line_fields": {"line_order": str, "line_basis": str, "line_sum": str}},
        "cash_payments": {**ONEC_SET, "cash": bool, "order_set": str, "fields": {"settlement": str},
                          "line_fields": {"line_order": str, "line_basis": str, "line_sum": str}},
        "shipments": {**ONEC_SET, "fields": {"order": str, "goods": str},
                      "line_fields": {"line_order": str, "line_item": str, "line_quantity": str, "line_sum": str}},
        "invoices": {**ONEC_SET, "fields": {"basis": str, "total": str, "cancelled": str}},
        "product_names?": {**ONEC_SET, "fields": {"name": str}},
    },
}
SECTIONS.update({
    "product_group": {"onec": {**ONEC_SET, "fields": {"name": str, "parent": str, "*": str}}},
    "product": {
        "onec": {**ONEC_SET, "fields": {"name": str, "article": str, "group": str, "is_folder": str, "kind": str,
                                        "unit": str, "vat": str, "*": str},
                 "service_kinds": [str]},
        "units": {**ONEC_SET, "fields": {"okei": str, "name": str, "*": str}},
        "vat_rates": {**ONEC_SET, "fields": {"rate": str, "no_vat": str, "name": str, "*": str}},
        "bitrix24": {"product": {"*": str}, "vat_included?": str},
    },
    "price_type": {
        "onec": {**ONEC_SET, "fields": {"name": str, "currency": str, "*": str}},
        "currencies": {**ONEC_SET, "fields": {"code": str}},
        "iso_codes": {"*": str},
    },
    "price": {
        "document": {"entity_set": str, "lines": str, "product": str},
        # registers are read through their virtual tables, not as objects with Ref_Key: named apart from
        # "entity_set" so the publication check (which expects Ref_Key/DataVersion) leaves them alone
        "register": {"register": str, "fields": {"product": str, "price_type": str, "price": str}},
    },
    "warehouse": {"onec": {**ONEC_SET, "fields": {"name": str, "*": str}}, "default_address?": str},
    "stock": {
        "register": {"register": str, "dimensions": [str], "overlap_minutes?": float,
                     "fields": {"product": str, "warehouse": str, "in_stock": str, "reserved": str}},
        "movements": {"record_set": str, "fields": {"period": str, "product": str, "warehouse": str}},
    },
})

TOP = {"profile": str, "title": str}

_TYPE_NAMES = {str: "строка", bool: "да/нет (true/false)", int: "целое число", float: "число", list: "список",
               dict: "объект {…}"}


def _fail(path: str, expected: str, value: Any) -> ConfigError:
    shown = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    return ConfigError(f"{path}: ожидалось: {expected}, а в таблице {shown[:60]}")


def check(value: Any, schema: Any, path: str) -> None:
    if schema in (str, bool, int, float):
        ok = isinstance(value, schema) and not (schema is int and isinstance(value, bool))
        if schema is float:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not ok:
            raise _fail(path, _TYPE_NAMES[schema], value)
        return
    if isinstance(schema, list):
        if not isinstance(value, list):
            raise _fail(path, _TYPE_NAMES[list], value)
        for index, element in enumerate(value):
            check(element, schema[0], f"{path}[{index}]")
        return
    if not isinstance(value, dict):
        raise _fail(path, _TYPE_NAMES[dict], value)
    for key, sub in schema.items():
        if key == "*":
            continue
        name = key.rstrip("?")
        if name not in value:
            if key.endswith("?"):
                continue
            raise ConfigError(f"{path}: нет обязательного ключа «{name}»")
        check(value[name], sub, f"{path}.{name}")
    if "*" in schema:
        declared = {key.rstrip("?") for key in schema if key != "*"}
        for key, element in value.items():
            if key not in declared:
                check(element, schema["*"], f"{path}.{key}")


def validate_table(table: Any, profile: str) -> None:
    """Raise a ConfigError naming the profile and the path of the first problem."""
    try:
        check(table, {**TOP}, "")
        for section, schema in SECTIONS.items():
            if section in table:
                check(table[section], schema, section)
        _check_sources(table)
    except ConfigError as exc:
        raise ConfigError(f"Таблица соответствий «{profile}» заполнена неверно: {exc.message.lstrip('.')}.",
                          "Исправьте файл таблицы соответствий или верните поставляемый.") from None


def _check_sources(table: dict[str, Any]) -> None:
    """Every portal field must take its value from a canonical field the 1C side fills."""
    section = table.get("counterparty")
    if not section:
        return
    known = set(section["onec"]["fields"]) | {"phones", "emails", "legal_address"}
    b24 = section["bitrix24"]
    sources = [("counterparty.bitrix24.company", b24["company"]),
               ("counterparty.bitrix24.company_multifields", b24["company_multifields"])]
    sources += [(f"counterparty.bitrix24.requisite.{kind}", fields) for kind, fields in b24["requisite"].items()]
    for path, fields in sources:
        for target, source in fields.items():
            if source not in known:
                raise ConfigError(f"{path}.{target}: источник «{source}» не задан в counterparty.onec.fields")


def select_of(spec: dict[str, Any], *, poll: bool = False) -> list[str]:
    """``$select`` for a 1C section: the standard attributes, the owner (for owned catalogs) and — for a full read —
    every attribute the section maps. Derived, so adding a field to ``fields`` is all it takes."""
    select = list(STANDARD_POLL)
    owner = spec.get("owner_field")
    if owner:
        select += [owner, f"{owner}_Type"]
    if not poll:
        for group in ("fields", "manual_bank"):
            for attribute in (spec.get(group) or {}).values():
                if attribute not in select:
                    select.append(attribute)
    return select
