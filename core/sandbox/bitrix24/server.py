"""HTTPS front of the sandbox portal: webhook auth from the URL path, leaky bucket, injected faults.

    sandbox = Bitrix24Sandbox(cert_dir=tmp_path)
    sandbox.start()
    client = Bitrix24Client(sandbox.webhook_url, ca_file=sandbox.ca_file)
    ...
    sandbox.stop()
"""

from __future__ import annotations

import collections
import hmac
import json
import re
import secrets
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from core.sandbox.clock import BITRIX24_CLOUD, Work, WorkClock, portal_batch_work, portal_call_work

from .errors import PortalError, method_not_found
from .limits import LeakyBucket
from .phpquery import parse_php_query
from .portal import Portal, normalise_method
from .seed import seed_portal
from .tls import generate_tls_files
from .traffic import Traffic
from .values import encode_php_json

DEFAULT_SCOPES = frozenset({"crm", "catalog", "documentgenerator", "basic"})
FAULT_KINDS = frozenset(
    {"html_502_after_write", "reset_after_write", "html_502_before_write", "query_limit", "internal_error",
     "slow_after_write"}
)
#: how long "slow_after_write" holds the answer back (longer than a test client's read timeout)
SLOW_ANSWER_SECONDS = 1.0
_PATH_RE = re.compile(r"/rest/(?P<user>[^/]+)/(?P<code>[^/]+)/(?P<method>[^/]+)/?")
_NO_CREDENTIALS_RE = re.compile(r"/rest/[^/]+/?")

