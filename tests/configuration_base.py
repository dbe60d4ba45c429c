"""A sandbox base of one 1C configuration (ut11, bp30, unf) and a portal, set up for a sync; shared by the
configuration and contact tests, which add their own helpers by subclassing :class:`ConfigurationBase`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

from core.paths import AppPaths
from core.profile import Profile
from core.sandbox.bitrix24.server import Bitrix24Sandbox
from core.sandbox.onec.server import OneCSandbox
from core.setup_service import apply_setup
from core.sync.runner import SyncRunner

USER, PASSWORD = "Интеграция", "пароль-1С"


class ConfigurationBase:
    def __init__(self, paths: AppPaths, onec: OneCSandbox, b24: Bitrix24Sandbox, configuration: str) -> None:
        self.paths, self.onec, self.b24, self.configuration = paths, onec, b24, configuration

    def sync(self):
        return SyncRunner(self.paths).run_once()


B = TypeVar("B", bound=ConfigurationBase)


def make_base(home: AppPaths, tmp_path: Path, configuration: str, cls: type[B]) -> Iterator[B]:
    onec = OneCSandbox(users={USER: PASSWORD}, base_path=f"/{configuration}")
    b24 = Bitrix24Sandbox(cert_dir=tmp_path / "b24", rate=50, burst=500)
    onec.start()
    b24.start()
    profile = Profile(onec_url=onec.url, onec_user=USER, onec_profile=configuration,
                      bitrix24_url="https://127.0.0.1", bitrix24_ca_file=str(b24.ca_file), bitrix24_rate=50,
                      bitrix24_burst=500)
    apply_setup(home, profile, PASSWORD, b24.webhook_url)
    try:
        yield cls(home, onec, b24, configuration)
    finally:
        onec.stop()
        b24.stop()
