"""How the legacy CRM stores incoming values and how both API generations print them."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

#: the sandbox portal runs in Moscow time, like most Russian portals
PORTAL_TZ = dt.timezone(dt.timedelta(hours=3))

_NUMBER_TYPES = {"integer", "user", "crm_company", "crm_contact", "crm_lead", "crm_entity"}


def portal_datetime(moment: float) -> str:
    """Unix time -> ``2026-01-27T10:58:30+03:00`` (portal time zone, seconds)."""
    return dt.datetime.fromtimestamp(moment, PORTAL_TZ).isoformat(timespec="seconds")


def parse_datetime(text: str) -> dt.datetime | None:
    """Accept ISO dates/datetimes (with or without offset) and the legacy ``dd.mm.yyyy[ hh:mm:ss]``."""
    text = text.strip()
    for fmt in ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=PORTAL_TZ)
        except ValueError:
            pass
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    # an offset-less moment is read in the portal's time zone (the docs leave this open)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=PORTAL_TZ)



def store_value(value: Any, type_: str) -> Any:
    """Incoming scalar -> what the legacy tables hold: strings, ``Y``/``N`` chars, None for empty."""
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        # PHP would store "Array"; we keep nothing rather than invent a value
        return None
    if type_ == "char":
        if isinstance(value, bool):
            return "Y" if value else "N"
        text = str(value).strip().upper()
        return "Y" if text in ("Y", "1", "TRUE") else "N"
    if isinstance(value, bool):
        return "1" if value else ""
    if type_ in _NUMBER_TYPES:
        text = str(value).strip()
        if text == "":
            return None
        try:
            return str(int(float(text)))
        except ValueError:
            return None
    if type_ == "double":
        text = str(value).strip()
        try:
            number = float(text)
        except ValueError:
            return None
        return str(int(number)) if number.is_integer() else repr(number)
    if type_ in ("datetime", "date"):
        moment = parse_datetime(str(value))
        if moment is None:
            return None
        if type_ == "date":
            return moment.date().isoformat()
        return moment.astimezone(PORTAL_TZ).isoformat(timespec="seconds")
    return str(value)


def item_value(value: Any, type_: str) -> Any:
    """Stored legacy value -> crm.item.* output (JSON numbers, chars stay ``Y``/``N``)."""
    if value is None:
        return None
    if type_ in _NUMBER_TYPES:
        return int(value)
    if type_ == "double":
        number = float(value)
        return int(number) if number.is_integer() else number
    return value


def encode_php_json(payload: Any) -> bytes:
    """JSON as PHP's ``json_encode`` with Bitrix flags prints it: ``\\/``, ``\\u0026``, ``\\uXXXX`` escapes.

    Only characters that can occur inside JSON strings are replaced, so the text stays valid JSON.
    """
    text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
    text = (
        text.replace("/", "\\/")
        .replace("&", "\\u0026")
        .replace("<", "\\u003C")
        .replace(">", "\\u003E")
        .replace("'", "\\u0027")
    )
    return text.encode("ascii")


# main/tools.php check_email($email, $strict = false): trim, take what is inside the first <…>, […] or (…),
# refuse more than 320 characters, then one dot-atom local part (unicode letters allowed) @ labels, the last
# 2..20 characters long. Written from the PHP source independently of the product's cleaner on purpose.
_CHECK_EMAIL_ATOM = r"\w=+~'!$&*^`|#%/?{}\-"
_CHECK_EMAIL_RE = re.compile(
    rf"^[{_CHECK_EMAIL_ATOM}]+(\.[{_CHECK_EMAIL_ATOM}]+)*@(([\w\-]+\.)+)([\w\-]{{2,20}})$", re.IGNORECASE
)
_CHECK_EMAIL_WRAPPED = re.compile(r".*?[<\[(](.*?)[>\])].*")


def check_email(email: str) -> bool:
    email = email.strip()
    wrapped = _CHECK_EMAIL_WRAPPED.match(email)
    if wrapped and wrapped.group(1) != "":
        email = wrapped.group(1)
    if len(email) > 320:
        return False
    # PHP's \p{L} is letters only; Python's \w adds digits and "_", which the atom lists anyway; in the domain
    # "_" is not allowed
    return _CHECK_EMAIL_RE.match(email) is not None and "_" not in email.rsplit("@", 1)[1]
