"""A first load in several slices, with reads overlapping writes and several requests in flight: the result is the
one of a single pass — nothing doubled, duplicates in 1C caught across slices, lost answers recovered."""

from __future__ import annotations

import pytest

from core.bitrix24.portal_index import PortalIndex
from core.sandbox.onec.seed import make_bulk_bank_accounts, make_bulk_counterparties
from core.sync.read_ahead import cut_into_slices
from tests import test_sync_counterparties as base
from tests.test_sync_counterparties import ACCOUNTS, CP, Slice

pytestmark = pytest.mark.integration
world = base.world  # the sandbox pair of the counterparty tests

BULK = 350  # slices of 100, 200, 50


@pytest.fixture
def sliced_world(world: Slice) -> Slice:
    rows = make_bulk_counterparties(BULK)
    # the last card repeats the first one's ИНН/КПП: a duplicate in 1C that lands in another slice
    rows[-1].update(ИНН=rows[0]["ИНН"], КПП=rows[0]["КПП"])
    for row in rows:
        world.onec.put(CP, row)
    for row in make_bulk_bank_accounts(rows):
        world.onec.put(ACCOUNTS, row)
    assert len(cut_into_slices([r["Ref_Key"] for r in world.onec.rows(CP)], 2000)) >= 3
    return world


def _origins(w: Slice) -> list[str]:
    return [c["ORIGIN_ID"] for c in w.b24.entities("company") if c.get("ORIGIN_ID")]


def test_one_portal_index_per_run_kept_up_to_date_with_its_own_writes(sliced_world: Slice, monkeypatch):
    w = sliced_world
    loads, refreshes = [], []
    original_load, original_refresh = PortalIndex.load.__func__, PortalIndex.refresh  # type: ignore[attr-defined]
    monkeypatch.setattr(PortalIndex, "load", classmethod(lambda cls, *a: loads.append(1) or original_load(cls, *a)))
    monkeypatch.setattr(PortalIndex, "refresh", lambda self, *a: refreshes.append(1) or original_refresh(self, *a))
    report = w.sync()
    assert len(loads) == 1 and len(refreshes) == 1  # read once; later slices add this run's own writes
    origins = _origins(w)
    assert len(origins) == len(set(origins))
    assert report.created == len(set(origins)) - 1  # УЗМК of the seed is linked by ИНН, not created
    failed = [e for e in w.store().journal(limit=2000) if e.reason_code == "onec_duplicate_inn"]
    assert len(failed) == 1 and failed[0].onec_ref == make_bulk_counterparties(BULK)[-1]["Ref_Key"]
    requisites = [r["XML_ID"] for r in w.b24.entities("requisite") if r.get("XML_ID")]
    assert len(requisites) == len(set(requisites))
    mark = len(w.b24.request_log())
    assert w.sync().created == 0 and w.b24_writes(mark) == []


@pytest.mark.parametrize("fault", ["html_502_after_write", "reset_after_write"])
def test_lost_answers_with_requests_in_flight_are_recovered_once(sliced_world: Slice, fault: str):
    w = sliced_world
    w.b24.inject_fault("batch:crm.company.add", fault, times=3)
    report = w.sync()
    origins = _origins(w)
    assert len(origins) == len(set(origins))  # nothing doubled
    banks = [b["XML_ID"] for b in w.b24.entities("bankdetail") if b.get("XML_ID")]
    assert len(banks) == len(set(banks))  # a linked company's bank detail too (УЗМК: linked by ИНН)
    assert report.failed == 1  # only the duplicate in 1C
    recovered = [e for e in w.store().journal(limit=2000) if e.reason_code == "answer_lost_recovered"]
    assert recovered  # the lost batches' records were found by identity, not re-sent
    assert w.store().outbox() == []
    mark = len(w.b24.request_log())
    assert w.sync().created == 0 and w.b24_writes(mark) == []



def test_a_503_storm_with_streamed_writes_in_flight_writes_everything_once(sliced_world: Slice):
    """The portal refuses several write batches with 503 QUERY_LIMIT_EXCEEDED while later slices are queued behind
    them: the client waits and re-sends those (a 503 is answered before anything is stored), nothing is doubled or
    lost, and no record needs a recovery lookup."""
    w = sliced_world
    w.b24.inject_fault("batch:crm.company.add", "query_limit", times=4)
    report = w.sync()
    assert w.b24.traffic.snapshot().refused_limit >= 4  # the storm did happen
    origins = _origins(w)
    assert len(origins) == len(set(origins)) == report.created + report.linked
    assert report.failed == 1  # only the duplicate in 1C
    journal = w.store().journal(limit=2000)
    assert not [e for e in journal if e.reason_code.startswith("answer_lost")]
    assert w.store().outbox() == []
    mark = len(w.b24.request_log())
    assert w.sync().created == 0 and w.b24_writes(mark) == []
