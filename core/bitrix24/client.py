"""Bitrix24 REST client for one portal over an incoming webhook.

Rules it keeps (notes §2, §3, §11):
- POST JSON to ``{webhook}{method}.json`` over one session per thread, TLS always verified (system store or
  the box's private CA via ``ca_file``; there is no switch to turn verification off);
- at most ``max_in_flight`` requests at once (``batch_many`` uses them, see inflight.py), all paced by the one
  client-side leaky bucket; 503 QUERY_LIMIT_EXCEEDED is retried with backoff, 429 OPERATION_TIME_LIMIT waits
  for the method's ``operating_reset_at``;
- a *read* may be re-sent after a lost answer, a *write* never: it raises :class:`AnswerLost` and
  the sync engine looks the record up by its identity field (ORIGIN_ID / XML_ID);
- the webhook code never appears in a log line or an exception text.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import requests
import urllib3.exceptions

from core import messages
from core.cancel import InterruptibleSession, cancellable_sleep, raise_if_cancelled
from core.errors import AnswerLost, Cancelled, ConfigError, ConnectionFailed, RemoteError, SyncBridgeError, TLSFailed
from core.redact import SecretMaskingFilter, mask_text

from . import redirects
from .batch import MAX_COMMANDS, BatchResult, carries_data_reference, encode_command, reference, split_batch
from .batch_answer import MalformedAnswer, check_batch_answer
from .batch_parts import send_in_parts
from .envelope import ErrorInfo, decode_body, error_of, time_of
from .inflight import InFlight, OutOfBudget, Stream, clamp_in_flight, default_in_flight
from .methods import is_read_method
from .remote_errors import error_for, remote_error
from .throttle import PROBE_WAIT, LeakyBucket, OperatingTracker, Turns, backoff_delay
from .webhook import parse_webhook_url

log = logging.getLogger(__name__)

USER_AGENT = "SyncBridge/0.1"
PAGE_SIZE = 50
#: wait after a 429 when no ``operating_reset_at`` was ever seen for the method (a basket is 1 min)
DEFAULT_OPERATING_WAIT = 60.0
#: the operating window is 10 minutes: a reset further away than this is a wrong clock or a hostile answer, and
#: the run stops with a reason instead of hanging for days
MAX_OPERATING_WAIT = 11 * 60.0
#: long waits are slept in slices so that «Остановить» works during them
WAIT_SLICE = 1.0
#: answer wrappers of list methods that do not return a bare array
LIST_WRAPPERS = ("items", "products", "storeProducts", "tasks", "documents", "templates", "stores", "prices")
_EOF_MARKERS = ("UNEXPECTED_EOF", "EOF occurred", "EOF in violation", "Connection reset")
_TLS_REASON_RE = re.compile(r"(certificate verify failed: [^()'\"\]]+|[Hh]ostname mismatch[^()'\"\]]*)")


#: slots kept below the portal's burst: the client counts a request when it leaves, the portal when it has read it.
#: Two slots (1 s at 2 requests a second) still drew 4 refusals in the saturated stretch of a 20 000-product load;
#: the likely cause is a portal that read some requests over a second late (a busy portal process, fresh TLS
#: connections after a budget wait). Four slots cost 1 s more only on runs bound by the request rate.
BURST_HEADROOM = 4
Commands = dict[str, tuple[str, dict]]


def _tls_reason_ru(detail: str) -> str:
    """OpenSSL's English reason in words an admin reads (the original goes to the log)."""
    low = detail.lower()
    fragments = messages.ERROR_FRAGMENTS
    if "hostname mismatch" in low or "doesn't match" in low or "not valid for" in low:
        return fragments["tls_hostname"]
    if "expired" in low:
        return fragments["tls_expired"]
    if "self-signed" in low or "self signed" in low or "unable to get local issuer" in low or "unknown ca" in low:
        return fragments["tls_unknown_ca"]
    if "revoked" in low:
        return fragments["tls_revoked"]
    return fragments["tls_other"]


