"""1C transport: no redirects (credentials never follow), a CA file per request that the environment cannot
override, plain http only after a warning and consent, and absurdly deep JSON refused with a message."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from core.errors import ConfigError, RemoteError, TLSFailed
from core.onec.client import OneCClient
from core.onec.payload import MAX_JSON_DEPTH, loads
from core.plain_http import confirm_plain_http
from core.sandbox.bitrix24.server import Bitrix24Sandbox

pytestmark = pytest.mark.integration


class _Server(ThreadingHTTPServer):
    daemon_threads = True


def _serve(handler: type[BaseHTTPRequestHandler]) -> tuple[_Server, str]:
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def collector() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            return

        def do_GET(self) -> None:
            seen.append(self.headers.get("Authorization") or "")
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "12")
            self.end_headers()
            self.wfile.write(b'{"value": []}'[:12])

    server, url = _serve(Handler)
    yield url, seen
    server.shutdown()


def test_a_redirect_is_not_followed_and_the_password_stays_home(collector) -> None:
    target, seen = collector

    class Redirect(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            return

        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", target + "/ut11/odata/standard.odata/")
            self.send_header("Content-Length", "0")
            self.end_headers()

    server, url = _serve(Redirect)
    try:
        with OneCClient(url + "/ut11/odata/standard.odata/", "Интеграция", "секрет-1С") as client, \
                pytest.raises(ConfigError) as caught:
            client.service_entity_sets()
    finally:
        server.shutdown()
    assert seen == []  # nothing, and above all no Basic header, reached the other server
    assert "перенаправляет" in caught.value.message and "секрет" not in caught.value.user_text()


def test_ca_file_is_used_per_request_even_with_requests_ca_bundle_set(tmp_path: Path, monkeypatch) -> None:
    import certifi

    # a bundle that does NOT contain the sandbox's private CA: if it won, TLS would fail
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())
    with Bitrix24Sandbox(cert_dir=tmp_path / "tls") as https_server:
        base = f"https://127.0.0.1:{https_server.port}/ut11/odata/standard.odata/"
        with OneCClient(base, "u", "p", ca_file=https_server.ca_file, retry_delays=()) as client, \
                pytest.raises(RemoteError) as caught:
            client.service_entity_sets()  # TLS is fine; the server is no 1C, so this is a RemoteError
        assert not isinstance(caught.value, TLSFailed)
        with OneCClient(base, "u", "p", retry_delays=()) as client, pytest.raises(TLSFailed):
            client.service_entity_sets()
    with pytest.raises(ConfigError):
        OneCClient(base, "u", "p", ca_file=str(tmp_path / "missing.pem"))


def test_plain_http_needs_consent() -> None:
    confirm_plain_http("https://srv/ut11/odata/standard.odata/", allowed=False)  # nothing to ask
    confirm_plain_http("http://srv/ut11/odata/standard.odata/", allowed=True)
    with pytest.raises(ConfigError):
        confirm_plain_http("http://srv/ut11/", allowed=False, ask=lambda _q: "н")
    confirm_plain_http("http://srv/ut11/", allowed=False, ask=lambda _q: "да")
    with pytest.raises(ConfigError) as caught:
        confirm_plain_http("http://srv/ut11/", allowed=False)  # no terminal under pytest
    assert "--onec-allow-http" in caught.value.hint


def test_setup_refuses_plain_http_without_consent(monkeypatch, capsys) -> None:
    from core.cli import main

    monkeypatch.setenv("SYNCBRIDGE_ONEC_PASSWORD", "p")
    monkeypatch.setenv("SYNCBRIDGE_BITRIX24_WEBHOOK", "https://b24.example/rest/1/abcdefsecret/")
    code = main(["setup", "--onec-url", "http://srv/ut11", "--onec-user", "u", "--bitrix24-url",
                 "https://b24.example", "--no-check"])
    err = capsys.readouterr().err
    assert code == 2 and "открытым текстом" in err and "--onec-allow-http" in err


def test_absurdly_deep_json_is_refused_not_a_traceback() -> None:
    with pytest.raises(ValueError):
        loads("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError):
        loads('{"value": [' + '{"a":' * (MAX_JSON_DEPTH + 1) + "1" + "}" * (MAX_JSON_DEPTH + 1) + "]}")
    assert loads('{"value": [{"Наименование": "[[[[{{{{ в строке не считается"}]}')["value"][0]


def test_deep_json_from_1c_is_a_remote_error() -> None:
    body = ('{"value": ' + "[" * 50_000 + "]" * 50_000 + "}").encode()

    class Deep(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            return

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server, url = _serve(Deep)
    try:
        with OneCClient(url + "/ut11/odata/standard.odata/", "u", "p") as client, pytest.raises(RemoteError):
            client.list("Catalog_Контрагенты")
    finally:
        server.shutdown()
