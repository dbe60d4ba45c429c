"""Followers run alongside the entity they follow (``Pipeline.follows``): prices and stock take turns with products.

Toy entities on a one-lane toy portal: a leader of 1 000 records, a follower whose records each need their leader
record linked first, and an entity that depends on the leader without following it. Assertions are on the order
in which the portal stored the writes and on counts — never on timings.
"""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any, ClassVar

import pytest

from core.errors import Cancelled
from core.state.store import StateStore
from core.sync import registry, runner
from core.sync.context import RunContext
from core.sync.pipeline import Commands, Item
from core.sync.runner import SyncRunner
from tests.test_pipeline_frame import ToyPipeline, ToyPortal

KEYS = [f"{i:08x}-0000-0000-0000-000000000000" for i in range(1, 1001)]


class KindsPortal(ToyPortal):
    """Every ``<kind>.add`` is stored (in the order the portal ran it)."""

    stop: threading.Event | None = None  # set («Остановить») once the portal has stored ``stop_after`` writes
    stop_after = 0

    def _run(self, method: str, params: dict[str, Any]) -> Any:
        if self.stop is not None and len(self.writes) == self.stop_after:
            self.stop.set()
        self.writes.append(method)
        new_id = str(len(self.rows) + 100)
        self.rows[new_id] = {"ID": new_id, "kind": method.split(".")[0], **params["fields"]}
        return int(new_id)


class Leader(ToyPipeline):
    entity = "leader"
    label = "Ведущие"
    target_type = "leader"
    depends_on: ClassVar[tuple[str, ...]] = ()
    process_chunk = 100
    source: ClassVar[dict[str, dict[str, Any]]] = {}

    def lookup(self, items: list[Item]) -> None:
        return None  # nothing of them is in the toy portal before the run

    def claims(self, item: Item) -> frozenset[str]:
        return frozenset()

    def commands(self, k: int, item: Item) -> Commands:
        return {f"a{k}": (f"{self.entity}.add", {"fields": {"TITLE": item.payload.title, "XML_ID": item.key}})}

    def apply_results(self, item: Item, cmds: Commands, result: dict[str, Any]) -> None:
        for key in cmds:
            if isinstance(result.get(key), int):
                item.target_id = str(result[key])


class Follower(Leader):
    """One record per leader record; it can be written only once its leader record is linked."""

    entity = "follower"
    label = "Ведомые"
    target_type = "follower"
    depends_on: ClassVar[tuple[str, ...]] = ("leader",)
    follows: ClassVar[tuple[str, ...]] = ("leader",)
    source_reads = 0

    def poll(self) -> dict[str, str]:
        type(self).source_reads += 1  # the expensive part (1C), done once per run
        self._source = {key: "1" for key in self.source}
        return self.poll_again()

    def poll_again(self) -> dict[str, str]:
        linked = self.store.link_ids("leader", "leader")
        return {key: f"{version}|{linked[key]}" for key, version in self._source.items() if key in linked}

    def validate(self, record: Any) -> list[str]:
        return [] if self.store.get_link("leader", record.ref, "leader") else ["ведущая запись не перенесена"]


class Sibling(Follower):
    """A second follower of the same leader (stock beside prices)."""

    entity = "sibling"
    label = "Ещё ведомые"
    target_type = "sibling"


class After(Leader):
    """Depends on the leader without following it: runs once the leader (and its followers) are done."""

    entity = "after"
    label = "Последние"
    target_type = "after"
    depends_on: ClassVar[tuple[str, ...]] = ("leader",)


