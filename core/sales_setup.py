"""What the wizard's «Продажи» page offers: the base's own lists and the portal's funnels, read in one go.

The admin picks the organisation, warehouse and agreement of new orders from 1C's lists (never typed GUIDs),
and trigger stages / the stage map from the portal's funnels. Runs in a worker thread (network).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.bitrix24.client import Bitrix24Client
from core.bitrix24.deal_stages import DealStages
from core.mapping.table import load_mapping
from core.onec.client import OneCClient

Choice = tuple[str, str]  # (value, what people call it)


@dataclass
class Funnel:
    id: int
    name: str
    stages: list[tuple[str, str, str]]  # (STATUS_ID, name, semantics P/S/F)


@dataclass
class SalesChoices:
    organisations: list[Choice] = field(default_factory=list)
    warehouses: list[Choice] = field(default_factory=list)
    agreements: list[Choice] = field(default_factory=list)
    operations: list[str] = field(default_factory=list)  # ХозяйственнаяОперация values a customer order may have
    funnels: list[Funnel] = field(default_factory=list)


def _catalog(onec: OneCClient, entity_set: str, extra_filter: str = "") -> list[Choice]:
    flt = "DeletionMark eq false" + (f" and {extra_filter}" if extra_filter else "")
    rows = onec.list(entity_set, select=["Ref_Key", "Description"], filter=flt)
    return sorted(((r["Ref_Key"], str(r.get("Description") or "")) for r in rows), key=lambda c: c[1].casefold())


def read_sales_choices(onec: OneCClient, b24: Bitrix24Client, profile_name: str = "ut11") -> SalesChoices:
    spec = load_mapping(profile_name)["sales_order"]
    stages = DealStages.read(b24)
    funnels = [Funnel(cid, stages.names.get(cid, str(cid)),
                      [(s.status_id, s.name, s.semantics) for s in stages.funnels.get(cid, [])])
               for cid in sorted(stages.funnels)]
    return SalesChoices(
        organisations=_catalog(onec, spec["organisations"]["entity_set"]),
        warehouses=_catalog(onec, spec["warehouses"]["entity_set"]),
        agreements=_catalog(onec, spec["agreements"]["entity_set"]),
        operations=list(spec["order"]["operations"]),
        funnels=funnels,
    )


def load_sales_choices(onec_url: str, onec_user: str, onec_password: str, webhook_url: str,
                       ca_file: str | None = None, profile_name: str = "ut11") -> SalesChoices:
    with OneCClient(onec_url, onec_user, onec_password) as onec, Bitrix24Client(webhook_url, ca_file=ca_file) as b24:
        return read_sales_choices(onec, b24, profile_name)
