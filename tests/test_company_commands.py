from __future__ import annotations

from core.canonical import Counterparty
from core.mapping.counterparty import counterparty_to_b24
from core.mapping.table import load_mapping
from core.sync.company_commands import build_commands, multifield_changes
from core.sync.engine import group_into_batches
from core.sync.pipeline import Item

TABLE = load_mapping("ut11")
SPEC = TABLE["counterparty"]


def item(phones: list[str], *, old_phones: list[str] | None = None, current: list[dict] | None = None) -> Item:
    cp = Counterparty(ref="r1", version="v", deleted=False, name="ООО «Ромашка»", full_name="ООО «Ромашка»",
                      kind="company", inn="7728145639", kpp="772801001", phones=phones)
    it = Item(key="r1", version="v", record=cp, payload=counterparty_to_b24(cp, TABLE), link=None)
    if old_phones is not None:
        old_cp = Counterparty(**{**cp.__dict__, "phones": old_phones})
        it.old_payload = counterparty_to_b24(old_cp, TABLE)
        it.target_id, it.meta["requisite_id"] = "10", "20"
        it.current = {"PHONE": current or []}
    return it


def test_new_record_chains_its_commands_by_reference():
    cmds = build_commands(3, item(["+7 495 111-22-33"]), SPEC, "1C:ut11", lambda kind: "1")
    assert cmds["c3"][0] == "crm.company.add"
    assert cmds["c3"][1]["fields"]["ORIGIN_ID"] == "r1"
    assert cmds["r3"][1]["fields"]["ENTITY_ID"] == "$result[c3]"
    assert cmds["r3"][1]["fields"]["PRESET_ID"] == "1" and cmds["r3"][1]["fields"]["XML_ID"] == "r1"


def test_multifields_add_missing_delete_only_what_we_wrote_keep_managers_values():
    current = [{"ID": "5", "VALUE": "+7 (495) 111-22-33"}, {"ID": "6", "VALUE": "+7 916 000-00-00"}]
    it = item(["+7 495 999-88-77"], old_phones=["+7 495 111-22-33"], current=current)
    ops = multifield_changes(it, SPEC)["PHONE"]
    assert {"ID": "5", "DELETE": "Y"} in ops  # ours, gone from 1C
    assert not any(op.get("ID") == "6" for op in ops)  # the manager's own number stays
    assert {"VALUE": "+7 495 999-88-77", "VALUE_TYPE": "WORK"} in ops


def test_unchanged_requisite_is_not_rewritten():
    it = item(["+7 495 111-22-33"], old_phones=["+7 495 111-22-33"], current=[{"ID": "5", "VALUE": "84951112233"}])
    cmds = build_commands(0, it, SPEC, "1C:ut11", lambda kind: "1")
    assert set(cmds) == {"c0"}  # identity refresh only: the requisite and phones are as before
    assert "PHONE" not in cmds["c0"][1]["fields"]


def test_batches_never_split_a_record_and_stay_within_50():
    plans = [(item([]), {f"x{i}_{j}": ("m", {}) for j in range(n)}) for i, n in enumerate([20, 20, 20, 7, 50, 1])]
    batches = group_into_batches(plans)
    assert [sum(len(cmds) for _, cmds in batch) for batch in batches] == [40, 27, 50, 1]


class _Batch:
    def __init__(self, result, errors):
        self.result, self.errors = result, errors


class _Portal:
    """Answers the lookup batch with a per-command error, as a real portal does for one failing command."""

    def __init__(self, error, failing=("g", "o", "x", "y", "n")):
        self.error, self.failing = error, failing

    def batch(self, commands, halt=False):
        errors = {key: self.error for key in commands if key[0] in self.failing}
        return _Batch({key: [] for key in commands if key not in errors}, errors)


def _linked_item(home):
    from core.state.store import Link, StateStore
    from core.sync.context import RunContext
    from core.sync.counterparties import CounterpartyPipeline
    from core.sync.pipeline import PipelineEnv

    store = StateStore.open(home.state_db)
    store.save_link(Link("counterparty", "r1", "company", "10", {}))
    it = item(["+7 495 111-22-33"], old_phones=[])
    it.link, it.action = store.get_link("counterparty", "r1", "company"), "update"
    ctx = RunContext(store=store, run_id=store.start_run("test", False))
    return it, store, lambda error, failing="goxyn": CounterpartyPipeline(
        PipelineEnv(ctx=ctx, table=TABLE, originator="1C:ut11", b24=_Portal(error, failing)))


def test_lookup_error_other_than_not_found_keeps_the_link(home):
    from core.errors import RemoteError

    it, store, pipeline = _linked_item(home)
    pipeline(RemoteError("Access denied.", code="", status=400))._lookup([it])
    assert it.action == "lookup_failed" and it.target_id == "10"
    assert store.get_link("counterparty", "r1", "company") is not None


def test_lookup_not_found_starts_over(home):
    from core.errors import RemoteError

    it, store, pipeline = _linked_item(home)
    pipeline(RemoteError("Not found", code="", status=400, not_found=True), "g")._lookup([it])
    assert it.action == "create" and it.target_id is None
    assert store.get_link("counterparty", "r1", "company") is None


def test_failed_identity_lookup_never_creates(home):
    from core.errors import RemoteError

    it, _store, pipeline = _linked_item(home)
    it.link, it.action, it.target_id = None, "create", None
    pipeline(RemoteError("Internal error", code="INTERNAL_SERVER_ERROR", status=500))._lookup([it])
    assert it.action == "lookup_failed"
