"""Shared test setup: Qt offscreen, a private SYNCBRIDGE_HOME per test, no OS keyring prompts."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.paths import AppPaths
from core.redact import forget_secrets


class MemoryKeyring:
    """An in-memory OS keyring stand-in, so tests never touch the developer's real keychain.

    Deliberately not a keyring.backend.KeyringBackend subclass: subclasses register themselves globally and
    keyring.get_keyring() would then pick it up in every other test.
    """

    priority = 10

    def __init__(self) -> None:
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    home = tmp_path / "sbhome"
    monkeypatch.setenv("SYNCBRIDGE_HOME", str(home))
    # headless CI has no keyring: tests run on the master-password path unless they ask for a keyring
    monkeypatch.setenv("SYNCBRIDGE_MASTER_PASSWORD", "тестовый-мастер-пароль")
    monkeypatch.setenv("SYNCBRIDGE_SECRETS_MODE", "master-password")
    # autostart entries (XDG) go to a private folder, never the developer's real ~/.config/autostart
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("SYNCBRIDGE_ONEC_PASSWORD", raising=False)
    # the demo's sandboxes answer instantly in tests (the demo itself runs on the realistic clock)
    monkeypatch.setenv("SYNCBRIDGE_SANDBOX_CLOCK", "0")
    monkeypatch.delenv("SYNCBRIDGE_BITRIX24_WEBHOOK", raising=False)
    # closing a first-run wizard with typed input asks "discard?" in a modal box; tests (and qtbot's teardown)
    # answer "yes" unless a test replaces this to check the question itself
    wizard_module = sys.modules.get("gui.wizard.setup_wizard")
    if wizard_module is not None:
        monkeypatch.setattr(wizard_module.SetupWizard, "confirm_discard", lambda self: True)
    # secrets registered for masking by one test (e.g. the password «пароль») must not mask words in the next
    forget_secrets()
    yield


@pytest.fixture
def home(tmp_path: Path) -> AppPaths:
    return AppPaths.resolve(tmp_path / "sbhome").ensure()


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    return MemoryKeyring()
