"""Sandbox 1C:Enterprise OData server (УТ 11, БП 3.0 or УНФ names) for tests, demos and benchmarks.

    sandbox = OneCSandbox()            # seeded, every object published, user "Интеграция" / "демо-пароль"
    sandbox.start()
    client = OneCClient(sandbox.url, "Интеграция", "демо-пароль")
    ...
    sandbox.stop()

It listens on 127.0.0.1 only, keeps its data in memory and answers like a publication of a real base behind
IIS: HTTP/1.1 keep-alive, Basic auth with UTF-8 credentials, `$format=json` JSON light or Atom otherwise,
IIS HTML pages for what the web server (not 1C) rejects. Faults for tests are queued with
:meth:`OneCSandbox.inject_fault` and hit the next request(s).
"""

from __future__ import annotations

import contextlib
import copy
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote

from core.sandbox.clock import ONEC_ODATA, Work, WorkClock
from core.sandbox.onec import representation as rep
from core.sandbox.onec.catalog_documents import CatalogDocuments
from core.sandbox.onec.catalog_model import PRICE_DOCUMENT
from core.sandbox.onec.catalog_seed import load_bulk_catalog, load_catalog
from core.sandbox.onec.codec import ODataFault
from core.sandbox.onec.entity_model import CONFIGURATIONS, Model
from core.sandbox.onec.posting import Posting
from core.sandbox.onec.sales_model import SALES_SETS, sales_seed_rows
from core.sandbox.onec.seed import seed_version
from core.sandbox.onec.seed_configurations import seed_rows_for
from core.sandbox.onec.service import ODataService, Response, decode_component, html
from core.sandbox.onec.store import Store

DEFAULT_USERS = {"Интеграция": "демо-пароль"}
FAULTS = {
    "html_500_once": (500, rep.IIS_500_PAGE),  # IIS "500 - Internal server error." page
    "http_503_once": (503, rep.IIS_503_PAGE),  # http.sys "Service Unavailable" (app pool down)
    "app_error_500_once": (500, rep.ONEC_APP_ERROR_PAGE),  # 1C web extension lost the cluster
    "html_200_once": (200, rep.LOGIN_PAGE_200),  # a proxy/SSO login page with status 200
    "drop_connection_once": None,  # request processed (a write IS stored), then the socket is closed unanswered
}


def configuration_for_path(base_path: str) -> str:
    """`/bp30` → bp30, `/demo/unf` → unf: the last path segment that names a configuration; УТ 11 otherwise."""
    for segment in reversed([p for p in base_path.lower().split("/") if p]):
        if segment in CONFIGURATIONS:
            return segment
    return "ut11"


