"""The pipeline frame: a toy entity added here, with no engine change, gets change detection, the dry-run plan, the
outbox, lost-answer recovery by identity, per-record isolation, links, versions, journal and per-entity counts."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest

from core.bitrix24.batch import BatchResult
from core.bitrix24.inflight import InFlight, Stream
from core.errors import AnswerLost, BadRecord, Cancelled, RemoteError
from core.state.store import StateStore
from core.sync import registry
from core.sync.context import RunContext
from core.sync.engine import EntitySync
from core.sync.pipeline import Commands, Item, Pipeline, PipelineEnv

GUIDS = [f"0000000{i}-0000-0000-0000-000000000000" for i in range(1, 10)]


@dataclass
class Toy:
    ref: str
    name: str
    deleted: bool = False


@dataclass
class ToyPayload:
    title: str

    def digest(self) -> str:
        return hashlib.sha256(self.title.encode()).hexdigest()


class ToyPortal:
    """A portal of toys: ``toy.add``/``toy.update``/``toy.list`` with XML_ID, answers that can be lost after the
    write was stored (the worst case), and ``BatchResult`` envelopes like the real client's."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}
        self.lose_next_answer = 0
        self.garble_next_answer = 0
        self.writes: list[str] = []
        self.batches_seen = 0
        self.out_of_budget = 0  # the next N toy.add commands are refused with OPERATION_TIME_LIMIT (never run)

    def _run(self, method: str, params: dict[str, Any]) -> Any:
        if method == "toy.add" and self.out_of_budget:
            self.out_of_budget -= 1
            raise RemoteError("Method is blocked due to operation time limit.", code="OPERATION_TIME_LIMIT",
                              status=429)
        if method == "toy.list":
            return [dict(r) for r in self.rows.values() if r["XML_ID"] == params["filter"]["XML_ID"]]
        self.writes.append(method)
        if method == "toy.add":
            new_id = str(len(self.rows) + 100)
            self.rows[new_id] = {"ID": new_id, **params["fields"]}
            return int(new_id)
        if method == "toy.update":
            if params["id"] not in self.rows:
                raise RemoteError("Not found", not_found=True)
            self.rows[params["id"]].update(params["fields"])
            return True
        raise AssertionError(method)

    def batch(self, commands: Commands, halt: bool = False) -> BatchResult:
        self.batches_seen += 1
        out = BatchResult()
        for key, (method, params) in commands.items():
            try:
                out.result[key] = self._run(method, params)
            except RemoteError as exc:
                out.errors[key] = exc
        writes = any(method != "toy.list" for method, _ in commands.values())
        if self.lose_next_answer and writes:
            self.lose_next_answer -= 1
            raise AnswerLost("ответ потерян (тест)")
        if self.garble_next_answer and writes:
            self.garble_next_answer -= 1
            return BatchResult()  # status 200, but no result for any command
        return out

    def batch_many(self, batches: list[Commands], *, cancel: Any = None):
        for index, commands in enumerate(batches):
            if cancel is not None and cancel.is_set():
                return
            try:
                yield index, self.batch(commands)
            except (AnswerLost, RemoteError) as exc:
                yield index, exc

    def batch_stream(self, *, cancel: Any = None, defer_after: float | None = None) -> Stream:
        # the real client's stream on one lane: batches leave in order, outcomes are collected by the engine
        if not hasattr(self, "_lanes"):
            self._lanes = InFlight(1, name="toy-portal")
        return self._lanes.stream(self.batch, cancel=cancel)


class ToyPipeline(Pipeline):
    entity = "toy"
    label = "Игрушки"
    target_type = "toy"
    depends_on: ClassVar[tuple[str, ...]] = ("counterparty",)

    source: ClassVar[dict[str, dict[str, Any]]] = {}

    def poll(self) -> dict[str, str]:
        return self.versions_of(list(self.source.values()))

    def read(self, keys: list[str]) -> dict[str, Any]:
        return {key: self.source[key] for key in keys if key in self.source}

    def to_record(self, key: str, raw: Any) -> Toy:
        if not isinstance(raw.get("Description"), str):
            raise BadRecord("наименование пришло не строкой")
        return Toy(ref=key, name=raw["Description"], deleted=bool(raw.get("DeletionMark")))

    def to_payload(self, record: Toy) -> ToyPayload:
        return ToyPayload(title=record.name.upper())

    def payload_to_json(self, payload: ToyPayload) -> dict[str, Any]:
        return {"title": payload.title}

    def payload_from_json(self, data: dict[str, Any] | None) -> ToyPayload | None:
        return ToyPayload(**data) if data else None

    def validate(self, record: Toy) -> list[str]:
        return [] if record.name else ["не заполнено наименование"]

    def lookup(self, items: list[Item]) -> None:
        commands = {f"l{k}": ("toy.list", {"filter": {"XML_ID": item.key}})
                    for k, item in enumerate(items) if item.action == "create"}
        if not commands:
            return
        result = self.b24.batch(commands)
        for k, item in enumerate(items):
            key = f"l{k}"
            if key not in commands:
                continue
            if key not in result.result:
                item.action, item.params = "lookup_failed", {"error": "нет ответа"}
            elif result.result[key]:
                item.action, item.reason_code = "link", "linked_by_origin"
                item.target_id = result.result[key][0]["ID"]
                item.params = {"origin_id": item.key}

    def commands(self, k: int, item: Item) -> Commands:
        fields = {"TITLE": item.payload.title, "XML_ID": item.key}
        if item.target_id is None:
            return {f"a{k}": ("toy.add", {"fields": fields})}
        return {f"u{k}": ("toy.update", {"id": item.target_id, "fields": fields})}

    def apply_results(self, item: Item, cmds: Commands, result: dict[str, Any]) -> None:
        for key, (method, _) in cmds.items():
            if method == "toy.add" and isinstance(result.get(key), int):
                item.target_id = str(result[key])


