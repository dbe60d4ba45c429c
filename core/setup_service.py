"""Saving a configured profile together with its secrets (wizard «Готово», ``syncbridge setup``)."""

from __future__ import annotations

import logging

from core.bitrix24.webhook import parse_webhook_url
from core.paths import AppPaths
from core.profile import SECRET_B24_WEBHOOK, SECRET_ONEC_PASSWORD, Profile, ProfileStore, portal_url_from_webhook
from core.secrets import CredentialStore
from core.secrets.store import SecretsUnreadable

log = logging.getLogger(__name__)


def apply_setup(paths: AppPaths, profile: Profile, onec_password: str, webhook_url: str,
                credentials: CredentialStore | None = None) -> None:
    """Validate, then store secrets first and the profile last: a profile never points at missing secrets."""
    parse_webhook_url(webhook_url)  # raises ConfigError with a readable text
    profile.bitrix24_url = portal_url_from_webhook(webhook_url)
    profile.validate()
    paths.ensure()
    store = credentials or CredentialStore(paths)
    try:
        store.get(SECRET_ONEC_PASSWORD)
    except SecretsUnreadable:
        # the old store can never be opened (key gone, file damaged): the user is entering the credentials again
        # right now, so this is the way out — old files are moved aside, not deleted
        log.warning("unreadable secrets store replaced during setup: %s", ", ".join(store.start_over()))
    store.set(SECRET_ONEC_PASSWORD, onec_password)
    store.set(SECRET_B24_WEBHOOK, webhook_url.strip())
    ProfileStore(paths).save(profile)
