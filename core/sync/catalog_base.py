"""What the catalogue pipelines share: the portal's catalogue info (read once per run), lookups of records by xmlId,
and the «named» catalogue entities (product groups → sections, price types, warehouses → stores).

Catalogue entities are opt-in (``enabled_by_default = False``): a run takes them when the profile lists them — the
wizard's catalogue page does that once the admin has chosen price types and warehouses.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, ClassVar

from core.bitrix24 import catalog as b24catalog
from core.bitrix24.batch import reference
from core.bitrix24.catalog import CatalogInfo
from core.errors import NotPublished, RemoteError
from core.mapping.catalog import (
    FieldsPayload,
    NamedRecord,
    changed_fields,
    named_from_onec,
    payload_from_json,
    payload_to_json,
)
from core.mapping.schema import select_of
from core.messages import STAGES
from core.onec.publication import PUBLISH_HINT
from core.sync.pipeline import Commands, Item, Pipeline

log = logging.getLogger(__name__)

LOOKUP_REFS = 50  # xmlIds per list command (one page of answers)
LOOKUP_COMMANDS = 40  # list commands per lookup batch
CATALOG_INFO = "catalog_info"  # its key in RunContext.shared
#: seconds a read of the portal made earlier in the run (the catalogue info, the whole product list) stands in for
#: the slices' own identity questions: a record another program gives one of our xmlIds later is found by a later
#: slice's own question
FRESH_FOR = 120.0

#: the catalogue's own wording of the engine's reasons (neutral gender: groups, price types, stores, products)
CATALOG_REASONS = {
    "created": "catalog_created", "updated": "catalog_updated", "marked_deleted": "catalog_deactivated",
    "probable_duplicate": "catalog_probable_duplicate", "dry_run_link": "catalog_dry_run_link",
    "dry_run_create": "catalog_dry_run_create", "dry_run_update": "catalog_dry_run_update",
    "mapping_note": "catalog_mapping_note",
}


class CatalogPipeline(Pipeline):
    """Base of the catalogue pipelines: catalogue info, link lookups of other catalogue entities."""

    enabled_by_default: ClassVar[bool] = False
    reason_codes: ClassVar[dict[str, str]] = CATALOG_REASONS
    field_labels: ClassVar[dict[str, str]] = {}

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        self._sent: set[str] = set()  # keys (lower case) whose writes this run has prepared

    def note_sent(self, item: Item) -> None:
        """Called as a write is prepared: from now on only a fresh question tells whether it landed."""
        self._sent.add(item.key.lower())

    def may_answer_from(self, read_at: float, items: list[Item]) -> bool:
        """Whether a read of the portal made at ``read_at`` (earlier in this run) may answer the identity questions
        of these items: it is younger than FRESH_FOR and this run has sent no write for any of them since — a lost
        answer's probe and a retry always ask the portal, the earlier read cannot know whether that write landed."""
        if time.monotonic() - read_at > FRESH_FOR:
            return False
        return not any(item.key.lower() in self._sent for item in items)

    @property
    def info(self) -> CatalogInfo:
        """The portal's catalogue, read once per run and shared by every catalogue pipeline of it: read per pipeline
        it was 10 of the 83 requests of a 1,000-product first load, 4 s at the cloud's 2 requests a second. Price
        types and warehouses add the stores and types they create (:meth:`NamedCatalogPipeline.remember`)."""
        info = self.ctx.shared.get(CATALOG_INFO)
        if info is None:
            assert self.b24 is not None
            info = self.ctx.shared[CATALOG_INFO] = b24catalog.load_info(self.b24)
        return info

    def linked_ids(self, entity: str) -> dict[str, str]:
        """1C ref → portal id of another catalogue entity's records."""
        return self.store.link_ids(entity, entity)

    def read_register(self, register: str, read: Callable[[], Any]) -> Any:
        """A register read; a register missing from the OData composition stops this section (not the run) with
        the instruction to publish it, like an unpublished catalog does."""
        try:
            return read()
        except RemoteError as exc:
            if exc.code in ("6", "8"):  # «Сегмент пути … не найден» / entity type not found
                raise NotPublished(f"Регистр {register} не опубликован в OData 1С, а он нужен для раздела "
                                   f"«{self.label}»: раздел пропущен, остальные синхронизируются.",
                                   PUBLISH_HINT) from None
            raise

    def chosen(self) -> list[str]:
        """The 1C refs the admin picked for this entity (price types, warehouses); empty = all active."""
        return [str(r).lower() for r in self.settings.get("chosen") or []]

    # ---- mapping helpers shared by every catalogue entity ----
    def payload_to_json(self, payload: Any) -> dict[str, Any] | None:
        return payload_to_json(payload)

    def payload_from_json(self, data: dict[str, Any] | None) -> Any:
        return payload_from_json(data)

    def changed_fields(self, old: Any, new: Any) -> list[str]:
        return changed_fields(old, new, self.field_labels)

    def title_of(self, record: Any) -> str:
        return str(getattr(record, "name", "") or "")

    # ---- finding records by xmlId, in batches of list commands ----
    def find_by_xml_id(self, items: list[Item], command: Callable[[list[str]], tuple[str, dict[str, Any]]],
                       wrapper: str) -> dict[str, dict[str, Any]] | None:
        """xmlId → portal row for these items, or None when the portal did not answer every question (then nothing
        can be called «absent», and nothing may be created)."""
        refs = [item.key for item in items]
        found: dict[str, dict[str, Any]] = {}
        chunks = [refs[i:i + LOOKUP_REFS] for i in range(0, len(refs), LOOKUP_REFS)]
        for start in range(0, len(chunks), LOOKUP_COMMANDS):
            self.ctx.check_cancelled()
            self.ctx.progress(STAGES["lookup_portal"], start * LOOKUP_REFS, len(refs), entity=self.entity)
            commands = {f"f{n}": command(chunk) for n, chunk in enumerate(chunks[start:start + LOOKUP_COMMANDS])}
            result = self.b24.batch(commands)  # type: ignore[union-attr]
            if result.errors or any(key not in result.result for key in commands):
                error = next(iter(result.errors.values()), None)
                self._lookup_error = (error.message if error is not None
                                      else "портал не ответил на поиск (ответ неполный)")
                return None
            for key in commands:
                for row in b24catalog.unwrap(result.result[key], wrapper):
                    if isinstance(row, dict) and row.get("xmlId"):
                        found.setdefault(str(row["xmlId"]).lower(), row)
        return found

    def list_rows(self, commands: dict[str, tuple[str, dict[str, Any]]], wrapper: str) -> dict[str, list] | None:
        """Run list commands in one batch and take every page of each (a command whose answer has ``next`` is
        continued with ``start``); None when any of them failed or went unanswered."""
        result = self.b24.batch(commands)  # type: ignore[union-attr]
        if result.errors or any(key not in result.result for key in commands):
            error = next(iter(result.errors.values()), None)
            self._lookup_error = error.message if error is not None else "портал не ответил на чтение (ответ неполный)"
            return None
        rows = {key: list(b24catalog.unwrap(result.result[key], wrapper)) for key in commands}
        for key, start in result.next.items():
            method, params = commands[key]
            while start:
                page = self.b24.call_raw(method, {**params, "start": start})  # type: ignore[union-attr]
                rows[key].extend(b24catalog.unwrap(page.get("result"), wrapper))
                start = page.get("next")
        return rows

    def rows_by_product(self, items: list[Item], rows_per_product: int,
                        command: Callable[[list[str]], tuple[str, dict[str, Any]]],
                        wrapper: str) -> dict[str, list[dict[str, Any]]]:
        """The portal's rows (prices, store amounts) of these items' products, by product id. One page (50 rows) per
        command holds the rows of as many products as fit; a chunk whose answer failed marks its items
        ``lookup_failed`` (never "no rows": that would rewrite what is there)."""
        ids = [item.target_id for item in items if item.target_id]
        found: dict[str, list[dict[str, Any]]] = {}
        per_command = max(1, 50 // max(1, rows_per_product))
        for start in range(0, len(ids), per_command * 40):
            self.ctx.check_cancelled()
            chunk = ids[start:start + per_command * 40]
            commands = {f"r{n}": command(chunk[i:i + per_command])
                        for n, i in enumerate(range(0, len(chunk), per_command))}
            rows = self.list_rows(commands, wrapper)
            if rows is None:
                self.fail_lookup([item for item in items if item.target_id in chunk])
                continue
            for page in rows.values():
                for row in page:
                    found.setdefault(str(row["productId"]), []).append(row)
        return found

    def fail_lookup(self, items: list[Item]) -> None:
        for item in items:
            item.action = "lookup_failed"
            item.params = {"error": getattr(self, "_lookup_error", "портал не ответил на поиск")}


class NamedCatalogPipeline(CatalogPipeline):
    """A catalogue entity that is a name with an xmlId in the portal: groups, price types, warehouses."""

    wrapper: ClassVar[str]  # single-row wrapper of add/update answers ("section", "priceType", "store")
    list_wrapper: ClassVar[str]
    method: ClassVar[str]  # "catalog.section"
    poll_filter: ClassVar[str | None] = None
    #: the CatalogInfo list that holds this entity's portal rows ("price_types", "stores"), kept current by remember
    info_rows: ClassVar[str | None] = None

    def poll(self) -> dict[str, str]:
        spec = self.spec["onec"]
        select = [*select_of(spec, poll=True), *self.extra_poll_fields()]
        rows = self.onec.list(spec["entity_set"], select=select, filter=self.poll_filter)  # type: ignore[union-attr]
        chosen = set(self.chosen())
        if chosen:
            rows = [r for r in rows if str(r.get("Ref_Key", "")).lower() in chosen]
        return {key: version + self.version_suffix(row) for row in rows
                for key, version in self.versions_of([row]).items()}

    def extra_poll_fields(self) -> list[str]:
        return []

    def version_suffix(self, row: dict[str, Any]) -> str:
        return ""

    def read(self, keys: list[str]) -> dict[str, Any]:
        spec = self.spec["onec"]
        return self.onec.get_many(spec["entity_set"], keys, select=select_of(spec))  # type: ignore[union-attr]

    def to_record(self, key: str, raw: Any) -> NamedRecord:
        return named_from_onec(raw, self.spec["onec"])

    def lookup(self, items: list[Item]) -> None:
        if not items:
            return
        found = self._from_info(items)
        if found is None:
            found = self.find_by_xml_id(items, self.list_command, self.list_wrapper)
        if found is None:
            self.fail_lookup(items)
            return
        for item in items:
            row = found.get(item.key.lower())
            if item.action == "create" and row is not None:
                item.action, item.reason_code = "link", "linked_by_xml_id"
                item.target_id, item.target_title = str(row["id"]), self.row_title(row)
                item.params = {"b24_title": item.target_title}
            elif item.action == "mark" and row is None:
                item.meta["gone"] = True  # deleted in the portal and marked in 1C: nothing left to deactivate
            elif item.action == "update" and row is None:
                log.info("%s %s is gone from the portal", self.entity, item.target_id)
                self.forget_link(item)
            self.after_lookup(item, row)

    def _from_info(self, items: list[Item]) -> dict[str, dict[str, Any]] | None:
        """Price types and stores come whole with the run's catalogue info (one page of each on most portals): while
        that read may answer (:meth:`CatalogPipeline.may_answer_from`), it answers their identity questions."""
        info = self.info if self.info_rows else None
        if info is None or self.info_rows not in info.whole or not self.may_answer_from(info.read_at, items):
            return None
        rows = {str(row.get("xmlId") or "").lower(): row for row in getattr(info, self.info_rows)}
        return {item.key.lower(): row for item in items if (row := rows.get(item.key.lower()))}

    def after_lookup(self, item: Item, row: dict[str, Any] | None) -> None:
        return None

    def row_title(self, row: dict[str, Any]) -> str:
        return str(row.get("name") or row.get("title") or "")

    def list_command(self, refs: list[str]) -> tuple[str, dict[str, Any]]:
        return (f"{self.method}.list", {"filter": {"@xmlId": refs}})

    def commands(self, k: int, item: Item) -> Commands:
        if item.action == "mark" and item.meta.pop("gone", False):
            return {}
        self.note_sent(item)
        fields = self.write_fields(item)
        if item.action == "create":
            return {f"c{k}": (f"{self.method}.add", {"fields": fields})}
        return {f"c{k}": (f"{self.method}.update", {"id": item.target_id, "fields": fields})}

    def write_fields(self, item: Item) -> dict[str, Any]:
        return {k: v for k, v in item.payload.fields.items() if not k.startswith("_")}

    def apply_results(self, item: Item, cmds: Commands, result: dict[str, Any]) -> None:
        for key in cmds:
            answer = result.get(key)
            if isinstance(answer, dict) and isinstance(answer.get(self.wrapper), dict):
                item.target_id = str(answer[self.wrapper]["id"])
                if item.action == "create":
                    self.remember(answer[self.wrapper])

    def remember(self, row: dict[str, Any]) -> None:
        """A row this run created: the run's shared catalogue info lists it from now on, as a fresh read would
        (prices and stock size their lookup pages by the number of price types and stores)."""
        info = self.ctx.shared.get(CATALOG_INFO)
        if self.info_rows is None or info is None:
            return
        rows: list[dict[str, Any]] = getattr(info, self.info_rows)
        if all(str(known.get("id")) != str(row.get("id")) for known in rows):
            rows.append(row)


class ProductGroupPipeline(NamedCatalogPipeline):
    """1C nomenclature groups (`IsFolder`) → catalogue sections, parents first."""

    entity = "product_group"
    label = "Группы номенклатуры"
    target_type = "product_group"
    wrapper, list_wrapper, method = "section", "sections", "catalog.section"
    poll_filter = "IsFolder eq true"
    field_labels: ClassVar[dict[str, str]] = {"name": "название", "iblockSectionId": "родительская группа"}

    def poll(self) -> dict[str, str]:
        versions = super().poll()
        parents = getattr(self, "_parents", {})
        # parents before children: a child's section is written after (or in the same batch as) its parent's
        depth = {key: self._depth(key, parents) for key in versions}
        return {key: versions[key] for key in sorted(versions, key=lambda k: depth[k])}

    def extra_poll_fields(self) -> list[str]:
        return [self.spec["onec"]["fields"]["parent"]]

    def version_suffix(self, row: dict[str, Any]) -> str:
        # a group whose parent's section appears later becomes dirty again and gets its place in the tree
        parent = row.get(self.spec["onec"]["fields"]["parent"])
        self._parents = getattr(self, "_parents", {})
        self._parents[row["Ref_Key"]] = parent
        links = getattr(self, "_links", None)
        if links is None:
            links = self._links = self.linked_ids(self.entity)
        if not parent or parent == "00000000-0000-0000-0000-000000000000":
            return ""
        return "|" + links.get(parent, "-")

    @staticmethod
    def _depth(key: str, parents: dict[str, Any]) -> int:
        depth, seen = 0, {key}
        while parents.get(key) in parents and parents[key] not in seen:
            key = parents[key]
            seen.add(key)
            depth += 1
        return depth

    def to_payload(self, record: NamedRecord) -> FieldsPayload:
        parent = self.linked_ids(self.entity).get(record.parent or "")
        fields: dict[str, Any] = {"name": record.name, "xmlId": record.ref, "active": "N" if record.deleted else "Y",
                                  "_parent": record.parent}
        if parent:
            fields["iblockSectionId"] = int(parent)
        return FieldsPayload(fields)

    def validate(self, record: NamedRecord) -> list[str]:
        return [] if record.name else ["у группы нет наименования"]

    def list_command(self, refs: list[str]) -> tuple[str, dict[str, Any]]:
        return b24catalog.sections_by_xml_id(self.info, refs)

    def commands(self, k: int, item: Item) -> Commands:
        cmds = super().commands(k, item)
        if not cmds:
            return cmds
        fields = cmds[f"c{k}"][1]["fields"]
        if item.action == "create":
            fields["iblockId"] = self.info.iblock_id
        parent = item.payload.fields.get("_parent")
        if "iblockSectionId" not in fields and parent in self._pending:
            # the parent is created in this same run: refer to its answer (works inside one batch)
            fields["iblockSectionId"] = reference(self._pending[parent], "section", "id")
            item.meta["_parent_cmd"] = self._pending[parent]
        self._pending[item.key] = f"c{k}"
        return cmds

    def apply_results(self, item: Item, cmds: Commands, result: dict[str, Any]) -> None:
        super().apply_results(item, cmds, result)
        parent_cmd = item.meta.pop("_parent_cmd", None)
        answer = result.get(parent_cmd) if parent_cmd else None
        if isinstance(answer, dict) and isinstance(answer.get("section"), dict):
            # the parent was created in the same batch: remember its id as written, so the next run sees no change
            item.payload.fields["iblockSectionId"] = int(answer["section"]["id"])

    @property
    def _pending(self) -> dict[str, str]:
        if not hasattr(self, "_pending_cmds"):
            self._pending_cmds: dict[str, str] = {}
        return self._pending_cmds

    def deleted_action(self, item: Item) -> str | None:
        return "mark"


class PriceTypePipeline(NamedCatalogPipeline):
    """The 1C price types the admin picked → catalogue price types; the one picked as base → the portal's base type."""

    entity = "price_type"
    label = "Виды цен"
    target_type = "price_type"
    wrapper, list_wrapper, method = "priceType", "priceTypes", "catalog.priceType"
    info_rows = "price_types"
    field_labels: ClassVar[dict[str, str]] = {"name": "название"}

    def base(self) -> str | None:
        base = self.settings.get("base")
        return str(base).lower() if base else None

    def to_payload(self, record: NamedRecord) -> FieldsPayload:
        currency = self.currency_of(record)
        fields: dict[str, Any] = {"xmlId": record.ref, "_currency": currency}
        if record.ref.lower() != self.base():
            fields["name"] = record.name
        return FieldsPayload(fields)

    def currency_of(self, record: NamedRecord) -> str:
        spec = self.spec
        currency_ref = record.extra.get("currency")
        if not hasattr(self, "_currencies"):
            rows = self.onec.list(spec["currencies"]["entity_set"],  # type: ignore[union-attr]
                                  select=["Ref_Key", spec["currencies"]["fields"]["code"]])
            self._currencies = {r["Ref_Key"]: str(r.get(spec["currencies"]["fields"]["code"]) or "") for r in rows}
        numeric = self._currencies.get(str(currency_ref), "")
        return spec["iso_codes"].get(numeric, numeric)

    def lookup(self, items: list[Item]) -> None:
        base = self.base()
        for item in items:
            if item.action == "create" and item.key.lower() == base:
                if self.info.base_price_type is None:
                    item.action, item.params = "lookup_failed", {"error": "в портале нет базового типа цен"}
                    continue
                # the base price of 1C is the portal's base price type: linked, never a second base
                item.action, item.reason_code = "link", "linked_base_price_type"
                item.target_id = str(self.info.base_price_type)
                item.target_title = next((t.get("name", "") for t in self.info.price_types
                                          if str(t["id"]) == item.target_id), "")
                item.params = {"b24_title": item.target_title}
        super().lookup([item for item in items if item.reason_code != "linked_base_price_type"])

    def after_lookup(self, item: Item, row: dict[str, Any] | None) -> None:
        item.meta["currency"] = item.payload.fields.get("_currency")

    def apply_results(self, item: Item, cmds: Commands, result: dict[str, Any]) -> None:
        super().apply_results(item, cmds, result)
        item.meta["currency"] = item.payload.fields.get("_currency")

    def deleted_action(self, item: Item) -> str | None:
        return None  # a price type is never deactivated in the portal; its prices simply stop coming


class WarehousePipeline(NamedCatalogPipeline):
    """The 1C warehouses the admin picked → catalogue stores."""

    entity = "warehouse"
    label = "Склады"
    target_type = "warehouse"
    wrapper, list_wrapper, method = "store", "stores", "catalog.store"
    info_rows = "stores"
    poll_filter = "IsFolder eq false"
    field_labels: ClassVar[dict[str, str]] = {"title": "название", "active": "активность"}

    def to_payload(self, record: NamedRecord) -> FieldsPayload:
        return FieldsPayload({"title": record.name, "xmlId": record.ref, "active": "N" if record.deleted else "Y"})

    def commands(self, k: int, item: Item) -> Commands:
        cmds = super().commands(k, item)
        if cmds and item.action == "create":
            # the portal requires an address; a УТ warehouse keeps it in contact information, not as a field
            cmds[f"c{k}"][1]["fields"]["address"] = self.spec.get("default_address") or item.payload.fields["title"]
        return cmds

    def deleted_action(self, item: Item) -> str | None:
        return "mark"
