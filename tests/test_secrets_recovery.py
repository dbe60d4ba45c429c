"""Every dead end of the credential store has a precise message and a way out without deleting files by hand;
scrypt costs at least 2^17, stored KDF parameters are range-checked, and the master password can be changed."""

from __future__ import annotations

import base64
import json

import pytest

from core.cli import main
from core.errors import SecretsError
from core.profile import Profile
from core.secrets import CredentialStore
from core.secrets.store import SCRYPT_N, SecretsUnreadable
from core.setup_service import apply_setup

MASTER = {"SYNCBRIDGE_MASTER_PASSWORD": "тестовый-мастер-пароль", "SYNCBRIDGE_SECRETS_MODE": "master-password"}
WEBHOOK = "https://b24.example/rest/1/abcdefsecret/"


def _profile() -> Profile:
    return Profile(onec_url="http://1c.local/ut11/odata/standard.odata/", onec_user="Интеграция",
                   bitrix24_url="https://b24.example")


def test_new_stores_use_scrypt_n_2_17_and_old_ones_are_upgraded(home) -> None:
    store = CredentialStore(home, env=MASTER)
    store.set("k", "v")
    meta = json.loads((home.data_dir / "secrets.meta.json").read_text())
    assert SCRYPT_N >= 2**17 and meta["n"] >= 2**17
    # a store written by the previous version (n=2^15) still opens and is re-encrypted with today's cost
    from core.secrets.store import _derive_key

    salt = b"0123456789abcdef"
    old_meta = {"version": 1, "mode": "master-password", "kdf": "scrypt", "salt": base64.b64encode(salt).decode(),
                "n": 2**15, "r": 8, "p": 1}
    from cryptography.fernet import Fernet

    token = Fernet(_derive_key(MASTER["SYNCBRIDGE_MASTER_PASSWORD"], salt, 2**15, 8, 1)).encrypt(b'{"k": "old"}')
    home.secrets_file.write_bytes(token)
    (home.data_dir / "secrets.meta.json").write_text(json.dumps(old_meta))
    assert CredentialStore(home, env=MASTER).get("k") == "old"
    assert json.loads((home.data_dir / "secrets.meta.json").read_text())["n"] == SCRYPT_N
    assert CredentialStore(home, env=MASTER).get("k") == "old"


@pytest.mark.parametrize("change", [{"n": 2**40}, {"n": 2**10}, {"n": 3 * 2**15}, {"r": 10_000}, {"p": 0},
                                    {"salt": ""}, {"n": "много"}])
def test_kdf_parameters_are_range_checked(home, change) -> None:
    CredentialStore(home, env=MASTER).set("k", "v")
    meta_path = home.data_dir / "secrets.meta.json"
    meta = json.loads(meta_path.read_text())
    meta.update(change)
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(SecretsUnreadable) as caught:
        CredentialStore(home, env=MASTER).get("k")
    assert "secrets.meta.json" in caught.value.message and "syncbridge secrets reset" in caught.value.hint


def test_malformed_meta_names_the_file_and_the_way_out(home) -> None:
    CredentialStore(home, env=MASTER).set("k", "v")
    (home.data_dir / "secrets.meta.json").write_text('{"mode": ')
    with pytest.raises(SecretsUnreadable) as caught:
        CredentialStore(home, env=MASTER).get("k")
    assert "повреждён" in caught.value.message and "удалять ничего вручную не нужно" in caught.value.hint


def test_corrupt_secrets_file_in_keyring_mode_is_not_a_wrong_master_password(home, memory_keyring) -> None:
    CredentialStore(home, keyring_backend=memory_keyring, env={}).set("k", "v")
    home.secrets_file.write_bytes(b"gAAAAA" + b"x" * 100)
    with pytest.raises(SecretsUnreadable) as caught:
        CredentialStore(home, keyring_backend=memory_keyring, env={}).get("k")
    assert "мастер-пароль" not in caught.value.message.lower() and "повреждён" in caught.value.message


def test_a_keyring_backend_raising_its_own_error_type_gives_a_message(home, memory_keyring) -> None:
    CredentialStore(home, keyring_backend=memory_keyring, env={}).set("k", "v")

    class DBusException(Exception):
        pass

    class Broken:
        priority = 10

        def get_password(self, service: str, username: str) -> str:
            raise DBusException("org.freedesktop.DBus.Error.ServiceUnknown")

    with pytest.raises(SecretsError) as caught:
        CredentialStore(home, keyring_backend=Broken(), env={}).get("k")
    assert "DBusException" in caught.value.message and "syncbridge secrets reset" in caught.value.hint


def test_setup_is_the_way_out_of_a_lost_keyring_key(home, memory_keyring) -> None:
    store = CredentialStore(home, keyring_backend=memory_keyring, env={})
    store.set("k", "v")
    memory_keyring.store.clear()  # the user profile was recreated: the data key is gone
    with pytest.raises(SecretsUnreadable, match="не найден"):
        CredentialStore(home, keyring_backend=memory_keyring, env={}).get("k")
    fresh = CredentialStore(home, keyring_backend=memory_keyring, env={})
    apply_setup(home, _profile(), "пароль-1С", WEBHOOK, credentials=fresh)
    reopened = CredentialStore(home, keyring_backend=memory_keyring, env={})
    assert reopened.get("onec_password") == "пароль-1С" and reopened.get("bitrix24_webhook") == WEBHOOK
    assert list(home.data_dir.glob("secrets.bin.unreadable-*"))  # kept aside, not deleted


def test_wrong_master_password_is_not_silently_replaced_by_setup(home) -> None:
    CredentialStore(home, env=MASTER).set("k", "v")
    wrong = dict(MASTER, SYNCBRIDGE_MASTER_PASSWORD="другой-пароль-123")
    with pytest.raises(SecretsError, match="Неверный мастер-пароль"):
        apply_setup(home, _profile(), "пароль-1С", WEBHOOK, credentials=CredentialStore(home, env=wrong))
    assert CredentialStore(home, env=MASTER).get("k") == "v"


def test_change_master_password_from_the_cli(home, monkeypatch, capsys) -> None:
    CredentialStore(home, env=MASTER).set("onec_password", "секрет-1С")
    monkeypatch.setenv("SYNCBRIDGE_NEW_MASTER_PASSWORD", "новый-мастер-пароль")
    assert main(["secrets", "change-master-password"]) == 0
    assert "изменён" in capsys.readouterr().out
    new = dict(MASTER, SYNCBRIDGE_MASTER_PASSWORD="новый-мастер-пароль")
    assert CredentialStore(home, env=new).get("onec_password") == "секрет-1С"
    with pytest.raises(SecretsError, match="Неверный"):
        CredentialStore(home, env=MASTER).get("onec_password")


def test_secrets_reset_from_the_cli_moves_files_aside(home, capsys) -> None:
    CredentialStore(home, env=MASTER).set("k", "v")
    assert main(["secrets", "reset"]) == 0
    assert not home.secrets_file.exists() and list(home.data_dir.glob("secrets.*.unreadable-*"))
    assert "заново" in capsys.readouterr().out
