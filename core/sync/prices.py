"""Prices 1C → Bitrix24: the last prices (`ЦеныНоменклатуры25/SliceLast`) of the chosen price types → catalog.price.

Incremental without re-reading the catalogue: in УТ 11 a price changes only when a «Установка цен номенклатуры»
is posted, re-posted or unposted, and each of those bumps the document's DataVersion. So a run polls the documents
(one light request), reads the product lines of the changed ones, and asks `SliceLast` only for those products —
the slice is the truth (a back-dated document may not be the latest price). Each affected product gets a pending
token in the state store (``price_source``), saved before anything is written, so a run cut off halfway leaves the
rest dirty for the next one; unchanged products cost nothing but a local SQLite read.

`catalog.price.modify` replaces a product's whole price collection, so the prices of the portal's other price types
are sent back unchanged with their ids; a price in a currency the portal lacks, or of a price type marked for
deletion, is left out and journaled on the product. Re-sending the same collection is harmless, so a lost answer is
simply re-checked and re-sent from fresh portal data.
"""

from __future__ import annotations

import hashlib
import logging
from decimal import Decimal
from typing import Any, ClassVar

from core.bitrix24 import catalog as b24catalog
from core.mapping.catalog import FieldsPayload, PricesRecord
from core.sync.catalog_base import CatalogPipeline
from core.sync.pipeline import Commands, Item

log = logging.getLogger(__name__)

DOCUMENT_VERSIONS = "price_document"  # state-store versions of the price documents seen
PENDING = "price_source"  # state-store: product → token of the latest document that touched it
PRODUCTS_PER_READ = 40


