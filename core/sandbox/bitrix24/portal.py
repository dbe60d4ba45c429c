"""The portal: CRM stores, method table, per-call accounting (operating time) and ``batch``.

Everything here runs under one lock: the HTTP server is threaded, and a real portal also
serialises writes to one record. HTTP concerns (auth from the URL, the leaky bucket, injected
faults, envelopes) live in ``server.py``.
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .addresses import OWNER_COMPANY, OWNER_CONTACT, OWNER_REQUISITE, AddressBook
from .catalog import Catalog
from .contact_links import ContactCompanyLinks
from .crm_item import CompanyItems
from .entities import LegacyEntity
from .errors import PortalError, insufficient_scope, method_not_found, not_found_legacy
from .limits import OperatingLimiter
from .phpquery import parse_php_query, php_map
from .sales import SalesDesk
from .schema import (
    BANKDETAIL_FIELDS,
    COMPANY_FIELDS,
    CONTACT_FIELDS,
    REQUISITE_FIELDS,
    RUSSIAN_PRESETS,
    TIMELINE_COMMENT_FIELDS,
)
from .values import portal_datetime

MAX_BATCH_COMMANDS = 50
MAX_DUPLICATE_VALUES = 20
# the alternation order is PHP's ("result" first), so "$result_error[…]" is read as $result + "_error[…]" as there
_BATCH_REF_RE = re.compile(r"\$(result|result_error|result_total|result_next|result_time)(\S*)", re.IGNORECASE)
_PATH_PART_RE = re.compile(r"\[([^\]]+)\]")


@dataclass
class Outcome:
    result: Any
    total: int | None = None
    next: int | None = None


@dataclass(frozen=True)
class MethodSpec:
    scope: str
    handler: Callable[[dict[str, Any]], Outcome]


class Portal:
    def __init__(
        self,
        *,
        user_id: int,
        scopes: set[str],
        clock: Callable[[], float],
        operating_limit: float | None,
        method_cost: float,
    ) -> None:
        self.user_id = user_id
        self.scopes = set(scopes)
        self.clock = clock
        self.method_cost = method_cost
        self.operating = OperatingLimiter(operating_limit, clock)
        self.lock = threading.RLock()
        self.log: list[str] = []
        self._last_mf_id = 0
        self.companies = LegacyEntity(
            "company", COMPANY_FIELDS, "", page_rounding=True,
            defaults={"COMPANY_TYPE": "CUSTOMER", "OPENED": "Y", "IS_MY_COMPANY": "N", "CURRENCY_ID": "RUB",
                      "REVENUE": "0", "BANKING_DETAILS": None},
        )
        self.contacts = LegacyEntity(
            "contact", CONTACT_FIELDS, "", page_rounding=True,
            defaults={"TYPE_ID": "CLIENT", "OPENED": "Y", "EXPORT": "Y"},
        )
        self.requisites = LegacyEntity(
            "requisite", REQUISITE_FIELDS, 0, page_rounding=False, blank_modify_on_add=True,
            defaults={"ACTIVE": "Y", "ADDRESS_ONLY": "N", "SORT": "500", "RQ_VAT_PAYER": "N"},
            validate=self._validate_requisite,
        )
        self.bankdetails = LegacyEntity(
            "bankdetail", BANKDETAIL_FIELDS, 0, page_rounding=False, blank_modify_on_add=True,
            defaults={"ACTIVE": "Y", "SORT": "500", "COUNTRY_ID": "1"},
            validate=self._validate_bankdetail,
        )
        self.timeline_comments = LegacyEntity("timeline_comment", TIMELINE_COMMENT_FIELDS, "", page_rounding=False)
        self.items = CompanyItems(self.companies)
        self.addresses = AddressBook(self._address_anchor)
        self.contact_links = ContactCompanyLinks(self.contacts, self.companies)
        self.sales = SalesDesk(self)
        self.catalog = Catalog(self.now, user_id)
        stores = (self.companies, self.contacts, self.requisites, self.bankdetails, self.timeline_comments,
                  self.sales.deals.entity)
        self.kinds: dict[str, LegacyEntity] = {e.kind: e for e in stores}
        self.methods = self._method_table()

    # ----- test-helper views ---------------------------------------------------------------------
    def entities(self, kind: str) -> list[dict[str, Any]]:
        with self.lock:
            if kind == "preset":
                return copy.deepcopy(list(RUSSIAN_PRESETS))
            if kind == "address":
                return self.addresses.rows()
            catalog_tables = {"product": self.catalog.products, "price": self.catalog.prices,
                              "price_type": self.catalog.price_types, "store": self.catalog.stores,
                              "store_product": self.catalog.store_products, "section": self.catalog.sections,
                              "measure": self.catalog.measures, "vat": self.catalog.vats,
                              "document": self.catalog.documents, "document_element": self.catalog.document_elements}
            if kind in catalog_tables:
                rows = catalog_tables[kind].rows
                return [copy.deepcopy(rows[i]) for i in sorted(rows)]
            if kind not in self.kinds:
                # kinds the sandbox does not model yet (deal…) are simply empty
                return []
            store = self.kinds[kind].records
            return [copy.deepcopy(store[i]) for i in sorted(store)]

    def now(self) -> str:
        return portal_datetime(self.clock())

    def next_mf_id(self) -> int:
        self._last_mf_id += 1
        return self._last_mf_id

    # ----- execution -----------------------------------------------------------------------------
    def execute(self, method: str, params: dict[str, Any], *, in_batch: bool = False) -> tuple[Outcome, dict]:
        """Run one method with scope and operating checks; returns the outcome and its ``time``."""
        with self.lock:
            spec = self.methods.get(method)
            if method == "batch" and in_batch:
                raise PortalError(405, "ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage")
            if spec is None:
                raise method_not_found()
            if spec.scope != "basic" and spec.scope not in self.scopes:
                raise insufficient_scope()
            if self.operating.is_blocked(method):
                raise PortalError(429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.")
            started = self.clock()
            try:
                outcome = spec.handler(params)
            finally:
                if method != "batch":  # docs: the outer batch is not billed, its commands are
                    self.operating.charge(method, self.method_cost)
            return outcome, self.time_info(method, started)

    def time_info(self, method: str, started: float) -> dict[str, Any]:
        finished = max(self.clock(), started) + (self.method_cost if method != "batch" else 0.0)
        info: dict[str, Any] = {
            "start": started,
            "finish": finished,
            "duration": finished - started,
            "processing": finished - started,
            "date_start": portal_datetime(started),
            "date_finish": portal_datetime(finished),
        }
        if self.operating.enabled:
            info["operating_reset_at"] = self.operating.reset_at(method)
            info["operating"] = self.operating.operating(method)
        return info

    def run_batch(self, params: dict[str, Any]) -> Outcome:
        commands = params.get("cmd", params.get("CMD"))
        if isinstance(commands, list):
            pairs = [(str(i), c) for i, c in enumerate(commands)]
        elif isinstance(commands, dict):
            pairs = [(str(k), c) for k, c in commands.items()]
        else:
            pairs = []
        if len(pairs) > MAX_BATCH_COMMANDS:
            raise PortalError(400, "ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded")
        halt = str(params.get("halt", "0")).strip().lower() in ("1", "true", "y")
        maps: dict[str, dict[str, Any]] = {
            "result": {}, "result_error": {}, "result_total": {}, "result_next": {}, "result_time": {},
        }
        for key, command in pairs:
            method, _, query = str(command).partition("?")
            method = normalise_method(method)
            # CRestUtil::ParseBatchQuery: parse_str (URL-decoding) first, then references in every key and value
            params = resolve_batch_references(parse_php_query(query), maps) if query else {}
            with self.lock:
                self.log.append(f"batch:{method}")
            try:
                outcome, time_info = self.execute(method, params, in_batch=True)
            except PortalError as exc:
                maps["result_error"][key] = exc.body()
                if halt:
                    break
                continue
            maps["result"][key] = outcome.result
            if outcome.total is not None:
                maps["result_total"][key] = outcome.total
            if outcome.next is not None:
                maps["result_next"][key] = outcome.next
            maps["result_time"][key] = time_info
        # PHP prints an empty associative array as [] — the reference bodies show it
        return Outcome({name: php_map(values) for name, values in maps.items()})

    # ----- method table --------------------------------------------------------------------------
    def _method_table(self) -> dict[str, MethodSpec]:
        table: dict[str, MethodSpec] = {
            "scope": MethodSpec("basic", lambda p: Outcome(sorted(self.scopes))),
            "method.get": MethodSpec("basic", self._method_get),
            "profile": MethodSpec("basic", self._profile),
            "batch": MethodSpec("basic", self.run_batch),
            "crm.requisite.preset.list": MethodSpec("crm", self._preset_list),
            "crm.duplicate.findbycomm": MethodSpec("crm", self._find_by_comm),
            "crm.timeline.comment.add": MethodSpec("crm", self._timeline_comment_add),
            "crm.entity.mergebatch": MethodSpec("crm", self._merge_batch),
            "crm.item.list": MethodSpec("crm", self._item_list),
            "crm.item.get": MethodSpec("crm", lambda p: Outcome(self.items.get(p))),
            "crm.item.add": MethodSpec("crm", lambda p: Outcome(self.items.add(p, **self._write_ctx()))),
            "crm.item.update": MethodSpec("crm", lambda p: Outcome(self.items.update(p, **self._write_ctx()))),
        }
        families = {
            "crm.company": (self.companies, ("add", "update", "get", "list", "delete", "fields")),
            "crm.contact": (self.contacts, ("add", "update", "get", "list", "delete", "fields")),
            "crm.requisite": (self.requisites, ("add", "update", "get", "list", "delete", "fields")),
            "crm.requisite.bankdetail": (self.bankdetails, ("add", "update", "get", "list", "delete", "fields")),
        }
        for prefix, (entity, operations) in families.items():
            for operation in operations:
                table[f"{prefix}.{operation}"] = MethodSpec("crm", self._legacy_handler(entity, operation))
        # method families kept in their own modules (addresses.py, contact_links.py): handlers return Outcome args
        for name, handler in {**self.addresses.methods(), **self.contact_links.methods()}.items():
            table[name] = MethodSpec("crm", lambda p, h=handler: Outcome(*h(p)))
        table["crm.currency.list"] = MethodSpec("crm", lambda p: Outcome(self.catalog.currency_rows(), None, None))
        for name, handler in self.catalog.methods().items():
            table[name] = MethodSpec("catalog", self._catalog_handler(handler))
        return self.sales.extend(table)  # deals, stages, product rows, smart invoices, deal comments (sales.py)

    def _catalog_handler(self, handler: Callable[[dict[str, Any]], tuple[Any, Any, Any]]) -> Callable:
        def run(params: dict[str, Any]) -> Outcome:
            self.catalog.check_access()
            result, total, next_start = handler(params)
            return Outcome(result, total, next_start)

        return run

    def _write_ctx(self) -> dict[str, Any]:
        return {"now": self.now(), "user_id": self.user_id, "next_mf_id": self.next_mf_id}

    def _legacy_handler(self, entity: LegacyEntity, operation: str) -> Callable[[dict[str, Any]], Outcome]:
        def handler(params: dict[str, Any]) -> Outcome:
            if operation == "add":
                return Outcome(entity.add(entity.fields_param(params), **self._write_ctx()))
            if operation == "update":
                entity_id = entity.resolve_id(params)
                return Outcome(entity.update(entity_id, entity.fields_param(params), **self._write_ctx()))
            if operation == "get":
                return Outcome(entity.output(entity.get_record(entity.resolve_id(params))))
            if operation == "delete":
                entity_id = entity.resolve_id(params)
                entity.delete(entity_id)
                self._cascade_delete(entity.kind, entity_id)
                return Outcome(True)
            if operation == "list":
                page = entity.list(params)
                return Outcome(page.rows, page.total, page.next)
            return Outcome(entity.metadata())

        return handler

    def _address_anchor(self, entity_type_id: int, entity_id: int) -> tuple[int, int] | None:
        """Owner of an address → its anchor (the company/contact a requisite belongs to), None if missing."""
        if entity_type_id == OWNER_REQUISITE:
            requisite = self.requisites.records.get(entity_id)
            return None if requisite is None else (int(requisite["ENTITY_TYPE_ID"]), int(requisite["ENTITY_ID"]))
        owner = {OWNER_CONTACT: self.contacts, OWNER_COMPANY: self.companies}.get(entity_type_id)
        return (entity_type_id, entity_id) if owner is not None and entity_id in owner.records else None

    def _cascade_delete(self, kind: str, entity_id: int) -> None:
        # deleting a company/contact removes its requisites, deleting a requisite its bank details and addresses
        if kind == "contact":
            self.contact_links.forget_contact(entity_id)
            self.addresses.drop_owner(OWNER_CONTACT, entity_id)
        if kind == "company":
            self.contact_links.forget_company(entity_id)
            self.addresses.drop_owner(OWNER_COMPANY, entity_id)
        owner_type = {"company": "4", "contact": "3"}.get(kind)
        if owner_type:
            for rq_id, rq in list(self.requisites.records.items()):
                if rq["ENTITY_TYPE_ID"] == owner_type and rq["ENTITY_ID"] == str(entity_id):
                    del self.requisites.records[rq_id]
                    self._cascade_delete("requisite", rq_id)
        if kind == "requisite":
            self.addresses.drop_owner(OWNER_REQUISITE, entity_id)
            for bd_id, bd in list(self.bankdetails.records.items()):
                if bd["ENTITY_ID"] == str(entity_id):
                    del self.bankdetails.records[bd_id]

    def _validate_requisite(self, record: dict[str, Any], is_update: bool) -> None:
        owners = {"4": self.companies, "3": self.contacts}
        owner = owners.get(str(record["ENTITY_TYPE_ID"]))
        if owner is None:
            raise PortalError(400, 0, "Недопустимый идентификатор типа сущности (ENTITY_TYPE_ID).")
        if int(record["ENTITY_ID"]) not in owner.records:
            raise PortalError(400, 0, "Не найдена сущность, к которой привязываются реквизиты.")
        if not any(p["ID"] == str(record["PRESET_ID"]) for p in RUSSIAN_PRESETS):
            raise PortalError(400, 0, "Не найден шаблон реквизитов (PRESET_ID).")

    def _validate_bankdetail(self, record: dict[str, Any], is_update: bool) -> None:
        if int(record["ENTITY_ID"]) not in self.requisites.records:
            raise PortalError(400, 0, "Не найдены реквизиты, к которым привязываются банковские реквизиты.")

    def _method_get(self, params: dict[str, Any]) -> Outcome:
        name = normalise_method(str(params.get("name", "")))
        spec = self.methods.get(name)
        existing = spec is not None
        available = existing and (spec.scope == "basic" or spec.scope in self.scopes)
        return Outcome({"isExisting": existing, "isAvailable": available})

    def _profile(self, params: dict[str, Any]) -> Outcome:
        return Outcome({
            "ID": str(self.user_id), "ADMIN": True, "NAME": "Администратор", "LAST_NAME": "Портала",
            "PERSONAL_GENDER": "", "PERSONAL_PHOTO": "", "TIME_ZONE": "Europe/Moscow", "TIME_ZONE_OFFSET": 10800,
        })

    def _preset_list(self, params: dict[str, Any]) -> Outcome:
        rows = [{"ID": p["ID"], "NAME": p["NAME"]} for p in RUSSIAN_PRESETS]
        return Outcome(rows, len(rows), None)

    def _item_list(self, params: dict[str, Any]) -> Outcome:
        result, total, next_start = self.items.list(params)
        return Outcome(result, total, next_start)

    def _find_by_comm(self, params: dict[str, Any]) -> Outcome:
        comm_type = str(params.get("type", "")).upper()
        if comm_type not in ("PHONE", "EMAIL"):
            # this method puts its human-readable text into "error" itself (notes §2.3)
            raise PortalError(400, "Communication type is not defined", "Communication type is not defined")
        values = params.get("values")
        if isinstance(values, dict):
            values = list(values.values())
        if isinstance(values, str):
            values = [values]
        if not values:
            raise PortalError(400, "Communication values are not defined", "Communication values are not defined")
        if len(values) > MAX_DUPLICATE_VALUES:
            raise PortalError(400, "Too many communication values", "Too many communication values")
        normalise = _phone_key if comm_type == "PHONE" else (lambda v: v.strip().casefold())
        wanted = {normalise(str(v)) for v in values} - {""}
        entity_type = str(params.get("entity_type", "")).upper()
        found: dict[str, list[int]] = {}
        for type_name, entity in (("CONTACT", self.contacts), ("COMPANY", self.companies)):
            if entity_type and entity_type != type_name:
                continue
            ids = [
                int(record["ID"])
                for record in entity.records.values()
                if any(normalise(e["VALUE"]) in wanted for e in record[comm_type])
            ]
            if ids:
                found[type_name] = ids
        return Outcome(found if found else [])

    def _merge_batch(self, params: dict[str, Any]) -> Outcome:
        return _merge_batch_impl(self, params)

    def _timeline_comment_add(self, params: dict[str, Any]) -> Outcome:
        fields = params.get("fields")  # lower-case only since crm 23.100.0
        if not isinstance(fields, dict):
            raise PortalError(400, "", "Parameter 'fields' must be array.")
        entity_type = str(fields.get("ENTITY_TYPE", "")).lower()
        owner = {"company": self.companies, "contact": self.contacts}.get(entity_type)
        try:
            owner_id = int(str(fields.get("ENTITY_ID")))
        except (TypeError, ValueError):
            owner_id = 0
        if owner is None or owner_id not in owner.records:
            raise not_found_legacy()
        if not str(fields.get("COMMENT") or "").strip():
            raise PortalError(400, "", "Empty comment message.")
        comments = self.timeline_comments
        comments.last_id += 1
        comments.records[comments.last_id] = {
            "ID": str(comments.last_id), "CREATED": self.now(), "ENTITY_ID": str(owner_id),
            "ENTITY_TYPE": entity_type, "AUTHOR_ID": str(self.user_id), "COMMENT": str(fields["COMMENT"]),
        }
        return Outcome(comments.last_id)


#: fields a merge never compares: the system keeps its own values for them
_MERGE_SYSTEM_FIELDS = {"ID", "DATE_CREATE", "DATE_MODIFY", "CREATED_BY_ID", "MODIFY_BY_ID", "ASSIGNED_BY_ID",
                        "LAST_ACTIVITY_TIME", "LAST_ACTIVITY_BY", "HAS_PHONE", "HAS_EMAIL", "HAS_IMOL", "OPENED",
                        "COMPANY_TYPE", "CURRENCY_ID", "REVENUE", "IS_MY_COMPANY", "TYPE_ID", "EXPORT"}


def _merge_batch_impl(portal: Portal, params: dict[str, Any]) -> Outcome:
    """crm.entity.mergeBatch (D13): ``{params: {entityTypeId, entityIds}}`` → ``{STATUS, ENTITY_IDS}``.

    The first id stays; the others are merged into it and deleted (ENTITY_IDS lists them, not the one that
    stays). Empty fields of the one that stays are filled from the others, multifields are joined, requisites
    move over. Two different non-empty values of one field are a CONFLICT: nothing changes, the portal expects a
    person to finish in the manual merge page (/crm/company/merge/?id=…).
    """
    inner = params.get("params")
    if not isinstance(inner, dict):
        raise PortalError(400, "", "Required parameter \"params\" is not defined")
    type_id = str(inner.get("entityTypeId", ""))
    store = {"4": portal.companies, "3": portal.contacts}.get(type_id)
    if type_id not in ("1", "2", "3", "4"):
        raise PortalError(400, "", "Invalid value of parameter entityTypeId")
    if store is None:
        # leads and deals are not modelled by the sandbox: refuse rather than pretend
        raise PortalError(400, "", "The sandbox portal does not model leads and deals")
    ids_raw = inner.get("entityIds")
    if isinstance(ids_raw, dict):
        ids_raw = list(ids_raw.values())
    try:
        ids = [int(str(v)) for v in (ids_raw or [])]
    except ValueError:
        raise PortalError(400, "", "Invalid value of parameter entityIds") from None
    if len(ids) < 2 or len(set(ids)) != len(ids):
        raise PortalError(400, "", "At least two different entity IDs are required")
    if any(i not in store.records for i in ids):
        return Outcome({"STATUS": "ERROR", "ENTITY_IDS": []})
    seed, others = store.records[ids[0]], [store.records[i] for i in ids[1:]]
    for other in others:
        for name in store.scalar_names:
            if name in _MERGE_SYSTEM_FIELDS:
                continue
            mine, theirs = seed.get(name), other.get(name)
            if mine not in (None, "") and theirs not in (None, "") and str(mine) != str(theirs):
                return Outcome({"STATUS": "CONFLICT", "ENTITY_IDS": []})
    owner_type = {"4": "4", "3": "3"}[type_id]
    for other in others:
        for name in store.scalar_names:
            if name not in _MERGE_SYSTEM_FIELDS and seed.get(name) in (None, "") and other.get(name) not in (None, ""):
                seed[name] = other[name]
        if store.has_multifields:
            for kind in ("PHONE", "EMAIL", "WEB", "IM"):
                known = {str(v.get("VALUE")) for v in seed.get(kind) or []}
                for value in other.get(kind) or []:
                    if str(value.get("VALUE")) not in known:
                        seed.setdefault(kind, []).append(dict(value, ID=str(portal.next_mf_id())))
            store.refresh_computed(seed)
        for requisite in portal.requisites.records.values():
            if requisite["ENTITY_TYPE_ID"] == owner_type and requisite["ENTITY_ID"] == str(other["ID"]):
                requisite["ENTITY_ID"] = str(seed["ID"])
        del store.records[int(other["ID"])]
    seed["DATE_MODIFY"] = portal.now()
    return Outcome({"STATUS": "SUCCESS", "ENTITY_IDS": [str(i) for i in ids[1:]]})


def normalise_method(method: str) -> str:
    method = method.strip().lower()
    for suffix in (".json", ".xml"):
        if method.endswith(suffix):
            method = method[: -len(suffix)]
    return method


def resolve_batch_references(params: Any, maps: dict[str, dict[str, Any]]) -> Any:
    """CRestUtil::processBatchStructure: walk the *decoded* parameters; in every key and string value each
    ``$result…[a][b]`` is resolved against the answers so far. So an URL-encoded reference (%24result%5Bc1%5D, as
    the official SDKs send it) works, and so does a reference hidden in a data value: the portal cannot tell."""
    if isinstance(params, dict):
        return {_resolve_element(k, maps) if isinstance(k, str) else k: resolve_batch_references(v, maps)
                for k, v in params.items()}
    if isinstance(params, list):
        return [resolve_batch_references(v, maps) for v in params]
    return _resolve_element(params, maps) if isinstance(params, str) else params


def _resolve_element(value: str, maps: dict[str, dict[str, Any]]) -> Any:
    """CRestUtil::processBatchElement. The path walk stops at the first missing key (PHP ``isset``): a reference
    past the end of a list resolves to the deepest node that exists (the list itself). A whole-value reference
    becomes that node whatever its type; inside a longer string only scalars are substituted."""
    result: Any = value
    for match in _BATCH_REF_RE.finditer(value):
        path = _PATH_PART_RE.findall(match.group(2))
        if not path:
            continue
        node: Any = maps.get(match.group(1).lower())
        for key in path:
            if isinstance(node, dict) and key in node and node[key] is not None:
                node = node[key]
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node) and node[int(key)] is not None:
                node = node[int(key)]
            else:
                break
        if match.group(0) == result:
            result = node
            continue
        if isinstance(node, bool):
            continue  # is_numeric(true) is false and true is not a string: left as it was
        if isinstance(node, (int, float)):
            node = str(node)
        if not isinstance(node, str) or not isinstance(result, str):
            continue
        result = result.replace(match.group(0), node)
    return result


def _phone_key(value: str) -> str:
    """Digits of a phone without its extension, Russian trunk prefix 8 read as +7."""
    value = re.split(r"(?i)доб|ext|#|,", value)[0]
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11 and digits.startswith("8"):
        digits = "7" + digits[1:]
    elif len(digits) == 10:
        digits = "7" + digits
    return digits
