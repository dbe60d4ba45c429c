"""Text that came from a server (Bitrix24 ``error_description``, 1C error messages) made safe to show.

Such text reaches a terminal (CLI, service log) and Qt windows. A hostile or broken server could send terminal
escape sequences (rewrite the screen, set the window title, hide text), bidi overrides (make a text read
differently than it is) or markup (a Qt label would render ``<img src=…>``). Only readable characters survive:
tags and escape sequences removed, entities decoded, control characters and whitespace runs collapsed, length
bounded.
"""

from __future__ import annotations

import html
import re

MAX_SERVER_TEXT = 300

_ANSI_RE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_TAG_RE = re.compile(r"<[/!?]?[A-Za-z][^<>]*>")
_UNSAFE_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufeff]")
_SPACES_RE = re.compile(r"\s+")


def sanitise(text: object, limit: int = MAX_SERVER_TEXT) -> str:
    value = "" if text is None else str(text)
    value = _ANSI_RE.sub("", value)
    value = _TAG_RE.sub(" ", value)
    value = html.unescape(value)
    # entities may have spelled a tag or a control character: clean again after decoding
    value = _ANSI_RE.sub("", value)
    value = _TAG_RE.sub(" ", value)
    value = _UNSAFE_RE.sub(" ", value)
    value = value.replace("<", "‹").replace(">", "›")  # a lone bracket is not markup, but no label may think so
    value = _SPACES_RE.sub(" ", value).strip()
    return value if len(value) <= limit else value[: limit - 1] + "…"
