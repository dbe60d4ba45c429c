"""The core calls the wizard needs, gathered in one object so tests can swap them for fakes.

Every one of these may block (network, keyring, scrypt) and is only ever called through the TaskRunner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


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
    #: catalog_options(onec_url, user, password, webhook_url, profile_name=..., ca_file=...) -> CatalogOptions;
    #: None: the wizard has no catalogue page (a test that does not need one)
    catalog_options: Callable[..., Any] | None = None


def default_services(service: Any) -> WizardServices:
    """The wizard's calls, all answered by the service facade (core.service.SyncService)."""
    return WizardServices(
        check_onec=service.check_onec,
        check_bitrix24=service.check_bitrix24,
        save=service.setup,
        saved_secret=service.saved_secret,
        secrets_location=service.secrets_location,
        sales_choices=service.sales_choices,
        catalog_options=getattr(service, "catalog_options", None),  # a test facade may not offer the catalogue
    )
