"""Reading Bitrix24 answers: success/error envelopes, whatever shape the portal chose this time.

Accepted variants (notes §2.3, reference bodies): ``error`` as a code string, an empty string, an
integer (``0``, ``200040300010``) or a REST 3.0 object; ``[]`` where a map is expected (PHP prints
empty arrays so); ``time`` with any subset of its keys; and bodies that are not JSON at all (an
nginx/proxy HTML page in front of a box).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ErrorInfo:
    #: as the portal sent it: str (may be ""), int, or a REST 3.0 code
    code: str | int
    description: str

    @property
    def key(self) -> str:
        """Upper-cased string form used to recognise system errors (b24pysdk does the same)."""
        return str(self.code).strip().upper()


@dataclass(frozen=True)
class TimeInfo:
    start: float | None = None
    finish: float | None = None
    duration: float | None = None
    processing: float | None = None
    operating: float | None = None
    operating_reset_at: float | None = None


def decode_body(raw: bytes) -> dict[str, Any] | None:
    """The JSON object in ``raw``, or ``None`` when the body is empty, HTML or any other non-JSON.

    The Content-Type header is deliberately not trusted: proxies label HTML as JSON and Bitrix
    itself has been seen answering JSON as text/html.
    """
    text = raw.decode("utf-8", errors="replace").strip().lstrip("\ufeff")
    if not text.startswith("{"):
        return None
    try:
        decoded = json.loads(text)
    except ValueError:
        return None
    return decoded if isinstance(decoded, dict) else None


def looks_like_html(raw: bytes) -> bool:
    head = raw[:512].lstrip().lower()
    return head.startswith((b"<!doctype", b"<html", b"<head", b"<body")) or b"<html" in head


def error_of(body: Mapping[str, Any]) -> ErrorInfo | None:
    """The error carried by an envelope, or ``None`` for a success envelope."""
    if "error" not in body:
        return None
    error = body["error"]
    if isinstance(error, Mapping):  # REST 3.0: {"error": {"code": …, "message": …}}
        return ErrorInfo(_code(error.get("code", "")), str(error.get("message") or error.get("description") or ""))
    description = body.get("error_description")
    return ErrorInfo(_code(error), "" if description is None else str(description))


def _code(value: Any) -> str | int:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (int, str)):
        return value
    return str(value)


def as_map(value: Any) -> dict[str, Any]:
    """``[]`` (PHP's empty array) and lists become dicts keyed by position; None becomes ``{}``."""
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, list):
        return {str(i): v for i, v in enumerate(value)}
    return {}


def time_of(value: Any) -> TimeInfo:
    if not isinstance(value, Mapping):
        return TimeInfo()
    return TimeInfo(
        start=_number(value.get("start")),
        finish=_number(value.get("finish")),
        duration=_number(value.get("duration")),
        processing=_number(value.get("processing")),
        operating=_number(value.get("operating")),
        operating_reset_at=_number(value.get("operating_reset_at")),
    )


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


_LEGACY_NOT_FOUND_RE = re.compile(r"(?:[a-z]+ is )?not found\.?")


def is_not_found(error: ErrorInfo) -> bool:
    """Legacy ``400 {"error":"","error_description":"Not found"}`` (get), ``"Company is not found"`` (update and
    delete of a missing id), and crm.item's ``NOT_FOUND``."""
    return error.key == "NOT_FOUND" or (
        error.key in ("", "0") and _LEGACY_NOT_FOUND_RE.fullmatch(error.description.strip().lower()) is not None)


def is_access_denied_text(error: ErrorInfo) -> bool:
    """Legacy CRM says "Access denied." with an empty or integer code instead of ACCESS_DENIED."""
    legacy_code = error.key in ("", "0") or isinstance(error.code, int)
    return legacy_code and error.description.strip().lower().startswith("access denied")
