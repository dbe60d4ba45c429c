"""Settings of the sales loop a profile carries (chosen in the wizard's «Продажи» page).

Everything a deal does not say and a real УТ 11 order needs is here, picked once from the base's own lists:
organisation, warehouse, agreement, business operation. Also which deal stage sends a deal to 1C (per
funnel; default: the funnel's success stage), how 1C events move the deal (stage map), whether orders are
posted or left as drafts, whether SyncBridge may create a counterparty in 1C, and the start date before
which deals and 1C documents are left alone.

Stored in the profile JSON as a plain dict (``Profile.sales``); :meth:`SalesSettings.from_dict` is lenient
with missing keys (defaults) and strict with wrong types (a readable ConfigError).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from core.errors import ConfigError

#: events of the customer's path in 1C a stage map can react to (order statuses + payments + shipments)
ORDER_STATUSES = ("НеСогласован", "КОбеспечению", "КОтгрузке", "Закрыт")
PATH_EVENTS = ("paid_partly", "paid", "shipped_partly", "shipped")


@dataclass
class SalesSettings:
    enabled: bool = False
    #: funnel (CATEGORY_ID as text) -> stage that sends the deal to 1C; missing or "" = the success stage
    trigger_stages: dict[str, str] = field(default_factory=dict)
    #: funnel -> {1C event (status or PATH_EVENTS) -> deal stage}; missing = the deal is not moved
    stage_map: dict[str, dict[str, str]] = field(default_factory=dict)
    organisation_ref: str = ""
    warehouse_ref: str = ""
    agreement_ref: str = ""  # "" when the base does not use agreements
    operation: str = "РеализацияКлиенту"
    order_status: str = "КОтгрузке"  # status of a new order; 1C owns it afterwards
    post_orders: bool = True
    create_counterparties: bool = False
    #: ISO date: deals changed before it and 1C documents dated before it are left alone
    start_date: str = field(default_factory=lambda: date.today().isoformat())
    #: Bitrix24 VAT rate ("20", "10", "0", "none") -> Catalog_СтавкиНДС ref; empty = looked up by rate
    vat_rates: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None, *, check: bool = True) -> SalesSettings:
        """``check=False``: take what is there (the wizard re-opens half-filled settings to finish them)."""
        if not data:
            return cls()
        if not isinstance(data, dict):
            raise ConfigError("Настройки продаж в профиле повреждены.", "Пройдите страницу «Продажи» мастера заново.")
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        settings = cls(**known)
        if check:
            settings.validate()
        return settings

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def validate(self) -> None:
        problems = []
        try:
            date.fromisoformat(self.start_date)
        except (TypeError, ValueError):
            problems.append(f"дата начала «{self.start_date}» не является датой ГГГГ-ММ-ДД")
        if self.order_status not in ORDER_STATUSES:
            problems.append(f"неизвестный статус заказа «{self.order_status}»")
        for category, events in self.stage_map.items():
            unknown = set(events) - set(ORDER_STATUSES) - set(PATH_EVENTS)
            if unknown:
                problems.append(f"в карте стадий воронки {category} неизвестные события: {', '.join(sorted(unknown))}")
        if self.enabled:
            if not self.organisation_ref:
                problems.append("не выбрана организация для заказов")
            if not self.warehouse_ref:
                problems.append("не выбран склад для заказов")
        if problems:
            raise ConfigError("Настройки продаж заданы неверно: " + "; ".join(problems) + ".",
                              "Исправьте их на странице «Продажи» мастера настройки.")

    @property
    def start(self) -> date:
        return date.fromisoformat(self.start_date)
