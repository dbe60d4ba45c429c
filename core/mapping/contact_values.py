"""Cleaning free-text 1C contact values into what the portal accepts: e-mails and phones.

1C keeps contact information as free text typed by people: «snab@firm.ru; buh@firm.ru» in one line,
«Иван Петров <ivan@firm.ru>», trailing spaces, «snab@firm,ru», «+7 (495) 123-45-67 доб. 105», «звонить после
обеда». A real portal rejects a whole ``crm.company.add`` (ERROR_CORE) when one e-mail fails its check, which
would cost the company, its requisite and its bank details. So every value is split, unwrapped and checked
here the way Bitrix checks it (``check_email`` of the main module, non-strict), and what cannot be made valid
is left out with a Russian note naming the field and the value.

Pure functions: no I/O, no portal access.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: b_crm_field_multi.VALUE is varchar(250): a longer value is refused, and a cut e-mail/phone is a wrong one
MULTIFIELD_MAX = 250
#: check_email refuses anything longer before looking at it
EMAIL_MAX = 320
#: more phones or e-mails than this in one 1C card is garbage (a pasted list), not contact data: the rest is left
#: out with a note, so a 10 MB field cannot bloat the portal card or the state database
MAX_VALUES = 20

# check_email (main/tools.php): atoms of the local part include unicode letters; the domain's last label is
# 2..20 characters; dots cannot start, end or repeat in the local part. Case-insensitive, unicode.
_ATOM = r"\w=+~'!$&*^`|#%/?{}\-"
_EMAIL_RE = re.compile(rf"^[{_ATOM}]+(\.[{_ATOM}]+)*@(([\w\-]+\.)+)([\w\-]{{2,20}})$", re.IGNORECASE)
# non-strict check_email takes what is inside the first <…>, […] or (…)
_WRAPPED_RE = re.compile(r".*?[<\[(](.*?)[>\])].*", re.DOTALL)
# «snab@firm,ru»: a comma typed instead of the last dot of the domain
_COMMA_FOR_DOT_RE = re.compile(r"(@[^\s,;@<>()\[\]]+),([^\W\d_]{2,20})(?=$|[\s;,>)\]])")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_EXTENSION_RE = re.compile(r"(?i)\s*(?:доб(?:авочный)?\.?|вн(?:утр)?\.?|ext\.?|extension|#)\s*(\d{1,6})\b")
_PHONE_SPLIT_RE = re.compile(r"[;,\n]+|\s{2,}|\s+(?:или|и|or)\s+", re.IGNORECASE)


def clean_text(value: object) -> str:
    """One line of text as the portal should store it: no control or zero-width characters, spaces trimmed.

    Markup is *kept* as characters (a company may really be called «<b>x</b>»): the program shows data as plain
    text everywhere, so it is harmless, and changing a name would be worse."""
    if value is None:
        return ""
    text = _CONTROL_RE.sub(" ", str(value))
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def email_is_valid(address: str) -> bool:
    """Bitrix's strict part of ``check_email``: what the portal's CRM multifield check accepts."""
    # \w stands for PHP's \p{L} plus the digits and "_" the lists name anyway; the domain has no "_"
    return (len(address) <= EMAIL_MAX and _EMAIL_RE.fullmatch(address) is not None
            and "_" not in address.rsplit("@", 1)[1])


def unwrap_email(text: str) -> str:
    """«Иван Петров <ivan@firm.ru>» -> «ivan@firm.ru»; ``mailto:`` and stray quotes/dots dropped."""
    text = text.strip()
    found = _WRAPPED_RE.fullmatch(text)
    if found and found.group(1).strip():
        text = found.group(1)
    text = text.strip().strip("\"'«»“”").strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:"):]
    return text.strip().rstrip(".").strip()


def _email_candidates(raw: str) -> list[tuple[str, str]]:
    """(candidate address, the piece of text it came from) pairs: the note quotes what a person typed."""
    text = _COMMA_FOR_DOT_RE.sub(r"\1.\2", clean_text(raw))
    candidates: list[tuple[str, str]] = []
    for part in re.split(r"[;,]+", text):
        part = part.strip()
        if not part:
            continue
        if re.search(r"[<\[(]", part):
            candidates.append((unwrap_email(part), part))
            continue
        with_at = [w for w in part.split() if "@" in w]
        # «snab@firm.ru buh@firm.ru» — several addresses separated by spaces; words without @ around a single
        # address are a name or a comment («бухгалтерия buh@firm.ru»)
        if len(with_at) > 1:
            candidates.extend((unwrap_email(w), w) for w in with_at)
        else:
            candidates.append((unwrap_email(with_at[0]) if with_at else part, part))
    return [(c, source) for c, source in candidates if c]


def normalise_emails(values: Iterable[str], label: str = "e-mail") -> tuple[list[str], list[str]]:
    """Split, unwrap and check e-mails. Returns (valid unique addresses, notes about what was left out)."""
    result: list[str] = []
    notes: list[str] = []
    for raw in values:
        for candidate, source in _email_candidates(raw):
            if not email_is_valid(candidate) or len(candidate) > MULTIFIELD_MAX:
                notes.append(f"{label} «{_shorten(source)}» не перенесён: адрес не проходит проверку портала")
                continue
            if candidate.lower() not in (r.lower() for r in result):
                result.append(candidate)
    return _capped(result, notes, label)


def _capped(values: list[str], notes: list[str], label: str) -> tuple[list[str], list[str]]:
    if len(values) > MAX_VALUES:
        notes.append(f"{label}: перенесены первые {MAX_VALUES} из {len(values)}")
        values = values[:MAX_VALUES]
    if len(notes) > MAX_VALUES:
        notes = [*notes[:MAX_VALUES], f"{label}: ещё {len(notes) - MAX_VALUES} значений не перенесены"]
    return values, notes


def normalise_phone(raw: str) -> str | None:
    """One phone as E.164 where the digits allow it (Russian numbers: 8/7/10 digits -> +7…), an extension kept
    as « доб. N». International numbers written with «+» keep their code. None when there is no phone here."""
    text = clean_text(raw)
    extension = ""
    found = _EXTENSION_RE.search(text)
    if found:
        extension = found.group(1)
        text = text[: found.start()]
    plus = text.lstrip().startswith("+") or text.lstrip().startswith("00")
    digits = re.sub(r"\D", "", text)
    if text.lstrip().startswith("00"):
        digits = digits[2:]
    if len(digits) < 5:
        return None
    if not plus and len(digits) == 11 and digits[0] in "78":
        number = "+7" + digits[1:]
    elif not plus and len(digits) == 10:
        number = "+7" + digits
    elif plus and 8 <= len(digits) <= 15:
        number = "+" + digits
    else:
        # a short office number or an odd length: E.164 is not possible, keep the digits people typed
        number = re.sub(r"[^\d+()\- ]", "", text).strip(" -") or digits
    return f"{number} доб. {extension}" if extension else number


def normalise_phones(values: Iterable[str], label: str = "телефон") -> tuple[list[str], list[str]]:
    """Split several phones in one field, normalise each. Returns (unique phones, notes)."""
    result: list[str] = []
    notes: list[str] = []
    for raw in values:
        # «…-67, доб. 105»: the comma belongs to the extension, not between two phones
        text = re.sub(r"(?i),\s*(?=(?:доб|вн|ext|#))", " ", clean_text(raw))
        for part in _PHONE_SPLIT_RE.split(text):
            part = part.strip()
            if not part:
                continue
            phone = normalise_phone(part)
            if phone is None:
                notes.append(f"{label} «{_shorten(part)}» не перенесён: в нём нет номера")
                continue
            if len(phone) > MULTIFIELD_MAX:
                notes.append(f"{label} «{_shorten(part)}» не перенесён: слишком длинный")
                continue
            if phone not in result:
                result.append(phone)
    return _capped(result, notes, label)


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
