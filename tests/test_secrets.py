from __future__ import annotations

import pytest

from core.errors import SecretsError
from core.secrets import CredentialStore


def test_master_password_store_encrypts_and_reopens(home):
    env = {"SYNCBRIDGE_MASTER_PASSWORD": "очень-секретно-123", "SYNCBRIDGE_SECRETS_MODE": "master-password"}
    store = CredentialStore(home, env=env)
    store.set("onec_password", "Пароль1С!")
    raw = home.secrets_file.read_bytes()
    assert "Пароль1С".encode() not in raw and b"onec_password" not in raw
    assert CredentialStore(home, env=env).get("onec_password") == "Пароль1С!"
    assert "мастер-пароля" in store.location_text()


def test_wrong_master_password_is_refused(home):
    CredentialStore(home, env={"SYNCBRIDGE_MASTER_PASSWORD": "правильный-пароль"}).set("x", "секрет")
    with pytest.raises(SecretsError, match="Неверный мастер-пароль"):
        CredentialStore(home, env={"SYNCBRIDGE_MASTER_PASSWORD": "неправильный"}).get("x")


def test_no_keyring_and_no_master_password_stores_nothing(home):
    store = CredentialStore(home, env={"SYNCBRIDGE_SECRETS_MODE": "master-password"})
    assert store.needs_master_password()
    with pytest.raises(SecretsError, match="мастер-парол"):
        store.set("onec_password", "x")
    assert not home.secrets_file.exists()


def test_gui_unlock_path(home):
    store = CredentialStore(home, env={"SYNCBRIDGE_SECRETS_MODE": "master-password"})
    with pytest.raises(SecretsError):
        store.create_with_master_password("short")
    store.create_with_master_password("длинный-пароль")
    store.set("k", "v")
    fresh = CredentialStore(home, env={})
    assert fresh.needs_master_password()
    fresh.unlock("длинный-пароль")
    assert fresh.get("k") == "v"


def test_keyring_mode_keeps_only_the_data_key_in_keyring(home, memory_keyring):
    store = CredentialStore(home, keyring_backend=memory_keyring, env={})
    assert not store.needs_master_password()
    store.set("bitrix24_webhook", "https://b24.example/rest/1/abcdefsecret/")
    [(service, account)] = memory_keyring.store
    assert service == "SyncBridge" and account.startswith("data-key:")
    assert "abcdefsecret" not in memory_keyring.store[(service, account)]
    assert b"abcdefsecret" not in home.secrets_file.read_bytes()
    assert CredentialStore(home, keyring_backend=memory_keyring, env={}).get("bitrix24_webhook").endswith("secret/")
    assert "системном хранилище" in store.location_text()


def test_keyring_lost_key_is_a_clear_error(home, memory_keyring):
    CredentialStore(home, keyring_backend=memory_keyring, env={}).set("a", "b")
    memory_keyring.store.clear()
    with pytest.raises(SecretsError, match="не найден"):
        CredentialStore(home, keyring_backend=memory_keyring, env={}).get("a")
