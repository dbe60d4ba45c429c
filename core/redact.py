"""Masking of secrets in anything that may reach a log, the journal, an exception or the screen.

The Bitrix24 incoming-webhook URL carries its secret code in the path
(``https://portal/rest/1/<code>/``), so every URL is passed through :func:`mask_url` before it is
shown. :class:`SecretMaskingFilter` is installed on the root logger as a last line of defence.
"""

from __future__ import annotations

import logging
import re
import threading

_WEBHOOK_RE = re.compile(r"(/rest/\d+/)([^/\s?#]+)")
_BASIC_RE = re.compile(r"(?i)(authorization:\s*basic\s+)[A-Za-z0-9+/=]+")
_USERINFO_RE = re.compile(r"(://)([^/@\s:]+):([^/@\s]+)@")
_QUERY_SECRET_RE = re.compile(r"(?i)([?&](?:auth|access_token|refresh_token|client_secret|password)=)[^&\s]+")

_lock = threading.Lock()
_known_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a secret value so that the logging filter masks it wherever it appears."""
    if value and len(value) >= 4:
        with _lock:
            _known_secrets.add(value)


def forget_secrets() -> None:
    """Drop every remembered secret (tests start each case clean; a new profile replaces old secrets)."""
    with _lock:
        _known_secrets.clear()


def mask_url(url: str) -> str:
    """Return the URL with webhook codes, user:password and token parameters replaced by ``***``."""
    url = _WEBHOOK_RE.sub(r"\1***", url)
    url = _USERINFO_RE.sub(r"\1\2:***@", url)
    return _QUERY_SECRET_RE.sub(r"\1***", url)


def mask_text(text: str) -> str:
    text = mask_url(text)
    text = _BASIC_RE.sub(r"\1***", text)
    with _lock:
        secrets = sorted(_known_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, "***")
    return text


class SecretMaskingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not kill logging
            return True
        masked = mask_text(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True


class MaskingFormatter(logging.Formatter):
    """Masks the *whole* formatted record: the filter sees only the message, while a traceback (``exc_info``,
    ``stack_info``) is rendered later by the formatter and may quote a URL with the webhook code or a password."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_text(super().format(record))
