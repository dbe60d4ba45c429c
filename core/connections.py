"""Building the two clients from a profile and the credential store."""

from __future__ import annotations

import threading

from core.bitrix24.client import Bitrix24Client
from core.onec.client import OneCClient
from core.profile import SECRET_B24_WEBHOOK, SECRET_ONEC_PASSWORD, Profile
from core.secrets import CredentialStore


def open_onec(profile: Profile, credentials: CredentialStore, cancel: threading.Event | None = None) -> OneCClient:
    password = credentials.require(SECRET_ONEC_PASSWORD, "пароль пользователя 1С")
    return OneCClient(profile.onec_url, profile.onec_user, password, ca_file=profile.onec_ca_file,
                      cancel=cancel, proxy=profile.proxy, parallel_reads=profile.onec_parallel_reads)


def open_bitrix24(profile: Profile, credentials: CredentialStore,
                  cancel: threading.Event | None = None) -> Bitrix24Client:
    """``cancel``: a Stop interrupts the client's pauses (rate limits, retries) within a fraction of a second."""
    webhook = credentials.require(SECRET_B24_WEBHOOK, "адрес входящего вебхука Битрикс24")
    return Bitrix24Client(webhook, ca_file=profile.bitrix24_ca_file, rate=profile.bitrix24_rate,
                          burst=profile.bitrix24_burst, cancel=cancel, proxy=profile.proxy,
                          max_in_flight=profile.bitrix24_in_flight or None)
