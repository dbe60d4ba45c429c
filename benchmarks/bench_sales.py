"""Benchmark of the sales loop on the sandbox servers; prints its figures, asserts nothing.

    .venv/bin/python benchmarks/bench_sales.py [--deals 2000] [--rows 5] [--sample 60] [--speed 20]
                                               [--plan cloud|enterprise]

Measured in one run:
1. Realistic 1C latency (every document write or posting takes 0.3–1 s, as on a real УТ 11): ``--sample`` won deals
   → orders; orders per minute, requests to each side. This is the figure production will see: 1C's write time
   dominates and the engine writes one document after another.
2. The full load of ``--deals`` won deals × ``--rows`` product rows, the 1C latency divided by ``--speed`` so the run
   fits in minutes: wall time, portal HTTP requests vs REST commands, 1C requests, peak Python memory.
3. A run with nothing new on either side: requests to each side (the «handful of light requests»).
4. The 1C side of the loop: a payment and a shipment for 10 % of the orders → timeline comments; requests.
The portal runs with the real leaky bucket of the chosen plan.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from urllib.parse import unquote

from core.paths import AppPaths
from core.profile import Profile
from core.sandbox.bitrix24.sales import SalesManager
from core.sandbox.bitrix24.server import Bitrix24Sandbox
from core.sandbox.onec.accountant import OneCAccountant
from core.sandbox.onec.sales_model import MAIN_WAREHOUSE_REF, ORDERS, ORGANISATION_REF, STANDARD_AGREEMENT_REF
from core.sandbox.onec.seed import TECHPROM_REF, UZMK_REF, onec_guid
from core.sandbox.onec.server import OneCSandbox
from core.sandbox.onec.write_latency import document_latency
from core.secrets import CredentialStore
from core.setup_service import apply_setup
from core.state.store import Link, StateStore
from core.sync.runner import SyncRunner

PLANS = {"cloud": (2.0, 50), "enterprise": (5.0, 250)}
USER, PASSWORD = "Интеграция", "бенчмарк"
PRODUCTS = 20


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=2000)
    parser.add_argument("--rows", type=int, default=5)
    parser.add_argument("--sample", type=int, default=60, help="deals run with the full, unscaled 1C latency")
    parser.add_argument("--speed", type=float, default=20.0, help="1C latency divisor for the full load")
    parser.add_argument("--plan", choices=PLANS, default="enterprise")
    args = parser.parse_args()
    rate, burst = PLANS[args.plan]
    print(f"Тариф портала «{args.plan}» ({rate:g} запр/с, запас {burst}); сделки по {args.rows} строк.")
    if args.sample:
        run(args.sample, args.rows, 1.0, rate, burst, label="[задержки 1С как в жизни] ", extras=False)
    run(args.deals, args.rows, args.speed, rate, burst, label=f"[задержки 1С ÷{args.speed:g}] ", extras=True)
    return 0


def run(deals: int, rows: int, speed: float, rate: float, burst: int, *, label: str, extras: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = AppPaths.resolve(Path(tmp) / "home").ensure()
        onec = OneCSandbox(users={USER: PASSWORD}, write_delay=document_latency(speed=speed))
        b24 = Bitrix24Sandbox(cert_dir=Path(tmp) / "b24", rate=rate, burst=burst)
        onec.start()
        b24.start()
        try:
            env = {"SYNCBRIDGE_MASTER_PASSWORD": "benchmark-password", "SYNCBRIDGE_SECRETS_MODE": "master-password"}
            credentials = CredentialStore(paths, env=env)
            profile = Profile(onec_url=onec.url, onec_user=USER, bitrix24_url="https://127.0.0.1",
                              bitrix24_ca_file=str(b24.ca_file), bitrix24_rate=rate, bitrix24_burst=burst,
                              entity_settings={"sales": {
                                  "enabled": True, "organisation_ref": ORGANISATION_REF,
                                  "warehouse_ref": MAIN_WAREHOUSE_REF, "agreement_ref": STANDARD_AGREEMENT_REF,
                                  "start_date": "2020-01-01"}})
            apply_setup(paths, profile, PASSWORD, b24.webhook_url, credentials)
            runner = SyncRunner(paths, credentials)
            runner.run_once(trigger="benchmark")  # counterparties -> companies: the deals' clients
            store = StateStore.open(paths.state_db)
            for n in range(PRODUCTS):
                store.save_link(Link("product", onec_guid("bench-product", n), "product", str(1000 + n)))
            companies = [int(store.get_link("counterparty", ref, "company").b24_id)  # type: ignore[union-attr]
                         for ref in (TECHPROM_REF, UZMK_REF)]
            store.close()
            manager = SalesManager(b24.portal)
            for d in range(deals):
                deal_rows = [{"PRODUCT_ID": 1000 + (d + r) % PRODUCTS, "PRODUCT_NAME": f"Изделие {(d + r) % PRODUCTS}",
                              "PRICE": 1000 + 37 * r, "QUANTITY": 1 + r, "TAX_RATE": 20, "TAX_INCLUDED": "Y"}
                             for r in range(rows)]
                deal_id = manager.create_deal(f"Сделка {d}", company_id=companies[d % 2], rows=deal_rows)
                manager.win(deal_id)

            b24_before, onec_before = len(b24.request_log()), len(onec.request_log())
            tracemalloc.start()
            start = time.perf_counter()
            report = runner.run_once(trigger="benchmark")
            elapsed = time.perf_counter() - start
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            log = b24.request_log()[b24_before:]
            http = [m for m in log if not m.startswith("batch:")]
            commands = [m for m in log if m.startswith("batch:")] + [m for m in http if m != "batch"]
            onec_log = onec.request_log()[onec_before:]
            writes = [m for m, _ in onec_log if m != "GET"]
            created = report.per_entity.get("sales_order", {}).get("created", 0)
            orders = len(onec.rows(ORDERS))
            print(f"{label}{deals} выигранных сделок → заказов в 1С: {orders} (создано за прогон: {created}, "
                  f"ошибок: {report.failed}); время {elapsed:.1f} с — {created / elapsed * 60:.0f} заказов/мин")
            print(f"  запросов к порталу {len(http)} (команд REST {len(commands)}, "
                  f"{len(http) / max(created, 1):.3f} запроса на заказ); к 1С {len(onec_log)} "
                  f"(записей и проведений {len(writes)}, {len(onec_log) / max(created, 1):.2f} на заказ); "
                  f"пик памяти Python {peak / 2**20:.1f} МБ")
            if not extras:
                return

            b24_before, onec_before = len(b24.request_log()), len(onec.request_log())
            start = time.perf_counter()
            runner.run_once(trigger="benchmark")
            quiet_s = time.perf_counter() - start
            quiet_b24 = b24.request_log()[b24_before:]
            quiet_onec = onec.request_log()[onec_before:]
            print(f"{label}Прогон без изменений: {quiet_s:.2f} с; запросов к порталу "
                  f"{len([m for m in quiet_b24 if not m.startswith('batch:')])} "
                  f"({', '.join(sorted({m.split(':')[-1] for m in quiet_b24}))}), к 1С {len(quiet_onec)} "
                  f"({', '.join(sorted({unquote(t.split('?')[0].rsplit('/', 1)[-1]) for _, t in quiet_onec}))}), "
                  f"записей в 1С {len([m for m, _ in quiet_onec if m != 'GET'])}")

            accountant = OneCAccountant(onec)
            paid = [o for o in onec.rows(ORDERS)][: max(1, deals // 10)]
            for order in paid:
                accountant.receive_payment(order["Ref_Key"], float(order["СуммаДокумента"]), incoming_number="1",
                                           date=datetime.now())
                accountant.ship(order["Ref_Key"], date=datetime.now())
            b24_before, onec_before = len(b24.request_log()), len(onec.request_log())
            start = time.perf_counter()
            path = runner.run_once(trigger="benchmark")
            path_s = time.perf_counter() - start
            comments = len([c for c in b24.entities("timeline_comment") if c["ENTITY_TYPE"] == "deal"])
            log = b24.request_log()[b24_before:]
            print(f"{label}Оплата и отгрузка по {len(paid)} заказам → комментариев в сделках {comments} "
                  f"(создано {path.per_entity.get('customer_path', {}).get('created', 0)}); время {path_s:.1f} с; "
                  f"запросов к порталу {len([m for m in log if not m.startswith('batch:')])}, к 1С "
                  f"{len(onec.request_log()) - onec_before}")
        finally:
            onec.stop()
            b24.stop()


if __name__ == "__main__":
    raise SystemExit(main())