@pytest.fixture
def toy_run(home, monkeypatch):
    store = StateStore.open(home.state_db)
    portal = KindsPortal()
    source = {key: {"Ref_Key": key, "DataVersion": "1", "Description": f"запись {n}", "DeletionMark": False}
              for n, key in enumerate(KEYS)}
    for cls in (Leader, Follower, Sibling, After):
        monkeypatch.setattr(cls, "source", source)
    monkeypatch.setattr(Follower, "source_reads", 0)
    monkeypatch.setattr(Sibling, "source_reads", 0)
    monkeypatch.setattr(registry, "PIPELINES", [Leader, Follower, Sibling, After])
    monkeypatch.setattr(runner, "FOLLOW_AFTER", 200)
    monkeypatch.setattr(runner, "MAX_LEAD", 1)
    profile = SimpleNamespace(entities=[], originator_id="1C:test", entity_settings={})
    table: dict[str, Any] = {"leader": {}, "follower": {}, "sibling": {}, "after": {}}

    def run(cancel: threading.Event | None = None) -> RunContext:
        ctx = RunContext(store=store, run_id=store.start_run("test", False), dry_run=False, cancel=cancel)
        errors = SyncRunner._run_pipelines(ctx, profile, table, None, portal)  # type: ignore[arg-type]
        assert errors == []
        return ctx

    yield store, portal, run
    store.close()


def test_followers_take_turns_with_their_leader_and_read_their_source_once(toy_run):
    store, portal, run = toy_run
    ctx = run()
    writes = portal.writes
    leader = [i for i, method in enumerate(writes) if method == "leader.add"]
    follower = [i for i, method in enumerate(writes) if method == "follower.add"]
    sibling = [i for i, method in enumerate(writes) if method == "sibling.add"]
    after = [i for i, method in enumerate(writes) if method == "after.add"]
    assert len(leader) == len(follower) == len(sibling) == len(after) == len(KEYS)  # each record once
    # both followers began while most of the leader was still to be written, not after it (nor after each other)
    assert follower[0] < leader[len(leader) // 2] and sibling[0] < leader[len(leader) // 2]
    # the leader never ran far ahead of its followers: at most its lead of slices past their last poll
    # MAX_LEAD slice ahead of what they settled, two slices of its own on the wire, one being queued (without the
    # hold the leader runs 5 slices ahead on this one-lane portal)
    lead = (1 + 3) * Leader.process_chunk
    seen = dict.fromkeys(("leader.add", "follower.add", "sibling.add"), 0)
    for method in writes:
        seen[method] = seen.get(method, 0) + 1
        if min(seen["follower.add"], seen["sibling.add"]):  # (they start once the leader wrote FOLLOW_AFTER)
            assert seen["leader.add"] - min(seen["follower.add"], seen["sibling.add"]) <= lead, seen
    # an entity that does not follow waits for the leader and its followers
    assert after[0] > max(leader[-1], follower[-1], sibling[-1])
    assert Follower.source_reads == Sibling.source_reads == 1  # later polls took what was linked since
    for entity in ("follower", "sibling"):
        counts = ctx.per_entity[entity]
        assert counts["created"] == counts["seen"] == len(KEYS) and not counts.get("failed")
    assert store.outbox() == []
    again = run()
    assert portal.writes == writes and again.per_entity["follower"]["unchanged"] == len(KEYS)


def test_a_stop_while_followers_run_loses_and_doubles_nothing(toy_run):
    store, portal, run = toy_run
    portal.stop, portal.stop_after = threading.Event(), 900  # leader and followers are all on the wire by then
    with pytest.raises(Cancelled):
        run(cancel=portal.stop)
    stopped_at = len(portal.writes)
    assert {"leader.add", "follower.add", "sibling.add"} <= set(portal.writes) and stopped_at < 3 * len(KEYS)
    assert all(item.state not in ("pending", "in_flight") for item in store.outbox())
    portal.stop = None
    ctx = run()
    for kind in ("leader", "follower", "sibling", "after"):
        stored = [row["XML_ID"] for row in portal.rows.values() if row["kind"] == kind]
        assert sorted(stored) == sorted(KEYS), kind  # every record once over both runs
    assert not ctx.counts.get("failed") and store.outbox() == []
