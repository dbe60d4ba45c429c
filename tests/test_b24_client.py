"""Bitrix24Client against the sandbox portal over real HTTPS with the sandbox's private CA."""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from core.bitrix24.batch import reference
from core.bitrix24.client import Bitrix24Client
from core.errors import AccessDenied, AnswerLost, AuthFailed, ConfigError, ConnectionFailed, RemoteError, TLSFailed
from core.sandbox.bitrix24.server import Bitrix24Sandbox

pytestmark = pytest.mark.integration


class FakeTime:
    """One clock for the sandbox and the client's ``sleep``: waiting costs no real time."""

    def __init__(self) -> None:
        self.now = time.time()
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def make_sandbox(tmp_path: Path) -> Iterator:
    started: list[Bitrix24Sandbox] = []

    def make(**kwargs) -> Bitrix24Sandbox:
        sandbox = Bitrix24Sandbox(cert_dir=tmp_path / f"certs{len(started)}", **kwargs)
        sandbox.start()
        started.append(sandbox)
        return sandbox

    yield make
    for sandbox in started:
        sandbox.stop()


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


@pytest.fixture
def sandbox(make_sandbox, fake: FakeTime) -> Bitrix24Sandbox:
    return make_sandbox(clock=fake.time)


@pytest.fixture
def sleeps(fake: FakeTime) -> list[float]:
    return fake.sleeps


@pytest.fixture
def client(sandbox: Bitrix24Sandbox, fake: FakeTime) -> Iterator[Bitrix24Client]:
    c = Bitrix24Client(sandbox.webhook_url, ca_file=sandbox.ca_file, sleep=fake.sleep, clock=fake.time)
    yield c
    c.close()


def _calls(sandbox: Bitrix24Sandbox, method: str) -> int:
    return sandbox.request_log().count(method)


def _by_origin(sandbox: Bitrix24Sandbox, origin_id: str) -> list[dict]:
    return [c for c in sandbox.entities("company") if c["ORIGIN_ID"] == origin_id]


# ----- plain calls -------------------------------------------------------------------------------
def test_call_returns_result_and_call_raw_the_envelope(client: Bitrix24Client):
    envelope = client.call_raw("crm.company.list", {"select": ["ID", "TITLE"]})
    assert envelope["total"] == 5 and "next" not in envelope
    assert {"start", "finish", "operating", "operating_reset_at"} <= set(envelope["time"])
    assert client.call("profile")["ID"] == "1"
    assert sorted(client.scopes()) == ["basic", "catalog", "crm", "documentgenerator"]
    assert client.method_available("crm.requisite.add") is True
    assert client.method_available("crm.nosuch.method") is False


def test_cyrillic_round_trip_and_legacy_strings(client: Bitrix24Client):
    new_id = client.call("crm.company.add", {"fields": {"TITLE": "ООО «Ёлка & Ко»", "ORIGIN_ID": "g-ёлка"}})
    assert isinstance(new_id, int)
    got = client.call("crm.company.get", {"id": new_id})
    assert got["TITLE"] == "ООО «Ёлка & Ко»" and got["ID"] == str(new_id)


def test_unknown_method_is_a_remote_error(client: Bitrix24Client):
    with pytest.raises(RemoteError) as caught:
        client.call("crm.nosuch.method", {"id": 1})
    assert caught.value.code == "ERROR_METHOD_NOT_FOUND" and caught.value.status == 404


def test_not_found_keeps_empty_code_and_status(client: Bitrix24Client):
    with pytest.raises(RemoteError) as caught:
        client.call("crm.company.get", {"id": 999999})
    assert caught.value.code == "" and caught.value.status == 400