def _money(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ").replace(".", ",")


class PricePipeline(CatalogPipeline):
    entity = "price"
    label = "Цены"
    target_type = "price"
    depends_on = ("product", "price_type")
    follows = ("product",)
    reason_codes: ClassVar[dict[str, str]] = {"created": "prices_written", "updated": "prices_updated",
                                              "dry_run_create": "prices_dry_run", "dry_run_update": "prices_dry_run",
                                              "dry_run_link": "prices_dry_run",
                                              "mapping_note": "catalog_mapping_note"}

    # ==== source: 1C ================================================================================================
    def poll(self) -> dict[str, str]:
        spec = self.spec["document"]
        onec = self.onec
        assert onec is not None
        docs = onec.list(spec["entity_set"], select=["Ref_Key", "DataVersion"])
        seen = self.store.versions("onec", DOCUMENT_VERSIONS)
        changed = {ref: version for ref, version in self.versions_of(docs).items()
                   if seen.get(ref, ("", ""))[0] != version}
        pending = {key: token for key, (token, _) in self.store.versions("onec", PENDING).items()}
        if changed:
            lines = onec.get_many(spec["entity_set"], list(changed),
                                  select=["Ref_Key", "DataVersion", f"{spec['lines']}/{spec['product']}"])
            fresh: dict[str, str] = {}
            for ref, doc in lines.items():
                token = f"{ref}:{changed[ref]}"
                for line in doc.get(spec["lines"]) or []:
                    product = line.get(spec["product"])
                    if isinstance(product, str) and product:
                        fresh[product] = token
            pending.update(fresh)
            if not self.ctx.dry_run:
                with self.store.transaction():
                    for product, token in fresh.items():
                        self.store.save_version("onec", PENDING, product, token)
                    for ref, version in changed.items():
                        self.store.save_version("onec", DOCUMENT_VERSIONS, ref, version)
        self._pending = pending
        return self.poll_again()

    def poll_again(self) -> dict[str, str]:
        """The documents read by the first poll, with the products linked by now (prices follow products)."""
        if not hasattr(self, "_pending"):
            return self.poll()
        pending = self._pending
        products = self.linked_ids("product")
        types = self._types_signature()
        # the product's portal id and the chosen price types are part of the version: a product linked later, or a
        # newly chosen price type, makes the prices dirty again
        # products not (yet) in the portal wait: once linked, their version changes and the prices follow
        return {key: f"{token}|{products[key]}|{types}" for key, token in pending.items() if key in products}

    def _types(self) -> dict[str, tuple[str, str]]:
        """Chosen 1C price type ref → (portal price type id, currency) of the linked ones."""
        if not hasattr(self, "_type_map"):
            chosen = set(self.chosen())
            self._type_map = {ref.lower(): (link.b24_id, str(link.meta.get("currency") or ""))
                              for ref, link in self.store.links("price_type", "price_type").items()
                              if not chosen or ref.lower() in chosen}
        return self._type_map

    def _types_signature(self) -> str:
        # which of their currencies the portal has is part of it: a currency added in the portal later brings the
        # prices that were left out
        known = self.info.currencies if self._types() else set()
        blob = ",".join(f"{ref}={pid}:{cur}:{cur in known}" for ref, (pid, cur) in sorted(self._types().items()))
        return hashlib.sha1(blob.encode()).hexdigest()[:10]

    def read(self, keys: list[str]) -> dict[str, Any]:
        spec = self.spec["register"]
        fields = spec["fields"]
        types = list(self._types())
        raw: dict[str, Any] = {key: {} for key in keys}
        if not types:
            return raw
        condition = "(" + " or ".join(f"{fields['price_type']} eq guid'{t}'" for t in types) + ")"
        rows = self.read_register(spec["register"], lambda: self.onec.slice_last_many(  # type: ignore[union-attr]
            spec["register"], fields["product"], keys, extra=condition,
            select=[fields["product"], fields["price_type"], fields["price"]]))
        by_lower = {key.lower(): key for key in keys}
        for row in rows:
            key = by_lower.get(str(row.get(fields["product"]) or "").lower())
            if key is not None:
                raw[key][str(row.get(fields["price_type"]) or "").lower()] = Decimal(str(row.get(fields["price"])))
        return raw

    def to_record(self, key: str, raw: Any) -> PricesRecord:
        link = self.store.get_link("product", key, "product")
        name = ((link.meta.get("payload") or {}).get("fields") or {}).get("name", "") if link else ""
        return PricesRecord(ref=key, name=str(name or key), prices=dict(raw))

    # ==== mapping ===================================================================================================
    def to_payload(self, record: PricesRecord) -> FieldsPayload:
        types = self._types()
        deleted = self._deleted_types()
        currencies = self.info.currencies
        prices: dict[str, list[Any]] = {}
        for type_ref, price in sorted(record.prices.items()):
            if type_ref not in types:
                continue
            portal_type, currency = types[type_ref]
            if type_ref in deleted:
                record.notes.append(f"вид цен «{deleted[type_ref]}» помечен на удаление в 1С — его цена "
                                    f"{_money(price)} не перенесена")
                continue
            if currency not in currencies:
                record.notes.append(f"цена {_money(price)} {currency} не перенесена: валюты {currency} нет в "
                                    "портале (добавьте её в настройках валют CRM)")
                continue
            if price < 0:
                record.notes.append(f"отрицательная цена {_money(price)} не перенесена")
                continue
            prices[portal_type] = [str(price.normalize()) if price == price.to_integral() else str(price), currency]
        return FieldsPayload({"prices": prices})

    def _deleted_types(self) -> dict[str, str]:
        if not hasattr(self, "_deleted"):
            spec = self.table["price_type"]["onec"]
            refs = list(self._types())
            rows = self.onec.get_many(spec["entity_set"], refs, select=["Ref_Key", "DeletionMark",  # type: ignore[union-attr]
                                                                          spec["fields"]["name"]]) if refs else {}
            self._deleted = {ref.lower(): str(row.get(spec["fields"]["name"]) or "") for ref, row in rows.items()
                             if row.get("DeletionMark")}
        return self._deleted

    def validate(self, record: PricesRecord) -> list[str]:
        if self.store.get_link("product", record.ref, "product") is None:
            return ["товар не перенесён в портал — цены будут записаны после него"]
        return []

    def changed_fields(self, old: Any, new: Any) -> list[str]:
        before = (old.fields.get("prices") if old else None) or {}
        after = new.fields.get("prices") or {}
        names = self._type_names()
        out = []
        for pid in sorted(set(before) | set(after)):
            if before.get(pid) != after.get(pid):
                value = after.get(pid)
                name = names.get(pid, pid)
                out.append(f"{name} {value[0]} {value[1]}" if value else f"{name}: цена снята")
        return out

    # ==== target ====================================================================================================
    def lookup(self, items: list[Item]) -> None:
        products = self.linked_ids("product")
        for item in items:
            item.target_id = products.get(item.key)
        current = self.rows_by_product(items, len(self.info.price_types), b24catalog.prices_of, "prices")
        for item in items:
            if item.action != "lookup_failed":
                item.current = {"prices": current.get(str(item.target_id), [])}
                item.params = {"prices": self._describe(item.payload.fields["prices"])}

    def claims(self, item: Item) -> frozenset[str]:
        """Nothing beyond the record itself: later slices need not wait for this one's writes
        (a product's prices are read and written for that product only)."""
        return frozenset()

    def _type_names(self) -> dict[str, str]:
        """Portal price type id → the 1C name it came from (the base one is called «базовая»)."""
        if not hasattr(self, "_names"):
            self._names: dict[str, str] = {}
            for link in self.store.links("price_type", "price_type").values():
                fields = (link.meta.get("payload") or {}).get("fields") or {}
                self._names[link.b24_id] = str(fields.get("name") or "базовая")
        return self._names

    def _describe(self, prices: dict[str, list[Any]]) -> str:
        names = self._type_names()
        return "; ".join(f"{names.get(pid, pid)} {value} {currency}" for pid, (value, currency)
                         in sorted(prices.items())) or "нет цен выбранных видов"

    def commands(self, k: int, item: Item) -> Commands:
        wanted: dict[str, list[Any]] = item.payload.fields["prices"]
        managed = {pid for pid, _ in self._types().values()}
        current = (item.current or {}).get("prices", [])
        merged: list[dict[str, Any]] = []
        changed = False
        for row in current:
            pid = str(row["catalogGroupId"])
            if pid not in managed:
                merged.append({"id": row["id"], "catalogGroupId": row["catalogGroupId"], "price": row["price"],
                               "currency": row["currency"]})
            elif pid in wanted:
                value, currency = wanted[pid]
                merged.append({"id": row["id"], "catalogGroupId": int(pid), "price": value, "currency": currency})
                changed = changed or Decimal(str(row["price"])) != Decimal(value) or row["currency"] != currency
            else:
                changed = True  # the 1C price is gone: the portal's one goes too
        have = {str(row["catalogGroupId"]) for row in current}
        for pid, (value, currency) in wanted.items():
            if pid not in have:
                merged.append({"catalogGroupId": int(pid), "price": value, "currency": currency})
                changed = True
        if not changed:
            return {}
        return {f"m{k}": ("catalog.price.modify", {"fields": {"product": {"id": item.target_id, "prices": merged}}})}

    def incomplete(self, item: Item, cmds: Commands) -> bool:
        return item.target_id is None

    def is_deleted(self, record: Any) -> bool:
        return False
