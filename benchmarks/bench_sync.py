"""Benchmark of the counterparty slice on the sandbox servers; prints its figures, asserts nothing.

    .venv/bin/python benchmarks/bench_sync.py [--counterparties 1000] [--plan cloud|enterprise]

Measured side by side in one run:
1. 1C change poll: our light one-request poll vs classic `$skip` paging of full rows (the sandbox reproduces
   1C's O(n) `$skip`), same data, same machine.
2. First sync of N new counterparties: wall time, portal HTTP requests vs REST commands executed (what
   one-call-per-command would have cost), requests per record, peak Python memory.
3. Second sync with no change in 1C: wall time and requests to each side.
4. With --compare-lookup: the same first sync once more on fresh sandboxes with per-record portal lookups forced,
   beside the run above (which picks the one-pass portal index when it is cheaper).
The portal runs with the real leaky bucket of the chosen plan (cloud: 2 req/s + 50; enterprise: 5 req/s + 250),
so wall time of the first sync is dominated by the portal's rate limit, as it will be in production.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.onec.client import OneCClient
from core.paths import AppPaths
from core.profile import Profile
from core.sandbox.bitrix24.server import Bitrix24Sandbox
from core.sandbox.onec.seed import make_bulk_counterparties
from core.sandbox.onec.server import OneCSandbox
from core.secrets import CredentialStore
from core.setup_service import apply_setup
from core.sync.runner import SyncRunner

PLANS = {"cloud": (2.0, 50), "enterprise": (5.0, 250)}
USER, PASSWORD = "Интеграция", "бенчмарк"


def poll_vs_skip(onec: OneCSandbox, page: int = 500) -> None:
    client = OneCClient(onec.url, USER, PASSWORD)
    start = time.perf_counter()
    light = client.list("Catalog_Контрагенты", select=["Ref_Key", "DataVersion", "DeletionMark"])
    light_s = time.perf_counter() - start
    start = time.perf_counter()
    rows, skip, requests = 0, 0, 0
    while True:
        batch = client.list("Catalog_Контрагенты", orderby="Description", top=page, skip=skip)
        requests += 1
        rows += len(batch)
        if len(batch) < page:
            break
        skip += page
    skip_s = time.perf_counter() - start
    client.close()
    print(f"1С, опрос изменений {len(light)} контрагентов: лёгкий $select одним запросом {light_s:.2f} с; "
          f"постранично $skip по {page} полных строк ({requests} запросов) {skip_s:.2f} с; "
          f"отношение {skip_s / light_s:.1f}×")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counterparties", type=int, default=1000)
    parser.add_argument("--plan", choices=PLANS, default="enterprise")
    parser.add_argument("--compare-lookup", action="store_true",
                        help="also run the first sync with per-record portal lookups, side by side")
    args = parser.parse_args()
    rate, burst = PLANS[args.plan]
    run(args.counterparties, args.plan, rate, burst, label="")
    if args.compare_lookup:
        from core.bitrix24.portal_index import PortalIndex

        PortalIndex.worth_loading = classmethod(lambda cls, b24, unlinked: False)  # type: ignore[method-assign]
        run(args.counterparties, args.plan, rate, burst, label="[поиск по каждой записи] ")
    return 0


def run(counterparties: int, plan: str, rate: float, burst: int, label: str) -> None:

    with tempfile.TemporaryDirectory() as tmp:
        paths = AppPaths.resolve(Path(tmp) / "home").ensure()
        onec = OneCSandbox(users={USER: PASSWORD})
        for row in make_bulk_counterparties(counterparties):
            onec.put("Catalog_Контрагенты", row)
        b24 = Bitrix24Sandbox(cert_dir=Path(tmp) / "b24", rate=rate, burst=burst)
        onec.start()
        b24.start()
        try:
            total = len(onec.rows("Catalog_Контрагенты"))
            print(f"{label}Данные: {total} контрагентов в учебной 1С, тариф портала «{plan}» ({rate:g} запр/с, "
                  f"запас {burst}).")
            if not label:
                poll_vs_skip(onec)
            env = {"SYNCBRIDGE_MASTER_PASSWORD": "benchmark-password", "SYNCBRIDGE_SECRETS_MODE": "master-password"}
            credentials = CredentialStore(paths, env=env)
            profile = Profile(onec_url=onec.url, onec_user=USER, bitrix24_url="https://127.0.0.1",
                              bitrix24_ca_file=str(b24.ca_file), bitrix24_rate=rate, bitrix24_burst=burst)
            apply_setup(paths, profile, PASSWORD, b24.webhook_url, credentials)
            runner = SyncRunner(paths, credentials)

            b24_before, onec_before = len(b24.request_log()), len(onec.request_log())
            tracemalloc.start()
            start = time.perf_counter()
            first = runner.run_once(trigger="benchmark")
            first_s = time.perf_counter() - start
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            log = b24.request_log()[b24_before:]
            http = [m for m in log if not m.startswith("batch:")]
            commands = [m for m in log if m.startswith("batch:")] + [m for m in http if m != "batch"]
            records = first.created + first.linked + first.updated
            lists = sum(1 for m in log if m.split(":")[-1].endswith(".list"))
            print(f"{label}Первая синхронизация: {first.summary_text()}")
            print(f"  время {first_s:.1f} с ({records / first_s:.1f} записей/с); HTTP-запросов к порталу {len(http)}, "
                  f"выполнено команд REST {len(commands)} — пакетирование сэкономило "
                  f"{len(commands) / max(len(http), 1):.1f}× запросов; {len(http) / max(records, 1):.2f} запроса на "
                  f"запись; списочных команд {lists}; запросов к 1С {len(onec.request_log()) - onec_before}; "
                  f"пик памяти Python "
                  f"{peak / 2**20:.1f} МБ")
            print(f"  при одном вызове на команду лимит «{plan}» дал бы не меньше "
                  f"{max(len(commands) - burst, 0) / rate:.0f} с ожидания, с пакетами — "
                  f"{max(len(http) - burst, 0) / rate:.0f} с")

            b24_before, onec_before = len(b24.request_log()), len(onec.request_log())
            start = time.perf_counter()
            second = runner.run_once(trigger="benchmark")
            second_s = time.perf_counter() - start
            print(f"{label}Повторная синхронизация без изменений: {second_s:.2f} с; запросов к порталу "
                  f"{len(b24.request_log()) - b24_before}, к 1С {len(onec.request_log()) - onec_before}; "
                  f"{second.summary_text()}")
        finally:
            onec.stop()
            b24.stop()


if __name__ == "__main__":
    raise SystemExit(main())
