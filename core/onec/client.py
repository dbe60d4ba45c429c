"""Client of the 1C:Enterprise 8.3 standard OData interface (`…/odata/standard.odata/`, OData v3).

What the sync engine calls. Transport rules (onec-odata.md §7, §8):
- Basic auth is sent preemptively and encoded as UTF-8 (requests would use latin-1, which breaks logins like
  «Интеграция»; IIS answers cp1251 with 401.5);
- URLs are built by :mod:`core.onec.query`; `$format=json` always (the default answer is Atom XML);
- JSON is parsed with Decimal for fractional numbers;
- retries: only GETs, only for connect errors and 502/503/504, bounded with backoff. POST/PATCH are never
  repeated: if their answer is lost (read timeout, reset, an HTML page instead of JSON, a gateway error)
  :class:`AnswerLost` tells the caller to look the object up before trying again.

Reading many rows — why not `$skip` paging: 1C has no OFFSET; every `$skip` page re-runs and re-sorts
the whole query (quadratic in total), keyset paging on `Ref_Key` is refused (`gt` on a reference -> 500),
and `$orderby=Ref_Key` sorts by presentation, so ties make pages overlap or lose rows. So
:meth:`OneCClient.iter_all` reads light selections in one request; for full rows it asks for at most
`page_size + 1` rows, and if there are more, takes the key list in one light request and fetches the rest
by key in small `Ref_Key eq … or …` chunks — linear, exact, and no order needed.
"""

from __future__ import annotations

import base64
import logging
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import datetime
from pathlib import Path
from typing import IO, Any, TypeVar
from urllib.parse import urljoin, urlsplit

import requests
import urllib3.exceptions

from core import messages
from core.cancel import InterruptibleSession, cancellable_sleep, raise_if_cancelled
from core.errors import (
    AnswerLost,
    ConfigError,
    ConnectionFailed,
    PostingRefused,
    RemoteError,
    SyncBridgeError,
    TLSFailed,
)
from core.onec import query
from core.onec.errors import describe, looks_like_html, map_error, parse_odata_error
from core.onec.metadata import EntitySetInfo, parse_metadata
from core.onec.payload import dumps, loads, strip_annotations
from core.redact import mask_url, register_secret

log = logging.getLogger(__name__)

RETRY_STATUSES = {502, 503, 504}
# IIS rejects query strings longer than 2048 bytes (maxQueryString) with an HTML 404: stay below it
QUERY_BUDGET = 1900


class _Utf8BasicAuth(requests.auth.AuthBase):
    """Preemptive Basic with UTF-8 credentials; as session.auth it also keeps netrc out of the way."""

    def __init__(self, user: str, password: str) -> None:
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self._header = f"Basic {token}"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = self._header
        return request


