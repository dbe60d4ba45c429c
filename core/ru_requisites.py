"""Check digits of Russian requisites (ИНН, КПП, ОГРН, bank account against БИК): used to refuse broken data
before it reaches the other side or is trusted for matching, and to build valid sandbox seed data.

- ИНН: 10 digits (organisation, one check digit) or 12 digits (person / ИП, two check digits), ФНС weights.
- КПП: 9 characters, `NNNN PP NNN` where the reason code PP may be digits or capital Latin letters.
- ОГРН (13) / ОГРНИП (15): the last digit is the remainder of the number before it by 11 / 13, mod 10.
- Bank account (20 digits) against the БИК: Bank of Russia control key — 3 digits of the БИК + the account
  (23 digits), weights 7-1-3 repeated, the sum must end in 0. For a correspondent account (30101…) the
  3 digits are "0" + digits 5–6 of the БИК, otherwise the last 3 digits of the БИК.
"""

from __future__ import annotations

import re

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_KPP_RE = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")
_ACCOUNT_WEIGHTS = ((7, 1, 3) * 8)[:23]


def _inn_digit(digits: str, weights: tuple[int, ...]) -> str:
    return str(sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 % 10)


def inn_is_valid(inn: str) -> bool:
    if not isinstance(inn, str) or not inn.isdigit() or not inn.isascii():
        return False
    if len(inn) == 10:
        return inn[9] == _inn_digit(inn[:9], _INN10_WEIGHTS)
    if len(inn) == 12:
        return inn[10] == _inn_digit(inn[:10], _INN12_WEIGHTS_1) and inn[11] == _inn_digit(
            inn[:11], _INN12_WEIGHTS_2)
    return False


def complete_inn(head: str) -> str:
    """ИНН from its first 9 (organisation) or 10 (person) digits."""
    if len(head) == 9:
        return head + _inn_digit(head, _INN10_WEIGHTS)
    if len(head) == 10:
        first = head + _inn_digit(head, _INN12_WEIGHTS_1)
        return first + _inn_digit(first, _INN12_WEIGHTS_2)
    raise ValueError(f"ИНН без контрольных цифр должен иметь 9 или 10 цифр: {head!r}")


def kpp_is_valid(kpp: str) -> bool:
    return isinstance(kpp, str) and bool(_KPP_RE.match(kpp))


def ogrn_is_valid(ogrn: str) -> bool:
    if not isinstance(ogrn, str) or not ogrn.isdigit() or not ogrn.isascii():
        return False
    if len(ogrn) == 13:
        return int(ogrn[:12]) % 11 % 10 == int(ogrn[12])
    if len(ogrn) == 15:
        return int(ogrn[:14]) % 13 % 10 == int(ogrn[14])
    return False


def complete_ogrn(head: str) -> str:
    """ОГРН from 12 digits or ОГРНИП from 14 digits."""
    if len(head) == 12:
        return head + str(int(head) % 11 % 10)
    if len(head) == 14:
        return head + str(int(head) % 13 % 10)
    raise ValueError(f"ОГРН без контрольной цифры должен иметь 12 или 14 цифр: {head!r}")


def _bik_part(account: str, bik: str) -> str:
    return "0" + bik[4:6] if account.startswith("30101") else bik[6:9]


def bank_account_is_valid(account: str, bik: str) -> bool:
    if not (isinstance(account, str) and isinstance(bik, str)):
        return False
    if not (len(account) == 20 and account.isdigit() and account.isascii()):
        return False
    if not (len(bik) == 9 and bik.isdigit() and bik.isascii()):
        return False
    digits = _bik_part(account, bik) + account
    return sum(int(d) * w for d, w in zip(digits, _ACCOUNT_WEIGHTS, strict=True)) % 10 == 0


def complete_account(account: str, bik: str) -> str:
    """Put the control key into position 9 of a 20-digit account (its current digit there is ignored)."""
    for key in "0123456789":
        candidate = account[:8] + key + account[9:]
        if bank_account_is_valid(candidate, bik):
            return candidate
    raise ValueError(f"не удалось подобрать ключ для счёта {account!r}")  # unreachable: weight 3 is coprime to 10


def corr_account(bik: str) -> str:
    """Correspondent account of a bank: 30101 810 K 00000000 + last 3 digits of the БИК."""
    return complete_account("30101810000000000" + bik[6:9], bik)