def _checking(sleep: Callable[[float], None], cancel: threading.Event) -> Callable[[float], None]:
    """An injected (test) sleep that still honours a Stop before and after it."""

    def wrapped(seconds: float) -> None:
        raise_if_cancelled(cancel)
        sleep(seconds)
        raise_if_cancelled(cancel)

    return wrapped


class Bitrix24Client:
    def __init__(
        self,
        webhook_url: str,
        *,
        ca_file: str | None = None,
        timeout: tuple[float, float] = (5, 65),
        rate: float = 2.0,
        burst: int = 50,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.time,
        cancel: threading.Event | None = None,
        proxy: str = "",
        max_in_flight: int | None = None,
    ) -> None:
        """``sleep``/``clock`` are injectable so tests can run waits instantly on a shared fake clock;
        ``clock`` is wall time because ``operating_reset_at`` is a unix timestamp. ``cancel``: a Stop raises
        :class:`Cancelled` before the next request and within a fraction of a second during any wait.
        ``max_in_flight``: requests at once to this portal (None: the default for a cloud or a box portal)."""
        _mask_transport_logs()
        self._cancel = cancel
        if sleep is None:
            sleep = cancellable_sleep(cancel)
        elif cancel is not None:
            sleep = _checking(sleep, cancel)
        self._webhook = parse_webhook_url(webhook_url)
        if ca_file is not None and not Path(ca_file).is_file():
            raise ConfigError(
                f"Файл сертификата удостоверяющего центра не найден: {ca_file}.",
                "Укажите PEM-файл корневого сертификата, которым подписан сертификат портала.",
            )
        self._verify: str | bool = str(ca_file) if ca_file else True
        self._timeout = timeout
        self._rate = rate
        self._sleep = sleep
        self._clock = clock
        #: set by the run's «Остановить»: long waits end early with Cancelled
        self.cancel = cancel
        # keep slots of headroom: the portal's counter drains on its clock and sees our request a little later
        # than we send it, so pacing to the exact limit still drew one 503 per exhausted burst (measured)
        self._bucket = LeakyBucket(rate, max(1, burst - BURST_HEADROOM), sleep=sleep, clock=clock)
        self._operating = OperatingTracker(clock=clock)
        self._proxy = proxy
        # requests.Session is not guaranteed thread-safe: one per thread (batch_many's workers get their own), each
        # cut by a Stop like the first one (InterruptibleSession)
        self._local = threading.local()
        self._sessions: list[tuple[requests.Session, InterruptibleSession]] = []
        self._sessions_lock = threading.Lock()
        in_flight = clamp_in_flight(max_in_flight if max_in_flight is not None
                                    else default_in_flight(self._webhook.method_url("")))
        # a bounded number of requests at once, whichever threads send them; the bucket paces them all. The caller's
        # own requests (lookups a sync waits for) go before the write batches queued on the lanes, and one slot is
        # kept for them (Turns)
        self._slots = Turns(in_flight, kept_for_urgent=1)
        self._in_flight = InFlight(in_flight)
        #: bounded retries; plain attributes so a caller (or a test) may tune them
        self.max_limit_retries = 6
        self.max_read_retries = 2
        self.max_operating_waits = 2
        self.chain_length = MAX_COMMANDS

    # ----- public API ----------------------------------------------------------------------------
    @property
    def webhook_masked(self) -> str:
        return self._webhook.masked

    @property
    def max_in_flight(self) -> int:
        return self._in_flight.limit

    @property
    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            # a Stop cuts a request waiting for a silent portal instead of waiting out the read timeout
            interruptible = InterruptibleSession(session, self._cancel)
            session.headers.update({"Accept": "application/json", "User-Agent": USER_AGENT})
            if self._proxy:
                session.proxies = {"http": self._proxy, "https": self._proxy}
            self._local.session = session
            with self._sessions_lock:
                self._sessions.append((session, interruptible))
        return session

    def call(self, method: str, params: dict | None = None) -> Any:
        """Call one method and return ``result``."""
        return self.call_raw(method, params)["result"]

    def call_raw(self, method: str, params: dict | None = None) -> dict:
        """Call one method and return the whole envelope (``result``, ``total``, ``next``, ``time``)."""
        return self._request(method, params or {}, is_read=is_read_method(method), billed=[method])

    def batch(self, commands: dict[str, tuple[str, dict]], *, halt: bool = False) -> BatchResult:
        """Run up to 50 commands in one HTTP request. Per-command failures land in ``.errors``
        (RemoteError); with ``halt`` the portal stops at the first failing command."""
        if len(commands) > MAX_COMMANDS:
            raise ValueError(f"batch takes at most {MAX_COMMANDS} commands, got {len(commands)}")
        if not commands:
            return BatchResult()
        if any(carries_data_reference(params) for _method, params in commands.values()):
            return send_in_parts(self, commands, halt=halt)
        return self._batch_once(commands, halt=halt)

    def _batch_once(self, commands: dict[str, tuple[str, dict]], *, halt: bool) -> BatchResult:
        cmd = {str(key): encode_command(method, params) for key, (method, params) in commands.items()}
        methods = {str(key): method for key, (method, _params) in commands.items()}
        is_read = all(is_read_method(method) for method in methods.values())
        envelope = self._request(
            "batch", {"halt": 1 if halt else 0, "cmd": cmd}, is_read=is_read, billed=["batch", *methods.values()]
        )
        result, raw_errors = split_batch(envelope.get("result"))
        for key, raw in raw_errors.items():
            info = error_of(raw) if isinstance(raw, Mapping) else None
            result.errors[key] = remote_error(methods.get(key, "batch"), info or ErrorInfo("", ""), None)
        check_batch_answer(envelope.get("result"), result, methods, halt=halt)
        return result

    def batch_many(self, batches: Sequence[Commands], *, cancel: threading.Event | None = None
                   ) -> Iterator[tuple[int, BatchResult | SyncBridgeError]]:
        """Send each batch (≤ 50 commands, as given) with up to ``max_in_flight`` in flight; yield
        ``(index, BatchResult)`` or ``(index, AnswerLost | RemoteError)`` in completion order, on the caller's
        thread. A lost answer is never re-sent. With ``cancel`` set no new batch starts; those in flight finish
        and are yielded. Other errors (portal unreachable…) are raised once the batches in flight are yielded."""
        return self._in_flight.run(self.batch, batches, cancel=cancel)

    def batch_stream(self, *, cancel: threading.Event | None = None,
                     defer_after: float | None = None) -> Stream[Commands, BatchResult]:
        """Batches handed in over a whole run on the same ``max_in_flight`` lanes as :meth:`batch_many`, outcomes
        collected when the caller wants them (see inflight.Stream): a sync keeps the lanes busy across slices.

        ``defer_after``: a batch whose methods would first have to wait longer than this for their operating budget
        is not sent but handed back as :class:`OutOfBudget` — the sync runs other entities meanwhile."""
        def send(commands: Commands) -> BatchResult:
            self._local.queued = True  # a lane's write: the caller's own requests go first (Turns)
            self._local.defer_after = defer_after  # read (and cleared) by the batch's first admission
            try:
                return self.batch(commands)
            finally:
                self._local.defer_after = None

        return self._in_flight.stream(send, cancel=cancel)

    def budget_pause(self, methods: set[str]) -> float:
        """Seconds a full batch of any of these methods would first wait for its operating budget."""
        return max((self._operating.pause_before(method, 50) for method in methods), default=0.0)

    def budget_wait(self) -> float | None:
        """Seconds until the soonest reset of a method whose operating budget is spent (None: none is)."""
        return self._operating.soonest_reset()

    def list_all(self, method: str, params: dict | None = None, *, id_key: str = "ID") -> Iterator[dict]:
        """Every record of a list method, by the fast method of huge-data.md.

        ``order`` is forced to ``{id_key: ASC}``, pages are ID windows (``>ID`` = last seen) with
        ``start=-1`` (no COUNT on the portal). After the first page the windows are chained inside
        batches via ``$result[prev][49][ID]``: up to 2,500 records per HTTP request.
        """
        base = dict(params or {})
        user_filter = dict(base.pop("filter", None) or {})
        after: Any = user_filter.pop(f">{id_key}", None)
        base.pop("order", None)
        base.pop("start", None)
        select = base.get("select")
        if isinstance(select, Sequence) and not isinstance(select, str) and select:
            if "*" not in select and id_key not in select:
                base["select"] = [*select, id_key]

        def page_params(last: Any) -> dict:
            window = dict(user_filter)
            if last is not None:
                window[f">{id_key}"] = last
            return {**base, "order": {id_key: "ASC"}, "filter": window, "start": -1}

        rows, wrapper = _unwrap(self.call(method, page_params(after)), method)
        yield from rows
        if len(rows) < PAGE_SIZE:
            return
        last = rows[-1][id_key]
        # windows after a short page resolve their reference to nothing and are wasted work on the
        # portal; growing the chain 5, 10, 20, 40, 50 keeps that waste small for modest lists
        chain = 5
        while True:
            keys = [f"p{i}" for i in range(min(chain, self.chain_length))]
            chain *= 2
            path = [wrapper] if wrapper else []
            commands = {
                key: (method, page_params(last if i == 0 else reference(keys[i - 1], *path, PAGE_SIZE - 1, id_key)))
                for i, key in enumerate(keys)
            }
            outcome = self.batch(commands, halt=True)
            for key in keys:
                if key in outcome.errors:
                    raise outcome.errors[key]
                if key not in outcome.result:
                    raise RemoteError(
                        f"Битрикс24 прервал пакетную выборку {method} без объяснения.",
                        "Повторите синхронизацию позже.",
                    )
                page, _ = _unwrap(outcome.result[key], method)
                # guard: a window whose reference did not resolve would restart from the beginning
                fresh = [row for row in page if _as_int(row.get(id_key)) > _as_int(last)]
                yield from fresh
                if len(page) < PAGE_SIZE or len(fresh) < len(page):
                    return
                last = page[-1][id_key]

    def scopes(self) -> list[str]:
        result = self.call("scope")
        return [str(s) for s in result] if isinstance(result, list) else []

    def method_available(self, name: str) -> bool:
        result = self.call("method.get", {"name": name})
        return isinstance(result, Mapping) and bool(result.get("isExisting")) and bool(result.get("isAvailable"))

    def close(self) -> None:
        self._in_flight.close()
        with self._sessions_lock:
            sessions, self._sessions = self._sessions, []
        for session, interruptible in sessions:
            interruptible.close()
            session.close()
        self._local = threading.local()

    def __enter__(self) -> Bitrix24Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----- transport -----------------------------------------------------------------------------
    def _request(self, method: str, params: dict, *, is_read: bool, billed: list[str]) -> dict:
        with self._slots.hold(urgent=not getattr(self._local, "queued", False)):
            return self._exchange(method, params, is_read=is_read, billed=billed)

    def _exchange(self, method: str, params: dict, *, is_read: bool, billed: list[str]) -> dict:
        payload = json.dumps(params, ensure_ascii=False, default=str).encode("utf-8")
        limit_retries = read_retries = operating_waits = 0
        redirected = False
        while True:
            raise_if_cancelled(self._cancel)
            reservation = self._wait_for_operating_budget(billed)
            try:
                self._bucket.acquire(urgent=not getattr(self._local, "queued", False))
                raise_if_cancelled(self._cancel)
                url = self._webhook.method_url(method)
                log.debug("Bitrix24 POST %s", self._webhook.masked + method)
                response = self._session.post(
                    url,
                    data=payload,
                    headers={"Content-Type": "application/json; charset=utf-8"},
                    timeout=self._timeout,
                    verify=self._verify,
                    allow_redirects=False,
                )
                body = decode_body(response.content)
                if body is not None:
                    self._record_times(method, params, body)
            except requests.exceptions.RequestException as exc:
                raise_if_cancelled(self._cancel)  # cut by a Stop: say so, not "connection lost"
                lost_reason = self._transport_failure(method, exc)
                if is_read and read_retries < self.max_read_retries:
                    self._sleep(backoff_delay(read_retries, base=1.0))
                    read_retries += 1
                    continue
                raise self._lost(method, lost_reason, is_read) from None
            finally:
                # the answer's times are recorded (or there is no answer): the estimate is no longer needed
                self._operating.release(reservation)

            status = response.status_code
            if status in (301, 302, 303, 307, 308):
                if redirected:
                    raise RemoteError(
                        f"Битрикс24 перенаправляет запросы повторно ({self._webhook.masked}).",
                        "Проверьте адрес портала: возможно, домен менялся несколько раз.",
                        status=status,
                    )
                self._follow_redirect(method, response.headers.get("Location", ""))
                redirected = True
                continue

            # 502/504 come from a gateway in front of the portal, whatever their body says: the
            # portal may have done the work, we just do not know
            if body is None or status in (502, 504):
                if body is None and 400 <= status < 500:
                    # a front-door rejection (wrong path, proxy auth): nothing reached the portal
                    raise RemoteError(
                        f"По адресу {self._webhook.masked} отвечает не REST API Битрикс24 (HTTP {status}).",
                        "Проверьте адрес портала и путь вебхука; если портал за прокси, проверьте его настройки.",
                        status=status,
                    )
                if is_read and read_retries < self.max_read_retries:
                    self._sleep(backoff_delay(read_retries, base=1.0))
                    read_retries += 1
                    continue
                what = "ответ шлюза" if body is not None else "страница вместо JSON"
                raise self._lost(method, f"{what} (HTTP {status})", is_read)

            error = error_of(body)
            if error is None:
                if "result" not in body:
                    raise self._lost(method, f"в ответе нет поля result (HTTP {status})", is_read)
                return body

            key = error.key
            if key == "QUERY_LIMIT_EXCEEDED" and limit_retries < self.max_limit_retries:
                # refused before execution: re-sending is safe for writes too
                self._bucket.mark_full()
                delay = backoff_delay(limit_retries, base=max(1.0 / self._rate, 0.5))
                log.info("Bitrix24: QUERY_LIMIT_EXCEEDED on %s, waiting %.1f s", method, delay)
                self._sleep(delay)
                limit_retries += 1
                continue
            if key == "OPERATION_TIME_LIMIT" and operating_waits < self.max_operating_waits:
                delay = self._operating_wait(billed)
                log.info("Bitrix24: OPERATION_TIME_LIMIT on %s, pausing %.0f s", method, delay)
                self._wait_operating(method, delay)
                for name in billed:
                    self._operating.forget(name)
                operating_waits += 1
                continue
            if key in ("INTERNAL_SERVER_ERROR", "ERROR_UNEXPECTED_ANSWER") and is_read:
                if read_retries < self.max_read_retries:
                    self._sleep(backoff_delay(read_retries, base=1.0))
                    read_retries += 1
                    continue
            raise error_for(method, error, status, self._webhook.masked)

    def _wait_for_operating_budget(self, billed: list[str]) -> dict[str, float]:
        """Wait until the calls of this request fit the methods' operating budgets, counting what the requests in
        flight will spend (throttle.OperatingTracker.admit); return the reservation to release after the answer."""
        calls = Counter(billed)
        # only a batch's first admission may be deferred: nothing of it has been sent yet
        defer_after, self._local.defer_after = getattr(self._local, "defer_after", None), None
        while True:
            pause, reservation = self._operating.admit(calls)
            if pause <= 0:
                return reservation
            if defer_after is not None and pause > max(defer_after, PROBE_WAIT):
                raise OutOfBudget(pause)
            if pause > PROBE_WAIT:
                log.info("Bitrix24: operating budget nearly spent, pausing %.0f s", pause)
            self._wait_operating(billed[0] if billed else "batch", pause)
            for name in calls:
                self._operating.forget(name)

    def _record_times(self, method: str, params: dict, body: dict) -> None:
        """What the answer says each method has spent: the request's own ``time`` and, for a batch, every
        command's (``result_time``); a command refused with OPERATION_TIME_LIMIT marks its method as spent."""
        self._operating.record(method, time_of(body.get("time")))
        if method != "batch" or not isinstance(body.get("result"), Mapping):
            return
        sent = params.get("cmd")
        if not isinstance(sent, Mapping):
            return
        methods = {str(key): str(cmd).split("?", 1)[0] for key, cmd in sent.items()}
        times = body["result"].get("result_time")
        if isinstance(times, Mapping):
            for key, raw in times.items():
                if str(key) in methods and isinstance(raw, Mapping):
                    self._operating.record(methods[str(key)], time_of(raw))
        errors = body["result"].get("result_error")
        if isinstance(errors, Mapping):
            for key, raw in errors.items():
                info = error_of(raw) if isinstance(raw, Mapping) else None
                if info is not None and info.key == "OPERATION_TIME_LIMIT" and str(key) in methods:
                    self._operating.blocked(methods[str(key)])

    def _wait_operating(self, method: str, seconds: float) -> None:
        """Wait for the portal's operating reset: bounded, in slices that watch the cancel event."""
        if seconds > MAX_OPERATING_WAIT:
            raise RemoteError(
                f"Битрикс24 заблокировал метод {method} на {seconds / 60:.0f} мин (operating_reset_at) — дольше "
                f"допустимых {MAX_OPERATING_WAIT / 60:.0f} мин. Синхронизация остановлена.",
                "Лимит времени выполнения снимается за 10 минут; если ожидание больше, на портале или на этом "
                "компьютере неверные часы. Проверьте время и повторите синхронизацию позже.",
                code="OPERATION_TIME_LIMIT",
            )
        wait_sliced(seconds, self._sleep, self.cancel)

    def _operating_wait(self, billed: list[str]) -> float:
        resets = [r for r in (self._operating.reset_at(name) for name in billed) if r is not None]
        if not resets:
            return DEFAULT_OPERATING_WAIT
        # +1 s: the portal rounds reset_at up and its clock is not ours
        return max(1.0, max(resets) - self._clock() + 1.0)

    def _follow_redirect(self, method: str, location: str) -> None:
        """A renamed cloud portal answers 302: re-send the POST there, but only to the same portal (redirects.py)."""
        if not location:
            raise RemoteError("Битрикс24 ответил перенаправлением без адреса.", "Проверьте адрес портала.")
        target = urljoin(self._webhook.method_url(method), location)
        old = self._webhook.masked
        self._webhook = redirects.follow(self._webhook, target)
        log.warning("Bitrix24 portal moved: %s -> %s", old, self._webhook.masked)

    def _transport_failure(self, method: str, exc: requests.exceptions.RequestException) -> str:
        """Raise at once when nothing reached the portal; otherwise return why the answer is lost."""
        host = self._webhook.host
        detail = mask_text(str(exc))
        log.debug("Bitrix24 transport error on %s: %s", method, detail)
        if isinstance(exc, requests.exceptions.SSLError) and not any(m in detail for m in _EOF_MARKERS):
            found = _TLS_REASON_RE.search(detail)
            log.info("Bitrix24 TLS failure on %s: %s", host, found.group(1).strip() if found else detail)
            raise messages.error(TLSFailed, "b24_tls", {"host": host, "reason": _tls_reason_ru(detail)}) from None
        if isinstance(exc, requests.exceptions.ConnectTimeout) or (
            isinstance(exc, requests.exceptions.ConnectionError) and _never_sent(exc)
        ):
            raise messages.error(ConnectionFailed, "b24_connection",
                                 {"host": host, "reason": _short_reason(exc)}) from None
        if isinstance(exc, requests.exceptions.ReadTimeout):
            return f"нет ответа за {self._timeout[1]:.0f} с"
        if isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError)):
            return "соединение оборвалось после отправки запроса"
        raise ConnectionFailed(
            f"Ошибка обмена с Битрикс24 {host}: {_short_reason(exc)}.", "Повторите попытку позже."
        ) from None

    def _lost(self, method: str, reason: str, is_read: bool) -> Exception:
        if is_read:
            return ConnectionFailed(
                f"Битрикс24 {self._webhook.host} не ответил на {method}: {reason}.",
                "Проверьте связь с порталом и повторите попытку.",
            )
        return AnswerLost(
            f"Ответ Битрикс24 на {method} потерян: {reason}. Запись могла сохраниться.",
            "Запрос не отправлялся повторно: перед новой попыткой запись будет найдена по внешнему "
            "идентификатору (ORIGIN_ID / XML_ID).",
        )