def _connect_phase(exc: requests.RequestException) -> bool:
    """True when the request surely never reached the server (refused, DNS, connect timeout)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


T = TypeVar("T")


class OneCClient:
    def __init__(self, base_url: str, user: str, password: str, *, timeout: tuple[float, float] = (10, 120),
                 ca_file: str | None = None, retry_delays: tuple[float, ...] = (0.5, 1.5, 4.0),
                 cancel: threading.Event | None = None, proxy: str = "", parallel_reads: int = 1) -> None:
        """``base_url``: publication root ending in ``/odata/standard.odata/``.
        ``timeout``: (connect, read) seconds — the first call after idle can take >30 s on 1C.
        ``retry_delays``: pauses before the repeated attempts of a GET (their number = retries).
        ``parallel_reads``: how many key-filtered reads of one ``get_many`` run at once (1C serves each request in
        its own session; reading changed records 20 keys a request is otherwise one long queue)."""
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.user = user
        self.timeout = timeout
        self.retry_delays = retry_delays
        #: a Stop raises Cancelled before the next request and during a retry pause
        self.cancel = cancel
        self._sleep = cancellable_sleep(cancel)
        register_secret(password)
        split = urlsplit(self.base_url)
        self.host = mask_url(f"{split.scheme}://{split.hostname or ''}{f':{split.port}' if split.port else ''}")
        self.session = requests.Session()
        self._interruptible = InterruptibleSession(self.session, cancel)
        # requests.Session is not promised to be thread-safe: every other thread (the engine's read-ahead thread,
        # the parallel readers) gets its own session configured like this one
        self._owner = threading.get_ident()
        self._local = threading.local()
        self._thread_sessions: list[tuple[requests.Session, InterruptibleSession]] = []
        self._sessions_lock = threading.Lock()
        self.parallel_reads = max(1, parallel_reads)
        self._readers: ThreadPoolExecutor | None = None
        self._together: ThreadPoolExecutor | None = None
        self.session.auth = _Utf8BasicAuth(user, password)
        self.session.headers.update({"Accept": "application/json", "User-Agent": "SyncBridge/0.1"})
        if ca_file is not None and not Path(ca_file).is_file():
            raise ConfigError(f"Файл сертификата удостоверяющего центра для 1С не найден: {ca_file}.",
                              "Укажите PEM-файл корневого сертификата, которым подписан сертификат сервера 1С.")
        # per request, not on the session: a session-level path is overridden by REQUESTS_CA_BUNDLE from the
        # environment, a per-request one is not
        self._verify: str | bool = str(ca_file) if ca_file else True
        if split.scheme == "http":
            log.warning("1С: %s без TLS — логин и пароль 1С идут по сети открытым текстом", self.host)
        if proxy:
            self.session.proxies = {"http": proxy, "https": proxy}

    def close(self) -> None:
        for pool in (self._together, self._readers):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        with self._sessions_lock:
            for session, interruptible in self._thread_sessions:
                interruptible.close()
                session.close()
            self._thread_sessions.clear()
        self._interruptible.close()
        self.session.close()

    def _session(self) -> requests.Session:
        if threading.get_ident() == self._owner:
            return self.session
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.auth = self.session.auth
            session.headers.update(self.session.headers)
            session.proxies = dict(self.session.proxies)
            interruptible = InterruptibleSession(session, self.cancel)
            with self._sessions_lock:
                self._thread_sessions.append((session, interruptible))
            self._local.session = session
        return session

    def __enter__(self) -> OneCClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- service ----------------------------------------------------------------------------------

    def service_entity_sets(self) -> set[str]:
        """Names in the service document: a cheap check of address, credentials and the composition."""
        data = self._get_json(query.url(self.base_url), action="чтении списка опубликованных объектов",
                              entity_set=None)
        values = data.get("value") if isinstance(data, dict) else None
        if not isinstance(values, list):
            raise RemoteError(f"Ответ {self.host} не похож на служебный документ OData 1С.",
                              "Проверьте, что адрес оканчивается на /odata/standard.odata/.")
        return {str(v.get("name") or v.get("url")) for v in values if isinstance(v, dict)}

    def published(self, names: list[str]) -> dict[str, bool]:
        """Which of `names` are in the OData composition."""
        available = self.service_entity_sets()
        return {name: name in available for name in names}

    def metadata(self, names: set[str] | None = None) -> dict[str, EntitySetInfo]:
        """Published entity sets with their properties, read from `$metadata` as a stream (it can be 15+ MB)."""
        response = self._send("GET", f"{self.base_url}$metadata", action="чтении $metadata", entity_set=None,
                              stream=True)
        try:
            if looks_like_html(b"", response.headers.get("Content-Type", "")):
                raise RemoteError(f"Вместо $metadata {self.host} вернул HTML-страницу.",
                                  "Проверьте адрес публикации OData.", status=response.status_code)
            response.raw.decode_content = True
            return parse_metadata(response.raw, names)
        except (ET.ParseError, ValueError) as exc:
            raise RemoteError(f"Не удалось разобрать $metadata от {self.host}: {exc}",
                              "Проверьте адрес публикации OData.", status=response.status_code) from None
        finally:
            response.close()

    def download_metadata(self, dest: IO[bytes], chunk_size: int = 1 << 16) -> int:
        """Stream `$metadata` into ``dest`` chunk by chunk (15–17 MB on a real base): never whole in memory."""
        response = self._send("GET", f"{self.base_url}$metadata", action="чтении $metadata", entity_set=None,
                              stream=True)
        size = 0
        try:
            if looks_like_html(b"", response.headers.get("Content-Type", "")):
                raise RemoteError(f"Вместо $metadata {self.host} вернул HTML-страницу.",
                                  "Проверьте адрес публикации OData.", status=response.status_code)
            for chunk in response.iter_content(chunk_size):
                dest.write(chunk)
                size += len(chunk)
        except requests.RequestException as exc:
            raise self._connection_failed(exc) from None
        finally:
            response.close()
        return size

    # --- reads ------------------------------------------------------------------------------------

    def list(self, entity_set: str, *, select: list[str] | None = None, filter: str | None = None,
             orderby: str | None = None, top: int | None = None, skip: int | None = None) -> list[dict]:
        """One request. `$skip` costs O(skip) on 1C — page only with a unique `orderby`."""
        params = self._params(select=select, filter=filter)
        if orderby:
            params["$orderby"] = orderby
        if top is not None:
            params["$top"] = str(top)
        if skip:
            params["$skip"] = str(skip)
        return self._collection(entity_set, params)

    def count(self, entity_set: str, *, filter: str | None = None) -> int:
        """Number of rows (`$inlinecount=allpages` with `$top=0`, so no rows travel)."""
        params = self._params(filter=filter)
        params.update({"$top": "0", "$inlinecount": "allpages"})
        data = self._get_json(query.url(self.base_url, query.entity_path(entity_set), params),
                              action=f"подсчёте «{entity_set}»", entity_set=entity_set)
        try:
            return int(data["odata.count"])
        except (KeyError, TypeError, ValueError):
            raise RemoteError(f"1С не вернула число строк «{entity_set}».") from None

    def iter_all(self, entity_set: str, *, select: list[str] | None = None, filter: str | None = None,
                 page_size: int = 500) -> Iterator[dict]:
        """Every row matching `filter`, without `$skip` (see the module docstring).

        - `select` without `*`/`**` (e.g. `Ref_Key, DataVersion, DeletionMark`): one request, all rows;
        - otherwise: one request with `$top=page_size+1`; when the set is bigger, one light request for the
          keys and the remaining rows by key (`get_many`). Sets without `Ref_Key` (registers) or with several
          rows per key (tabular-part sets) are read in one request.
        """
        light = select is not None and not any(s.strip() in ("*", "**") for s in select)
        if light:
            yield from self.list(entity_set, select=select, filter=filter)
            return
        first = self.list(entity_set, select=select, filter=filter, top=page_size + 1)
        if len(first) <= page_size:
            yield from first
            return
        keys = self._keys(entity_set, filter)
        if keys is None:
            yield from self.list(entity_set, select=select, filter=filter)
            return
        wanted = set(keys)
        seen: set[str] = set()
        for row in first:
            ref = str(row.get("Ref_Key", "")).lower()
            if ref in wanted and ref not in seen:  # rows deleted meanwhile are not in the key list
                seen.add(ref)
                yield row
        rest = [k for k in keys if k not in seen]
        for start in range(0, len(rest), page_size):
            batch = rest[start:start + page_size]
            found = self.get_many(entity_set, batch, select=select)
            for ref in batch:
                if ref in found:
                    yield found[ref]

    def _keys(self, entity_set: str, filter: str | None) -> list[str] | None:
        try:
            rows = self.list(entity_set, select=["Ref_Key"], filter=filter)
        except RemoteError as exc:
            if exc.code == "6":  # no Ref_Key in this set (registers, constants)
                return None
            raise
        keys = [str(r.get("Ref_Key", "")).lower() for r in rows]
        if len(set(keys)) != len(keys):
            return None  # a tabular-part set: several rows per Ref_Key
        return keys

    def get(self, entity_set: str, ref: str, *, select: list[str] | None = None) -> dict | None:
        """One object by key; None when 1C says it does not exist (404, code 9)."""
        params = self._params(select=select)
        url = query.url(self.base_url, query.entity_path(entity_set, ref), params)
        response = self._send("GET", url, action=f"чтении «{entity_set}»", entity_set=entity_set,
                              allow={404})
        if response.status_code == 404:
            error = parse_odata_error(response.content)
            if error is not None and error.code == "9":
                return None
            raise self._error(response, action=f"чтении «{entity_set}»", entity_set=entity_set)
        return strip_annotations(self._json(response, action=f"чтении «{entity_set}»"))

    def get_many(self, entity_set: str, refs: list[str], *, select: list[str] | None = None,
                 chunk: int = 20) -> dict[str, dict]:
        """Objects by key, keyed by lowercase Ref_Key; missing keys are simply absent.

        `Ref_Key eq guid'…' or …` filters of at most `chunk` keys, fewer when the query string would pass
        the IIS limit (2048 bytes) — long `$select` lists of Cyrillic names eat into it.
        """
        bad = [r for r in refs if not query.is_guid(r)]
        if bad:
            raise ValueError(f"get_many: не GUID: {bad[:3]!r}")
        wanted = list(dict.fromkeys(r.lower() for r in refs))
        if select is not None and "Ref_Key" not in select and not any(s.strip() in ("*", "**") for s in select):
            select = ["Ref_Key", *select]
        batches: list[list[str]] = []
        position = 0
        while position < len(wanted):
            batch = [wanted[position]]
            while position + len(batch) < len(wanted) and len(batch) < chunk:
                candidate = [*batch, wanted[position + len(batch)]]
                params = self._params(select=select, filter=query.or_of_keys(candidate))
                if len(query.encode_query({"$format": "json", **params})) > QUERY_BUDGET:
                    break
                batch = candidate
            position += len(batch)
            batches.append(batch)

        def read(keys: list[str]) -> list[dict]:
            return self.list(entity_set, select=select, filter=query.or_of_keys(keys))

        result: dict[str, dict] = {}
        for rows in self._map_reads(read, batches):
            for row in rows:
                result[str(row.get("Ref_Key", "")).lower()] = row
        return result

    def together(self, *reads: Callable[[], T]) -> list[T]:
        """Independent reads at once, results in order; the first failure (or a Stop) is raised.

        A poll lists a catalogue and its bank accounts; a slice reads the changed cards and their accounts: with
        ``parallel_reads`` > 1 they need not wait for each other. The reads' own key-filtered requests still share the
        ``parallel_reads`` lanes of :meth:`get_many`, so 1C sees at most a few more sessions than that."""
        if self.parallel_reads <= 1 or len(reads) <= 1:
            return [read() for read in reads]
        if self._together is None:
            self._together = ThreadPoolExecutor(max_workers=self.parallel_reads,
                                                thread_name_prefix="syncbridge-1c-together")
        futures = [self._together.submit(read) for read in reads[1:]]
        try:
            first = reads[0]()
        finally:
            wait(futures)  # never leave a read running behind the caller's back
        return [first, *(future.result() for future in futures)]

    # --- virtual tables of registers ---------------------------------------------------------------

    def virtual_table(self, register: str, function: str, *, period: datetime | None = None,
                      condition: str | None = None, dimensions: list[str] | None = None,
                      select: list[str] | None = None, filter: str | None = None) -> list[dict]:
        """`SliceLast` / `SliceFirst` / `Balance` of a register, parameters in the query string (see
        :func:`query.function_path`). `condition` filters records before the virtual table is computed (cheap on
        1C: it goes into the query's parameters); `filter` is `$filter` on the result rows."""
        params = self._params(select=select, filter=filter)
        if period is not None:
            params["Period"] = query.datetime_literal(period)
        if condition:
            params["Condition"] = condition
        if dimensions:
            params["Dimensions"] = ",".join(dimensions)
        return self._collection(register, params, path=query.function_path(register, function))

    def slice_last_many(self, register: str, field: str, refs: list[str], *, extra: str | None = None,
                        select: list[str] | None = None, period: datetime | None = None) -> list[dict]:
        """`SliceLast` restricted to `field` in `refs`, as many requests as the IIS query-string limit needs."""
        return self._by_chunks(refs, lambda cond: self.virtual_table(
            register, "SliceLast", period=period, condition=cond, select=select), field, extra, select)

    def balance_many(self, register: str, field: str, refs: list[str], *, dimensions: list[str],
                     extra: str | None = None, select: list[str] | None = None,
                     period: datetime | None = None) -> list[dict]:
        """`Balance` restricted to `field` in `refs`, chunked like :meth:`slice_last_many`."""
        return self._by_chunks(refs, lambda cond: self.virtual_table(
            register, "Balance", period=period, condition=cond, dimensions=dimensions, select=select),
            field, extra, select)

    def _by_chunks(self, refs: list[str], read: Any, field: str, extra: str | None,
                   select: list[str] | None) -> list[dict]:
        wanted = list(dict.fromkeys(r.lower() for r in refs))
        conditions: list[str] = []
        position = 0
        while position < len(wanted):
            batch = [wanted[position]]
            while position + len(batch) < len(wanted) and len(batch) < 40:
                candidate = [*batch, wanted[position + len(batch)]]
                condition = query.or_of_refs(field, candidate) + (f" and {extra}" if extra else "")
                params = {"Condition": condition, **self._params(select=select)}
                if len(query.encode_query({"$format": "json", **params})) > QUERY_BUDGET - 200:
                    break
                batch = candidate
            position += len(batch)
            conditions.append(query.or_of_refs(field, batch) + (f" and {extra}" if extra else ""))
        # like get_many: several key-filtered requests at once on the parallel_reads lanes, results in order
        rows: list[dict] = []
        for page in self._map_reads(read, conditions):
            rows.extend(page)
        return rows

    def _map_reads(self, read: Callable[[Any], T], jobs: list[Any]) -> Iterator[T]:
        """``read`` over ``jobs`` on the ``parallel_reads`` lanes (in order; the first failure or a Stop is
        raised), or one after another when there is one lane or one job."""
        if len(jobs) > 1 and self.parallel_reads > 1:
            if self._readers is None:
                self._readers = ThreadPoolExecutor(max_workers=self.parallel_reads,
                                                   thread_name_prefix="syncbridge-1c-read")
            return self._readers.map(read, jobs)
        return map(read, jobs)

    # --- writes -----------------------------------------------------------------------------------

    def create(self, entity_set: str, body: dict) -> dict:
        """POST -> the created object (201). Never retried; AnswerLost when the answer went missing."""
        url = query.url(self.base_url, query.entity_path(entity_set))
        return self._write("POST", url, body, entity_set, action=f"создании объекта «{entity_set}»")

    def update(self, entity_set: str, ref: str, body: dict) -> dict:
        """PATCH -> the whole object after the write (200). Tabular parts in `body` replace the tables
        whole (rows need LineNumber 1..n). 1C silently drops unknown fields: re-read and compare."""
        url = query.url(self.base_url, query.entity_path(entity_set, ref))
        return self._write("PATCH", url, body, entity_set, action=f"изменении «{entity_set}»")

    def post_document(self, entity_set: str, ref: str) -> None:
        """`POST Document_X(guid'…')/Post?PostingModeOperational=false`.

        A refusal (fill check, no free stock — HTTP 500, code -1) is :class:`PostingRefused` with 1C's own
        text; the document stays unposted. A lost answer is AnswerLost: re-read `Posted` before posting again
        (posting twice is harmless in 1C, but the caller must know which state it is in)."""
        self._document_action(entity_set, ref, "Post")

    def unpost_document(self, entity_set: str, ref: str) -> None:
        """`POST Document_X(guid'…')/Unpost`: the document stays, its movements go."""
        self._document_action(entity_set, ref, "Unpost")

    def find_by(self, entity_set: str, field: str, value: str, *, select: list[str] | None = None) -> list[dict]:
        """Rows whose string attribute `field` equals `value` (identity lookups, e.g. an order by deal)."""
        return self.list(entity_set, select=select, filter=f"{field} eq {query.string_literal(value)}")

    def _document_action(self, entity_set: str, ref: str, action: str) -> None:
        url = query.url(self.base_url, query.entity_path(entity_set, ref) + "/" + action,
                        {"PostingModeOperational": "false"})
        verb = "проведении" if action == "Post" else "отмене проведения"
        try:
            self._write("POST", url, None, entity_set, action=f"{verb} «{entity_set}»", expect_body=False)
        except RemoteError as exc:
            if exc.status == 500 and exc.code == "-1" and not isinstance(exc, PostingRefused):
                # keep 1C's own words: "…HTTP 500, код 1С -1: Не удалось провести …"
                text = exc.message.split("код 1С -1: ", 1)[-1]
                raise PostingRefused(
                    f"1С не провела документ «{entity_set}» ({ref}): {text}",
                    "Документ сохранён непроведённым. Исправьте причину в 1С (или в исходных данных) — "
                    "при следующей синхронизации программа попробует провести его снова.",
                    code=exc.code, status=exc.status,
                ) from None
            raise

    def _request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """session.request, but a request cut by a Stop (see core.cancel.InterruptibleSession) says so."""
        try:
            return self._session().request(method, url, **kwargs)
        except requests.RequestException:
            raise_if_cancelled(self.cancel)
            raise

    def _write(self, method: str, url: str, body: dict | None, entity_set: str, *, action: str,
               expect_body: bool = True) -> dict:
        data = dumps(body) if body is not None else b""
        lost_hint = ("Запись могла сохраниться в 1С. Прежде чем повторять, найдите объект в 1С "
                     "(по ключу или реквизитам) — повторная отправка может создать дубль.")
        try:
            response = self._request(method, url, data=data, timeout=self.timeout, verify=self._verify,
                                     allow_redirects=False,
                                     headers={"Content-Type": "application/json;charset=utf-8"})
        except requests.exceptions.SSLError as exc:
            raise self._tls_failed(exc) from None
        except requests.RequestException as exc:
            if _connect_phase(exc):
                raise self._connection_failed(exc) from None
            raise AnswerLost(f"Ответ 1С при {action} потерян ({self.host}): {_reason(exc)}.", lost_hint) from None
        status = response.status_code
        content_type = response.headers.get("Content-Type", "")
        if 300 <= status < 400:
            # nothing was written: a redirect is answered before the handler runs
            raise refused_redirect(self.host, response)
        if status in RETRY_STATUSES or (looks_like_html(response.content, content_type) and (
                status < 300 or status >= 500)):
            raise AnswerLost(f"Ответ 1С при {action} потерян ({self.host}): "
                             f"{describe(status, response.content, content_type)}.", lost_hint)
        if status >= 400:
            raise self._error(response, action=action, entity_set=entity_set)
        if not expect_body:
            return {}  # actions answer 200 or 204, with or without a body (the status is not documented)
        try:
            return strip_annotations(self._json(response, action=action))
        except RemoteError:
            raise AnswerLost(f"Ответ 1С при {action} не удалось прочитать ({self.host}).", lost_hint) from None

    # --- transport --------------------------------------------------------------------------------

    def _params(self, *, select: list[str] | None = None, filter: str | None = None) -> dict[str, str]:
        params: dict[str, str] = {}
        if select:
            params["$select"] = ",".join(s.strip() for s in select)
        if filter:
            params["$filter"] = filter
        return params

    def _collection(self, entity_set: str, params: dict[str, str], *, path: str | None = None) -> list[dict]:
        url = query.url(self.base_url, path or query.entity_path(entity_set), params)
        data = self._get_json(url, action=f"чтении «{entity_set}»", entity_set=entity_set)
        values = data.get("value") if isinstance(data, dict) else None
        if not isinstance(values, list):
            raise RemoteError(f"1С вернула неожиданный ответ при чтении «{entity_set}» ({self.host}).",
                              status=200)
        return values

    def _get_json(self, url: str, *, action: str, entity_set: str | None) -> Any:
        response = self._send("GET", url, action=action, entity_set=entity_set)
        return self._json(response, action=action)

    def _json(self, response: requests.Response, *, action: str) -> Any:
        content_type = response.headers.get("Content-Type", "")
        if looks_like_html(response.content, content_type):
            raise map_error(response.status_code, response.content, content_type, host=self.host,
                            user=self.user, action=action, entity_set=None)
        try:
            return loads(response.content)
        except ValueError:
            raise RemoteError(f"1С вернула не JSON при {action} ({self.host}): "
                              f"{describe(response.status_code, response.content, content_type)}",
                              "Проверьте адрес публикации OData.", status=response.status_code) from None

    def _send(self, method: str, url: str, *, action: str, entity_set: str | None, stream: bool = False,
              allow: set[int] | None = None) -> requests.Response:
        """GET with bounded retries on connect errors and 502/503/504; error statuses become exceptions."""
        attempts = len(self.retry_delays) + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            raise_if_cancelled(self.cancel)
            try:
                response = self._request(method, url, timeout=self.timeout, stream=stream,
                                         verify=self._verify, allow_redirects=False)
            except requests.exceptions.SSLError as exc:
                raise self._tls_failed(exc) from None
            except requests.exceptions.ConnectionError as exc:  # incl. ConnectTimeout and a dropped connection
                if last:
                    raise self._connection_failed(exc) from None
                log.info("1С: повтор GET после ошибки соединения (%s)", _reason(exc))
                self._sleep(self.retry_delays[attempt])
                continue
            except requests.exceptions.ReadTimeout as exc:
                raise self._connection_failed(exc) from None
            except requests.RequestException as exc:
                raise self._connection_failed(exc) from None
            if 300 <= response.status_code < 400:
                response.close()
                raise refused_redirect(self.host, response)
            if response.status_code in RETRY_STATUSES and not last:
                log.info("1С: повтор GET после HTTP %s", response.status_code)
                response.close()
                self._sleep(self.retry_delays[attempt])
                continue
            if response.status_code >= 400 and response.status_code not in (allow or ()):
                raise self._error(response, action=action, entity_set=entity_set)
            return response
        raise AssertionError("unreachable")

    def _error(self, response: requests.Response, *, action: str, entity_set: str | None) -> SyncBridgeError:
        return map_error(response.status_code, response.content, response.headers.get("Content-Type", ""),
                         host=self.host, user=self.user, action=action, entity_set=entity_set)

    def _connection_failed(self, exc: requests.RequestException) -> ConnectionFailed:
        return messages.error(ConnectionFailed, "onec_connection", {"host": self.host, "reason": _reason(exc)})

    def _tls_failed(self, exc: requests.RequestException) -> TLSFailed:
        return messages.error(TLSFailed, "onec_tls", {"host": self.host})


def _reason(exc: BaseException) -> str:
    fragments = messages.ERROR_FRAGMENTS
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return fragments["connect_timeout"]
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return fragments["read_timeout"]
    text = repr(exc)
    if "NameResolution" in text or "getaddrinfo" in text or "Name or service not known" in text:
        return fragments["dns"]
    if "Connection refused" in text or "ConnectionRefused" in text or "WinError 10061" in text:
        return fragments["refused"]
    if "RemoteDisconnected" in text or "reset" in text.lower() or "aborted" in text.lower():
        return fragments["reset"]
    return fragments["connection"]


def refused_redirect(host: str, response: requests.Response) -> ConfigError:
    """1C is never followed to another address: Basic credentials would go along, maybe to plain http."""
    target = urlsplit(urljoin(response.url or "", response.headers.get("Location", "")))
    where = f"{target.scheme}://{target.hostname}" + (f":{target.port}" if target.port else "") \
        if target.hostname else "адрес не указан"
    return ConfigError(
        f"Сервер 1С {host} перенаправляет запрос ({response.status_code}) на {mask_url(where)}. Перенаправления "
        "не выполняются: вместе с запросом ушли бы логин и пароль 1С.",
        "Укажите в настройках конечный адрес публикации 1С (тот, куда ведёт перенаправление), по https://.")
