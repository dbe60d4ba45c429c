"""The `/odata/standard.odata/` service of the sandbox: routing, auth, query options, reads and writes.

Transport-free: :meth:`ODataService.handle` takes the request line, headers and body and returns a
:class:`Response`, so the HTTP plumbing in server.py stays small. Behaviour follows onec-odata.md §8 "Test
server" — see the module docstrings of odata_filter.py, codec.py and representation.py for the quirks.

Paging is deliberately as slow as on 1C: every request re-reads, filters and sorts the whole set and only
then drops `$skip` rows (1C has no OFFSET and re-runs the query per page). Ties in the sort order (or no
`$orderby` at all) are broken differently for different `$skip`/`$top` values, like a DBMS that picks another
plan for another TOP N — so paging without a unique `$orderby` duplicates and loses rows, as observed live.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote, unquote_to_bytes

from core.sandbox.onec import registers
from core.sandbox.onec import representation as rep
from core.sandbox.onec.codec import ODataFault, parse_guid
from core.sandbox.onec.entity_model import EntitySetDef, Model, TabularSetDef, metadata_xml
from core.sandbox.onec.odata_filter import compile_filter, compile_sort_key, key_lookup
from core.sandbox.onec.posting import Posting
from core.sandbox.onec.store import Store

REALM = 'Basic realm="1C:Enterprise 8.3"'
JSON_TYPE = "application/json;charset=utf-8"
_RESOURCE_RE = re.compile(r"^(?P<name>[^(/]+)(?:\((?P<key>[^)]*)\))?(?:/(?P<tail>.*))?$")
_KEY_PART_RE = re.compile(r"^\s*(?:(?P<name>\w+)\s*=\s*)?(?P<value>guid'[^']*'|\d+)\s*$")

URL_SEGMENT_MAX = 260  # http.sys UrlSegmentMaxLength


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    rows: int = 0  # entities built for the answer (skipped ones too, as 1C does): what the work clock charges


def html(status: int, page: str) -> Response:
    return Response(status, page.encode("utf-8"), "text/html; charset=utf-8")


@dataclass
class Request:
    method: str
    resource: str  # decoded path after /odata/standard.odata/ ("" = service document)
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes
    base_url: str
    want_json: bool
    links: bool


def decode_component(text: str) -> str:
    """Percent-decode as UTF-8. http.server hands the request line over as latin-1, so raw (unencoded)
    UTF-8 bytes are turned back into bytes first. `+` stays `+`: 1C does not read it as a space."""
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        raw = text.encode("utf-8")
    return unquote_to_bytes(raw).decode("utf-8")


def parse_query(raw: str) -> dict[str, str]:
    """Query options; the first occurrence of a name wins. Raises UnicodeDecodeError on broken UTF-8."""
    params: dict[str, str] = {}
    for part in raw.split("&") if raw else ():
        if not part:
            continue
        name, _, value = part.partition("=")
        params.setdefault(decode_component(name), decode_component(value))
    return params


def decode_basic(header: str | None) -> tuple[str, str] | None:
    """Credentials of a Basic header, decoded as UTF-8 (a cp1251 login does not decode and fails)."""
    if not header or not header[:6].lower() == "basic ":
        return None
    try:
        raw = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    user, sep, password = raw.partition(":")
    return (user, password) if sep else None


class ODataService:
    def __init__(self, model: Model, store: Store, *, base_path: str, users: dict[str, str],
                 forbidden: set[str], max_query_string: int | None) -> None:
        self.model = model
        self.store = store
        self.base_path = base_path.rstrip("/")
        self.users = users
        self.forbidden = forbidden
        self.max_query_string = max_query_string
        #: Post/Unpost of documents and the checks of a posted document's rewrite (posting.py); None = no documents
        self.posting: Posting | None = None

    # --- entry point ------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes, host: str) -> Response:
        raw_path, _, raw_query = target.partition("?")
        if self.max_query_string is not None and len(raw_query.encode("latin-1", "replace")) > self.max_query_string:
            return html(404, rep.IIS_404_15_PAGE)
        try:
            path = decode_component(raw_path)
            params = parse_query(raw_query)
        except UnicodeDecodeError:
            return html(400, rep.BAD_URL_PAGE)
        if any(len(seg) > URL_SEGMENT_MAX for seg in path.split("/")):
            return html(400, rep.BAD_URL_PAGE)
        if not (path == self.base_path or path.startswith(self.base_path + "/")):
            return html(404, rep.APACHE_404_PAGE)
        credentials = decode_basic(headers.get("authorization"))
        if credentials is None or self.users.get(credentials[0]) != credentials[1]:
            return Response(401, b"", "text/plain; charset=utf-8", {"WWW-Authenticate": REALM})
        root = self.base_path + "/odata/standard.odata"
        if not (path == root or path.startswith(root + "/")):
            return html(404, rep.APACHE_404_PAGE)
        fmt = params.get("$format", "").strip().lower()
        accept = headers.get("accept", "").lower()
        want_json = fmt.startswith("json") or fmt.startswith("application/json") or (
            not fmt and "application/json" in accept)
        if fmt and not want_json and fmt not in ("atom", "xml", "application/atom+xml", "application/xml"):
            return self._error(Request(method, "", params, headers, body, "", True, True),
                               ODataFault(400, "3", f"Представление '{params['$format']}' не поддерживается"))
        links = "nometadata" not in fmt
        base_url = f"http://{host}{quote(root)}/"
        request = Request(method, path[len(root):].lstrip("/"), params, headers, body, base_url, want_json, links)
        try:
            return self._route(request)
        except ODataFault as fault:
            return self._error(request, fault)
        except RecursionError:
            return self._error(request, ODataFault(400, "14", "Ошибка при разборе опции запроса $filter"))

    def _error(self, request: Request, fault: ODataFault) -> Response:
        if request.want_json:
            return Response(fault.status, rep.error_json(fault.code, fault.message), JSON_TYPE)
        return Response(fault.status, rep.error_xml(fault.code, fault.message), "application/xml;charset=utf-8")

    # --- routing ----------------------------------------------------------------------------------

    def _route(self, req: Request) -> Response:
        if req.resource == "":
            if req.method != "GET":
                raise ODataFault(405, "19", "HTTP-метод не допускается для данного ресурса")
            return self._service_document(req)
        if req.resource == "$metadata":
            if req.method != "GET":
                raise ODataFault(405, "19", "HTTP-метод не допускается для данного ресурса")
            return Response(200, metadata_xml(self.model).encode("utf-8"), "application/xml;charset=utf-8",
                            {"DataServiceVersion": "3.0"})
        m = _RESOURCE_RE.match(req.resource)
        name = m.group("name") if m else req.resource.split("/", 1)[0]
        if m and m.group("key") is None:
            virtual = registers.handle(self, req, name, m.group("tail"))
            if virtual is not None:
                return virtual
        defn = self.model.entity_set(name) if m else None
        if defn is None:
            raise ODataFault(404, "6", f"Сегмент пути '{name}' не найден!")
        assert m is not None
        owner = defn.owner.name if isinstance(defn, TabularSetDef) else defn.name
        if owner in self.forbidden and not self._allowed_only(req):
            raise ODataFault(401, "20", "Нарушение прав доступа!")
        key, tail = m.group("key"), m.group("tail")
        if req.method != "GET" and registers.register_for(name) is not None:
            # registers are written by their recorder documents only
            raise ODataFault(405, "19", "HTTP-метод не допускается для данного ресурса")
        if key is None:
            if tail == "$count" and req.method == "GET":
                return self._count(req, defn)
            if tail:
                raise ODataFault(400, "6", f"Сегмент пути '{tail}' не найден!")
            if req.method == "GET":
                return self._collection(req, defn, owner)
            if req.method == "POST":
                return self._create(req, defn)
            raise ODataFault(405, "19", "HTTP-метод не допускается для данного ресурса")
        ref, line = self._parse_key(defn, key)
        if req.method == "GET":
            return self._single(req, defn, ref, line, tail)
        if req.method == "POST" and tail in ("Post", "Unpost") and isinstance(defn, EntitySetDef) \
                and self.posting is not None and self.posting.is_document(defn):
            return self._document_action(defn, ref, tail)
        if tail:
            raise ODataFault(400, "11", f"Метод '{tail}' не найден")
        if isinstance(defn, TabularSetDef):
            raise ODataFault(405, "19", "HTTP-метод не допускается для данного ресурса")
        if req.method in ("PATCH", "MERGE", "PUT"):
            return self._update(req, defn, ref, replace=req.method == "PUT")
        if req.method == "DELETE":
            if not self.store.delete(defn.name, ref):
                raise self._not_found(defn)
            return Response(204)
        raise ODataFault(405, "19", "HTTP-метод не допускается для данного ресурса")

    def _allowed_only(self, req: Request) -> bool:
        value = req.params.get("allowedOnly", req.params.get("$allowedOnly", ""))
        return req.method == "GET" and value.lower() == "true"

    def _parse_key(self, defn: EntitySetDef | TabularSetDef, key: str) -> tuple[str, int | None]:
        parts = {}
        for index, chunk in enumerate(key.split(",")):
            km = _KEY_PART_RE.match(chunk)
            if not km:
                raise ODataFault(400, "1", f"Не удалось разобрать строку '{chunk.strip()}' как значение ключа")
            parts[km.group("name") or ("Ref_Key" if index == 0 else "")] = km.group("value")
        raw_ref = parts.get("Ref_Key")
        if raw_ref is None or not raw_ref.startswith("guid'"):
            raise ODataFault(400, "7", "Не задан элемент ключа 'Ref_Key'")
        ref = parse_guid(raw_ref[5:-1])
        if isinstance(defn, TabularSetDef):
            if "LineNumber" not in parts or not parts["LineNumber"].isdigit():
                raise ODataFault(400, "7", "Не задан элемент ключа 'LineNumber'")
            return ref, int(parts["LineNumber"])
        return ref, None

    def _not_found(self, defn: EntitySetDef | TabularSetDef) -> ODataFault:
        return ODataFault(404, "9", f'Экземпляр сущности "{defn.object_name}" не найден по переданному ключу.')

    def _resolve(self, name: str, ref: str) -> dict[str, Any] | None:
        return self.store.get(name, ref) if name in self.model.objects else None

    # --- reads ------------------------------------------------------------------------------------

    def _service_document(self, req: Request) -> Response:
        names = self.model.published_names()
        if not req.want_json:
            return Response(200, rep.atom_service(req.base_url, names), "application/xml;charset=utf-8",
                            {"DataServiceVersion": "3.0"})
        payload = {"odata.metadata": f"{req.base_url}$metadata", "value": [{"name": n, "url": n} for n in names]}
        return Response(200, rep.dumps(payload), JSON_TYPE, {"DataServiceVersion": "3.0"})

    def _rows(self, defn: EntitySetDef | TabularSetDef) -> list[dict[str, Any]]:
        if isinstance(defn, TabularSetDef):
            part = defn.part.name
            return [r for owner in self.store.snapshot(defn.owner.name) for r in owner.get(part, [])]
        return self.store.snapshot(defn.name)

    def _filtered(self, req: Request, defn: EntitySetDef | TabularSetDef) -> list[dict[str, Any]]:
        text = req.params.get("$filter")
        if text is None or not text.strip():
            return self._rows(defn)
        rows = self._rows(defn)
        predicate = compile_filter(text, self.model, defn, self._resolve)
        keys = key_lookup(text) if isinstance(defn, EntitySetDef) else None
        if keys is not None:
            found = (self.store.get(defn.name, ref) for ref in sorted(keys))
            return [r for r in found if r is not None and predicate(r)]
        return [r for r in rows if predicate(r)]

    def _count(self, req: Request, defn: EntitySetDef | TabularSetDef) -> Response:
        count = len(self._filtered(req, defn))
        return Response(200, ("\ufeff" + str(count)).encode("utf-8"), "text/plain;charset=utf-8")

    def _int_option(self, req: Request, name: str) -> int | None:
        raw = req.params.get(name)
        if raw is None:
            return None
        if not raw.strip().isdigit():
            raise ODataFault(400, "14", f"Ошибка при разборе опции запроса {name}")
        return int(raw)

    def _collection(self, req: Request, defn: EntitySetDef | TabularSetDef, owner: str) -> Response:
        if owner in self.forbidden:  # allowedOnly=true: the rows the user may not read are skipped — all of them
            rows: list[dict[str, Any]] = []
        else:
            rows = self._filtered(req, defn)
        top, skip = self._int_option(req, "$top"), self._int_option(req, "$skip")
        inline = req.params.get("$inlinecount")
        if inline not in (None, "allpages", "none"):
            raise ODataFault(400, "14", "Ошибка при разборе опции запроса $inlinecount")
        total = len(rows)
        rows = self._ordered(req, defn, rows, top, skip)
        if top is not None:
            rows = rows[:(skip or 0) + top]
        writer = self._writer(req, defn)
        # like 1C, build the first skip+top rows in full and only then drop `skip` of them: deep pages cost more
        entities = [(row, writer.entity(row)) for row in rows][skip or 0:]
        if not req.want_json:
            count = total if inline == "allpages" else None
            return Response(200, rep.atom_feed(req.base_url, defn, entities, count),
                            "application/atom+xml;type=feed;charset=utf-8", {"DataServiceVersion": "3.0"},
                            rows=len(rows))
        payload: dict[str, Any] = {}
        if req.links:
            payload["odata.metadata"] = f"{req.base_url}$metadata#{defn.name}"
        if inline == "allpages":
            payload["odata.count"] = str(total)
        payload["value"] = [entity for _, entity in entities]
        return Response(200, rep.dumps(payload), JSON_TYPE, {"DataServiceVersion": "3.0"}, rows=len(rows))

    def _ordered(self, req: Request, defn: EntitySetDef | TabularSetDef, rows: list[dict[str, Any]],
                 top: int | None, skip: int | None) -> list[dict[str, Any]]:
        text = req.params.get("$orderby", "")
        keys: list[tuple[Callable[[dict[str, Any]], Any], bool]] = []
        for item in (i.strip() for i in text.split(",")):
            if not item:
                continue
            words = item.rsplit(None, 1)
            descending = len(words) == 2 and words[1].lower() == "desc"
            expr = words[0] if len(words) == 2 and words[1].lower() in ("asc", "desc") else item
            keys.append((compile_sort_key(expr, self.model, defn, self._resolve), descending))
        paged = top is not None or skip is not None
        if paged:
            seed = (skip or 0) + (top or 0)
            # tie order depends on TOP N, like a query plan would: sort by it first, then stable-sort by keys
            rows = sorted(rows, key=lambda r: zlib.crc32(f"{seed}:{r['Ref_Key']}:{r.get('LineNumber', '')}".encode()))
        for key, descending in reversed(keys):
            rows = sorted(rows, key=key, reverse=descending)
        return rows

    def _writer(self, req: Request, defn: EntitySetDef | TabularSetDef) -> rep.EntityWriter:
        selection = rep.parse_select(req.params.get("$select"), defn, self.model)
        expand = rep.parse_expand(req.params.get("$expand"), defn, self.model)
        return rep.EntityWriter(self.model, defn, self._resolve, selection=selection, expand=expand,
                                links=req.links)

    def _single(self, req: Request, defn: EntitySetDef | TabularSetDef, ref: str, line: int | None,
                tail: str | None) -> Response:
        if isinstance(defn, TabularSetDef):
            owner = self.store.get(defn.owner.name, ref)
            rows = [r for r in (owner or {}).get(defn.part.name, []) if r["LineNumber"] == line]
            row = rows[0] if rows else None
        else:
            row = self.store.get(defn.name, ref)
        if row is None:
            raise self._not_found(defn)
        if tail:
            return self._navigation(req, defn, row, tail)
        return self._entity_response(req, defn, row, 200, writer=self._writer(req, defn))

    def _navigation(self, req: Request, defn: EntitySetDef | TabularSetDef, row: dict[str, Any],
                    tail: str) -> Response:
        p = defn.by_name.get(f"{tail}_Key")
        if p is None or p.ref_to is None or not self.model.is_published(p.ref_to):
            raise ODataFault(400, "6", f"Сегмент пути '{tail}' не найден!")
        target_defn = self.model.objects[p.ref_to]
        target = self.store.get(target_defn.name, row[p.name])
        if target is None:
            raise self._not_found(target_defn)
        return self._entity_response(req, target_defn, target, 200, writer=self._writer(req, target_defn))

    def _entity_response(self, req: Request, defn: EntitySetDef | TabularSetDef, row: dict[str, Any],
                         status: int, *, writer: rep.EntityWriter | None = None,
                         headers: dict[str, str] | None = None) -> Response:
        writer = writer or rep.EntityWriter(self.model, defn, self._resolve, links=req.links)
        entity = writer.entity(row)
        all_headers = {"DataServiceVersion": "3.0", **(headers or {})}
        if not req.want_json:
            return Response(status, rep.atom_single(req.base_url, defn, row, entity),
                            "application/atom+xml;type=entry;charset=utf-8", all_headers, rows=1)
        payload = {"odata.metadata": f"{req.base_url}$metadata#{defn.name}/@Element", **entity} if req.links \
            else entity
        return Response(status, rep.dumps(payload), JSON_TYPE, all_headers, rows=1)

    # --- writes -----------------------------------------------------------------------------------

    def _body(self, req: Request) -> Any:
        try:
            return json.loads(req.body.decode("utf-8"), parse_float=Decimal)
        except (UnicodeDecodeError, ValueError):
            raise ODataFault(500, "-1", "Непредвиденный символ при чтении JSON") from None

    def _create(self, req: Request, defn: EntitySetDef | TabularSetDef) -> Response:
        if isinstance(defn, TabularSetDef):
            raise ODataFault(400, "13", "Создание строк табличной части напрямую не поддерживается")
        row = self.store.create(defn.name, self._body(req))
        location = f"{req.base_url}{quote(defn.name)}(guid'{row['Ref_Key']}')"
        return self._entity_response(req, defn, row, 201, headers={"Location": location})

    def _update(self, req: Request, defn: EntitySetDef, ref: str, *, replace: bool) -> Response:
        # If-Match is read by nobody: the live base applied stale versions with 200 (notes §1.4)
        body = self._body(req)
        if self.posting is not None:
            self.posting.check_rewrite(defn, ref, body)
        row = self.store.update(defn.name, ref, body, replace=replace)
        if row is None:
            raise self._not_found(defn)
        return self._entity_response(req, defn, row, 200)

    def _document_action(self, defn: EntitySetDef, ref: str, action: str) -> Response:
        assert self.posting is not None
        if action == "Post":
            self.posting.post(defn, ref)
        else:
            self.posting.unpost(defn, ref)
        # the success status is not documented (200 or 204): an empty 200 keeps clients honest (posting.py)
        return Response(200, b"", None, {"DataServiceVersion": "3.0"})
