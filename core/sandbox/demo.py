"""Demo mode: both sandbox servers on localhost and a profile pointing at them, in a demo-only home folder.

The demo home is wiped at every start, because the sandbox servers start with fresh seed data each time and
links from an earlier demo would point at records that no longer exist. Never used in production.
"""

from __future__ import annotations

import os
import secrets
import shutil

from core.bitrix24.inflight import CLOUD_IN_FLIGHT
from core.catalog_setup import catalog_settings
from core.paths import AppPaths
from core.profile import Profile, portal_url_from_webhook
from core.sandbox.bitrix24.server import Bitrix24Sandbox
from core.sandbox.clock import BITRIX24_CLOUD, ONEC_ODATA_READS, WorkClock
from core.sandbox.onec.catalog_seed import price_type_ref, warehouse_ref
from core.sandbox.onec.server import OneCSandbox
from core.sandbox.onec.write_latency import document_latency
from core.sandbox.sales_demo import enable_sales, seed_won_deal
from core.secrets.store import ENV_MASTER_PASSWORD, CredentialStore, keyring_usable
from core.setup_service import apply_setup

DEMO_ONEC_USER = "Интеграция"
DEMO_ONEC_PASSWORD = "демо-пароль"
#: what the admin would pick on the wizard's catalogue page in the demo: two RUB price types (retail = base), the
#: supplier's CNY prices (the portal has no CNY: journaled), and two of the three warehouses
DEMO_PRICE_TYPES = {"chosen": [price_type_ref("wholesale"), price_type_ref("retail"), price_type_ref("supplier-cny")],
                    "base": price_type_ref("retail")}
DEMO_WAREHOUSES = {"chosen": [warehouse_ref("main"), warehouse_ref("ekb")]}


def demo_entity_settings() -> tuple[list[str], dict[str, dict]]:
    return catalog_settings(enabled=True, price_types=DEMO_PRICE_TYPES["chosen"], base=DEMO_PRICE_TYPES["base"],
                            warehouses=DEMO_WAREHOUSES["chosen"])


def demo_paths(base: AppPaths) -> AppPaths:
    return AppPaths.resolve(base.data_dir / "demo")


class DemoEnvironment:
    def __init__(self, base_paths: AppPaths, *, rate: float = 2.0, burst: int = 50) -> None:
        self.base_paths = base_paths
        self.paths = demo_paths(base_paths)
        self.rate, self.burst = rate, burst
        self.onec: OneCSandbox | None = None
        self.bitrix24: Bitrix24Sandbox | None = None

    def start(self) -> AppPaths:
        if self.paths.home.exists():
            shutil.rmtree(self.paths.home)
        self.paths.ensure()
        # the demo answers in real time like the servers it stands for (SYNCBRIDGE_SANDBOX_CLOCK=0: instantly);
        # documents take a (shortened) realistic time to write, so the 1C clock charges reads only
        self.onec = OneCSandbox(users={DEMO_ONEC_USER: DEMO_ONEC_PASSWORD}, write_delay=document_latency(speed=4),
                                work_clock=WorkClock.from_env(ONEC_ODATA_READS))
        self.onec.start()
        self.bitrix24 = Bitrix24Sandbox(cert_dir=self.paths.sandbox_dir, rate=self.rate, burst=self.burst,
                                        work_clock=WorkClock.from_env(BITRIX24_CLOUD))
        self.bitrix24.start()
        env = dict(os.environ)
        if not env.get(ENV_MASTER_PASSWORD) and not keyring_usable():
            # demo secrets are sandbox-only and die with the demo home; a per-process master password keeps the
            # real encrypted-store path in use without asking the user for anything
            env[ENV_MASTER_PASSWORD] = secrets.token_urlsafe(24)
            os.environ[ENV_MASTER_PASSWORD] = env[ENV_MASTER_PASSWORD]
        profile = Profile(onec_url=self.onec.url, onec_user=DEMO_ONEC_USER, bitrix24_url="https://127.0.0.1",
                          bitrix24_ca_file=str(self.bitrix24.ca_file), demo=True, schedule_minutes=5,
                          bitrix24_rate=self.rate, bitrix24_burst=self.burst,
                          bitrix24_in_flight=CLOUD_IN_FLIGHT,  # the demo portal stands for a cloud one
                          entities=demo_entity_settings()[0], entity_settings=demo_entity_settings()[1])
        apply_setup(self.paths, profile, DEMO_ONEC_PASSWORD, self.bitrix24.webhook_url,
                    CredentialStore(self.paths, env=env))
        enable_sales(self.paths)
        seed_won_deal(self.paths, self.bitrix24)
        return self.paths

    def stop(self) -> None:
        for server in (self.onec, self.bitrix24):
            if server is not None:
                server.stop()
        self.onec = self.bitrix24 = None

    def portal_summary(self) -> str:
        if not (self.onec and self.bitrix24):
            return "Демо-режим не запущен."
        companies = len(self.bitrix24.entities("company"))
        counterparties = len(self.onec.rows("Catalog_Контрагенты"))
        return (f"Демо-режим: учебная 1С ({counterparties} контрагентов) — {self.onec.url}; учебный портал "
                f"Битрикс24 ({companies} компаний) — {portal_url_from_webhook(self.bitrix24.webhook_url)}. "
                "Это тестовые серверы на этом компьютере, реальные данные не затрагиваются.")

    def catalog_summary(self, limit: int = 6) -> list[str]:
        """Products of the demo portal with their prices and stock, as a manager would see them."""
        if not self.bitrix24:
            return []
        types = {t["id"]: t for t in self.bitrix24.entities("price_type")}
        prices: dict[int, list[str]] = {}
        for price in self.bitrix24.entities("price"):
            name = "базовая" if types.get(price["catalogGroupId"], {}).get("base") == "Y" else \
                types.get(price["catalogGroupId"], {}).get("name", "?")
            prices.setdefault(price["productId"], []).append(f"{name} {price['price']:,} {price['currency']}"
                                                             .replace(",", " "))
        lines = []
        for product in [p for p in self.bitrix24.entities("product") if p["id"] in prices][:limit]:
            lines.append(f"  • {product['name']}: {'; '.join(prices[product['id']])}; "
                         f"в наличии {product['quantity']:,}".replace(",", " "))
        return lines