def _mask_transport_logs() -> None:
    """urllib3 logs every request line with its path (``POST /rest/1/<code>/…``) at DEBUG. A filter on
    the root logger does not see records propagated from child loggers, so mask at the source."""
    for name in ("urllib3.connectionpool", "urllib3.util.retry", "requests"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, SecretMaskingFilter) for f in logger.filters):
            logger.addFilter(SecretMaskingFilter())


def _never_sent(exc: requests.exceptions.ConnectionError) -> bool:
    """True when the connection itself failed (DNS, refused, connect timeout): no byte of the request left."""
    reason: Any = exc.args[0] if exc.args else None
    if isinstance(reason, urllib3.exceptions.MaxRetryError):
        reason = reason.reason
    return isinstance(reason, (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError))


def _short_reason(exc: Exception) -> str:
    reason: Any = exc.args[0] if exc.args else exc
    if isinstance(reason, urllib3.exceptions.MaxRetryError) and reason.reason is not None:
        reason = reason.reason
    if isinstance(reason, urllib3.exceptions.NameResolutionError):
        return messages.ERROR_FRAGMENTS["dns"]
    text = mask_text(str(reason))
    if "Connection refused" in text:
        return messages.ERROR_FRAGMENTS["refused_b24"]
    if isinstance(reason, urllib3.exceptions.ConnectTimeoutError) or "timed out" in text:
        return messages.ERROR_FRAGMENTS["connect_timeout_b24"]
    # drop the pool/URL boilerplate; the masked tail after the last colon is the useful part
    return text.rsplit(": ", 1)[-1].strip(" ')\"") or type(reason).__name__


