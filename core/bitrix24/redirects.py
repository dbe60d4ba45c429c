"""Which redirects of the portal the client may follow: the webhook code is in the URL path, so following a
redirect re-sends the secret to wherever the ``Location`` points.

Followed only when the target is the same portal — the same registrable domain (``old.company.ru`` →
``crm.company.ru``), or a Bitrix24 cloud domain when the portal already is a cloud one (a renamed cloud portal,
``old.bitrix24.ru`` → ``new.bitrix24.ru``) — over https, and with the same ``/rest/{id}/{code}/`` path. Anything
else stops the request and tells the user.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from core.errors import ConfigError
from core.redact import mask_url

from .webhook import Webhook

#: Bitrix24 cloud zones (the portal list of bitrix24.com's regions)
CLOUD_DOMAINS = frozenset({
    "bitrix24.ru", "bitrix24.com", "bitrix24.de", "bitrix24.by", "bitrix24.kz", "bitrix24.ua", "bitrix24.eu",
    "bitrix24.es", "bitrix24.fr", "bitrix24.it", "bitrix24.pl", "bitrix24.in", "bitrix24.uk", "bitrix24.jp",
    "bitrix24.cn", "bitrix24.id", "bitrix24.vn", "bitrix24.com.br", "bitrix24.com.tr", "bitrix24.co",
    "bitrix24.site", "bitrix24.shop", "bitrix24.uz",
})
#: second-level public suffixes common for Russian-speaking offices (no full public suffix list offline)
_TWO_LABEL_SUFFIXES = frozenset({
    "com.ru", "net.ru", "org.ru", "pp.ru", "msk.ru", "spb.ru", "msk.su", "com.ua", "org.ua", "kiev.ua", "com.kz",
    "org.kz", "com.by", "co.uk", "org.uk", "com.br", "com.tr", "co.jp", "com.cn",
})
_HINT = ("Если портал действительно переехал, создайте вебхук на новом адресе и укажите его в настройках "
         "(мастер настройки или syncbridge setup).")


def registrable_domain(host: str) -> str:
    host = host.lower().rstrip(".")
    try:
        ipaddress.ip_address(host)
        return host  # an address is its own "domain": only the very same address is the same portal
    except ValueError:
        pass
    labels = host.split(".")
    if len(labels) >= 3 and ".".join(labels[-2:]) in _TWO_LABEL_SUFFIXES:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def is_cloud_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host.endswith("." + zone) for zone in CLOUD_DOMAINS)


def same_portal(old_host: str, new_host: str) -> bool:
    if registrable_domain(old_host) == registrable_domain(new_host):
        return True
    return is_cloud_host(old_host) and is_cloud_host(new_host)


def follow(current: Webhook, target_url: str) -> Webhook:
    """The webhook on the redirect target, or ConfigError when the redirect must not be followed."""
    parts = urlsplit(target_url)
    host = parts.hostname or ""
    shown = f"{parts.scheme}://{host}" if host else mask_url(target_url)
    if parts.scheme.lower() != "https" or not host:
        raise ConfigError(f"Битрикс24 перенаправляет запрос на небезопасный адрес {shown}.",
                          "Перенаправление выполняется только на https://. " + _HINT)
    if not same_portal(current.host, host):
        raise ConfigError(
            f"Битрикс24 {current.host} перенаправляет запросы на другой сервер {host}. Запрос туда не отправлен: "
            "адрес вебхука содержит секретный код.", _HINT)
    path = re.fullmatch(r"(?P<prefix>.*?)/rest/(?P<user>\d+)/(?P<code>[^/]+)(?:/[^/]*)?/?", parts.path or "")
    if not path or path["user"] != str(current.user_id) or path["code"] != current.code:
        raise ConfigError(
            f"Битрикс24 {current.host} перенаправляет запросы вебхука на другой путь. Запрос не отправлен.", _HINT)
    return Webhook(host, parts.port, current.user_id, current.code, path["prefix"])