@pytest.fixture
def toys(home):
    store = StateStore.open(home.state_db)
    portal = ToyPortal()
    ToyPipeline.source = {g: {"Ref_Key": g, "DataVersion": "1", "Description": f"мишка {i}", "DeletionMark": False}
                          for i, g in enumerate(GUIDS[:5])}

    def run(*, dry_run: bool = False) -> RunContext:
        ctx = RunContext(store=store, run_id=store.start_run("test", dry_run), dry_run=dry_run)
        EntitySync(ToyPipeline(PipelineEnv(ctx=ctx, table={}, originator="1C:test", b24=portal))).run()
        return ctx

    yield store, portal, run
    store.close()


def test_toy_entity_created_then_unchanged_then_updated(toys):
    store, portal, run = toys
    ctx = run()
    assert ctx.per_entity["toy"]["created"] == 5 and len(portal.rows) == 5
    assert {r["TITLE"] for r in portal.rows.values()} == {f"МИШКА {i}" for i in range(5)}
    writes = len(portal.writes)
    ctx = run()
    assert ctx.per_entity["toy"]["unchanged"] == 5 and len(portal.writes) == writes
    ToyPipeline.source[GUIDS[0]].update(DataVersion="2", Description="слон")
    ctx = run()
    assert ctx.per_entity["toy"]["updated"] == 1
    assert portal.writes[writes:] == ["toy.update"]
    link = store.get_link("toy", GUIDS[0], "toy")
    assert link and link.meta["payload"] == {"title": "СЛОН"}
    assert store.outbox() == []


def test_dry_run_writes_nothing_and_plans_per_entity(toys):
    store, portal, run = toys
    ctx = run(dry_run=True)
    assert portal.writes == [] and ctx.per_entity["toy"]["planned_create"] == 5
    assert {line["entity"] for line in ctx.planned} == {"toy"}
    assert store.versions("onec", "toy") == {}


def test_lost_answer_is_resolved_by_identity_never_resent(toys):
    store, portal, run = toys
    portal.lose_next_answer = 1  # the portal stored all five, the answer never came back
    ctx = run()
    assert len(portal.rows) == 5 and portal.writes.count("toy.add") == 5
    assert ctx.per_entity["toy"]["failed"] == 0
    assert all(store.get_link("toy", g, "toy") for g in GUIDS[:5])
    assert store.outbox() == []
    assert any(e.reason_code == "answer_lost_recovered" for e in store.journal(limit=50))


def test_answer_without_ids_is_uncertain_not_success(toys):
    """A 200 answer with no result for the add commands: the toys are looked up by identity, never added twice."""
    store, portal, run = toys
    portal.garble_next_answer = 1
    run()
    assert len(portal.rows) == 5 and portal.writes.count("toy.add") == 5
    assert all(store.get_link("toy", g, "toy") for g in GUIDS[:5])


def test_one_malformed_record_does_not_stop_the_others(toys):
    store, _portal, run = toys
    ToyPipeline.source[GUIDS[1]]["Description"] = {"nested": ["deep"]}
    ToyPipeline.source["not-a-guid"] = {"Ref_Key": "not-a-guid", "DataVersion": "1", "Description": "x"}
    ToyPipeline.source[GUIDS[7]] = {"Ref_Key": GUIDS[7], "Description": "без версии"}
    ctx = run()
    assert ctx.per_entity["toy"]["created"] == 4 and ctx.per_entity["toy"]["failed"] == 3
    texts = [e.reason_text for e in store.journal(limit=50) if e.reason_code == "failed_record"]
    assert any("наименование пришло не строкой" in t and GUIDS[1] in t for t in texts)
    assert any("не похож на идентификатор" in t for t in texts)
    assert any("нет версии" in t for t in texts)


def test_cancel_before_writes_leaves_no_outbox(toys):
    import threading

    store, portal, _run = toys
    cancel = threading.Event()
    ctx = RunContext(store=store, run_id=store.start_run("test", False), cancel=cancel)
    pipeline = ToyPipeline(PipelineEnv(ctx=ctx, table={}, originator="1C:test", b24=portal))
    original = pipeline.lookup

    def lookup_then_cancel(items):
        original(items)
        cancel.set()

    pipeline.lookup = lookup_then_cancel  # type: ignore[method-assign]
    with pytest.raises(Cancelled):
        EntitySync(pipeline).run()
    assert portal.writes == [] and store.outbox() == []


