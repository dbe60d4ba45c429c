"""Benchmark of the catalogue sync on the sandbox servers with cloud limits; prints its figures, asserts nothing.

    .venv/bin/python benchmarks/bench_catalog.py [--products 20000] [--price-types 2] [--warehouses 5]
                                                 [--plan cloud|enterprise] [--changed-share 0.01]

What it measures, side by side in one run (the sandboxes live in this process, every sync runs in a child process
so that its peak RSS is the sync's own):
1. first load of N products with their groups, price types, prices and stock (portal inventory management off,
   the default of a new portal): wall time, portal HTTP requests vs the minimum the writes need at 50 commands per
   batch, 503 QUERY_LIMIT_EXCEEDED and 429 OPERATION_TIME_LIMIT answers, requests to 1C, peak RSS of the sync;
2. a run with nothing changed in 1C;
3. an incremental run after a share of prices (one «Установка цен» with those lines) and of balances (surplus
   documents) changed in 1C: what was read from 1C and what was written to the portal.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalog_setup import PRICE_TYPES, WAREHOUSES, catalog_profile_fields, load_catalog, peak_mb, reset_peak  # noqa: E402

PLANS = {"cloud": (2.0, 50), "enterprise": (5.0, 250)}
USER, PASSWORD = "Интеграция", "бенчмарк"
ENV = {"SYNCBRIDGE_MASTER_PASSWORD": "benchmark-password", "SYNCBRIDGE_SECRETS_MODE": "master-password"}
WRITE_SUFFIXES = (".add", ".update", ".modify", ".conduct", ".delete")


def child(home: str) -> int:
    """One sync in this process; prints a JSON line with the report and this process's peak RSS."""
    from core.paths import AppPaths
    from core.profile import SECRET_ONEC_PASSWORD
    from core.secrets import CredentialStore
    from core.sync.runner import SyncRunner

    paths = AppPaths.resolve(Path(home))
    credentials = CredentialStore(paths, env=dict(os.environ))
    # unlocking the secrets store runs scrypt (128 MB by design, D8): done first, then the peak is reset (Linux
    # clear_refs 5), so the sync's own peak is measured apart from the KDF's. VmHWM, not ru_maxrss: ru_maxrss
    # survives exec and would carry the parent's (the sandboxes') RSS at fork time
    credentials.get(SECRET_ONEC_PASSWORD)
    unlock_peak = peak_mb()
    reset = reset_peak()
    start = time.perf_counter()
    report = SyncRunner(paths, credentials).run_once(trigger="benchmark")
    seconds = time.perf_counter() - start
    print(json.dumps({"status": report.status, "seconds": seconds, "per_entity": report.per_entity,
                      "summary": report.summary_text(), "unlock_peak_mb": unlock_peak,
                      "sync_peak_mb": peak_mb() if reset else None,
                      "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}, ensure_ascii=False))
    return 0


class Counters:
    """503 and 429 answers of the sandbox portal, counted where it decides them."""

    def __init__(self, b24: Any) -> None:
        self.limit_503 = 0
        self.limit_429 = 0
        take, blocked = b24.bucket.try_take, b24.portal.operating.is_blocked

        def try_take() -> bool:
            ok = take()
            if not ok:
                self.limit_503 += 1
            return ok

        def is_blocked(method: str) -> bool:
            hit = blocked(method)
            if hit:
                self.limit_429 += 1
            return hit

        b24.bucket.try_take = try_take
        b24.portal.operating.is_blocked = is_blocked


def sync(home: Path, label: str, b24: Any, onec: Any, counters: Counters) -> dict[str, Any]:
    b24_before, onec_before = len(b24.request_log()), len(onec.request_log())
    c503, c429 = counters.limit_503, counters.limit_429
    out = subprocess.run([sys.executable, __file__, "--child", str(home)], capture_output=True, text=True,
                         env={**os.environ, **ENV}, check=False)
    if out.returncode != 0:
        print(out.stderr[-3000:])
        raise SystemExit(f"{label}: синхронизация завершилась с кодом {out.returncode}")
    report = json.loads(out.stdout.strip().splitlines()[-1])
    log = b24.request_log()[b24_before:]
    http = [m for m in log if not m.startswith("batch:")]
    commands = [m for m in log if m.startswith("batch:")] + [m for m in http if m != "batch"]
    writes = [m for m in commands if m.split(":")[-1].endswith(WRITE_SUFFIXES)]
    minimum = math.ceil(len(writes) / 50)
    onec_log = onec.request_log()[onec_before:]
    print(f"{label}: {report['summary']}")
    print(f"  время {report['seconds']:.1f} с; HTTP-запросов к порталу {len(http)}, команд REST {len(commands)}, "
          f"из них записей {len(writes)} (минимум при 50 командах в пакете — {minimum} запросов"
          + (f", отношение {len(http) / minimum:.2f}×" if minimum else "") + ")")
    print(f"  ответов 503 QUERY_LIMIT_EXCEEDED: {counters.limit_503 - c503}, 429 OPERATION_TIME_LIMIT: "
          f"{counters.limit_429 - c429}; запросов к 1С {len(onec_log)}; " + (
              f"пик RSS синхронизации {report['sync_peak_mb']:.0f} МБ (разблокировка хранилища секретов, scrypt, "
              f"до неё — {report['unlock_peak_mb']:.0f} МБ)" if report.get("sync_peak_mb") else
              f"пик RSS процесса {report['maxrss_mb']:.0f} МБ"))
    per_entity = {e: {k: v for k, v in c.items() if v and k in ("created", "updated", "linked", "failed", "skipped")}
                  for e, c in report["per_entity"].items()}
    print(f"  по сущностям: {json.dumps(per_entity, ensure_ascii=False)}")
    return {"report": report, "http": len(http), "writes": writes, "onec": onec_log}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child")
    parser.add_argument("--products", type=int, default=20000)
    parser.add_argument("--price-types", type=int, default=PRICE_TYPES)
    parser.add_argument("--warehouses", type=int, default=WAREHOUSES)
    parser.add_argument("--plan", choices=PLANS, default="cloud")
    parser.add_argument("--changed-share", type=float, default=0.01)
    parser.add_argument("--pause", type=float, default=None,
                        help="seconds between runs (default: the time the portal's bucket needs to drain, as "
                             "between scheduled runs; 0 shows what a new process meets right after a full load)")
    args = parser.parse_args()
    if args.child:
        return child(args.child)

    from core.paths import AppPaths
    from core.profile import Profile
    from core.sandbox.bitrix24.server import Bitrix24Sandbox
    from core.sandbox.onec.server import OneCSandbox
    from core.secrets import CredentialStore
    from core.setup_service import apply_setup

    rate, burst = PLANS[args.plan]
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        paths = AppPaths.resolve(home).ensure()
        onec = OneCSandbox(users={USER: PASSWORD})
        start = time.perf_counter()
        made = load_catalog(onec, args.products, price_types=args.price_types, warehouses=args.warehouses)
        print(f"Данные: {args.products} товаров, {args.price_types} вида цен, {args.warehouses} складов в учебной 1С "
              f"(+ учебный каталог); подготовка {time.perf_counter() - start:.0f} с. Портал: тариф «{args.plan}» "
              f"({rate:g} запр/с, запас {burst}, лимит времени методов 480 с за 10 мин), складской учёт выключен.")
        b24 = Bitrix24Sandbox(cert_dir=Path(tmp) / "b24", rate=rate, burst=burst)
        counters = Counters(b24)
        onec.start()
        b24.start()
        try:
            profile = Profile(onec_url=onec.url, onec_user=USER, bitrix24_url="https://127.0.0.1",
                              bitrix24_ca_file=str(b24.ca_file), bitrix24_rate=rate, bitrix24_burst=burst,
                              **catalog_profile_fields(made))
            apply_setup(paths, profile, PASSWORD, b24.webhook_url, CredentialStore(paths, env=ENV))
            pause = burst / rate if args.pause is None else args.pause
            sync(home, "Первая загрузка", b24, onec, counters)
            # scheduled runs are minutes apart: the portal's bucket has drained; a new process cannot know it is full
            time.sleep(pause)
            sync(home, "Запуск без изменений в 1С", b24, onec, counters)

            changed = max(1, int(args.products * args.changed_share))
            products = made["products"]
            step = max(1, len(products) // changed)
            picked = products[::step][:changed]
            onec.documents.set_prices([(p, made["price_types"][0], Decimal("777.77")) for p in picked])
            onec.documents.change_stock_many(made["warehouses"][0], [(p, 5) for p in picked])
            print(f"В 1С изменены цены и остатки {len(picked)} товаров ({args.changed_share:.0%}): один документ "
                  "«Установка цен номенклатуры» и одно «Оприходование излишков».")
            time.sleep(pause)
            third = sync(home, "Инкрементальный запуск", b24, onec, counters)
            slices = [t for _, t in third["onec"] if "SliceLast" in t]
            balances = [t for _, t in third["onec"] if "Balance" in t]
            price_writes = sum(1 for w in third["writes"] if w.endswith("catalog.price.modify"))
            stock_writes = sum(1 for w in third["writes"] if w.endswith("catalog.product.update"))
            print(f"  из 1С: запросов SliceLast {len(slices)}, Balance {len(balances)} (только по изменённым "
                  f"товарам); в портал: цен {price_writes}, остатков {stock_writes} при {len(picked)} изменённых")
        finally:
            onec.stop()
            b24.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
