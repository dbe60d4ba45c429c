"""Throughput of a first load, SyncBridge side by side with fast-bitrix24, on sandboxes with a truthful clock.

    .venv/bin/python benchmarks/bench_throughput.py [--sizes 600,3000,10000] [--in-flight N] [--skip-peer]

Needs the bench extra (``pip install -e .[bench]``) for the peer. Prints a table; asserts nothing.

For each size, in one run:
- a sandbox 1C with N counterparties, each with one bank account and a legal address, and the realistic 1C clock;
- a fresh sandbox portal with cloud limits (2 requests/s + 50, 480 s operating per method in 10 min, 0.05 s
  billed per command) and the realistic portal clock (core/sandbox/clock.py: 0.03 s per request, 40 ms per
  record written, 2 ms per record read), serving requests concurrently;
- SyncBridge's first sync (reads 1C, maps, looks the portal up, writes through the outbox), in a child process;
- on another fresh portal, fast-bitrix24 writing the same companies, requisites, bank details and addresses (made
  by SyncBridge's own mapping, so fields are identical) with its own batching and concurrency: ``call()`` per
  entity kind, IDs of the previous kind substituted, in a child process.
Both children report their wall time (the work only, not interpreter start) and peak RSS; the portal's counters
give requests, 503/429 and the peak of requests in flight. The ceiling is the largest of three lower bounds on
the wall time of the same writes on this portal (see ``ceiling``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")
sys.path.insert(0, str(ROOT))

from core.bitrix24.inflight import CLOUD_IN_FLIGHT  # noqa: E402
from core.sandbox.bitrix24.server import Bitrix24Sandbox  # noqa: E402
from core.sandbox.clock import BITRIX24_CLOUD, ONEC_ODATA, WorkClock  # noqa: E402
from core.sandbox.onec.seed import make_bulk_bank_accounts, make_bulk_counterparties, seed_rows  # noqa: E402
from core.sandbox.onec.server import OneCSandbox  # noqa: E402

USER, PASSWORD = "Интеграция", "бенчмарк"
RATE, BURST, OPERATING_LIMIT, METHOD_COST = 2.0, 50, 480.0, 0.05
OPERATING_WINDOW = 600.0
ORIGINATOR = "1C:bench"
REFERENCE_CATALOGS = ("Catalog_Валюты", "Catalog_ВидыКонтактнойИнформации", "Catalog_КлассификаторБанков")


# ----- the ceiling --------------------------------------------------------------------------------------------
@dataclass
class Ceiling:
    rate: float
    operating: float
    processing: float

    @property
    def value(self) -> float:
        return max(self.rate, self.operating, self.processing)


def ceiling(records: int, clock_scale: float = 1.0, per_record: int = 4) -> Ceiling:
    """Lower bounds on the wall time of writing ``records`` chains (company, requisite, bank detail, legal address)
    here.

    - rate: the fewest possible requests (50 commands each) through the leaky bucket: the first ``burst`` at
      once, then ``rate`` per second;
    - operating: ``crm.company.add`` (every method is billed alike) spends ``records × 0.05`` s of its 480 s per
      sliding 10 minutes; each further 480 s needs another 10-minute window;
    - processing: the portal's work (0.03 s per request + 40 ms per record written) spread over as many requests
      at once as the bucket lets start together (``burst``), and never less than one full batch.
    """
    commands = records * per_record
    requests = math.ceil(commands / 50)
    rate_bound = max(0, requests - BURST) / RATE
    per_method = records * METHOD_COST
    operating_bound = OPERATING_WINDOW * (math.ceil(per_method / OPERATING_LIMIT) - 1) if per_method else 0.0
    work = (requests * BITRIX24_CLOUD.per_request + commands * BITRIX24_CLOUD.per_write) * clock_scale
    one_batch = (BITRIX24_CLOUD.per_request + min(commands, 50) * BITRIX24_CLOUD.per_write) * clock_scale
    processing_bound = max(work / BURST, one_batch)
    return Ceiling(rate_bound, operating_bound, processing_bound)


# ----- the two children ---------------------------------------------------------------------------------------
def child_syncbridge(args: argparse.Namespace) -> dict[str, Any]:
    from core.paths import AppPaths
    from core.profile import Profile
    from core.secrets import CredentialStore
    from core.setup_service import apply_setup
    from core.sync.runner import SyncRunner

    paths = AppPaths.resolve(Path(args.home)).ensure()
    env = {"SYNCBRIDGE_MASTER_PASSWORD": "benchmark-password", "SYNCBRIDGE_SECRETS_MODE": "master-password"}
    credentials = CredentialStore(paths, env=env)
    profile = Profile(onec_url=args.onec_url, onec_user=USER, bitrix24_url="https://127.0.0.1",
                      bitrix24_ca_file=args.ca_file, bitrix24_rate=RATE, bitrix24_burst=BURST,
                      bitrix24_in_flight=args.in_flight, originator_id=ORIGINATOR,
                      onec_parallel_reads=args.onec_reads_one)
    apply_setup(paths, profile, PASSWORD, args.webhook, credentials)
    runner = SyncRunner(paths, credentials)
    # the process peak includes unlocking the secrets (scrypt takes ~128 MB for a moment); the sync's own peak is
    # sampled while it runs
    sampler = _RssSampler()
    start = time.perf_counter()
    marks: list[str] = []
    last: list[Any] = [None]

    def on_progress(progress: Any) -> None:
        # one line per stage change: where the wall time goes (--timeline)
        key = (progress.entity, progress.stage)
        if key != last[0]:
            last[0] = key
            marks.append(f"{time.perf_counter() - start:7.2f} s  {progress.entity}: {progress.stage} "
                         f"{progress.done}/{progress.total}")

    with sampler:
        report = runner.run_once(trigger="benchmark", progress=on_progress if args.timeline else None)
    wall = time.perf_counter() - start
    if marks:
        sys.stderr.write("\n".join(marks) + "\n")
    return {"wall": wall, "rss_mb": sampler.peak_mb, "status": report.status, "summary": report.summary_text()}


async def with_peer(webhook: str, ca_file: str, peer_in_flight: int, work: Callable[[Any], Awaitable[T]]) -> T:
    """fast-bitrix24 on a sandbox portal (its own CA) at the cloud rate, with its own concurrency or, given
    ``peer_in_flight``, its ``slow()`` brake: both throughput benchmarks start their peer here."""
    import ssl

    import aiohttp
    from fast_bitrix24 import BitrixAsync

    context = ssl.create_default_context(cafile=ca_file)
    # fb24 opens a default aiohttp session (system CAs) unless given one; its own code relies on
    # raise_for_status=True to see 5xx answers, so the session given keeps that
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=context), raise_for_status=True) as session:
        b24 = BitrixAsync(webhook, verbose=False, client=session, requests_per_second=RATE, request_pool_size=BURST)
        if peer_in_flight:
            with b24.slow(peer_in_flight):  # at most this many requests at once
                return await work(b24)
        return await work(b24)


def child_peer(args: argparse.Namespace) -> dict[str, Any]:
    jobs = json.loads(Path(args.payloads).read_text(encoding="utf-8"))

    async def load() -> int:
        return await with_peer(args.webhook, args.ca_file, args.peer_in_flight, write_all)

    async def write_all(b24: Any) -> int:
        company_ids = await ordered_call(b24, "crm.company.add", [job["company"] for job in jobs])
        requisites = []
        for job, company_id in zip(jobs, company_ids, strict=True):
            requisites.append({"fields": {**job["requisite"]["fields"], "ENTITY_ID": int(company_id)}})
        requisite_ids = await ordered_call(b24, "crm.requisite.add", requisites)
        bankdetails, addresses = [], []
        for job, requisite_id in zip(jobs, requisite_ids, strict=True):
            for bank in job["bankdetails"]:
                bankdetails.append({"fields": {**bank["fields"], "ENTITY_ID": int(requisite_id)}})
            for address in job["addresses"]:
                addresses.append({"fields": {**address["fields"], "ENTITY_ID": int(requisite_id)}})
        if bankdetails:
            await ordered_call(b24, "crm.requisite.bankdetail.add", bankdetails)
        if addresses:
            await ordered_call(b24, "crm.address.add", addresses)
        return len(jobs)

    wall, error = timed_peer(load)
    return {"wall": wall, "rss_mb": _peak_rss_mb(), "status": "failed" if error else "ok", "summary": error}


def timed_peer(load: Callable[[], Awaitable[Any]]) -> tuple[float, str]:
    """Wall time of the peer's work and its failure in one line ("" when it finished): the peer's own failure is a
    result to print, not a crash of the benchmark."""
    start = time.perf_counter()
    error = ""
    try:
        asyncio.run(load())
    except Exception as exc:
        error = f"{type(exc).__name__}: {str(exc)[:160]}"
    return time.perf_counter() - start, error


async def ordered_call(b24: Any, method: str, items: list[dict]) -> list[Any]:
    """fast-bitrix24's ``call()`` on a list, with its results put back in the order of ``items``.

    ``call()`` itself returns the results of its batches in the order the batches COMPLETED (1.8.14): with more
    than one batch in flight a script pairing them with its items by position attaches requisites to the wrong
    companies (found by this benchmark's check). The library labels every command with the item's position
    (``__order``); this does what ``call()`` does, keeping the labels, and sorts by them."""
    from collections import ChainMap

    from fast_bitrix24.mult_request import MultipleServerRequestHandlerPreserveIDs

    labelled = [ChainMap(item, {"__order": f"order{i:010}"}) for i, item in enumerate(items)]
    handler = MultipleServerRequestHandlerPreserveIDs(b24, method, labelled, ID_field="__order", get_by_ID=False)
    raw = await b24.srh.run_async(handler.run())
    return [raw[f"order{i:010}"] for i in range(len(items))]


class _RssSampler:
    """Peak resident memory while a block runs, sampled every 20 ms from /proc (Linux)."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        try:
            pages = int(Path("/proc/self/statm").read_text().split()[1])
            self.peak_mb = max(self.peak_mb, pages * os.sysconf("SC_PAGE_SIZE") / 2**20)
        except (OSError, ValueError, IndexError):
            self.peak_mb = max(self.peak_mb, _peak_rss_mb())

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self._sample()

    def __enter__(self) -> _RssSampler:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# ----- the parent ---------------------------------------------------------------------------------------------
@dataclass
class Row:
    tool: str
    size: int
    wall: float
    requests: int
    refused_503: int
    refused_429: int
    max_in_flight: int
    rss_mb: float
    status: str
    check: str
    summary: str


def make_onec(size: int, clock_scale: float) -> tuple[OneCSandbox, list[dict[str, Any]], list[dict[str, Any]]]:
    # only the bulk counterparties (the hand-made seed has deliberately broken cards); classifiers from the seed
    onec = OneCSandbox(users={USER: PASSWORD}, work_clock=WorkClock(ONEC_ODATA, clock_scale), seed=False)
    for entity_set, seeded in seed_rows().items():
        if entity_set in REFERENCE_CATALOGS:
            for row in seeded:
                onec.put(entity_set, row)
    counterparties = make_bulk_counterparties(size)
    accounts = make_bulk_bank_accounts(counterparties)
    for row in counterparties:
        onec.put("Catalog_Контрагенты", row)
    for row in accounts:
        onec.put("Catalog_БанковскиеСчетаКонтрагентов", row)
    return onec, counterparties, accounts


def make_portal(cert_dir: Path, clock_scale: float) -> Bitrix24Sandbox:
    return Bitrix24Sandbox(cert_dir=cert_dir, rate=RATE, burst=BURST, operating_limit=OPERATING_LIMIT,
                           method_cost=METHOD_COST, work_clock=WorkClock(BITRIX24_CLOUD, clock_scale))


def peer_payloads(onec: OneCSandbox, counterparties: list[dict[str, Any]], portal: Bitrix24Sandbox) -> list[dict]:
    """The same records SyncBridge writes, built by its own mapping and command builder."""
    from core.mapping.counterparty import account_is_active, counterparty_from_onec, counterparty_to_b24
    from core.mapping.table import load_mapping
    from core.sync.company_commands import build_commands
    from core.sync.pipeline import Item

    table = load_mapping("ut11")
    spec = table["counterparty"]
    presets = {p["NAME"].strip().lower(): p["ID"] for p in portal.entities("preset")}

    def preset_id(kind: str) -> str:
        return next(presets[label.lower()] for label in spec["bitrix24"]["presets"][kind] if label.lower() in presets)

    accounts_by_owner: dict[str, list[dict[str, Any]]] = {}
    for account in onec.rows("Catalog_БанковскиеСчетаКонтрагентов"):
        accounts_by_owner.setdefault(str(account["Owner"]).lower(), []).append(account)
    banks = {str(b["Ref_Key"]).lower(): b for b in onec.rows("Catalog_КлассификаторБанков")}
    jobs = []
    for row in counterparties:
        full = onec.get("Catalog_Контрагенты", row["Ref_Key"])
        assert full is not None
        active = [a for a in accounts_by_owner.get(str(full["Ref_Key"]).lower(), []) if account_is_active(a, table)]
        cp = counterparty_from_onec(full, active, banks, table)
        item = Item(key=cp.ref, version="", record=cp, payload=counterparty_to_b24(cp, table), action="create")
        commands = build_commands(0, item, spec, ORIGINATOR, preset_id)
        jobs.append({
            "company": commands["c0"][1],
            "requisite": {"fields": {k: v for k, v in commands["r0"][1]["fields"].items() if k != "ENTITY_ID"}},
            "bankdetails": [{"fields": {k: v for k, v in params["fields"].items() if k != "ENTITY_ID"}}
                            for key, (_method, params) in commands.items() if key.startswith("b0_")],
            "addresses": [{"fields": {k: v for k, v in params["fields"].items() if k != "ENTITY_ID"}}
                          for key, (method, params) in commands.items() if method == "crm.address.add"],
        })
        unknown = {method for key, (method, _) in commands.items()
                   if key not in ("c0", "r0") and not key.startswith("b0_") and method != "crm.address.add"}
        assert not unknown, f"the peer would not write {unknown}: teach it"
    return jobs


def check_portal(portal: Bitrix24Sandbox, size: int) -> str:
    """Every record exactly once and chained to its own owner."""
    companies = {c["ID"]: c for c in portal.entities("company") if c.get("ORIGINATOR_ID") == ORIGINATOR}
    requisites = [r for r in portal.entities("requisite") if r.get("ORIGINATOR_ID") == ORIGINATOR]
    by_requisite = {r["ID"]: r for r in requisites}
    details = [b for b in portal.entities("bankdetail") if b.get("ORIGINATOR_ID") == ORIGINATOR]
    addresses = [a for a in portal.entities("address") if str(a.get("ENTITY_ID")) in by_requisite]
    origins = [c["ORIGIN_ID"] for c in companies.values()]
    wrong_owner = sum(1 for r in requisites if (companies.get(r["ENTITY_ID"]) or {}).get("ORIGIN_ID") != r["XML_ID"])
    orphan = sum(1 for b in details if b["ENTITY_ID"] not in by_requisite)
    ok = len(companies) == len(set(origins)) == size and len(requisites) == len(details) == len(addresses) == size
    text = f"{len(companies)}/{len(requisites)}/{len(details)}/{len(addresses)}"
    if wrong_owner or orphan:
        text += f", чужих владельцев {wrong_owner + orphan}"
    return ("✓ " if ok and not (wrong_owner or orphan) else "✗ ") + text


def run_child(kind: str, extra: list[str]) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--child", kind, *extra], capture_output=True, text=True,
                          cwd=ROOT, check=False)
    if "--timeline" in extra:
        print("\n".join(line for line in done.stderr.splitlines() if " s  " in line), flush=True)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {"wall": float("nan"), "rss_mb": float("nan"), "status": "crashed",
            "summary": (done.stderr.strip().splitlines() or ["?"])[-1][:160]}


