"""``crm.address.*``: addresses of requisites (and, on old portals, of contacts/companies directly).

How the portal treats them (dev.1c-bitrix.ru rest_help crm/requisite/methods/crm_address_*.php, bitrix24-rest-api.md
§5.3, the forum answer quoted on crm_address_update):
- an address has **no ID**: it is identified by ``TYPE_ID`` + ``ENTITY_TYPE_ID`` + ``ENTITY_ID``, which cannot be
  changed; ``update`` and ``delete`` find the address by these three;
- types come from ``crm.enum.addresstype``: 1 фактический, 4 регистрации, 6 юридический, 9 бенефициара,
  11 почтовый; ``ENTITY_TYPE_ID`` 8 = requisite (the normal owner), 3 contact / 4 company for addresses left
  without a requisite (lead conversion);
- ``update`` **replaces the whole address**: a field not sent is cleared (the address is re-registered);
- a second ``add`` of the same type to the same owner is refused (the sandbox is stricter than the docs say: a
  real portal's behaviour is not documented, and a client must update instead of adding twice);
- ``list`` pages by 50 and has the known defect of reporting ``total`` = the size of the page (fb24 #260,
  b24phpsdk #144): only ``next`` tells whether there is more;
- numbers are printed as strings, unset text fields as null; deleting a requisite deletes its addresses.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .errors import PortalError
from .filters import compile_filter, sort_records
from .schema import Field

PAGE_SIZE = 50
ADDRESS_TYPES = {1: "Фактический адрес", 4: "Адрес регистрации", 6: "Юридический адрес", 9: "Адрес бенефициара",
                 11: "Почтовый адрес"}
OWNER_REQUISITE, OWNER_CONTACT, OWNER_COMPANY = 8, 3, 4
KEY_FIELDS = ("TYPE_ID", "ENTITY_TYPE_ID", "ENTITY_ID")

ADDRESS_FIELDS: tuple[Field, ...] = (
    Field("TYPE_ID", "integer", "Тип адреса", required=True),
    Field("ENTITY_TYPE_ID", "integer", "Тип родительской сущности", required=True),
    Field("ENTITY_ID", "integer", "ID родительской сущности", required=True),
    Field("ADDRESS_1", "string", "Улица, дом, корпус, строение"),
    Field("ADDRESS_2", "string", "Квартира / офис"),
    Field("CITY", "string", "Город"),
    Field("POSTAL_CODE", "string", "Почтовый индекс"),
    Field("REGION", "string", "Район"),
    Field("PROVINCE", "string", "Область"),
    Field("COUNTRY", "string", "Страна"),
    Field("COUNTRY_CODE", "string", "Код страны"),
    Field("LOC_ADDR_ID", "integer", "Идентификатор адреса местоположения"),
    Field("ANCHOR_TYPE_ID", "integer", "Тип основной родительской сущности", read_only=True),
    Field("ANCHOR_ID", "integer", "ID основной родительской сущности", read_only=True),
)
_BY_NAME = {f.name: f for f in ADDRESS_FIELDS}
_TEXT_FIELDS = [f.name for f in ADDRESS_FIELDS if f.type == "string"]
_TYPES = {f.name: f.type for f in ADDRESS_FIELDS}

#: (entity_type_id, entity_id) -> (anchor type, anchor id) or None when the owner does not exist
OwnerResolver = Callable[[int, int], tuple[int, int] | None]


def _error(description: str) -> PortalError:
    return PortalError(400, "", description)


def _int(value: Any, name: str) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise _error(f"Поле {name} должно быть целым числом.") from None
    return number


class AddressBook:
    def __init__(self, resolve_owner: OwnerResolver) -> None:
        self.resolve_owner = resolve_owner
        self.records: dict[tuple[int, int, int], dict[str, Any]] = {}

    # ----- helpers -------------------------------------------------------------------------------
    def _fields(self, params: dict[str, Any]) -> dict[str, Any]:
        fields = params.get("fields", params.get("FIELDS"))
        if not isinstance(fields, dict):
            raise _error("Parameter 'fields' must be array.")
        return {str(k).upper(): v for k, v in fields.items()}

    def _key(self, fields: dict[str, Any]) -> tuple[int, int, int]:
        for name in KEY_FIELDS:
            if fields.get(name) in (None, ""):
                raise _error(f'Не заполнено обязательное поле "{_BY_NAME[name].title}" ({name}).')
        type_id = _int(fields["TYPE_ID"], "TYPE_ID")
        if type_id not in ADDRESS_TYPES:
            raise _error(f"Неизвестный тип адреса (TYPE_ID = {type_id}).")
        return type_id, _int(fields["ENTITY_TYPE_ID"], "ENTITY_TYPE_ID"), _int(fields["ENTITY_ID"], "ENTITY_ID")

    def _record(self, key: tuple[int, int, int], fields: dict[str, Any]) -> dict[str, Any]:
        anchor = self.resolve_owner(key[1], key[2])
        if anchor is None:
            raise _error("Не найдена сущность, к которой привязывается адрес.")
        record: dict[str, Any] = {"TYPE_ID": str(key[0]), "ENTITY_TYPE_ID": str(key[1]), "ENTITY_ID": str(key[2])}
        for name in _TEXT_FIELDS:
            value = fields.get(name)
            record[name] = None if value in (None, "") else str(value)
        record["LOC_ADDR_ID"] = str(_int(fields.get("LOC_ADDR_ID") or 0, "LOC_ADDR_ID"))
        record["ANCHOR_TYPE_ID"], record["ANCHOR_ID"] = str(anchor[0]), str(anchor[1])
        return record

    # ----- methods -------------------------------------------------------------------------------
    def add(self, params: dict[str, Any]) -> bool:
        fields = self._fields(params)
        key = self._key(fields)
        if key in self.records:
            raise _error(f"Адрес типа «{ADDRESS_TYPES[key[0]]}» у этой сущности уже есть: используйте "
                         "crm.address.update.")
        self.records[key] = self._record(key, fields)
        return True

    def update(self, params: dict[str, Any]) -> bool:
        fields = self._fields(params)
        key = self._key(fields)
        if key not in self.records:
            raise _error("Not found")
        # the whole address is registered anew: what the call does not send is gone
        self.records[key] = self._record(key, fields)
        return True

    def delete(self, params: dict[str, Any]) -> bool:
        key = self._key(self._fields(params))
        if self.records.pop(key, None) is None:
            raise _error("Not found")
        return True

    def list(self, params: dict[str, Any]) -> tuple[list[dict[str, Any]], int, int | None]:
        predicate = compile_filter(params.get("filter", params.get("FILTER")), _TYPES)
        rows = [self.records[key] for key in sorted(self.records) if predicate(self.records[key])]
        order = params.get("order", params.get("ORDER"))
        if isinstance(order, dict) and any(str(name).upper() in _TYPES for name in order):
            rows = sort_records(rows, {str(k).upper(): v for k, v in order.items()}, _TYPES)
        select = params.get("select", params.get("SELECT"))
        names = [str(n).upper() for n in select] if isinstance(select, list) and select else list(_BY_NAME)
        if "*" in names:
            names = list(_BY_NAME)
        try:
            start = int(str(params.get("start", 0)))
        except ValueError:
            start = 0
        if start == -1:
            page, next_start = rows[:PAGE_SIZE], None
        else:
            start = max(start, 0)
            page = rows[start:start + PAGE_SIZE]
            next_start = start + PAGE_SIZE if start + PAGE_SIZE < len(rows) else None
        result = [{n: copy.deepcopy(r[n]) for n in names if n in r} for r in page]
        return result, len(result), next_start  # total: the page size, not the count (known defect)

    def fields(self, params: dict[str, Any]) -> dict[str, Any]:
        meta = {f.name: f.metadata() for f in ADDRESS_FIELDS}
        for name in KEY_FIELDS:
            meta[name]["isImmutable"] = True
        return meta

    def types(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"ID": type_id, "NAME": name} for type_id, name in ADDRESS_TYPES.items()]

    def drop_owner(self, entity_type_id: int, entity_id: int) -> None:
        for key in [k for k in self.records if k[1] == entity_type_id and k[2] == entity_id]:
            del self.records[key]

    def rows(self) -> list[dict[str, Any]]:
        return [copy.deepcopy(self.records[k]) for k in sorted(self.records)]

    def methods(self) -> dict[str, Callable[[dict[str, Any]], tuple[Any, ...]]]:
        return {
            "crm.address.add": lambda p: (self.add(p),),
            "crm.address.update": lambda p: (self.update(p),),
            "crm.address.delete": lambda p: (self.delete(p),),
            "crm.address.list": self.list,
            "crm.address.fields": lambda p: (self.fields(p),),
            "crm.enum.addresstype": lambda p: (self.types(p),),
        }
