"""The core calls the wizard needs, gathered in one object so tests can swap them for fakes.

Every one of these may block (network, keyring, scrypt) and is only ever called through the TaskRunner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.paths import AppPaths


@dataclass
class WizardServices:
    #: check_onec(url, user, password, profile_name=..., ca_file=...) -> CheckReport
    check_onec: Callable[..., Any]
    #: check_bitrix24(webhook_url, ca_file=...) -> CheckReport
    check_bitrix24: Callable[..., Any]
    #: save(profile, onec_password, webhook_url) -> None: writes the profile and the secrets
    save: Callable[[Any, str, str], None]
    #: saved_secret(name) -> the stored value or None (settings mode: fields left empty keep the old secret)
    saved_secret: Callable[[str], str | None]
    #: secrets_location() -> Russian sentence saying where the passwords are kept
    secrets_location: Callable[[], str]
    #: sales_choices(onec_url, user, password, webhook_url, ca_file, profile) -> core.sales_setup.SalesChoices
    sales_choices: Callable[..., Any] | None = None


def default_services(paths: AppPaths, credentials: Any) -> WizardServices:
    """The real core functions. Imported here, lazily, so the GUI package loads even if a core module is broken."""
    from core.connection_check import check_bitrix24, check_onec
    from core.sales_setup import load_sales_choices
    from core.setup_service import apply_setup

    def save(profile: Any, onec_password: str, webhook_url: str) -> None:
        apply_setup(paths, profile, onec_password, webhook_url, credentials=credentials)

    def check_onec_cached(*args: Any, **kwargs: Any) -> Any:
        # the $metadata the check reads is kept in the data folder: the first sync needs no second download
        return check_onec(*args, cache_dir=paths.data_dir / "onec", **kwargs)

    return WizardServices(
        check_onec=check_onec_cached,
        check_bitrix24=check_bitrix24,
        save=save,
        saved_secret=credentials.get,
        secrets_location=credentials.location_text,
        sales_choices=load_sales_choices,
    )