def measure(tool: str, size: int, portal: Bitrix24Sandbox, child: dict[str, Any]) -> Row:
    traffic = portal.traffic.snapshot()
    return Row(tool, size, child["wall"], traffic.requests, traffic.refused_limit, traffic.refused_operating,
               traffic.max_in_flight, child["rss_mb"], child["status"], check_portal(portal, size),
               child.get("summary", ""))


def run_size(size: int, args: argparse.Namespace, tmp: Path) -> list[Row]:
    rows = []
    onec, counterparties, _ = make_onec(size, args.clock)
    onec.start()
    try:
        reads_options = [] if args.skip_syncbridge else [int(n) for n in args.onec_reads.split(",")]
        for reads in reads_options:
            portal = make_portal(tmp / f"sb-{size}-{reads}", args.clock)
            portal.start()
            try:
                child = run_child("syncbridge", ["--home", str(tmp / f"home-{size}-{reads}"), "--onec-url", onec.url,
                                                 "--webhook", portal.webhook_url, "--ca-file", portal.ca_file,
                                                 "--in-flight", str(args.in_flight), "--onec-reads-one", str(reads),
                                                 *(["--timeline"] if args.timeline else [])])
                label = "SyncBridge" if len(reads_options) == 1 else f"SyncBridge 1С×{reads}"
                rows.append(measure(label, size, portal, child))
            finally:
                portal.stop()
        if not args.skip_peer:
            portal = make_portal(tmp / f"peer-{size}", args.clock)
            payloads = tmp / f"payloads-{size}.json"
            payloads.write_text(json.dumps(peer_payloads(onec, counterparties, portal), ensure_ascii=False),
                                encoding="utf-8")
            portal.start()
            try:
                child = run_child("peer", ["--webhook", portal.webhook_url, "--ca-file", portal.ca_file,
                                           "--payloads", str(payloads), "--peer-in-flight", str(args.peer_in_flight)])
                label = f"fb24 slow({args.peer_in_flight})" if args.peer_in_flight else "fast-bitrix24"
                rows.append(measure(label, size, portal, child))
            finally:
                portal.stop()
    finally:
        onec.stop()
    return rows


