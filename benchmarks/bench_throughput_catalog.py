"""Throughput of a first catalogue load, SyncBridge side by side with fast-bitrix24 (issue 7, the catalogue line).

    .venv/bin/python benchmarks/bench_throughput_catalog.py [--products 20000] [--in-flight N] [--peer-in-flight N]
                                                            [--sequential] [--skip-peer] [--progress 60]

Needs the bench extra (``pip install -e .[bench]``) for the peer. Prints a table; asserts nothing.

The same settings as the counterparty line (bench_throughput.py): sandbox portals with cloud limits (2 requests/s +
50, 480 s operating per method in 10 minutes, 0.05 s billed per command) and the truthful work clock, a sandbox 1C
with the realistic OData clock. The 1C content is bench_catalog's (catalog_setup.py): N goods in 20 groups, 2 price
types, stock at 5 warehouses; portal inventory management off (a new portal's default).

- SyncBridge: its first sync of the catalogue entities (groups → sections, products, price types, prices,
  warehouses → stores, stock), reading 1C, mapping, looking the portal up, writing through the outbox;
- fast-bitrix24: writes the same sections, price type, stores, products, prices and stock (payloads made by
  SyncBridge's own mapping and command builders) with its own batching and concurrency: ``call()`` per kind, one
  after the other, ids of the previous kind substituted (matched by xmlId: fb24 returns answers in completion
  order).

A first load of 20,000 products needs over an hour of either tool (the operating budget), so by default the two run
AT THE SAME TIME, each on its own fresh portal (budgets and buckets are per portal, they do not meet; only the two
CPU cores are shared): two «lanes», each a process with its sandboxes that starts the tool in a child process (wall
time = the work only, peak RSS = the tool's own), then reads the portal's counters and checks the portal.
``--sequential`` runs the lanes one after the other.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_throughput import (  # noqa: E402
    BURST,
    METHOD_COST,
    OPERATING_LIMIT,
    OPERATING_WINDOW,
    PASSWORD,
    RATE,
    USER,
    Ceiling,
    _RssSampler,
    make_portal,
    timed_peer,
    with_peer,
)
from catalog_setup import (  # noqa: E402
    PRICE_TYPES,
    WAREHOUSES,
    catalog_profile_fields,
    load_catalog,
    peak_mb,
    reset_peak,
)

from core.bitrix24.inflight import CLOUD_IN_FLIGHT  # noqa: E402
from core.sandbox.bitrix24.server import Bitrix24Sandbox  # noqa: E402
from core.sandbox.clock import BITRIX24_CLOUD, ONEC_ODATA, WorkClock  # noqa: E402
from core.sandbox.onec.server import OneCSandbox  # noqa: E402

ORIGINATOR = "1C:bench"
GROUPS = 20  # load_bulk_catalog's groups
WRITE_SUFFIXES = (".add", ".update", ".modify", ".conduct", ".delete")
ENV = {"SYNCBRIDGE_MASTER_PASSWORD": "benchmark-password", "SYNCBRIDGE_SECRETS_MODE": "master-password"}


# ----- the ceiling --------------------------------------------------------------------------------------------
def write_counts(products: int, price_types: int = PRICE_TYPES, warehouses: int = WAREHOUSES) -> dict[str, int]:
    """Write commands of a first load, per method (portal inventory off): a section per group, a price type per 1C
    price type but the base one (linked to the portal's base type, which gets our xmlId), a store per warehouse;
    per product one ``catalog.product.add``, one ``catalog.price.modify`` (all its prices at once) and one
    ``catalog.product.update`` (its quantity)."""
    return {"catalog.section.add": GROUPS, "catalog.priceType.add": max(0, price_types - 1),
            "catalog.priceType.update": min(1, price_types),
            "catalog.store.add": warehouses, "catalog.product.add": products, "catalog.price.modify": products,
            "catalog.product.update": products}


#: calls of one method per 10-minute window: the portal refuses a call once the billed sum EXCEEDS 480 s (it checks
#: before the call), so the call that reaches 480 s still runs — 9 601 calls of 0.05 s
PER_WINDOW = int(OPERATING_LIMIT / METHOD_COST) + 1


def windows(commands: int) -> int:
    """10-minute operating windows that ``commands`` calls of one method need."""
    return max(1, math.ceil(commands / PER_WINDOW))


def batch_seconds(commands: int, clock_scale: float) -> float:
    """The portal's work on one request of ``commands`` writes."""
    return (BITRIX24_CLOUD.per_request + commands * BITRIX24_CLOUD.per_write) * clock_scale


def spread_seconds(commands: int, clock_scale: float) -> float:
    """The portal's work on ``commands`` writes packed 50 a request, spread over ``BURST`` requests at once, never
    less than one request of them."""
    if not commands:
        return 0.0
    requests = math.ceil(commands / 50)
    work = (requests * BITRIX24_CLOUD.per_request + commands * BITRIX24_CLOUD.per_write) * clock_scale
    return max(work / BURST, batch_seconds(min(commands, 50), clock_scale))


def catalog_ceiling(products: int, clock_scale: float = 1.0, price_types: int = PRICE_TYPES,
                    warehouses: int = WAREHOUSES) -> Ceiling:
    """Lower bounds on the wall time of a first catalogue load of ``products`` on this portal.

    - rate: the fewest requests (every write command packed 50 a batch, reads not counted) through the leaky
      bucket: the first ``burst`` at once, then ``rate`` per second;
    - operating: each method has its own 480 s per sliding 10 minutes, 0.05 s billed per command, so one method's
      ``n`` commands need ``w = ceil(n / 9 601)`` windows (``PER_WINDOW``) and the last of them cannot start before
      ``(w − 1) × 600`` s. Methods run side by side (their budgets are separate), but a product's price and stock
      can only be written once the product exists: the products of the last ``catalog.product.add`` window (the
      remainder ``n − (w − 1) × 9 601``) are created at ``(w − 1) × 600`` s at the earliest, and their prices and
      stock follow — so the bound is ``(w − 1) × 600`` plus the portal's work on those products, prices and stock
      (spread as in «processing»). The prices' and stock's own windows are as many as the products', so they add
      nothing else. With one window (≤ 9 601 products) the bound is 0 and the other two decide;
    - processing: the portal's work on every write (0.03 s per request + 40 ms per record written) spread over as
      many requests at once as the bucket lets start together (``burst``), and never less than one full batch.
    """
    counts = write_counts(products, price_types, warehouses)
    commands = sum(counts.values())
    requests = math.ceil(commands / 50)
    rate_bound = max(0, requests - BURST) / RATE
    operating_bound = max(OPERATING_WINDOW * (windows(n) - 1) for n in counts.values())
    product_windows = windows(products)
    if product_windows > 1:
        last = products - (product_windows - 1) * PER_WINDOW
        operating_bound = max(operating_bound,
                              OPERATING_WINDOW * (product_windows - 1) + spread_seconds(3 * last, clock_scale))
    processing_bound = spread_seconds(commands, clock_scale)
    return Ceiling(rate_bound, operating_bound, processing_bound)


# ----- what 1C holds: the truth for the peer's payloads and for the check -----------------------------------------
@dataclass
class Catalogue:
    made: dict[str, list[str]]  # refs by kind, from load_bulk_catalog
    prices: dict[str, dict[str, Decimal]]  # product ref → price type ref (lower) → latest price
    stock: dict[str, dict[str, Decimal]]  # product ref → warehouse ref (lower) → free stock
    currency: dict[str, str]  # price type ref (lower) → ISO currency


def read_catalogue(onec: OneCSandbox, made: dict[str, list[str]]) -> Catalogue:
    """Latest prices and free stock straight from the sandbox's register records (not through OData, which is
    SyncBridge's way), for the chosen price types and warehouses."""
    from core.mapping.table import load_mapping
    from core.sandbox.onec.catalog_documents import PRICE_RECORDS, STOCK_RECORDS
    from core.sandbox.onec.catalog_model import PRICE_TYPES as PRICE_TYPE_SET

    types = {t.lower() for t in made["price_types"]}
    stores = {w.lower() for w in made["warehouses"]}
    latest: dict[tuple[str, str], tuple[str, Decimal]] = {}
    for row in onec.store.snapshot(PRICE_RECORDS):
        key = (str(row["Номенклатура_Key"]), str(row["ВидЦены_Key"]).lower())
        if key[1] in types and (key not in latest or str(row["Period"]) >= latest[key][0]):
            latest[key] = (str(row["Period"]), Decimal(str(row["Цена"])))
    prices: dict[str, dict[str, Decimal]] = {}
    for (product, price_type), (_, value) in latest.items():
        prices.setdefault(product, {})[price_type] = value
    stock: dict[str, dict[str, Decimal]] = {}
    for row in onec.store.snapshot(STOCK_RECORDS):
        store = str(row["Склад_Key"]).lower()
        if store not in stores:
            continue
        sign = 1 if row["RecordType"] == "Receipt" else -1
        free = Decimal(str(row["ВНаличии"])) - Decimal(str(row["ВРезервеСоСклада"]))
        per_store = stock.setdefault(str(row["Номенклатура_Key"]), {})
        per_store[store] = per_store.get(store, Decimal(0)) + sign * free
    spec = load_mapping("ut11")["price_type"]
    codes = {str(r["Ref_Key"]): str(r.get(spec["currencies"]["fields"]["code"]) or "")
             for r in onec.rows(spec["currencies"]["entity_set"])}
    currency = {}
    for row in onec.rows(PRICE_TYPE_SET):
        numeric = codes.get(str(row.get(spec["onec"]["fields"]["currency"])), "")
        currency[str(row["Ref_Key"]).lower()] = spec["iso_codes"].get(numeric, numeric)
    return Catalogue(made, prices, stock, currency)


def make_onec(products: int, clock_scale: float) -> tuple[OneCSandbox, dict[str, list[str]]]:
    """A sandbox 1C with only the bulk catalogue (the seed's deliberately broken goods stay out, so «every product
    with its prices and stock» is exact) and the currencies the price types refer to."""
    from core.sandbox.onec.seed import seed_rows

    onec = OneCSandbox(users={USER: PASSWORD}, work_clock=WorkClock(ONEC_ODATA, clock_scale), seed=False)
    for row in seed_rows()["Catalog_Валюты"]:
        onec.put("Catalog_Валюты", row)
    return onec, load_catalog(onec, products)


# ----- the peer's payloads: SyncBridge's own mapping and command builders -----------------------------------------
def peer_payloads(onec: OneCSandbox, truth: Catalogue, info: Any) -> dict[str, Any]:
    """What SyncBridge writes on a first load, built by its pipelines' mapping (``to_payload``) and command builders
    (``commands``) on this portal's catalogue info. Ids the portal gives only when written are placeholders the
    peer substitutes: a negative section id is the −(n+1)-th section, a negative price type id the −(n+1)-th price
    type added, a product id is the product's position."""
    from core.mapping.catalog import FieldsPayload, PricesRecord, StockRecord, named_from_onec, product_from_onec
    from core.mapping.table import load_mapping
    from core.sandbox.onec.catalog_model import NOMENCLATURE, UNITS, VAT_RATES
    from core.sandbox.onec.catalog_model import PRICE_TYPES as PRICE_TYPE_SET
    from core.sandbox.onec.catalog_model import WAREHOUSES as WAREHOUSE_SET
    from core.sync.catalog_base import PriceTypePipeline, ProductGroupPipeline, WarehousePipeline
    from core.sync.pipeline import Item
    from core.sync.prices import PricePipeline
    from core.sync.products import ProductPipeline
    from core.sync.stock import StockPipeline

    table = load_mapping("ut11")
    made = truth.made
    groups = [row for row in onec.rows(NOMENCLATURE) if row.get("IsFolder")]
    group_ids = {str(row["Ref_Key"]): str(-(n + 1)) for n, row in enumerate(groups)}
    sections = []
    for row in groups:
        ns = SimpleNamespace(entity="product_group", linked_ids=lambda _entity: {})
        record = named_from_onec(row, table["product_group"]["onec"])
        fields = {k: v for k, v in ProductGroupPipeline.to_payload(ns, record).fields.items() if not k.startswith("_")}
        sections.append({"fields": {**fields, "iblockId": info.iblock_id}})

    base = made["price_types"][0].lower()
    type_ids: dict[str, tuple[str, str]] = {}
    price_types: list[dict[str, Any]] = []
    base_update: list[dict[str, Any]] = []
    for row in onec.rows(PRICE_TYPE_SET):
        ref = str(row["Ref_Key"]).lower()
        if ref not in {t.lower() for t in made["price_types"]}:
            continue
        ns = SimpleNamespace(base=lambda: base, currency_of=lambda _record, r=ref: truth.currency[r])
        record = named_from_onec(row, table["price_type"]["onec"])
        fields = {k: v for k, v in PriceTypePipeline.to_payload(ns, record).fields.items() if not k.startswith("_")}
        if ref == base:  # linked to the portal's base price type and given our xmlId, as SyncBridge does
            type_ids[ref] = (str(info.base_price_type), truth.currency[ref])
            base_update.append({"id": info.base_price_type, "fields": fields})
            continue
        type_ids[ref] = (str(-(len(price_types) + 1)), truth.currency[ref])
        price_types.append({"fields": fields})

    stores = []
    store_ids: dict[str, str] = {}
    for row in onec.rows(WAREHOUSE_SET):
        ref = str(row["Ref_Key"]).lower()
        if ref not in {w.lower() for w in made["warehouses"]}:
            continue
        record = named_from_onec(row, table["warehouse"]["onec"])
        fields = dict(WarehousePipeline.to_payload(SimpleNamespace(), record).fields)
        fields["address"] = table["warehouse"].get("default_address") or fields["title"]
        store_ids[ref] = str(-(len(stores) + 1))
        stores.append({"fields": fields})

    spec = table["product"]
    units = {str(r["Ref_Key"]): r for r in onec.rows(UNITS)}
    vats = {str(r["Ref_Key"]): r for r in onec.rows(VAT_RATES)}
    product_ns = SimpleNamespace(info=info, spec=spec, _sections=group_ids, note_sent=lambda _item: None)
    price_ns = SimpleNamespace(info=info, _types=lambda: type_ids, _deleted_types=dict)
    stock_ns = SimpleNamespace(info=info, _warehouses=lambda: store_ids, _warehouse_names=dict)
    products, prices, stock = [], [], []
    for position, ref in enumerate(made["products"]):
        raw = onec.get(NOMENCLATURE, ref)
        assert raw is not None
        record = product_from_onec(raw, units, vats, spec)
        item = Item(key=ref, version="", record=record, payload=ProductPipeline.to_payload(product_ns, record),
                    action="create")
        ((method, params),) = ProductPipeline.commands(product_ns, 0, item).values()
        assert method == "catalog.product.add", method
        products.append(params)
        payload: FieldsPayload = PricePipeline.to_payload(price_ns, PricesRecord(ref, record.name,
                                                                                 truth.prices.get(ref, {})))
        item = Item(key=ref, version="", record=None, payload=payload, target_id=str(position),
                    current={"prices": []})
        ((method, params),) = PricePipeline.commands(price_ns, 0, item).values()
        assert method == "catalog.price.modify", method
        prices.append(params)
        payload = StockPipeline.to_payload(stock_ns, StockRecord(ref, record.name, truth.stock.get(ref, {})))
        item = Item(key=ref, version="", record=None, payload=payload, target_id=str(position))
        ((method, params),) = StockPipeline.commands(stock_ns, 0, item).values()
        assert method == "catalog.product.update", method
        stock.append(params)
    return {"sections": sections, "price_types": price_types, "base_price_type": base_update, "stores": stores,
            "products": products,
            "prices": prices, "stock": stock}


# ----- the check ----------------------------------------------------------------------------------------------
def check_portal(portal: Bitrix24Sandbox, truth: Catalogue) -> str:
    """Every product exactly once (by xmlId), in its group's section, with the price of each chosen price type and
    its quantity (sum of free stock over the chosen warehouses) as 1C has them."""
    catalog = portal.portal.catalog
    with portal.portal.lock:
        products = [dict(r) for r in catalog.products.rows.values()]
        prices = [dict(r) for r in catalog.prices.rows.values()]
        price_types = [dict(r) for r in catalog.price_types.rows.values()]
        sections = {r["id"]: r.get("xmlId") for r in catalog.sections.rows.values()}
    wanted = {ref.lower() for ref in truth.made["products"]}
    type_ref = {str(t["id"]): str(t.get("xmlId") or "").lower() for t in price_types}
    base = next((str(t["id"]) for t in price_types if t.get("base") == "Y"), None)
    if base is not None:
        type_ref[base] = truth.made["price_types"][0].lower()
    by_ref: dict[str, list[dict[str, Any]]] = {}
    for row in products:
        ref = str(row.get("xmlId") or "").lower()
        if ref in wanted:
            by_ref.setdefault(ref, []).append(row)
    prices_of: dict[int, dict[str, Decimal]] = {}
    for row in prices:
        prices_of.setdefault(row["productId"], {})[type_ref.get(str(row["catalogGroupId"]), "?")] = \
            Decimal(str(row["price"]))
    truth_prices = {ref.lower(): {t: v for t, v in p.items()} for ref, p in truth.prices.items()}
    truth_stock = {ref.lower(): sum((max(q, Decimal(0)) for q in s.values()), Decimal(0))
                   for ref, s in truth.stock.items()}
    doubled = sum(1 for rows in by_ref.values() if len(rows) > 1)
    priced = stocked = wrong_section = 0
    for ref, rows in by_ref.items():
        row = rows[0]
        if prices_of.get(row["id"], {}) == truth_prices.get(ref, {}):
            priced += 1
        if Decimal(str(row.get("quantity") or 0)) == truth_stock.get(ref, Decimal(0)):
            stocked += 1
        if not sections.get(row.get("iblockSectionId")):
            wrong_section += 1
    n = len(wanted)
    ok = len(by_ref) == n and not doubled and priced == n and stocked == n and not wrong_section
    text = f"{len(by_ref)}/{priced}/{stocked}"
    if doubled:
        text += f", дважды {doubled}"
    if wrong_section:
        text += f", без раздела {wrong_section}"
    return ("✓ " if ok else "✗ ") + text


def portal_progress(portal: Bitrix24Sandbox, truth_refs: set[str]) -> str:
    """How far a load got: products / products with prices / products with a quantity, and the counters."""
    catalog = portal.portal.catalog
    with portal.portal.lock:
        ids = [r["id"] for r in catalog.products.rows.values() if str(r.get("xmlId") or "").lower() in truth_refs]
        quantities = sum(1 for r in catalog.products.rows.values()
                         if str(r.get("xmlId") or "").lower() in truth_refs and r.get("quantity"))
        priced = len({r["productId"] for r in catalog.prices.rows.values()})
    traffic = portal.traffic.snapshot()
    return (f"товаров {len(ids)}, с ценами {priced}, с количеством {quantities}; запросов {traffic.requests}, "
            f"503 {traffic.refused_limit}, 429 {traffic.refused_operating}")


# ----- the tools (each a child process of its lane) -----------------------------------------------------------
def tool_syncbridge(args: argparse.Namespace) -> dict[str, Any]:
    from core.paths import AppPaths
    from core.profile import SECRET_ONEC_PASSWORD, Profile
    from core.secrets import CredentialStore
    from core.setup_service import apply_setup
    from core.sync.runner import SyncRunner

    made = json.loads(Path(args.made).read_text(encoding="utf-8"))
    paths = AppPaths.resolve(Path(args.home)).ensure()
    credentials = CredentialStore(paths, env=ENV)
    profile = Profile(onec_url=args.onec_url, onec_user=USER, bitrix24_url="https://127.0.0.1",
                      bitrix24_ca_file=args.ca_file, bitrix24_rate=RATE, bitrix24_burst=BURST,
                      bitrix24_in_flight=args.in_flight, originator_id=ORIGINATOR, **catalog_profile_fields(made))
    apply_setup(paths, profile, PASSWORD, args.webhook, credentials)
    # unlocking the secrets store runs scrypt (128 MB by design, D8): done first, then the peak is started anew
    credentials.get(SECRET_ONEC_PASSWORD)
    reset = reset_peak()
    sampler = _RssSampler()  # where VmHWM cannot be reset: the peak sampled every 20 ms while the sync runs
    runner = SyncRunner(paths, credentials)
    started: dict[str, float] = {}  # entity → second of the run its first progress came (where the time goes)

    def progress(p: Any) -> None:
        started.setdefault(p.entity or "—", time.perf_counter() - start)
        if args.stages:
            started.setdefault(f"{p.entity}:{p.stage[:40]}", time.perf_counter() - start)

    start = time.perf_counter()
    with sampler:
        report = runner.run_once(trigger="benchmark", progress=progress)
    wall = time.perf_counter() - start
    peak = peak_mb() if reset else None
    per_entity = {e: {k: v for k, v in c.items() if v and k in ("created", "updated", "linked", "failed", "skipped")}
                  for e, c in report.per_entity.items()}
    return {"wall": wall, "rss_mb": peak if peak is not None else sampler.peak_mb, "status": report.status,
            "summary": report.summary_text(), "per_entity": per_entity, "started": started}


def tool_peer(args: argparse.Namespace) -> dict[str, Any]:
    jobs = json.loads(Path(args.payloads).read_text(encoding="utf-8"))
    reset = reset_peak()
    done: list[str] = []

    async def load() -> None:
        await with_peer(args.webhook, args.ca_file, args.peer_in_flight, write_all)

    async def ids_by_xml_id(b24: Any, method: str, items: list[dict[str, Any]]) -> list[int]:
        """``call()`` on a list, its answers matched to ``items`` by xmlId: fb24 unwraps each one-key answer
        (``{"section": {...}}``) into a flat list in the order the batches COMPLETED and drops its own ``__order``
        labels on the way, so position means nothing; the written row carries our xmlId."""
        answers = await b24.call(method, items)
        answers = answers if isinstance(answers, list | tuple) else [answers]
        by_xml_id = {str(row["xmlId"]).lower(): int(row["id"]) for row in answers}
        return [by_xml_id[str(item["fields"]["xmlId"]).lower()] for item in items]

    async def write_all(b24: Any) -> None:
        sections = await ids_by_xml_id(b24, "catalog.section.add", jobs["sections"])
        done.append("разделы")
        types = await ids_by_xml_id(b24, "catalog.priceType.add", jobs["price_types"]) if jobs["price_types"] else []
        if jobs["base_price_type"]:
            await b24.call("catalog.priceType.update", jobs["base_price_type"])
        await b24.call("catalog.store.add", jobs["stores"])
        done.append("виды цен, склады")
        products = []
        for params in jobs["products"]:
            fields = dict(params["fields"])
            if int(fields.get("iblockSectionId") or 0) < 0:
                fields["iblockSectionId"] = sections[-int(fields["iblockSectionId"]) - 1]
            products.append({"fields": fields})
        product_ids = await ids_by_xml_id(b24, "catalog.product.add", products)
        done.append("товары")
        prices = []
        for params in jobs["prices"]:
            product = params["fields"]["product"]
            rows = [{**row, "catalogGroupId": types[-row["catalogGroupId"] - 1] if row["catalogGroupId"] < 0
                     else row["catalogGroupId"]} for row in product["prices"]]
            prices.append({"fields": {"product": {"id": product_ids[int(product["id"])], "prices": rows}}})
        stock = [{"id": product_ids[int(params["id"])], "fields": params["fields"]} for params in jobs["stock"]]
        # one call() after the other: two call()s at once lose batches without a word (1.8.14: a call whose own
        # tasks are done while the other holds every slot returns early; found by this benchmark's check)
        await b24.call("catalog.price.modify", prices)
        done.append("цены")
        await b24.call("catalog.product.update", stock)
        done.append("остатки")

    wall, error = timed_peer(load)
    if error:
        error += f" (готово: {', '.join(done) or 'ничего'})"
    peak = peak_mb() if reset else None
    return {"wall": wall, "rss_mb": peak if peak is not None else float("nan"),
            "status": "failed" if error else "ok", "summary": error}


# ----- a lane: the sandboxes of one tool, the tool in a child, the counters and the check -----------------------
def run_tool(kind: str, extra: list[str], progress: Callable[[], str], every: float, label: str) -> dict[str, Any]:
    child = subprocess.Popen([sys.executable, __file__, "--tool", kind, *extra], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, **ENV})
    start = time.monotonic()
    stop = threading.Event()

    def report() -> None:  # how far the load got, for a run of an hour and more
        while not stop.wait(every):
            print(f"[{label} {time.monotonic() - start:6.0f} с] {progress()}", file=sys.stderr, flush=True)

    watcher = threading.Thread(target=report, daemon=True)
    watcher.start()
    try:
        out, err = child.communicate()
    finally:
        stop.set()
        if child.poll() is None:
            child.kill()
    for line in reversed(out.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {"wall": float("nan"), "rss_mb": float("nan"), "status": "crashed",
            "summary": (err.strip().splitlines() or ["?"])[-1][:200]}


def lane(args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(args.tmp)
    onec, made = make_onec(args.products, args.clock)
    truth = read_catalogue(onec, made)
    refs = {r.lower() for r in made["products"]}
    portal = make_portal(tmp / f"portal-{args.lane}", args.clock)
    portal.start()
    try:
        if args.lane == "syncbridge":
            (tmp / "made.json").write_text(json.dumps(made), encoding="utf-8")
            onec.start()
            try:
                result = run_tool("syncbridge", [
                    "--home", str(tmp / "home"), "--onec-url", onec.url, "--webhook", portal.webhook_url,
                    "--ca-file", portal.ca_file, "--in-flight", str(args.in_flight), "--made", str(tmp / "made.json"),
                    *(["--stages"] if args.stages else [])],
                    lambda: portal_progress(portal, refs), args.progress, "SyncBridge")
            finally:
                onec.stop()
            before, log_start = None, 0
        else:
            from core.bitrix24 import catalog as b24catalog
            from core.bitrix24.client import Bitrix24Client

            # the ids a script needs (iblock, measures, VAT rates, the base price type): read before its clock starts
            client = Bitrix24Client(portal.webhook_url, ca_file=portal.ca_file, rate=RATE, burst=BURST)
            info = b24catalog.load_info(client)
            payloads = tmp / "payloads.json"
            payloads.write_text(json.dumps(peer_payloads(onec, truth, info), ensure_ascii=False), encoding="utf-8")
            time.sleep(BURST / RATE)  # the bucket empties again, as for a fresh portal
            portal.traffic.reset_peak()
            before, log_start = portal.traffic.snapshot(), len(portal.request_log())
            result = run_tool("peer", ["--webhook", portal.webhook_url, "--ca-file", portal.ca_file,
                                       "--payloads", str(payloads), "--peer-in-flight", str(args.peer_in_flight)],
                              lambda: portal_progress(portal, refs), args.progress, "fast-bitrix24")
        traffic = portal.traffic.snapshot()
        log = portal.request_log()
        writes: dict[str, int] = {}
        for entry in log[log_start:]:
            method = entry.split(":")[-1]
            if method.endswith(WRITE_SUFFIXES):
                writes[method] = writes.get(method, 0) + 1
        result.update({"writes": writes,
            "requests": traffic.requests - (before.requests if before else 0),
            "refused_503": traffic.refused_limit - (before.refused_limit if before else 0),
            "refused_429": traffic.refused_operating - (before.refused_operating if before else 0),
            "max_in_flight": traffic.max_in_flight, "check": check_portal(portal, truth),
            "progress": portal_progress(portal, refs)})
        return result
    finally:
        portal.stop()


# ----- the parent ---------------------------------------------------------------------------------------------
def start_lane(kind: str, args: argparse.Namespace, tmp: Path) -> subprocess.Popen[str]:
    (tmp / kind).mkdir()
    return subprocess.Popen(
        [sys.executable, __file__, "--lane", kind, "--tmp", str(tmp / kind), "--products", str(args.products),
         "--clock", str(args.clock), "--in-flight", str(args.in_flight), "--peer-in-flight", str(args.peer_in_flight),
         "--progress", str(args.progress), *(["--stages"] if args.stages else [])],
        stdout=subprocess.PIPE, text=True, cwd=ROOT)  # stderr (progress) goes straight to ours


def finish_lane(process: subprocess.Popen[str]) -> dict[str, Any]:
    out, _ = process.communicate()
    for line in reversed(out.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {"wall": float("nan"), "rss_mb": float("nan"), "status": "crashed", "summary": f"код {process.returncode}",
            "requests": 0, "refused_503": 0, "refused_429": 0, "max_in_flight": 0, "check": "—", "progress": ""}


def print_table(products: int, results: dict[str, dict[str, Any]], clock_scale: float) -> None:
    bound = catalog_ceiling(products, clock_scale)
    head = (f"{'товаров':>7} {'инструмент':<14} {'время, с':>9} {'×потолок':>8} {'×fb24':>6} {'запросов':>8} "
            f"{'503':>4} {'429':>4} {'в полёте':>8} {'RSS, МБ':>8}  {'портал: товары/с ценами/с остатком':<34}")
    print(head)
    print("-" * len(head))
    peer = results.get("fast-bitrix24")
    for tool, row in results.items():
        finished = row["status"] == "ok"
        vs_peer = f"{row['wall'] / peer['wall']:.2f}" if finished and peer and peer["status"] == "ok" else "—"
        vs_bound = f"{row['wall'] / bound.value:.2f}" if finished else "—"
        print(f"{products:>7} {tool:<14} {row['wall']:>9.1f} {vs_bound:>8} {vs_peer:>6} "
              f"{row['requests']:>8} {row['refused_503']:>4} {row['refused_429']:>4} {row['max_in_flight']:>8} "
              f"{row['rss_mb']:>8.0f}  {row['check']:<34}")
        if row["status"] != "ok":
            print(f"        {tool}: {row['status']}: {row['summary']}")
        if row.get("per_entity"):
            print(f"        {tool}: {json.dumps(row['per_entity'], ensure_ascii=False)}")
        if row.get("started"):
            print(f"        {tool}, начало этапов, с: " + ", ".join(f"{e} {t:.1f}" for e, t in row["started"].items()))
        if row.get("writes"):
            print(f"        {tool}, команд записи: " + ", ".join(f"{m} {n}" for m, n in sorted(row["writes"].items())))
    print()
    counts = write_counts(products)
    print(f"Потолок для {products}: {bound.value:.1f} с = max(лимит запросов {bound.rate:.1f} с, бюджет operating "
          f"{bound.operating:.1f} с, обработка порталом {bound.processing:.1f} с); записей "
          + ", ".join(f"{method} {n}" for method, n in counts.items()))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=20000)
    parser.add_argument("--in-flight", type=int, default=CLOUD_IN_FLIGHT,
                        help="SyncBridge requests in flight (default: the cloud default of the client)")
    parser.add_argument("--peer-in-flight", type=int, default=0,
                        help="cap fast-bitrix24's requests at once with its slow() (default: its own 50)")
    parser.add_argument("--clock", type=float, default=1.0, help="scale of the sandboxes' work clock")
    parser.add_argument("--sequential", action="store_true", help="one tool after the other, not at the same time")
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--skip-syncbridge", action="store_true")
    parser.add_argument("--progress", type=float, default=60.0, help="seconds between progress lines (stderr)")
    parser.add_argument("--stages", action="store_true",
                        help="print when each stage of each entity began (where SyncBridge's time goes)")
    parser.add_argument("--lane", choices=("syncbridge", "peer"), help=argparse.SUPPRESS)
    parser.add_argument("--tool", choices=("syncbridge", "peer"), help=argparse.SUPPRESS)
    parser.add_argument("--tmp", help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    parser.add_argument("--onec-url", help=argparse.SUPPRESS)
    parser.add_argument("--webhook", help=argparse.SUPPRESS)
    parser.add_argument("--ca-file", help=argparse.SUPPRESS)
    parser.add_argument("--made", help=argparse.SUPPRESS)
    parser.add_argument("--payloads", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.tool:
        result = tool_syncbridge(args) if args.tool == "syncbridge" else tool_peer(args)
        print(json.dumps(result, ensure_ascii=False))
        return 0
    if args.lane:
        print(json.dumps(lane(args), ensure_ascii=False))
        return 0
    lanes = [kind for kind, skip in (("syncbridge", args.skip_syncbridge), ("peer", args.skip_peer)) if not skip]
    mode = "по очереди" if args.sequential else "ОДНОВРЕМЕННО, каждый на своём портале (бюджеты порталов отдельные, " \
                                              "общие только 2 ядра процессора)"
    print(f"Каталог: {args.products} товаров в {GROUPS} группах, {PRICE_TYPES} вида цен (первый — базовый), "
          f"{WAREHOUSES} складов, свободный остаток; складской учёт портала выключен. Песочницы: облачные лимиты "
          f"({RATE:g} запр/с + {BURST}, operating {OPERATING_LIMIT:g} с/10 мин на метод, {METHOD_COST} с на команду), "
          f"часы работы ×{args.clock:g}; 1С: {ONEC_ODATA}; портал: {BITRIX24_CLOUD}; SyncBridge: {args.in_flight} "
          f"запросов в полёте; fast-bitrix24: "
          + (f"slow({args.peer_in_flight})" if args.peer_in_flight else "свои 50") + f". Инструменты идут {mode}.")
    sys.stdout.flush()
    results: dict[str, dict[str, Any]] = {}
    names = {"syncbridge": "SyncBridge", "peer": "fast-bitrix24"}
    with tempfile.TemporaryDirectory() as tmp:
        if args.sequential:
            for kind in lanes:
                results[names[kind]] = finish_lane(start_lane(kind, args, Path(tmp)))
        else:
            started = {kind: start_lane(kind, args, Path(tmp)) for kind in lanes}
            for kind, process in started.items():
                results[names[kind]] = finish_lane(process)
    print_table(args.products, results, args.clock)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