def _unwrap(result: Any, method: str = "list") -> tuple[list[dict], str | None]:
    """A list page as (rows, wrapper key): bare arrays for legacy lists, ``{"items": […]}`` for crm.item.
    Anything else is a malformed answer, never an empty page (that would read as "nothing in the portal")."""
    if isinstance(result, list):
        return [r for r in result if isinstance(r, dict)], None
    if isinstance(result, Mapping):
        for key in LIST_WRAPPERS:
            if isinstance(result.get(key), list):
                return [r for r in result[key] if isinstance(r, dict)], key
        for key, value in result.items():
            if isinstance(value, list):
                return [r for r in value if isinstance(r, dict)], str(key)
    raise MalformedAnswer(method, f"вместо списка пришло {type(result).__name__}")


def _as_int(value: Any) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return -1


def wait_sliced(seconds: float, sleep: Callable[[float], None], cancel: threading.Event | None) -> None:
    """Sleep ``seconds`` in slices of at most WAIT_SLICE, raising Cancelled as soon as ``cancel`` is set."""
    remaining = seconds
    while remaining > 0:
        if cancel is not None and cancel.is_set():
            raise Cancelled("Синхронизация остановлена во время паузы, которую попросил Битрикс24.",
                            "Уже записанное сохранено; остальное будет перенесено при следующем запуске.")
        step = min(WAIT_SLICE, remaining)
        sleep(step)
        remaining -= step