def print_table(rows: list[Row], clock_scale: float) -> None:
    head = (f"{'записей':>7} {'инструмент':<14} {'время, с':>9} {'×потолок':>8} {'×fb24':>6} {'запросов':>8} "
            f"{'503':>4} {'429':>4} {'в полёте':>8} {'RSS, МБ':>8}  {'портал: компании/рекв./банк/адрес':<34}")
    print(head)
    print("-" * len(head))
    peers = {r.size: r for r in rows if not r.tool.startswith("SyncBridge") and r.status == "ok"}
    for row in rows:
        bound = ceiling(row.size, clock_scale).value
        peer = peers.get(row.size)
        vs_peer = f"{row.wall / peer.wall:.2f}" if peer else "—"
        print(f"{row.size:>7} {row.tool:<14} {row.wall:>9.1f} {row.wall / bound:>8.2f} {vs_peer:>6} "
              f"{row.requests:>8} {row.refused_503:>4} {row.refused_429:>4} {row.max_in_flight:>8} "
              f"{row.rss_mb:>8.0f}  {row.check:<34}")
        if row.status != "ok":
            print(f"        {row.tool}: {row.status}: {row.summary}")
    print()
    for size in sorted({r.size for r in rows}):
        c = ceiling(size, clock_scale)
        print(f"Потолок для {size}: {c.value:.1f} с = max(лимит запросов {c.rate:.1f} с, бюджет operating "
              f"{c.operating:.1f} с, обработка порталом {c.processing:.1f} с)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="600,3000,10000")
    parser.add_argument("--in-flight", type=int, default=CLOUD_IN_FLIGHT,
                        help="SyncBridge requests in flight (default: the cloud default of the client)")
    parser.add_argument("--clock", type=float, default=1.0, help="scale of the sandboxes' work clock")
    parser.add_argument("--timeline", action="store_true", help="print SyncBridge's stage changes with times")
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--skip-syncbridge", action="store_true", help="only the peer (e.g. another --peer-in-flight)")
    parser.add_argument("--peer-in-flight", type=int, default=0,
                        help="cap fast-bitrix24's requests at once with its slow() (default: its own 50)")
    parser.add_argument("--onec-reads", default="4",
                        help="reads from 1C at once (profile onec_parallel_reads); a list such as 1,4 runs each")
    parser.add_argument("--onec-reads-one", type=int, default=4, help=argparse.SUPPRESS)
    parser.add_argument("--child", choices=("syncbridge", "peer"))
    parser.add_argument("--home")
    parser.add_argument("--onec-url")
    parser.add_argument("--webhook")
    parser.add_argument("--ca-file")
    parser.add_argument("--payloads")
    args = parser.parse_args()
    if args.child:
        result = child_syncbridge(args) if args.child == "syncbridge" else child_peer(args)
        print(json.dumps(result, ensure_ascii=False))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    print(f"Песочницы: облачные лимиты ({RATE:g} запр/с + {BURST}, operating {OPERATING_LIMIT:g} с/10 мин, "
          f"{METHOD_COST} с на команду), часы работы ×{args.clock:g}; 1С: {ONEC_ODATA}; портал: {BITRIX24_CLOUD}; "
          f"SyncBridge: {args.in_flight} запросов в полёте")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            rows += run_size(size, args, Path(tmp))
            print_table(rows, args.clock)
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