# ----- auth, TLS, scope, connection -------------------------------------------------------------
def test_wrong_code_is_auth_failed_and_never_shows_the_code(sandbox: Bitrix24Sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    wrong = "wrongCode123456"
    bad = Bitrix24Client(sandbox.webhook_url.replace(sandbox.code, wrong), ca_file=sandbox.ca_file)
    with pytest.raises(AuthFailed) as caught:
        bad.call("profile")
    text = caught.value.user_text() + str(caught.value)
    assert "вебхук" in text and "***" in text
    assert wrong not in text and sandbox.code not in text
    assert wrong not in caplog.text


def test_untrusted_ca_is_tls_failed_with_the_ca_file_hint(sandbox: Bitrix24Sandbox, make_sandbox):
    for ca_file in (None, make_sandbox().ca_file):  # system store, and some other private CA
        c = Bitrix24Client(sandbox.webhook_url, ca_file=ca_file)
        with pytest.raises(TLSFailed) as caught:
            c.call("profile")
        text = caught.value.user_text()
        # plain Russian, with the field to fill in; no OpenSSL English, no command-line flag in a window's text
        assert "Сертификат ЦС портала" in text and "неизвестным центром сертификации" in text
        assert "certificate" not in text.lower() and "--" not in text
        assert sandbox.code not in text + str(caught.value)
        # the way out is trusting the right CA, never switching verification off
        assert "отключ" not in text.lower() and "verify=false" not in text.lower() and "insecure" not in text.lower()
    assert _calls(sandbox, "profile") == 0  # nothing got through the handshake


def test_missing_scope_is_access_denied_naming_the_scope(make_sandbox):
    sandbox = make_sandbox(scopes={"basic"})
    c = Bitrix24Client(sandbox.webhook_url, ca_file=sandbox.ca_file)
    with pytest.raises(AccessDenied) as caught:
        c.call("crm.company.list")
    assert "«crm»" in caught.value.user_text()
    assert c.scopes() == ["basic"]


def test_refused_connection_is_connection_failed(tmp_path: Path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    c = Bitrix24Client(f"https://127.0.0.1:{port}/rest/1/abcdef123/", sleep=lambda s: None)
    with pytest.raises(ConnectionFailed) as caught:
        c.call("crm.company.add", {"fields": {"TITLE": "x"}})
    assert not isinstance(caught.value, (TLSFailed, AnswerLost))
    assert "abcdef123" not in caught.value.user_text()


def test_missing_ca_file_is_a_config_error(sandbox: Bitrix24Sandbox, tmp_path: Path):
    with pytest.raises(ConfigError):
        Bitrix24Client(sandbox.webhook_url, ca_file=str(tmp_path / "nope.pem"))


# ----- rate limits ------------------------------------------------------------------------------
def test_query_limit_503_is_retried_with_backoff(make_sandbox):
    fake = FakeTime()
    sandbox = make_sandbox(rate=2.0, burst=3, clock=fake.time)
    # the client believes in a bigger bucket (another program on the same IP drains the portal's)
    c = Bitrix24Client(sandbox.webhook_url, ca_file=sandbox.ca_file, sleep=fake.sleep, clock=fake.time)
    for _ in range(6):
        assert c.call("profile")["ID"] == "1"
    # one 503, one backoff; after it the client's bucket is synced to "full" and paces the rest
    assert _calls(sandbox, "profile") == 7
    assert 0.5 <= fake.sleeps[0] <= 0.625 and len(fake.sleeps) > 1


def test_query_limit_503_with_real_sleep(make_sandbox):
    sandbox = make_sandbox(rate=10.0, burst=2)
    waits: list[float] = []

    def short_sleep(seconds: float) -> None:  # backoff is honoured, only scaled down
        waits.append(seconds)
        time.sleep(min(seconds, 0.15))

    c = Bitrix24Client(sandbox.webhook_url, ca_file=sandbox.ca_file, sleep=short_sleep)
    for _ in range(5):
        assert c.call("profile")["ID"] == "1"
    assert _calls(sandbox, "profile") > 5 and waits


def test_client_bucket_paces_requests_so_no_503_happens(make_sandbox):
    fake = FakeTime()
    sandbox = make_sandbox(rate=2.0, burst=3, clock=fake.time)
    c = Bitrix24Client(sandbox.webhook_url, ca_file=sandbox.ca_file, rate=2.0, burst=3, sleep=fake.sleep,
                       clock=fake.time)
    for _ in range(6):
        c.call("profile")
    assert _calls(sandbox, "profile") == 6  # every request accepted first time
    # the client keeps BURST_HEADROOM slots below the portal's burst, so it starts pacing that much earlier
    from core.bitrix24.client import BURST_HEADROOM

    assert fake.sleeps == pytest.approx([0.5] * (6 - max(1, 3 - BURST_HEADROOM)))


def test_query_limit_on_a_write_is_resent_because_nothing_was_stored(sandbox, client, sleeps):
    sandbox.inject_fault("crm.company.add", "query_limit", times=2)
    new_id = client.call("crm.company.add", {"fields": {"TITLE": "После 503", "ORIGIN_ID": "g-503"}})
    assert [c["ID"] for c in _by_origin(sandbox, "g-503")] == [str(new_id)]
    assert _calls(sandbox, "crm.company.add") == 3 and len(sleeps) == 2


def test_query_limit_gives_up_after_bounded_retries(sandbox, client, sleeps):
    sandbox.inject_fault("profile", "query_limit", times=20)
    with pytest.raises(RemoteError) as caught:
        client.call("profile")
    assert caught.value.code == "QUERY_LIMIT_EXCEEDED"
    assert len(sleeps) == client.max_limit_retries
    assert sleeps == sorted(sleeps)  # exponential


def test_operation_time_limit_waits_for_the_reset(make_sandbox):
    fake = FakeTime()
    sandbox = make_sandbox(operating_limit=0.15, method_cost=0.1, clock=fake.time)
    c = Bitrix24Client(sandbox.webhook_url, ca_file=sandbox.ca_file, sleep=fake.sleep, clock=fake.time)
    c.call("crm.company.list")
    c.call("crm.company.list")  # crosses the limit and still completes
    c.call("crm.company.list")  # 429 -> wait until operating_reset_at -> success
    assert _calls(sandbox, "crm.company.list") == 4
    assert 590 < sum(fake.sleeps) < 620 and max(fake.sleeps) <= 1.0  # sliced, so a cancel is seen within 1 s
    c.call("crm.company.fields")  # another method was never blocked


# ----- lost answers and idempotency -------------------------------------------------------------
def test_lost_write_raises_answer_lost_and_the_record_is_stored(sandbox, client, caplog):
    caplog.set_level(logging.DEBUG)
    sandbox.inject_fault("crm.company.add", "html_502_after_write")
    with pytest.raises(AnswerLost) as caught:
        client.call("crm.company.add", {"fields": {"TITLE": "Потерянная", "ORIGINATOR_ID": "1C",
                                                   "ORIGIN_ID": "g-lost"}})
    assert "ORIGIN_ID" in caught.value.user_text()
    assert _calls(sandbox, "crm.company.add") == 1  # never re-sent
    assert len(_by_origin(sandbox, "g-lost")) == 1
    # what the sync engine does next: look the record up by its identity field
    found = client.call("crm.company.list", {"filter": {"ORIGIN_ID": "g-lost"}, "select": ["ID"]})
    assert [row["ID"] for row in found] == [_by_origin(sandbox, "g-lost")[0]["ID"]]
    assert sandbox.code not in caplog.text


def test_connection_reset_after_write_is_answer_lost(sandbox, client):
    sandbox.inject_fault("crm.requisite.add", "reset_after_write")
    with pytest.raises(AnswerLost):
        client.call("crm.requisite.add", {"fields": {"ENTITY_TYPE_ID": 4, "ENTITY_ID": 1, "PRESET_ID": 1,
                                                     "NAME": "Организация", "XML_ID": "rq-lost"}})
    assert _calls(sandbox, "crm.requisite.add") == 1
    assert [r["XML_ID"] for r in sandbox.entities("requisite")].count("rq-lost") == 1


def test_html_before_write_is_answer_lost_and_nothing_is_stored(sandbox, client):
    sandbox.inject_fault("crm.company.update", "html_502_before_write")
    with pytest.raises(AnswerLost):
        client.call("crm.company.update", {"id": 1, "fields": {"TITLE": "Не дошло"}})
    assert sandbox.entities("company")[0]["TITLE"] == "ТехПром Москва"


@pytest.mark.parametrize("kind", ["html_502_after_write", "reset_after_write", "internal_error"])
def test_reads_are_retried_after_a_lost_answer(sandbox, client, sleeps, kind):
    sandbox.inject_fault("crm.company.list", kind)
    assert len(client.call("crm.company.list")) == 5
    assert _calls(sandbox, "crm.company.list") == 2 and len(sleeps) == 1


def test_internal_error_on_a_write_is_not_retried(sandbox, client):
    sandbox.inject_fault("crm.company.add", "internal_error")
    with pytest.raises(RemoteError) as caught:
        client.call("crm.company.add", {"fields": {"TITLE": "x"}})
    assert caught.value.status == 500 and caught.value.code == "INTERNAL_SERVER_ERROR"
    assert _calls(sandbox, "crm.company.add") == 1


def test_a_batch_with_any_write_counts_as_a_write(sandbox, client):
    sandbox.inject_fault("batch", "html_502_after_write", times=2)
    with pytest.raises(AnswerLost):
        client.batch({"l": ("crm.company.list", {}),
                      "a": ("crm.company.add", {"fields": {"ORIGIN_ID": "g-b", "TITLE": "B"}})})
    assert _calls(sandbox, "batch") == 1 and len(_by_origin(sandbox, "g-b")) == 1
    reads = client.batch({"l": ("crm.company.list", {}), "g": ("crm.company.get", {"id": 1})})
    assert _calls(sandbox, "batch") == 3 and reads.result["g"]["ID"] == "1"


# ----- batch and list_all -----------------------------------------------------------------------
def test_batch_with_references_errors_and_halt(sandbox, client):
    out = client.batch({
        "add": ("crm.company.add", {"fields": {"TITLE": "Пакетная", "ORIGIN_ID": "g-pk", "COMMENTS": None}}),
        "rq": ("crm.requisite.add", {"fields": {"ENTITY_TYPE_ID": 4, "ENTITY_ID": reference("add"), "PRESET_ID": 1,
                                                "NAME": "Организация", "RQ_INN": "7707083893"}}),
        "bad": ("crm.company.get", {"id": 999999}),
        "list": ("crm.requisite.list", {"filter": {"RQ_INN": "7707083893"}}),
    })
    company = _by_origin(sandbox, "g-pk")[0]
    assert out.result["add"] == int(company["ID"]) and company["COMMENTS"] in ("", None)
    assert out.result["list"][0]["ENTITY_ID"] == company["ID"]
    assert set(out.errors) == {"bad"} and isinstance(out.errors["bad"], RemoteError)
    assert out.errors["bad"].code == "" and out.total["list"] == 1
    halted = client.batch({"bad": ("crm.company.get", {"id": 999999}), "next": ("scope", {})}, halt=True)
    assert halted.result == {} and halted.not_run({"bad": 1, "next": 1}) == ["next"]
    with pytest.raises(ValueError):
        client.batch({f"c{i}": ("scope", {}) for i in range(51)})


def test_list_all_walks_id_windows_through_chained_batches(sandbox, client):
    for chunk in range(3):
        client.batch({f"a{i}": ("crm.company.add", {"fields": {"TITLE": f"Пакет {chunk}-{i}"}}) for i in range(45)})
    top_level_before = len([m for m in sandbox.request_log() if not m.startswith("batch:")])
    rows = list(client.list_all("crm.company.list", {"select": ["TITLE"], "order": {"TITLE": "DESC"}}))
    ids = [int(r["ID"]) for r in rows]
    assert len(rows) == 140 and ids == sorted(ids) and len(set(ids)) == 140
    requests_made = len([m for m in sandbox.request_log() if not m.startswith("batch:")]) - top_level_before
    assert requests_made == 2  # first page alone, then one batch of chained windows
    filtered = list(client.list_all("crm.company.list", {"filter": {"%TITLE": "Пакет 2-"}}))
    assert len(filtered) == 45
    items = list(client.list_all("crm.item.list", {"entityTypeId": 4, "select": ["id", "title"]}, id_key="id"))
    assert [i["id"] for i in items] == [int(r["ID"]) for r in rows]


def test_list_all_on_a_short_list_is_one_request(sandbox, client):
    before = len(sandbox.request_log())
    assert [r["RQ_INN"] for r in client.list_all("crm.requisite.list")] == ["6671039180", "500100732259"]
    assert len(sandbox.request_log()) == before + 1


# ----- 302 domain change ------------------------------------------------------------------------
class _Redirector(ThreadingHTTPServer):
    daemon_threads = True


def _start_redirector(sandbox: Bitrix24Sandbox, cert_dir: Path, location_base: str) -> tuple[_Redirector, list]:
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            return

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            hits.append(self.path)
            self.send_response(302)
            self.send_header("Location", location_base + self.path.rsplit("/", 1)[-1])
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = _Redirector(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_dir / "server.pem", cert_dir / "server.key")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server, hits


def test_302_domain_change_resends_the_post_once_and_sticks(tmp_path: Path):
    sandbox = Bitrix24Sandbox(cert_dir=tmp_path / "certs")
    sandbox.start()
    server, hits = _start_redirector(sandbox, tmp_path / "certs", sandbox.webhook_url)
    try:
        old_url = f"https://127.0.0.1:{server.server_address[1]}/rest/1/{sandbox.code}/"
        c = Bitrix24Client(old_url, ca_file=sandbox.ca_file)
        new_id = c.call("crm.company.add", {"fields": {"TITLE": "Через 302", "ORIGIN_ID": "g-302"}})
        assert [x["ID"] for x in _by_origin(sandbox, "g-302")] == [str(new_id)]
        c.call("profile")
        assert len(hits) == 1  # later calls go straight to the new host
        assert str(sandbox.port) in c.webhook_masked and sandbox.code not in c.webhook_masked
    finally:
        server.shutdown()
        sandbox.stop()


def test_302_to_plain_http_is_refused(tmp_path: Path):
    sandbox = Bitrix24Sandbox(cert_dir=tmp_path / "certs")
    sandbox.start()
    server, _hits = _start_redirector(sandbox, tmp_path / "certs", sandbox.webhook_url.replace("https:", "http:"))
    try:
        old_url = f"https://127.0.0.1:{server.server_address[1]}/rest/1/{sandbox.code}/"
        c = Bitrix24Client(old_url, ca_file=sandbox.ca_file)
        with pytest.raises(ConfigError) as caught:
            c.call("profile")
        assert sandbox.code not in caught.value.user_text()
    finally:
        server.shutdown()
        sandbox.stop()


def test_read_timeout_on_a_write_is_answer_lost_and_on_a_read_is_retried(sandbox, fake):
    c = Bitrix24Client(sandbox.webhook_url, ca_file=sandbox.ca_file, timeout=(5, 0.3), sleep=fake.sleep,
                       clock=fake.time)
    sandbox.inject_fault("crm.company.add", "slow_after_write")
    with pytest.raises(AnswerLost) as caught:
        c.call("crm.company.add", {"fields": {"TITLE": "Медленная", "ORIGIN_ID": "g-slow"}})
    assert "нет ответа" in caught.value.message
    assert len(_by_origin(sandbox, "g-slow")) == 1 and _calls(sandbox, "crm.company.add") == 1
    sandbox.inject_fault("crm.company.list", "slow_after_write")
    assert len(c.call("crm.company.list")) == 6
    assert _calls(sandbox, "crm.company.list") == 2


def test_transport_failures_are_classified_by_whether_anything_was_sent():
    import urllib3.exceptions as u3
    from requests.exceptions import ConnectionError as RequestsConnectionError

    from core.bitrix24.client import _never_sent

    dns = u3.NameResolutionError("portal.invalid", None, socket.gaierror(-2, "Name or service not known"))
    refused = u3.NewConnectionError(None, "Connection refused")
    assert _never_sent(RequestsConnectionError(u3.MaxRetryError(None, "/", reason=dns)))
    assert _never_sent(RequestsConnectionError(u3.MaxRetryError(None, "/", reason=refused)))
    dropped = u3.ProtocolError("Connection aborted.", ConnectionResetError(104, "reset"))
    assert not _never_sent(RequestsConnectionError(dropped))


def test_overload_limit_is_never_retried(monkeypatch, sandbox, client, sleeps):
    class Answer:
        status_code = 503
        content = b'{"error":"OVERLOAD_LIMIT","error_description":"REST API is blocked due to overload."}'
        headers: dict = {}

    sent: list[str] = []

    def fake_post(url, **kwargs):
        sent.append(url)
        return Answer()

    monkeypatch.setattr(client._session, "post", fake_post)
    with pytest.raises(RemoteError) as caught:
        client.call("crm.company.list")
    assert caught.value.code == "OVERLOAD_LIMIT" and len(sent) == 1 and sleeps == []


def test_gateway_504_with_a_json_body_is_still_a_lost_write(monkeypatch, client):
    class Answer:
        status_code = 504
        content = b'{"error":"gateway_timeout","error_description":"upstream timed out"}'
        headers: dict = {}

    monkeypatch.setattr(client._session, "post", lambda url, **kwargs: Answer())
    with pytest.raises(AnswerLost):
        client.call("crm.company.update", {"id": 1, "fields": {"TITLE": "x"}})
