"""Turning answers of a 1C OData publication into :mod:`core.errors` exceptions.

Decisions are made on the HTTP status and the machine code `odata.error.code` only — the Russian text
differs between platform versions and is only shown to the user. Pages that come from the web server
(IIS/Apache) or from the 1C web extension ("1C:Enterprise 8 application error") are HTML; they are
summarised to a line or two, never dumped whole into a message.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from core import messages
from core.errors import AccessDenied, AuthFailed, NotPublished, RemoteError, SyncBridgeError
from core.onec.payload import loads
from core.server_text import sanitise

_TAG_RE = re.compile(r"<[^>]+>")
_SCRIPT_RE = re.compile(r"(?is)<(script|style)\b.*?</\1>")
_TITLE_RE = re.compile(r"(?is)<title[^>]*>(.*?)</title>")
_HEADING_RE = re.compile(r"(?is)<h[1-4][^>]*>(.*?)</h[1-4]>")
_SPACES_RE = re.compile(r"\s+")
MAX_TEXT = 300

COMPOSITION_HINT = (
    "Добавьте объект в состав стандартного интерфейса OData: в 1С откройте настройку стандартного "
    "интерфейса OData (в типовых конфигурациях — «Администрирование» → «Синхронизация данных» → "
    "«Настройка стандартного интерфейса OData» или внешняя обработка с тем же названием), отметьте объект "
    "и сохраните. Программно это делает УстановитьСоставСтандартногоИнтерфейсаOData()."
)


@dataclass(frozen=True)
class ODataErrorBody:
    code: str
    message: str


def _clip(text: str, limit: int = MAX_TEXT) -> str:
    # server text: no markup, escape sequences or control characters reach a terminal or a window
    return sanitise(text, limit)


def parse_odata_error(body: bytes) -> ODataErrorBody | None:
    """`{"odata.error": {"code": "9", "message": {"value": "…"}}}` or the XML `<m:error>` form."""
    text = body.lstrip()
    if text.startswith(b"\xef\xbb\xbf"):
        text = text[3:]
    if text.startswith(b"{"):
        try:
            data = loads(text)
        except ValueError:
            return None
        error = data.get("odata.error") if isinstance(data, dict) else None
        if not isinstance(error, dict):
            return None
        message = error.get("message")
        value = message.get("value", "") if isinstance(message, dict) else str(message or "")
        return ODataErrorBody(_clip(str(error.get("code", "")), 40), _clip(str(value)))
    if text.startswith(b"<") and b"error" in text[:400]:
        try:
            root = ET.fromstring(text)
        except ET.ParseError:
            return None
        if not root.tag.endswith("error"):
            return None
        code = message = ""
        for child in root:
            local = child.tag.rsplit("}", 1)[-1]
            if local == "code":
                code = (child.text or "").strip()
            elif local == "message":
                message = "".join(child.itertext())
        return ODataErrorBody(_clip(code, 40), _clip(message))
    return None


def looks_like_html(body: bytes, content_type: str) -> bool:
    if "html" in content_type.lower():
        return True
    head = body[:512].lstrip().lower()
    return head.startswith(b"<!doctype html") or head.startswith(b"<html")


def summarize_html(body: bytes) -> str:
    """A page in one line: its title plus headings/text, e.g. `500 - Internal server error.` or
    `1C:Enterprise 8 application error: … by reason: …`."""
    text = body.decode("utf-8", errors="replace")
    text = _SCRIPT_RE.sub(" ", text)
    title_match = _TITLE_RE.search(text)
    title = _clip(html.unescape(_TAG_RE.sub(" ", title_match.group(1))), 120) if title_match else ""
    body_text = _TITLE_RE.sub(" ", text)
    headings = [_clip(html.unescape(_TAG_RE.sub(" ", h)), 120) for h in _HEADING_RE.findall(body_text)]
    plain = _SPACES_RE.sub(" ", html.unescape(_TAG_RE.sub(" ", body_text))).strip()
    parts: list[str] = [title] if title else []
    if "by reason:" in plain:
        # the 1C web extension page: the useful part is what follows "by reason:"
        parts.append(_clip(plain.split("by reason:", 1)[1], 200))
    else:
        parts += [h for h in dict.fromkeys(headings) if h and h != title]
    return _clip("; ".join(parts) if parts else plain)


def describe(status: int, body: bytes, content_type: str) -> str:
    """Human summary of an error answer, for messages and logs."""
    error = parse_odata_error(body)
    if error is not None:
        return f"HTTP {status}, код 1С {error.code}: {error.message}"
    if looks_like_html(body, content_type):
        return f"HTTP {status}, HTML-страница: {summarize_html(body)}"
    text = body.decode("utf-8", errors="replace")
    return f"HTTP {status}: {_clip(text) or 'пустой ответ'}"


def map_error(status: int, body: bytes, content_type: str, *, host: str, user: str, action: str,
              entity_set: str | None) -> SyncBridgeError:
    """Exception for a non-2xx answer (writes decide about AnswerLost before calling this)."""
    error = parse_odata_error(body)
    code = error.code if error else None
    summary = describe(status, body, content_type)
    if status == 401:
        if code == "20":
            return _access_denied(user, entity_set, summary)
        return messages.error(AuthFailed, "onec_auth", {"user": user, "host": host})
    if status == 403:
        return _access_denied(user, entity_set, summary)
    if status == 404 and error is not None and entity_set is not None and code != "9":
        return NotPublished(
            f"Объект «{entity_set}» не опубликован в OData базы 1С ({host}): 1С его не знает.",
            COMPOSITION_HINT,
        )
    if status == 404 and error is None and entity_set is None:
        return RemoteError(
            f"По адресу {host} нет публикации OData 1С ({summary}).",
            "Проверьте адрес: он должен вести на публикацию базы и оканчиваться на /odata/standard.odata/, "
            "а в публикации («Публикация на веб-сервере») должен быть включён флажок "
            "«Публиковать стандартный интерфейс OData».",
            code=code, status=status,
        )
    hint = _hint_for(status, code, error is None and looks_like_html(body, content_type))
    return RemoteError(f"1С вернула ошибку при {action} ({host}): {summary}", hint, code=code, status=status)


def _access_denied(user: str, entity_set: str | None, summary: str) -> AccessDenied:
    what = f"«{entity_set}»" if entity_set else "запрошенные данные"
    return AccessDenied(
        f"У пользователя 1С «{user}» нет прав на {what} ({summary}).",
        "Дайте пользователю интеграции роль с правами на чтение и запись нужных объектов (в «Администрирование» → "
        "«Пользователи и права» или в конфигураторе) или включите ему нужный профиль групп доступа.",
    )


def _hint_for(status: int, code: str | None, is_html: bool) -> str:
    if is_html and status == 404:
        return ("Веб-сервер отклонил запрос до 1С. Частая причина — слишком длинный адрес запроса "
                "(ограничение IIS maxQueryString): уменьшите число условий в отборе. Проверьте и адрес публикации.")
    if is_html and status >= 500:
        return ("Веб-сервер или сервер 1С временно недоступен. Повторите позже; если ошибка не проходит, "
                "проверьте журнал веб-сервера и работу кластера серверов 1С.")
    if status == 200:
        return ("Вместо ответа OData пришла HTML-страница: похоже, запрос перехватил прокси-сервер или портал "
                "авторизации. Проверьте адрес публикации и настройки прокси.")
    if code == "14":
        return "1С не смогла разобрать условие отбора ($filter): проверьте имена полей и синтаксис."
    if code == "6":
        return "1С не знает одно из запрошенных полей: сверьте имена с $metadata базы."
    if code == "-1":
        return ("Ошибка возникла в прикладной логике или на сервере 1С. Подробности — в журнале регистрации 1С "
                "и технологическом журнале.")
    return "Подробности — в журнале регистрации 1С."