def test_registry_orders_by_dependency(monkeypatch):
    from core.sync.counterparties import CounterpartyPipeline

    monkeypatch.setattr(registry, "PIPELINES", [ToyPipeline, CounterpartyPipeline])
    order = [cls.entity for cls in registry.enabled({"toy": {}, "counterparty": {}})]
    assert order == ["counterparty", "toy"]
    assert [cls.entity for cls in registry.enabled({"toy": {}})] == ["toy"]  # not mapped: not run
    with pytest.raises(Exception, match="Неизвестные"):
        registry.enabled({"toy": {}}, ["nonsense"])


def test_mapping_schema_error_is_readable():
    from core.errors import ConfigError
    from core.mapping.schema import validate_table
    from core.mapping.table import load_mapping

    table = json.loads(json.dumps(load_mapping("ut11")))
    table["counterparty"]["onec"]["fields"]["inn"] = 5
    with pytest.raises(ConfigError, match=r"counterparty\.onec\.fields\.inn: ожидалось: строка"):
        validate_table(table, "ut11")
    table = json.loads(json.dumps(load_mapping("ut11")))
    table["counterparty"]["bitrix24"]["company"]["COMMENTS"] = "comment"
    with pytest.raises(ConfigError, match="источник «comment»"):
        validate_table(table, "ut11")


def test_a_mapped_field_is_data_not_code():
    """Adding «comment ← Комментарий» in 1C and «COMMENTS ← comment» in the portal is all it takes."""
    from core.mapping.counterparty import counterparty_from_onec, counterparty_to_b24
    from core.mapping.schema import select_of, validate_table
    from core.mapping.table import load_mapping

    table = json.loads(json.dumps(load_mapping("ut11")))
    table["counterparty"]["onec"]["fields"]["comment"] = "Комментарий"
    table["counterparty"]["bitrix24"]["company"]["COMMENTS"] = "comment"
    validate_table(table, "ut11")
    assert "Комментарий" in select_of(table["counterparty"]["onec"])
    assert "Комментарий" not in select_of(table["counterparty"]["onec"], poll=True)
    row = {"Ref_Key": GUIDS[0], "DataVersion": "1", "Description": "ООО «Ромашка»", "ИНН": "",
           "Комментарий": "ключевой клиент"}
    payload = counterparty_to_b24(counterparty_from_onec(row, [], {}, table), table)
    assert payload.company["COMMENTS"] == "ключевой клиент"


def test_connection_cut_mid_write_leaves_unsettled_items_uncertain_then_found(toys):
    """The portal stored the second batch but the connection dropped before its answer was handed back: those items
    stay uncertain in the outbox, and the next run finds them by identity instead of adding them again."""
    from core.errors import ConnectionFailed

    store, portal, run = toys
    ToyPipeline.source = {f"{i:08d}-0000-0000-0000-000000000000": {
        "Ref_Key": f"{i:08d}-0000-0000-0000-000000000000", "DataVersion": "1", "Description": f"кубик {i}"}
        for i in range(60)}
    original = portal.batch

    writes = []

    def cut_after_first(commands, halt=False):
        answer = original(commands, halt)
        if any(method == "toy.add" for method, _ in commands.values()):
            writes.append(commands)
            if len(writes) == 2:  # stored, then the connection drops before the answer is read
                raise ConnectionFailed("связь оборвалась (тест)")
        return answer

    portal.batch = cut_after_first  # type: ignore[method-assign]
    with pytest.raises(ConnectionFailed):
        run()
    assert len(portal.rows) == 60
    assert {o.state for o in store.outbox()} == {"uncertain"} and len(store.outbox()) == 10
    portal.batch = original  # type: ignore[method-assign]
    ctx = run()
    assert len(portal.rows) == 60 and portal.writes.count("toy.add") == 60
    assert ctx.per_entity["toy"]["linked"] == 10 and store.outbox() == []


def test_commands_refused_for_the_operating_budget_are_finished_in_the_same_run(toys):
    """The portal ran out of a method's operating time in the middle of a batch: the refused commands never ran, so
    their records are written once more at the entity's end (the client waits for the reset), not failed."""
    store, portal, run = toys
    ToyPipeline.source = {f"{i:08d}-0000-0000-0000-000000000000": {
        "Ref_Key": f"{i:08d}-0000-0000-0000-000000000000", "DataVersion": "1", "Description": f"кубик {i}"}
        for i in range(60)}
    portal.out_of_budget = 7
    ctx = run()
    assert ctx.per_entity["toy"]["created"] == 60 and ctx.per_entity["toy"].get("failed", 0) == 0
    assert sorted(r["XML_ID"] for r in portal.rows.values()) == sorted(ToyPipeline.source)  # each exactly once
    assert store.outbox() == []
    assert run().per_entity["toy"]["unchanged"] == 60
