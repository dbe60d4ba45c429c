"""Malformed portal answers are failures, never "nothing found"; data that looks like a batch reference is stored
as typed, never substituted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.bitrix24.batch import reference
from core.bitrix24.batch_answer import MalformedAnswer
from core.bitrix24.client import Bitrix24Client
from core.errors import RemoteError
from core.sandbox.bitrix24.server import Bitrix24Sandbox

pytestmark = pytest.mark.integration


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Bitrix24Sandbox]:
    with Bitrix24Sandbox(cert_dir=tmp_path / "certs", rate=50, burst=500) as running:
        yield running


@pytest.fixture
def client(sandbox: Bitrix24Sandbox) -> Iterator[Bitrix24Client]:
    with Bitrix24Client(sandbox.webhook_url, ca_file=sandbox.ca_file, rate=50, burst=500,
                        sleep=lambda _s: None) as c:
        yield c


def _answer_with(monkeypatch: pytest.MonkeyPatch, client: Bitrix24Client, body: object) -> None:
    class Answer:
        status_code = 200
        content = json.dumps(body).encode()
        headers: dict = {}

    monkeypatch.setattr(client._session, "post", lambda url, **kwargs: Answer())


LOOKUP = {"o0": ("crm.company.list", {"filter": {"ORIGIN_ID": "g"}}), "g0": ("crm.company.get", {"id": 1}),
          "a0": ("crm.company.add", {"fields": {"TITLE": "x"}})}


@pytest.mark.parametrize("body", [
    {"result": None},
    {"result": "ok"},
    {"result": {"result_error": []}},
    {"result": {"result": "oops", "result_error": []}},
    {"result": {"result": {}, "result_error": {}}},
    {"result": {"result": {"o0": "none", "g0": [], "a0": None}, "result_error": []}},
])
def test_a_200_batch_without_usable_results_fails_every_command(monkeypatch, client, body) -> None:
    _answer_with(monkeypatch, client, body)
    out = client.batch(LOOKUP)
    assert out.result == {} or all(out.result.get(k) is None for k in ("o0", "g0"))
    assert isinstance(out.errors["o0"], MalformedAnswer) and not out.errors["o0"].not_found
    assert isinstance(out.errors["g0"], MalformedAnswer) and not out.errors["g0"].not_found
    assert not out.errors["o0"].answer_missing
    if "a0" in out.errors:
        assert out.errors["a0"].answer_missing  # a write without an answer is uncertain, not failed


def test_halted_batch_leaves_commands_after_the_failure_not_run(monkeypatch, client) -> None:
    _answer_with(monkeypatch, client, {"result": {"result": [], "result_error": {
        "o0": {"error": "", "error_description": "Access denied."}}}})
    out = client.batch({"o0": ("crm.company.list", {}), "g0": ("crm.company.get", {"id": 1})}, halt=True)
    assert set(out.errors) == {"o0"} and out.not_run({"o0": 1, "g0": 1}) == ["g0"]


def test_list_all_on_a_garbled_page_raises_instead_of_finding_nothing(monkeypatch, client) -> None:
    _answer_with(monkeypatch, client, {"result": "garbled", "time": {}})
    with pytest.raises(RemoteError):
        list(client.list_all("crm.company.list"))


def test_data_that_looks_like_a_reference_is_stored_as_typed(sandbox, client) -> None:
    hostile = "$result[a]"
    out = client.batch({
        "a": ("crm.company.add", {"fields": {"TITLE": "Первая", "ORIGIN_ID": "g-1"}}),
        "b": ("crm.company.add", {"fields": {"TITLE": hostile, "ORIGIN_ID": "g-2",
                                             "COMMENTS": "см. $RESULT_error[a][x] и $result[a]"}}),
        "r": ("crm.requisite.add", {"fields": {"ENTITY_TYPE_ID": 4, "ENTITY_ID": reference("b"), "PRESET_ID": 1,
                                               "NAME": "$result[a]", "RQ_INN": "7707083893"}}),
    })
    assert out.errors == {}
    companies = {c["ORIGIN_ID"]: c for c in sandbox.entities("company") if c.get("ORIGIN_ID")}
    assert companies["g-2"]["TITLE"] == hostile
    assert companies["g-2"]["COMMENTS"] == "см. $RESULT_error[a][x] и $result[a]"
    requisite = next(r for r in sandbox.entities("requisite") if r["ID"] == str(out.result["r"]))
    assert requisite["ENTITY_ID"] == companies["g-2"]["ID"] and requisite["NAME"] == "$result[a]"


def test_a_command_depending_on_a_failed_one_is_not_sent(sandbox, client) -> None:
    out = client.batch({
        "a": ("crm.company.add", {"fields": {"TITLE": "$result[x]", "EMAIL": [{"VALUE": "не адрес"}]}}),
        "r": ("crm.requisite.add", {"fields": {"ENTITY_TYPE_ID": 4, "ENTITY_ID": reference("a"), "PRESET_ID": 1,
                                               "NAME": "R"}}),
    })
    assert set(out.errors) == {"a", "r"} and sandbox.entities("requisite") == [r for r in sandbox.entities(
        "requisite") if r["NAME"] != "R"]


def _blocked_for(client: Bitrix24Client, seconds: float, now: float) -> None:
    from core.bitrix24.envelope import TimeInfo

    client._operating.record("crm.company.list", TimeInfo(operating=479.0, operating_reset_at=now + seconds))


def test_an_absurd_operating_reset_fails_the_run_with_a_reason_instead_of_hanging(sandbox) -> None:
    slept: list[float] = []
    now = 1_900_000_000.0
    with Bitrix24Client(sandbox.webhook_url, ca_file=sandbox.ca_file, sleep=slept.append,
                        clock=lambda: now) as c:
        _blocked_for(c, 10 * 24 * 3600, now)  # "come back in ten days"
        with pytest.raises(RemoteError) as caught:
            c.call("crm.company.list")
    assert slept == [] and "operating_reset_at" in caught.value.message and caught.value.hint


def test_cancel_ends_an_operating_wait_within_a_slice(sandbox) -> None:
    import threading

    from core.errors import Cancelled

    cancel = threading.Event()
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 3:
            cancel.set()  # the user presses «Остановить» three seconds into a five-minute pause

    now = 1_900_000_000.0
    with Bitrix24Client(sandbox.webhook_url, ca_file=sandbox.ca_file, sleep=sleep, clock=lambda: now,
                        cancel=cancel) as c:
        _blocked_for(c, 300, now)
        with pytest.raises(Cancelled):
            c.call("crm.company.list")
    assert len(slept) == 3 and max(slept) <= 1.0


def test_a_302_to_another_host_does_not_resend_the_webhook_there(tmp_path: Path) -> None:
    from core.errors import ConfigError
    from tests.test_b24_client import _start_redirector

    target = Bitrix24Sandbox(cert_dir=tmp_path / "certs")
    target.start()
    # "localhost" is another host than 127.0.0.1 as far as the rule goes (it could be anyone's)
    server, hits = _start_redirector(target, tmp_path / "certs", target.webhook_url.replace("127.0.0.1", "localhost"))
    try:
        c = Bitrix24Client(f"https://127.0.0.1:{server.server_address[1]}/rest/1/{target.code}/",
                           ca_file=target.ca_file)
        with pytest.raises(ConfigError) as caught:
            c.call("profile")
        assert "localhost" in caught.value.message and target.code not in caught.value.user_text()
        assert len(hits) == 1 and target.request_log() == []
    finally:
        server.shutdown()
        target.stop()


def test_update_and_delete_of_a_missing_record_are_recognised_as_not_found(client) -> None:
    for method in ("crm.company.update", "crm.requisite.bankdetail.delete"):
        with pytest.raises(RemoteError) as caught:
            client.call(method, {"id": 987654, "fields": {"TITLE": "x"}})
        assert caught.value.not_found and caught.value.code == ""


def test_a_lookup_batch_answered_with_nothing_creates_no_duplicates(tmp_path: Path, monkeypatch) -> None:
    """End to end: the portal answers every lookup batch 200 with entries of the wrong type. Read as "nothing
    found" the run would create every company again and report success; now the lookups fail, nothing is written."""
    from core.paths import AppPaths
    from core.profile import Profile
    from core.sandbox.onec.server import OneCSandbox
    from core.setup_service import apply_setup
    from core.sync.runner import SyncRunner

    onec = OneCSandbox(users={"Интеграция": "пароль-1С"})
    b24 = Bitrix24Sandbox(cert_dir=tmp_path / "b24", rate=50, burst=500)
    onec.start()
    b24.start()
    try:
        home = AppPaths.resolve(tmp_path / "home").ensure()
        apply_setup(home, Profile(onec_url=onec.url, onec_user="Интеграция", bitrix24_url="https://127.0.0.1",
                                  bitrix24_ca_file=str(b24.ca_file), bitrix24_rate=50, bitrix24_burst=500),
                    "пароль-1С", b24.webhook_url)
        first = SyncRunner(home).run_once()
        assert first.failed == 0
        companies = len(b24.entities("company"))

        real_exchange = Bitrix24Client._exchange

        def garbled(self, method, params, *, is_read, billed):  # type: ignore[no-untyped-def]
            if method == "batch" and is_read:
                # 200, every command "answered" with something that is not a list or a record
                return {"result": {"result": {key: "" for key in params["cmd"]}, "result_error": []}, "time": {}}
            return real_exchange(self, method, params, is_read=is_read, billed=billed)

        monkeypatch.setattr(Bitrix24Client, "_exchange", garbled)
        store_path = home.state_db
        store_path.unlink()  # a fresh state: every record looks new and must be looked up
        for suffix in ("-wal", "-shm"):
            store_path.with_name(store_path.name + suffix).unlink(missing_ok=True)
        for backup in store_path.parent.glob(store_path.name + ".bak*"):
            backup.unlink()
        second = SyncRunner(home).run_once()
        assert second.status != "ok" and second.failed > 0
        assert len(b24.entities("company")) == companies  # not one duplicate
    finally:
        onec.stop()
        b24.stop()


def test_no_module_builds_batch_references_by_hand() -> None:
    """A hand-written "$result[c0]" string is data to the client (it would go out as a separate plain call and
    never be resolved): references are built with core.bitrix24.batch.reference() only."""
    import re

    root = Path(__file__).resolve().parents[1] / "core"
    hand_made = re.compile(r"""f?["']\$result\[""")
    offenders = [f"{path.relative_to(root)}:{number}" for path in root.rglob("*.py")
                 if "sandbox" not in path.parts and path.name != "batch.py"
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if hand_made.search(line)]
    assert offenders == []