class OneCSandbox:
    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, base_path: str = "/ut11",
                 users: dict[str, str] | None = None, published: set[str] | None = None, seed: bool = True,
                 latency: float = 0.0, forbidden: set[str] | None = None,
                 max_query_string: int | None = 2048, configuration: str | None = None,
                 write_delay: Callable[[str, str], float] | None = None,
                 work_clock: WorkClock | None = None) -> None:
        """``forbidden``: objects the users have no rights to (401 code 20, or empty with allowedOnly=true).
        ``max_query_string``: IIS request filtering limit (404.15 page above it); None = no limit.
        ``configuration``: ``ut11``, ``bp30`` or ``unf`` — the names the base publishes; by default taken from
        the base path (``/bp30`` → БП 3.0, ``/unf`` → УНФ, anything else → УТ 11).
        ``write_delay``: seconds a write (method, decoded target) takes before it is answered — a real 1C
        spends 0.3–1 s on a document (see :func:`core.sandbox.onec.write_latency.document_latency`).
        ``latency``: a fixed extra wait per request (timeouts in tests).
        ``work_clock``: real time per request, row read, object written and document posted
        (core.sandbox.clock); instant by default, ``WorkClock.realistic(ONEC_ODATA)`` for demo and benchmarks.
        (``write_delay`` is a per-document model of its own: set one or the other for writes, not both.)"""
        if host not in ("127.0.0.1", "localhost"):
            raise ValueError("the sandbox listens on the loopback interface only")
        self.host = host
        self.port = port
        self.base_path = "/" + base_path.strip("/")
        self.latency = latency
        self.write_delay = write_delay
        self.work_clock = work_clock or WorkClock.instant(ONEC_ODATA)
        self.configuration = configuration or configuration_for_path(self.base_path)
        self.model = Model.for_configuration(self.configuration, published)
        self.store = Store(self.model.objects)
        #: what 1C users' documents do to the price and stock registers (see catalog_documents.py)
        self.documents = CatalogDocuments(self.store)
        self.service = ODataService(self.model, self.store, base_path=self.base_path,
                                    users=dict(DEFAULT_USERS if users is None else users),
                                    forbidden=set(forbidden or ()), max_query_string=max_query_string)
        self.posting = self.service.posting = Posting(self.store)
        self._log: list[tuple[str, str]] = []
        self._faults: list[tuple[str, str | None]] = []
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        if seed:
            self._load_seed()

    # --- lifecycle --------------------------------------------------------------------------------

    def start(self) -> None:
        if self._server is not None:
            return
        handler = type("OneCSandboxHandler", (_Handler,), {"sandbox": self})
        self._server = ThreadingHTTPServer((self.host, self.port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="onec-sandbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        with self._lock:  # keep-alive connections would otherwise go on being served after stop()
            connections, self._connections = list(self._connections), set()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> OneCSandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{quote(self.base_path)}/odata/standard.odata/"

    # --- data helpers (what a user would do in 1C) ------------------------------------------------

    def put(self, entity_set: str, row: dict[str, Any]) -> dict[str, Any]:
        """Insert, or replace whole when its Ref_Key exists, a row as 1C would store it. Returns its JSON form.

        Trusted: Predefined/PredefinedDataName/Code can be set; DataVersion is assigned (0 for a new object).
        """
        self._check_set(entity_set)
        ref = row.get("Ref_Key")
        try:
            if ref and self.store.get(entity_set, ref) is not None:
                stored = self.store.update(entity_set, ref, row, trusted=True, replace=True)
            else:
                stored = self.store.create(entity_set, row, trusted=True)
        except ODataFault as fault:
            raise ValueError(fault.message) from None
        assert stored is not None
        return self._json(entity_set, stored)

    def modify(self, entity_set: str, ref: str, **changes: Any) -> dict[str, Any]:
        """Edit an object like a user in 1C (only the given attributes); DataVersion is bumped."""
        self._check_set(entity_set)
        try:
            stored = self.store.update(entity_set, ref, changes)
        except ODataFault as fault:
            raise ValueError(fault.message) from None
        if stored is None:
            raise KeyError(f"{entity_set}({ref}) does not exist")
        return self._json(entity_set, stored)

    def delete(self, entity_set: str, ref: str) -> bool:
        """Physical delete (what "Удалить непосредственно" / OData DELETE does)."""
        self._check_set(entity_set)
        return self.store.delete(entity_set, ref)

    def rows(self, entity_set: str) -> list[dict[str, Any]]:
        """JSON form of every stored row (also of unpublished objects), in insertion order."""
        self._check_set(entity_set)
        return [self._json(entity_set, r) for r in self.store.snapshot(entity_set)]

    def get(self, entity_set: str, ref: str) -> dict[str, Any] | None:
        self._check_set(entity_set)
        row = self.store.get(entity_set, ref)
        return None if row is None else self._json(entity_set, row)

    def drop_attribute(self, entity_set: str, attribute: str) -> None:
        """Serve the base as a release without this attribute (see :meth:`Model.drop_attribute`)."""
        self._check_set(entity_set)
        self.model.drop_attribute(entity_set, attribute)

    def set_price(self, product: str, price_type: str, price: Any, *, date: datetime | None = None) -> str:
        """A user posts «Установка цен номенклатуры» with one line; returns the document's Ref_Key."""
        return self.documents.set_prices([(product, price_type, price)], date=date)

    def change_stock(self, product: str, warehouse: str, delta: Any, *, date: datetime | None = None) -> str:
        """A user posts a surplus (delta > 0) or a shortage write-off (delta < 0); returns the document's Ref_Key."""
        return self.documents.change_stock(product, warehouse, delta, date=date)

    def reserve(self, product: str, warehouse: str, quantity: Any) -> str:
        """A customer order reserves stock at a warehouse (free stock drops, stock on hand does not)."""
        return self.documents.reserve(product, warehouse, quantity)

    def unpost_price_document(self, ref: str) -> None:
        """«Отмена проведения» of a price document: its prices leave the register, DataVersion is bumped."""
        self.documents.unpost(PRICE_DOCUMENT, ref)

    def load_bulk_catalog(self, products: int, *, price_types: int = 2, warehouses: int = 5) -> dict[str, list[str]]:
        """Add a generated catalogue (benchmarks): products, price types, warehouses, prices and stock."""
        return load_bulk_catalog(self.store, self.documents, products, price_types=price_types,
                                 warehouses=warehouses)

    def set_published(self, names: set[str]) -> None:
        """Change the OData composition (what УстановитьСоставСтандартногоИнтерфейсаOData does)."""
        unknown = set(names) - set(self.model.objects)
        if unknown:
            raise ValueError(f"not in the sandbox model: {sorted(unknown)}")
        self.model.published = set(names)

    # --- test instrumentation ---------------------------------------------------------------------

    def request_log(self) -> list[tuple[str, str]]:
        """(method, path+query as sent) of every request received, in order."""
        with self._lock:
            return list(self._log)

    def clear_request_log(self) -> None:
        with self._lock:
            self._log.clear()

    def inject_fault(self, kind: str, *, on: str | None = None) -> None:
        """Queue a fault for the next request: html_500_once, drop_connection_once, http_503_once,
        app_error_500_once, html_200_once. Several calls queue several faults, one per request.
        ``on``: an HTTP method ("POST"…) — the fault waits for the next request with that method."""
        if kind not in FAULTS:
            raise ValueError(f"unknown fault {kind!r}; known: {sorted(FAULTS)}")
        with self._lock:
            self._faults.append((kind, on))

    # --- internals --------------------------------------------------------------------------------

    def _check_set(self, entity_set: str) -> None:
        if entity_set not in self.model.objects:
            raise KeyError(f"{entity_set} is not in the sandbox model")

    def _json(self, entity_set: str, row: dict[str, Any]) -> dict[str, Any]:
        writer = rep.EntityWriter(self.model, self.model.objects[entity_set], self.service._resolve, links=False)
        return copy.deepcopy(writer.entity(row))

    def _load_seed(self) -> None:
        # the sales objects are УТ 11's; rows of a set defined elsewhere in the model are that part's to seed
        sales = {name: rows for name, rows in sales_seed_rows().items()
                 if self.configuration == "ut11" and self.model.objects.get(name) in SALES_SETS}
        for entity_set, rows in (*seed_rows_for(self.configuration).items(), *sales.items()):
            for row in rows:
                self.store.create(entity_set, row, trusted=True, version=seed_version(row["Ref_Key"]))
        if self.configuration == "ut11":  # the catalogue is modelled for УТ 11 names only
            load_catalog(self.store, self.documents)

    def _record(self, method: str, target: str) -> str | None:
        with self._lock:
            self._log.append((method, target))
            for index, (kind, on) in enumerate(self._faults):
                if on is None or on == method:
                    del self._faults[index]
                    return kind
            return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like IIS in front of 1C
    server_version = "Microsoft-IIS/10.0"
    sys_version = ""
    sandbox: OneCSandbox

    def setup(self) -> None:
        super().setup()
        # headers and body go out in two writes: without NODELAY, Nagle + delayed ACK add ~40 ms per request
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.sandbox._lock:
            self.sandbox._connections.add(self.connection)

    def finish(self) -> None:
        with self.sandbox._lock:
            self.sandbox._connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        pass  # tests read request_log(); stderr noise helps nobody

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_MERGE(self) -> None:
        self._handle("MERGE")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self, method: str) -> None:
        sandbox = self.sandbox
        body = self._read_body()
        fault = sandbox._record(method, self.path)
        if sandbox.latency:
            time.sleep(sandbox.latency)
        if fault is not None and FAULTS[fault] is not None:
            status, page = FAULTS[fault]  # type: ignore[misc]
            self._send(html(status, page), close=True)
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        host = headers.get("host") or f"{sandbox.host}:{sandbox.port}"
        try:
            response = sandbox.service.handle(method, self.path, headers, body, host)
        except Exception as exc:  # a sandbox bug must surface as a 1C-like internal error, not a hang
            response = Response(500, rep.error_json("-1", f"Внутренняя ошибка песочницы: {exc!r}"),
                                "application/json;charset=utf-8")
        if sandbox.write_delay is not None and method != "GET":
            time.sleep(sandbox.write_delay(method, decode_component(self.path.partition("?")[0])))
        # the store's lock is released by now: concurrent requests spend their time side by side
        sandbox.work_clock.spend(_work_of(method, self.path, response))
        if fault == "drop_connection_once":
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(response)

    def _send(self, response: Response, *, close: bool = False) -> None:
        try:
            self.send_response(response.status)
            if response.content_type:
                self.send_header("Content-Type", response.content_type)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            if close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


_WRITES = frozenset({"POST", "PATCH", "MERGE", "PUT", "DELETE"})


def _work_of(method: str, target: str, response: Response) -> Work:
    if response.status >= 300:
        return Work()
    path = target.partition("?")[0]
    if method in _WRITES:
        posted = 1 if path.rstrip("/").endswith(("/Post", "/Post()")) else 0
        return Work(written=1 - posted, posted=posted)
    return Work(read=response.rows)