NGINX_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
NGINX_404 = (
    "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
    "<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


class Bitrix24Sandbox:
    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        cert_dir: str | Path,
        user_id: int = 1,
        code: str | None = None,
        scopes: Iterable[str] = DEFAULT_SCOPES,
        rate: float = 2.0,
        burst: int = 50,
        operating_limit: float | None = 480.0,
        seed: bool = True,
        method_cost: float = 0.05,
        clock: Callable[[], float] = time.time,
        work_clock: WorkClock | None = None,
    ) -> None:
        """``rate``/``burst``: leaky bucket (cloud standard plan 2/50, enterprise 5/250).
        ``operating_limit``: seconds per method in 10 minutes (None = box default, off).
        ``method_cost``: simulated execution time of one call, billed to the method's operating time.
        ``work_clock``: real time spent per request and per record (core.sandbox.clock); instant by default,
        ``WorkClock.realistic(BITRIX24_CLOUD)`` for the demo and benchmarks."""
        self.host = host
        self.user_id = user_id
        self.code = code or secrets.token_urlsafe(12)
        self._tls = generate_tls_files(cert_dir)
        self.portal = Portal(
            user_id=user_id, scopes=set(scopes), clock=clock,
            operating_limit=operating_limit, method_cost=method_cost,
        )
        self.bucket = LeakyBucket(rate, burst, clock)
        self.work_clock = work_clock or WorkClock.instant(BITRIX24_CLOUD)
        self.traffic = Traffic()
        self._faults: dict[str, collections.deque[str]] = {}
        self._faults_lock = threading.Lock()
        if seed:
            seed_portal(self.portal)
        self._httpd = _TlsServer((host, port), _Handler, self)
        self._thread: threading.Thread | None = None

    # ----- lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        # a short poll interval makes stop() quick: tests start and stop many sandboxes
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="b24-sandbox", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> Bitrix24Sandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def webhook_url(self) -> str:
        return f"https://{self.host}:{self.port}/rest/{self.user_id}/{self.code}/"

    @property
    def ca_file(self) -> str:
        return str(self._tls.ca_file)

    # ----- test helpers --------------------------------------------------------------------------
    def entities(self, kind: str) -> list[dict[str, Any]]:
        """Stored records of ``kind`` ("company", "contact", "requisite", "bankdetail",
        "timeline_comment", "preset"; catalogue: "product", "price", "price_type", "store", "store_product",
        "section", "measure", "vat", "document", "document_element"; unmodelled kinds such as "deal" are empty),
        as stored."""
        return self.portal.entities(kind)

    def set_inventory_management(self, enabled: bool) -> None:
        """What the admin's «Складской учёт» switch does (catalog.document.mode.status answers Y/N)."""
        with self.portal.lock:
            self.portal.catalog.inventory_management = enabled

    def set_catalog_access_denied(self, denied: bool) -> None:
        """A webhook user without catalogue rights: every catalog.* method answers the access-denied body."""
        with self.portal.lock:
            self.portal.catalog.access_denied = denied

    def request_log(self) -> list[str]:
        """Method of every REST call in order; batch sub-commands appear as ``batch:<method>``."""
        with self.portal.lock:
            return list(self.portal.log)

    def inject_fault(self, method: str, kind: str, times: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` misbehave. Kinds: ``html_502_after_write`` (store,
        then answer an nginx 502 page), ``reset_after_write`` (store, then TCP RST without answer),
        ``html_502_before_write``, ``query_limit`` (503), ``internal_error`` (500),
        ``slow_after_write`` (store, answer after SLOW_ANSWER_SECONDS: a client read timeout).
        ``method`` may be ``batch:<method>``: the next batch containing that method misbehaves as a whole."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; known: {sorted(FAULT_KINDS)}")
        with self._faults_lock:
            self._faults.setdefault(normalise_method(method), collections.deque()).extend([kind] * times)

    def _take_fault(self, method: str) -> str | None:
        with self._faults_lock:
            queue = self._faults.get(method)
            return queue.popleft() if queue else None

    def _take_batch_fault(self, method: str, params: dict[str, Any]) -> str | None:
        """Faults injected as ``batch:<method>`` hit the next batch that carries that method, so a test can aim
        at a write batch rather than at whichever lookup batch happens to come first."""
        if method != "batch" or not isinstance(params.get("cmd"), dict | list):
            return None
        commands = params["cmd"].values() if isinstance(params["cmd"], dict) else params["cmd"]
        for command in commands:
            fault = self._take_fault("batch:" + normalise_method(str(command).split("?", 1)[0]))
            if fault:
                return fault
        return None


class _TlsServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type, sandbox: Bitrix24Sandbox) -> None:
        self.sandbox = sandbox
        self.ssl_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ssl_context.minimum_version = ssl.TLSVersion.TLSv1_2
        self.ssl_context.load_cert_chain(sandbox._tls.cert_file, sandbox._tls.key_file)
        super().__init__(address, handler)

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, address = self.socket.accept()
        # the handshake runs lazily in the connection's own thread, so one client that fails
        # verification cannot stall the accept loop
        return self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), address

    def handle_error(self, request: Any, client_address: Any) -> None:
        # failed handshakes and clients that hang up are part of the tests, not server bugs
        return


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    timeout = 15
    server: _TlsServer

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    # ----- request handling ----------------------------------------------------------------------
    def _handle(self) -> None:
        traffic = self.server.sandbox.traffic
        traffic.begin()
        try:
            self._serve()
        finally:
            traffic.end()

    def _serve(self) -> None:
        sandbox = self.server.sandbox
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        split = urlsplit(self.path)
        match = _PATH_RE.fullmatch(split.path)
        if not match:
            if _NO_CREDENTIALS_RE.fullmatch(split.path):
                # /rest/<method> without user id and code: the REST server finds no auth at all
                self._send_json(401, {"error": "NO_AUTH_FOUND", "error_description": "Wrong authorization data"})
            elif split.path.startswith("/rest/"):
                self._send_json(404, method_not_found().body())
            else:
                self._send_html(404, NGINX_404)
            return
        method = normalise_method(match["method"])
        with sandbox.portal.lock:
            sandbox.portal.log.append(method)
        if match["user"] != str(sandbox.user_id) or not hmac.compare_digest(
            match["code"].encode(), sandbox.code.encode()
        ):
            self._send_json(401, {"error": "INVALID_CREDENTIALS", "error_description": "Invalid request credentials"})
            return
        if not sandbox.bucket.try_take():
            sandbox.traffic.refused("QUERY_LIMIT_EXCEEDED")
            self._send_json(503, {"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"})
            return
        params = self._params(split.query, body)
        fault = sandbox._take_fault(method) or sandbox._take_batch_fault(method, params)
        if fault == "query_limit":
            sandbox.traffic.refused("QUERY_LIMIT_EXCEEDED")
            self._send_json(503, {"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"})
            return
        if fault == "internal_error":
            self._send_json(500, {"error": "INTERNAL_SERVER_ERROR", "error_description": "Internal server error"})
            return
        if fault == "html_502_before_write":
            self._send_html(502, NGINX_502)
            return
        try:
            outcome, time_info = sandbox.portal.execute(method, params)
        except PortalError as exc:
            sandbox.traffic.refused(str(exc.body().get("error", "")))
            sandbox.work_clock.spend(Work())
            self._send_json(exc.status, exc.body())
            return
        # the portal's state changed under its lock; the time the work takes passes outside it, so requests overlap
        sandbox.work_clock.spend(Work() + self._work(method, params, outcome.result))
        if fault == "html_502_after_write":
            self._send_html(502, NGINX_502)
            return
        if fault == "reset_after_write":
            self._reset_connection()
            return
        if fault == "slow_after_write":
            time.sleep(SLOW_ANSWER_SECONDS)
        envelope: dict[str, Any] = {"result": outcome.result}
        if outcome.next is not None:
            envelope["next"] = outcome.next
        if outcome.total is not None:
            envelope["total"] = outcome.total
        envelope["time"] = time_info
        self._send_json(200, envelope)

    def _work(self, method: str, params: dict[str, Any], result: Any) -> Work:
        if method != "batch":
            return portal_call_work(method, result)
        commands = params.get("cmd", params.get("CMD"))
        if isinstance(commands, list):
            commands = {str(i): c for i, c in enumerate(commands)}
        maps = result if isinstance(result, dict) else {}
        errors = maps.get("result_error")
        if isinstance(errors, dict):
            refused = [e for e in errors.values() if isinstance(e, dict) and e.get("error") == "OPERATION_TIME_LIMIT"]
            if refused:
                self.server.sandbox.traffic.refused("OPERATION_TIME_LIMIT", len(refused))
        done = maps.get("result")
        if not isinstance(commands, dict) or not isinstance(done, dict):
            return Work(requests=0)
        return portal_batch_work(commands, done)

    def _params(self, query: str, body: bytes) -> dict[str, Any]:
        # PHP's $_REQUEST: query string and body merged, the body winning
        params = parse_php_query(query) if query else {}
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if body and content_type == "application/json":
            try:
                decoded = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                decoded = {}
            if isinstance(decoded, dict):
                params.update(decoded)
        elif body and content_type in ("application/x-www-form-urlencoded", ""):
            params.update(parse_php_query(body.decode("utf-8", errors="replace")))
        if not isinstance(params, dict):
            params = {}
        return params

    def _send_json(self, status: int, payload: Any) -> None:
        self._send(status, encode_php_json(payload), "application/json; charset=utf-8")

    def _send_html(self, status: int, page: str) -> None:
        self._send(status, page.encode("ascii"), "text/html")

    def _send(self, status: int, data: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _reset_connection(self) -> None:
        """Drop the connection with a TCP RST and no answer at all (the write is already stored)."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass
