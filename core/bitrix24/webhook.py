"""Incoming-webhook URL: ``https://HOST[:PORT][/prefix]/rest/{USER_ID}/{CODE}/``.

The code in the path *is* the password, so the parsed form keeps it apart and only ever shows
the masked URL (``…/rest/1/***/``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from core.errors import ConfigError
from core.redact import mask_url, register_secret

_PATH_RE = re.compile(r"(?P<prefix>.*?)/rest/(?P<user>\d+)/(?P<code>[^/]+)(?:/(?P<method>[^/]*))?/?")
_CODE_RE = re.compile(r"[A-Za-z0-9_\-]+")
_HINT = "Скопируйте адрес входящего вебхука целиком: Битрикс24 → Разработчикам → Другое → Входящий вебхук."


@dataclass(frozen=True)
class Webhook:
    host: str
    port: int | None
    user_id: int
    code: str
    path_prefix: str = ""

    @property
    def base_url(self) -> str:
        """The full URL *with* the secret code: for requests only, never for display."""
        netloc = self.host if self.port is None else f"{self.host}:{self.port}"
        return f"https://{netloc}{self.path_prefix}/rest/{self.user_id}/{self.code}/"

    @property
    def masked(self) -> str:
        return mask_url(self.base_url)

    def method_url(self, method: str) -> str:
        return f"{self.base_url}{method}.json"


def _shown(parts: SplitResult) -> str:
    """What an invalid URL may show: scheme and host only, since any path segment may be the code."""
    if not parts.netloc:
        return "пусто" if not parts.geturl() else "(адрес без имени сервера)"
    host = parts.netloc.rsplit("@", 1)[-1]
    return f"{parts.scheme}://{host}/…"


def parse_webhook_url(url: str) -> Webhook:
    """Validate and split a webhook URL; a trailing method name (``…/profile.json``) is tolerated.

    Raises :class:`ConfigError` with a Russian message that never shows the code.
    """
    text = (url or "").strip()
    parts = urlsplit(text)
    if parts.scheme.lower() != "https":
        raise ConfigError(
            f"Адрес вебхука должен начинаться с https:// (получено: {_shown(parts)}).", _HINT
        )
    if not parts.hostname:
        raise ConfigError(f"В адресе вебхука нет имени сервера: {_shown(parts)}.", _HINT)
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(f"Неверный порт в адресе вебхука: {_shown(parts)}.", _HINT) from None
    match = _PATH_RE.fullmatch(parts.path)
    if not match or not _CODE_RE.fullmatch(match["code"]):
        raise ConfigError(
            f"Адрес {_shown(parts)} не похож на входящий вебхук Битрикс24 (…/rest/ID/КОД/).", _HINT
        )
    register_secret(match["code"])
    return Webhook(parts.hostname, port, int(match["user"]), match["code"], match["prefix"])
