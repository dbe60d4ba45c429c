"""Turning an exception into text a user may see: the Russian message of a SyncBridgeError, never a traceback."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from core.redact import mask_text
from core.service import SyncBridgeError


def describe_error(error: BaseException) -> str:
    if isinstance(error, SyncBridgeError):
        # core messages are already masked; masking again costs nothing and guards against a careless raise
        return mask_text(_translated(error) or error.user_text())
    return QCoreApplication.translate(
        "errors",
        "Внутренняя ошибка программы ({kind}). Подробности записаны в файл журнала программы; "
        "передайте его в поддержку.",
    ).format(kind=type(error).__name__)


def _translated(error: SyncBridgeError) -> str | None:
    """A connector error in the interface language: its core templates (context "errors") translated, then
    filled in; parameters that are core fragments (a reason) are translated too. None: use the Russian text."""
    from core.messages import ERROR_FRAGMENTS, ERRORS

    code = getattr(error, "template", None)
    if code not in ERRORS:
        return None
    fragments = set(ERROR_FRAGMENTS.values())
    params = {key: QCoreApplication.translate("errors", value) if isinstance(value, str) and value in fragments
              else value for key, value in (getattr(error, "params", None) or {}).items()}
    message, hint = (QCoreApplication.translate("errors", text) for text in ERRORS[code])
    try:
        message, hint = message.format(**params), hint.format(**params)
    except (KeyError, IndexError, ValueError):
        return None
    return f"{message}\n{hint}" if hint else message


def first_line(text: str, limit: int = 100) -> str:
    """The first line, shortened: for tooltips and one-line labels (Windows cuts tray tooltips at 127 chars)."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
