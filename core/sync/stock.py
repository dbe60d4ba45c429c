"""Stock 1C → Bitrix24: `AccumulationRegister_СвободныеОстатки/Balance` per chosen warehouse → the product in the
portal, in whichever inventory mode the portal runs (``catalog.document.mode.status``, read every run).

- Free stock (in stock minus reserved from the warehouse) by default; «in stock» (``ВНаличии``) as an option
  (``settings["kind"] = "in_stock"``). A negative balance in 1C (a shipment posted before its receipt) is written
  as 0 and journaled.
- Inventory management OFF: the portal keeps one quantity per product, written directly (``quantity``) as the sum
  over the chosen warehouses; the portal has no per-warehouse figures in this mode.
- Inventory management ON: quantities are not writable; the pipeline reads the product's per-store amounts and posts
  an «Оприходование» (S) for what is missing and a «Списание» (D) for the surplus, each conducted in the same batch.
  Deltas are always computed from the portal's current amounts, so a lost answer is re-checked and never doubles.

Change detection without reading the whole register: in incremental runs only the movements since the last
watermark (minus an overlap for late-posted documents and clock skew) are read (`…_RecordType`, `Period ge`), and
`Balance` is asked for the products they touch. A full `Balance` runs on the first sync and then every
``full_every_hours`` (24 by default) — it catches documents back-dated before the watermark.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from core.bitrix24 import catalog as b24catalog
from core.bitrix24.batch import reference
from core.mapping.catalog import FieldsPayload, StockRecord
from core.onec.query import datetime_literal
from core.sync.catalog_base import CatalogPipeline
from core.sync.pipeline import Commands, Item

log = logging.getLogger(__name__)

STATE = "stock_state"  # state-store: "watermark" (1C time of the latest movement seen), "full" (last full read)
PENDING = "stock_source"  # state-store: product → token of its latest known stock change
DOCUMENT_TITLE = "SyncBridge: остатки из 1С"


def _quantity(value: Decimal) -> str:
    return f"{value.normalize():f}"


class StockPipeline(CatalogPipeline):
    entity = "stock"
    label = "Остатки"
    target_type = "stock"
    depends_on = ("product", "warehouse")
    follows = ("product",)
    reason_codes: ClassVar[dict[str, str]] = {"created": "stock_written", "updated": "stock_updated",
                                              "dry_run_create": "stock_dry_run", "dry_run_update": "stock_dry_run",
                                              "dry_run_link": "stock_dry_run",
                                              "mapping_note": "catalog_mapping_note"}

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        self._balances: dict[str, dict[str, tuple[Decimal, Decimal]]] | None = None

    # ==== source: 1C ================================================================================================
    def _warehouses(self) -> dict[str, str]:
        """Chosen 1C warehouse ref → portal store id (linked ones only)."""
        if not hasattr(self, "_stores"):
            chosen = set(self.chosen())
            self._stores = {ref.lower(): link.b24_id for ref, link in self.store.links("warehouse", "warehouse").items()
                            if not chosen or ref.lower() in chosen}
        return self._stores

    def _condition(self) -> str:
        field = self.spec["register"]["fields"]["warehouse"]
        return "(" + " or ".join(f"{field} eq guid'{w}'" for w in sorted(self._warehouses())) + ")"

    def poll(self) -> dict[str, str]:
        if not self._warehouses():
            return {}
        state = {key: value for key, (value, _) in self.store.versions("onec", STATE).items()}
        pending = {key: token for key, (token, _) in self.store.versions("onec", PENDING).items()}
        full_every = timedelta(hours=float(self.settings.get("full_every_hours") or 24))
        last_full = datetime.fromisoformat(state["full"]) if state.get("full") else None
        now = datetime.now().replace(microsecond=0)
        fresh: dict[str, str] = {}
        new_state: dict[str, str] = {}
        if last_full is None or now - last_full >= full_every or "watermark" not in state:
            self._balances = self._read_balances(None)
            for product, by_store in self._balances.items():
                fresh[product] = "h:" + hashlib.sha1(repr(sorted(by_store.items())).encode()).hexdigest()[:16]
            for product in pending:
                fresh.setdefault(product, "h:empty")  # gone from the register: its stock is zero now
            new_state = {"full": now.isoformat(), "watermark": now.isoformat()}
        else:
            overlap = timedelta(minutes=float(self.spec["register"].get("overlap_minutes", 60)))
            since = datetime.fromisoformat(state["watermark"]) - overlap
            moves = self.spec["movements"]
            fields = moves["fields"]
            rows = self.read_register(moves["record_set"], lambda: self.onec.list(  # type: ignore[union-attr]
                moves["record_set"], select=[fields["period"], fields["product"], fields["warehouse"]],
                filter=f"{fields['period']} ge {datetime_literal(since)}"))
            watermark = state["watermark"]
            chosen = set(self._warehouses())
            for row in rows:
                period = str(row.get(fields["period"]) or "")
                watermark = max(watermark, period)
                if str(row.get(fields["warehouse"]) or "").lower() not in chosen:
                    continue
                product = str(row.get(fields["product"]) or "")
                if product and period > fresh.get(product, ""):
                    fresh[product] = period
            fresh = {p: "m:" + period for p, period in fresh.items() if "m:" + period > pending.get(p, "")
                     or pending.get(p, "").startswith("h:")}
            new_state = {"watermark": watermark}
        pending.update(fresh)
        if not self.ctx.dry_run:
            with self.store.transaction():
                for product, token in fresh.items():
                    self.store.save_version("onec", PENDING, product, token)
                for key, value in new_state.items():
                    self.store.save_version("onec", STATE, key, value)
        self._pending = pending
        return self.poll_again()

    def poll_again(self) -> dict[str, str]:
        """The movements (or balances) read by the first poll, with the products linked by now (stock follows
        products; the balances of a full read stay in memory for :meth:`read`)."""
        if not hasattr(self, "_pending"):
            return self.poll()
        if not self._warehouses():
            return {}
        pending = self._pending
        products = self.linked_ids("product")
        stores = hashlib.sha1(repr(sorted(self._warehouses().items())).encode()).hexdigest()[:10]
        # the kind of stock and the portal's inventory mode are part of the version: switching either rewrites stock
        kind = (self.settings.get("kind") or "free") + ("|docs" if self.info.inventory_management else "|qty")
        return {key: f"{token}|{products[key]}|{stores}|{kind}" for key, token in pending.items() if key in products}

    def _read_balances(self, products: list[str] | None) -> dict[str, dict[str, tuple[Decimal, Decimal]]]:
        spec = self.spec["register"]
        fields = spec["fields"]
        dims = [d for d in spec["dimensions"]]
        select = [fields["product"], fields["warehouse"], fields["in_stock"], fields["reserved"]]
        onec = self.onec
        assert onec is not None
        if products is None:
            rows = self.read_register(spec["register"], lambda: onec.virtual_table(
                spec["register"], "Balance", condition=self._condition(), dimensions=dims, select=select))
        else:
            rows = self.read_register(spec["register"], lambda: onec.balance_many(
                spec["register"], fields["product"], products, dimensions=dims, extra=self._condition(),
                select=select))
        balances: dict[str, dict[str, tuple[Decimal, Decimal]]] = {}
        for row in rows:
            product = str(row.get(fields["product"]) or "")
            store = str(row.get(fields["warehouse"]) or "").lower()
            balances.setdefault(product, {})[store] = (Decimal(str(row.get(fields["in_stock"]) or 0)),
                                                       Decimal(str(row.get(fields["reserved"]) or 0)))
        return balances

    def read(self, keys: list[str]) -> dict[str, Any]:
        if self._balances is not None:
            known = {key.lower(): value for key, value in self._balances.items()}
            return {key: known.get(key.lower(), {}) for key in keys}
        found = {key.lower(): value for key, value in self._read_balances(keys).items()}
        return {key: found.get(key.lower(), {}) for key in keys}

    def to_record(self, key: str, raw: Any) -> StockRecord:
        link = self.store.get_link("product", key, "product")
        name = ((link.meta.get("payload") or {}).get("fields") or {}).get("name", "") if link else ""
        free = (self.settings.get("kind") or "free") == "free"
        quantities = {store: (in_stock - reserved if free else in_stock) for store, (in_stock, reserved) in raw.items()}
        return StockRecord(ref=key, name=str(name or key), quantities=quantities)

    # ==== mapping ===================================================================================================
    def to_payload(self, record: StockRecord) -> FieldsPayload:
        stores = self._warehouses()
        per_store: dict[str, str] = {}
        names = self._warehouse_names()
        for warehouse, store_id in sorted(stores.items()):
            quantity = record.quantities.get(warehouse, Decimal(0))
            if quantity < 0:
                place = names.get(warehouse, "")
                record.notes.append(f"отрицательный остаток {_quantity(quantity)} на складе «{place}»"
                                    " в 1С — в портал записан 0; проверьте порядок документов в 1С")
                quantity = Decimal(0)
            per_store[store_id] = _quantity(quantity)
        if self.info.inventory_management:
            return FieldsPayload({"mode": "documents", "stores": per_store})
        total = sum((Decimal(v) for v in per_store.values()), Decimal(0))
        return FieldsPayload({"mode": "quantity", "quantity": _quantity(total)})

    def _warehouse_names(self) -> dict[str, str]:
        if hasattr(self, "_names"):
            return self._names
        names: dict[str, str] = {}
        self._names = names
        for ref, link in self.store.links("warehouse", "warehouse").items():
            fields = (link.meta.get("payload") or {}).get("fields") or {}
            names[ref.lower()] = str(fields.get("title") or "")
        return names

    def validate(self, record: StockRecord) -> list[str]:
        if self.store.get_link("product", record.ref, "product") is None:
            return ["товар не перенесён в портал — остатки будут записаны после него"]
        return []

    def changed_fields(self, old: Any, new: Any) -> list[str]:
        if new.fields.get("mode") == "quantity":
            return [f"количество {new.fields['quantity']}"]
        return [f"склад {store}: {qty}" for store, qty in sorted(new.fields.get("stores", {}).items())
                if not old or (old.fields.get("stores") or {}).get(store) != qty]

    def is_deleted(self, record: Any) -> bool:
        return False

    # ==== target ====================================================================================================
    def lookup(self, items: list[Item]) -> None:
        products = self.linked_ids("product")
        for item in items:
            item.target_id = products.get(item.key)
            payload = item.payload.fields
            item.params = {"stock": payload.get("quantity") if payload.get("mode") == "quantity" else
                           ", ".join(f"склад {s}: {q}" for s, q in sorted(payload.get("stores", {}).items()))}
        if not self.info.inventory_management:
            return
        rows = self.rows_by_product(items, len(self.info.stores), b24catalog.stock_of, "storeProducts")
        amounts = {product: {str(row["storeId"]): Decimal(str(row["amount"])) for row in product_rows}
                   for product, product_rows in rows.items()}
        for item in items:
            if item.action != "lookup_failed":
                item.current = {"amounts": amounts.get(str(item.target_id), {})}

    def claims(self, item: Item) -> frozenset[str]:
        """Nothing beyond the record itself: later slices need not wait for this one's writes
        (a product's balances are read and written for that product only)."""
        return frozenset()

    def commands(self, k: int, item: Item) -> Commands:
        fields = item.payload.fields
        if fields.get("mode") == "quantity":
            return {f"q{k}": ("catalog.product.update", {"id": item.target_id,
                                                         "fields": {"quantity": fields["quantity"]}})}
        current = (item.current or {}).get("amounts", {})
        deltas = {store: Decimal(qty) - current.get(store, Decimal(0)) for store, qty in fields["stores"].items()}
        cmds: Commands = {}
        for doc_type, sign, side in (("D", -1, "storeFrom"), ("S", 1, "storeTo")):
            lines = [(store, abs(delta)) for store, delta in sorted(deltas.items()) if delta * sign > 0]
            if not lines:
                continue
            doc = f"{doc_type.lower()}{k}"
            ref = reference(doc, "document", "id")
            cmds[doc] = ("catalog.document.add", {"fields": {
                "docType": doc_type, "title": DOCUMENT_TITLE, "currency": "RUB",
                "commentary": f"Остатки товара из 1С ({item.key})"}})
            for n, (store, amount) in enumerate(lines):
                cmds[f"{doc}e{n}"] = ("catalog.document.element.add", {"fields": {
                    "docId": ref, "elementId": item.target_id, side: store, "amount": _quantity(amount),
                    "purchasingPrice": 0}})
            cmds[f"{doc}c"] = ("catalog.document.conduct", {"id": ref})
        return cmds

    def incomplete(self, item: Item, cmds: Commands) -> bool:
        return item.target_id is None
