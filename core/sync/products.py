"""Products 1C → Bitrix24: Catalog_Номенклатура (not groups) → catalog.product (goods) / catalog.product.service.

Identity is ``xmlId`` = 1C Ref_Key. A portal product with our xmlId is linked, never duplicated (a lost answer, a
reinstall, an earlier import); a portal product with the same article but no 1C identity is a probable duplicate
for review. A deletion mark deactivates the product (``active`` = N); nothing is ever deleted. The unit goes by its
ОКЕИ code to the portal's measures, the VAT rate to the portal's VAT list, the group to the section the group
pipeline wrote. What cannot be mapped (no unit, a unit or a rate the portal lacks, an article another 1C product
also has) is written without it and journaled on the product.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from core.bitrix24 import catalog as b24catalog
from core.mapping.catalog import FieldsPayload, ProductRecord, product_from_onec
from core.mapping.schema import select_of
from core.sync.catalog_base import CatalogPipeline
from core.sync.pipeline import Commands, Item

log = logging.getLogger(__name__)

ZERO_REF = "00000000-0000-0000-0000-000000000000"
#: above this many new products, the portal's products are read once (2,500 per request) instead of one question
#: per article
INDEX_THRESHOLD = 80


@dataclass
class _Census:
    read_at: float  # time.monotonic() when the read began
    by_xml_id: dict[str, dict[str, Any]]  # 1C ref (lower case) → portal row
    by_article: dict[str, list[tuple[str, str]]]  # article (casefold) → (id, name) of products without a 1C identity


def _rate_text(rate: Decimal | None) -> str:
    return "без НДС" if rate is None else f"{rate.normalize():f}%"


class ProductPipeline(CatalogPipeline):
    entity = "product"
    label = "Товары и услуги"
    target_type = "product"
    depends_on = ("product_group",)
    duplicate_reason = "тот же артикул, у товара портала нет связи с 1С"
    field_labels: ClassVar[dict[str, str]] = {
        "name": "наименование", "measure": "единица измерения", "vatId": "ставка НДС", "active": "активность",
        "iblockSectionId": "группа", "vatIncluded": "НДС в цене"}

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        self._census: _Census | None = None

    # ==== source: 1C ================================================================================================
    def poll(self) -> dict[str, str]:
        spec = self.spec["onec"]
        group_field = spec["fields"]["group"]
        rows = self.onec.list(spec["entity_set"], select=[*select_of(spec, poll=True), group_field],  # type: ignore[union-attr]
                              filter=f"{spec['fields']['is_folder']} eq false")
        sections = self.linked_ids("product_group")
        versions = self.versions_of(rows)
        groups = {row["Ref_Key"]: row.get(group_field) for row in rows if row.get("Ref_Key") in versions}
        # the group's section is part of the version: a product written before its group got a section is revisited
        return {key: f"{version}|{sections.get(str(groups.get(key)), '-')}" for key, version in versions.items()}

    def read(self, keys: list[str]) -> dict[str, Any]:
        onec = self.onec
        assert onec is not None
        rows = onec.get_many(self.spec["onec"]["entity_set"], keys, select=select_of(self.spec["onec"]))
        if not hasattr(self, "_units"):
            units, vats = self.spec["units"], self.spec["vat_rates"]
            self._units = {r["Ref_Key"]: r for r in onec.list(units["entity_set"], select=select_of(units))}
            self._vats = {r["Ref_Key"]: r for r in onec.list(vats["entity_set"], select=select_of(vats))}
        return {key: row for key, row in rows.items()}

    def to_record(self, key: str, raw: Any) -> ProductRecord:
        return product_from_onec(raw, self._units, self._vats, self.spec)

    # ==== mapping ===================================================================================================
    def to_payload(self, record: ProductRecord) -> FieldsPayload:
        info = self.info
        fields: dict[str, Any] = {b24: record.values.get(source) for b24, source in
                                  self.spec["bitrix24"]["product"].items()}
        fields.update({"xmlId": record.ref, "active": "N" if record.deleted else "Y", "_service": record.service})
        fields["vatIncluded"] = self.spec["bitrix24"].get("vat_included", "Y")
        if record.unit is None:
            record.notes.append("в 1С не указана единица измерения — в портале стоит единица по умолчанию")
        else:
            measure = info.measure_id(record.unit)
            if measure is None:
                record.notes.append(f"единицы «{record.unit_name}» (ОКЕИ {record.unit}) нет в справочнике единиц "
                                    "портала — в портале стоит единица по умолчанию; добавьте её в портале")
            else:
                fields["measure"] = measure
        if record.vat_name:
            vat = info.vat_id(record.vat_rate)
            if vat is None:
                record.notes.append(f"ставки НДС «{record.vat_name}» нет в портале — товар перенесён без ставки; "
                                    "добавьте ставку в настройках каталога портала")
            else:
                fields["vatId"] = vat
        if not hasattr(self, "_sections"):
            self._sections = self.linked_ids("product_group")  # groups run before products: fixed for this run
        section = self._sections.get(record.group or "")
        if section:
            fields["iblockSectionId"] = int(section)
        if info.article_property:
            fields[info.article_property] = record.article
        elif record.article:
            record.notes.append("в портале нет свойства «Артикул» (ARTNUMBER) — артикул не перенесён")
        return FieldsPayload(fields)

    def validate(self, record: ProductRecord) -> list[str]:
        return [] if record.name else ["у номенклатуры нет наименования"]

    # ==== target: find in the portal ================================================================================
    def lookup(self, items: list[Item]) -> None:
        if not items:
            return
        found = self._from_census(items)
        if found is None:
            found = self.find_by_xml_id(items, lambda refs: b24catalog.products_by_xml_id(self.info, refs),
                                        "products")
        if found is None:
            self.fail_lookup(items)
            return
        for item in items:
            row = found.get(item.key.lower())
            if row is not None:
                item.meta["type"] = int(row.get("type") or b24catalog.TYPE_PRODUCT)
            if item.action == "create" and row is not None:
                item.action, item.reason_code = "link", "linked_by_xml_id"
                item.target_id, item.target_title = str(row["id"]), str(row.get("name") or "")
                item.params = {"b24_title": item.target_title}
            elif item.action == "mark" and row is None:
                item.meta["gone"] = True  # deleted in the portal and marked in 1C: nothing left to deactivate
            elif item.action == "update" and row is None:
                log.info("product %s of %s is gone from the portal", item.target_id, item.key)
                self.forget_link(item)

    def _from_census(self, items: list[Item]) -> dict[str, dict[str, Any]] | None:
        """The portal rows of these items from the run's whole-catalogue read, or None when it may not answer for
        all of them (:meth:`CatalogPipeline.may_answer_from`). A slice with many
        new products reads the catalogue once for the article index anyway; on a first load of 1,000 products that
        read answers every slice, 4 of 75 requests fewer."""
        census = self._census
        if census is None and sum(1 for item in items if item.action == "create") > INDEX_THRESHOLD:
            census = self._read_census()
        if census is None or not self.may_answer_from(census.read_at, items):
            return None
        return {item.key.lower(): row for item in items if (row := census.by_xml_id.get(item.key.lower()))}
    def claims(self, item: Item) -> frozenset[str]:
        """Nothing beyond the record itself: later slices need not wait for this one's writes
        (a product's lookup finds it by its own xmlId; probable duplicates by article are portal products without a 1C
        identity, which this run's own writes never are)."""
        return frozenset()

    def settle_conflicts(self, items: list[Item]) -> None:
        """Two 1C products with one article: both are written (identity is the Ref_Key), each says so."""
        by_article: dict[str, list[Item]] = {}
        for item in items:
            if item.record.article and item.action in ("create", "update", "link"):
                by_article.setdefault(item.record.article.casefold(), []).append(item)
        for same in by_article.values():
            for item in same:
                others = ", ".join(f"«{o.title}»" for o in same if o is not item)
                if others:
                    item.notes.append(f"артикул «{item.record.article}» в 1С есть и у {others} — проверьте "
                                      "номенклатуру в 1С")

    def find_duplicates(self, items: list[Item]) -> None:
        info = self.info
        candidates = [item for item in items if item.record.article and info.article_property]
        if len(candidates) > INDEX_THRESHOLD:
            self._duplicates_from_index(candidates)
            return
        for start in range(0, len(candidates), 40):
            self.ctx.check_cancelled()
            chunk = candidates[start:start + 40]
            commands = {f"a{k}": b24catalog.products_by_article(info, item.record.article) for k, item in
                        enumerate(chunk)}
            result = self.b24.batch({k: c for k, c in commands.items() if c})  # type: ignore[union-attr]
            for k, item in enumerate(chunk):
                rows = b24catalog.unwrap(result.result.get(f"a{k}"), "products")
                item.duplicates = [(str(r["id"]), str(r.get("name") or "")) for r in rows
                                   if isinstance(r, dict) and not b24catalog.is_onec_identity(r.get("xmlId"))]

    def _duplicates_from_index(self, items: list[Item]) -> None:
        by_article = (self._census or self._read_census()).by_article
        for item in items:
            item.duplicates = list(by_article.get(item.record.article.casefold(), []))

    def _read_census(self) -> _Census:
        """The portal's whole catalogue, read once per run (2,500 products a request). Its article index serves the
        whole run: every slice of a first load used to list the catalogue again (20 000 products: 8 requests of
        2 500 rows per slice), while the products this run writes carry 1C identities and never belong to it. Its
        xmlIds stand in for the per-slice identity lookups while fresh (:meth:`_from_census`)."""
        info = self.info
        assert self.b24 is not None
        read_at = time.monotonic()
        by_xml_id: dict[str, dict[str, Any]] = {}
        by_article: dict[str, list[tuple[str, str]]] = {}
        select = [*b24catalog.PRODUCT_SELECT, *([info.article_property] if info.article_property else [])]
        for row in self.b24.list_all("catalog.product.list", {"filter": {"iblockId": info.iblock_id},
                                                               "select": select}, id_key="id"):
            xml_id = row.get("xmlId")
            if b24catalog.is_onec_identity(xml_id):
                by_xml_id.setdefault(str(xml_id).lower(), row)
                continue
            prop = row.get(info.article_property) if info.article_property else None
            article = prop.get("value") if isinstance(prop, dict) else prop
            if article:
                by_article.setdefault(str(article).casefold(), []).append((str(row["id"]), str(row.get("name") or "")))
        self._census = _Census(read_at, by_xml_id, by_article)
        return self._census

    # ==== target: write =============================================================================================
    def commands(self, k: int, item: Item) -> Commands:
        self.note_sent(item)
        fields = {key: value for key, value in item.payload.fields.items() if not key.startswith("_")}
        service = bool(item.payload.fields.get("_service"))
        if item.action == "create":
            return {f"c{k}": (b24catalog.product_method(service, "add"),
                              {"fields": {"iblockId": self.info.iblock_id, **fields}})}
        # the portal row decides the method: a 1C service linked to a portal «product» stays a product there
        portal_service = item.meta.get("type", b24catalog.TYPE_SERVICE if service else 1) == b24catalog.TYPE_SERVICE
        if item.action == "mark":
            if item.meta.pop("gone", False):
                return {}
            fields = {"active": "N"}
        return {f"c{k}": (b24catalog.product_method(portal_service, "update"), {"id": item.target_id,
                                                                                "fields": fields})}

    def apply_results(self, item: Item, cmds: Commands, result: dict[str, Any]) -> None:
        for key in cmds:
            answer = result.get(key)
            if isinstance(answer, dict):
                row = answer.get("element") or answer.get("service")
                if isinstance(row, dict) and row.get("id"):
                    item.target_id = str(row["id"])
                    item.meta["type"] = int(row.get("type") or 1)

    def notes_of(self, record: Any) -> list[str]:
        return list(record.notes)
