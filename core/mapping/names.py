"""Company-name normalisation for finding probable duplicates (e.g. ООО «ТехПром» vs «ТехПром Москва»).

Only used to *suggest* a duplicate for human review; never to link or merge anything on its own.
"""

from __future__ import annotations

import re

_LEGAL_FORMS = [
    "общество с ограниченной ответственностью", "акционерное общество", "публичное акционерное общество",
    "закрытое акционерное общество", "открытое акционерное общество", "индивидуальный предприниматель",
    "ооо", "оао", "зао", "пао", "ао", "ип", "нко", "ано", "фгуп", "гуп", "муп",
]
_FORM_RE = re.compile(r"(?<![\w])(" + "|".join(sorted(map(re.escape, _LEGAL_FORMS), key=len, reverse=True))
                      + r")(?![\w])")
_NON_WORD = re.compile(r"[^\w]+")


def name_tokens(title: str) -> list[str]:
    text = title.lower().replace("ё", "е")
    text = _FORM_RE.sub(" ", text)
    return [t for t in _NON_WORD.sub(" ", text).split() if t]


def search_stem(title: str) -> str:
    """The most distinctive token, used in a portal LIKE query to find candidates cheaply."""
    tokens = name_tokens(title)
    return max(tokens, key=len) if tokens else ""


def probably_same(a: str, b: str) -> bool:
    """True when the names are alike enough for a person to look: one name's words contain the other's."""
    ta, tb = set(name_tokens(a)), set(name_tokens(b))
    if not ta or not tb:
        return False
    if ta <= tb or tb <= ta:
        return True
    return len(ta & tb) / len(ta | tb) >= 0.6
