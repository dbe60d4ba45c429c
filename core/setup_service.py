"""Saving a configured profile together with its secrets (wizard «Готово», ``syncbridge setup``)."""

from __future__ import annotations

from core.bitrix24.webhook import parse_webhook_url
from core.paths import AppPaths
from core.profile import SECRET_B24_WEBHOOK, SECRET_ONEC_PASSWORD, Profile, ProfileStore, portal_url_from_webhook
from core.secrets import CredentialStore


def apply_setup(paths: AppPaths, profile: Profile, onec_password: str, webhook_url: str,
                credentials: CredentialStore | None = None) -> None:
    """Validate, then store secrets first and the profile last: a profile never points at missing secrets."""
    parse_webhook_url(webhook_url)  # raises ConfigError with a readable text
    profile.bitrix24_url = portal_url_from_webhook(webhook_url)
    profile.validate()
    paths.ensure()
    store = credentials or CredentialStore(paths)
    store.set(SECRET_ONEC_PASSWORD, onec_password)
    store.set(SECRET_B24_WEBHOOK, webhook_url.strip())
    ProfileStore(paths).save(profile)
