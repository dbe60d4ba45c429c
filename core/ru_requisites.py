"""Checks of Russian company requisites: ИНН, КПП, ОГРН, БИК, bank account control keys.

Used to refuse obviously broken data before it reaches the other side and before ИНН is trusted for matching.
"""

from __future__ import annotations

import re

_INN10_W = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_W1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_W2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_ACCOUNT_W = (7, 1, 3) * 8


def _check_digit(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_is_valid(inn: str) -> bool:
    if not inn or not inn.isdigit():
        return False
    if len(inn) == 10:
        return _check_digit(inn[:9], _INN10_W) == int(inn[9])
    if len(inn) == 12:
        return (_check_digit(inn[:10], _INN12_W1) == int(inn[10])
                and _check_digit(inn[:11], _INN12_W2) == int(inn[11]))
    return False


def kpp_is_valid(kpp: str) -> bool:
    # 4 digits of the tax office, 2 of the reason (digits or A-Z since 2019), 3 digits
    return bool(re.fullmatch(r"\d{4}[\dA-Z]{2}\d{3}", kpp or ""))


def ogrn_is_valid(ogrn: str) -> bool:
    if not ogrn or not ogrn.isdigit():
        return False
    if len(ogrn) == 13:
        return int(ogrn[:12]) % 11 % 10 == int(ogrn[12])
    if len(ogrn) == 15:  # ОГРНИП
        return int(ogrn[:14]) % 13 % 10 == int(ogrn[14])
    return False


def bik_is_valid(bik: str) -> bool:
    return bool(re.fullmatch(r"\d{9}", bik or ""))


def bank_account_is_valid(account: str, bik: str) -> bool:
    """Central Bank control key: 3 last digits of the БИК (or 0 + digits 5-6 for an РКЦ) + the 20-digit account."""
    if not (account and account.isdigit() and len(account) == 20 and bik_is_valid(bik)):
        return False
    prefix = bik[-3:] if bik[-3:] not in ("000", "001", "002") else "0" + bik[4:6]
    digits = prefix + account
    return sum(int(d) * w for d, w in zip(digits, _ACCOUNT_W, strict=False)) % 10 == 0
