"""Secrets (1C password, Bitrix24 webhook URL) live in one Fernet-encrypted file in the data folder.

The 32-byte data key is either
- a random key kept in the OS keyring (Windows Credential Manager, macOS Keychain, Secret Service), or
- derived from a master password with scrypt when no usable keyring exists (headless Linux, CI, services).

There is no plain-text fallback: without a keyring and without a master password nothing is stored and the
user is told what to do. The keyring holds only the small data key (Windows caps a credential at 2560 bytes).
"""

from __future__ import annotations

import base64
import json
import os
import secrets as pysecrets
import threading
from collections.abc import Mapping
from typing import Any

import keyring
import keyring.errors
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from core.atomic_file import write_atomic
from core.errors import SecretsError
from core.paths import AppPaths
from core.redact import register_secret

KEYRING_SERVICE = "SyncBridge"
MODE_KEYRING = "keyring"
MODE_MASTER = "master-password"
ENV_MASTER_PASSWORD = "SYNCBRIDGE_MASTER_PASSWORD"
ENV_FORCE_MODE = "SYNCBRIDGE_SECRETS_MODE"  # "master-password" forces the KDF path even with a keyring
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1


def _derive_key(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    raw = Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(password.encode("utf-8"))
    return base64.urlsafe_b64encode(raw)


def keyring_usable(backend: Any | None = None) -> bool:
    """True when the keyring backend is a real store (not fail/null/chainer with nothing behind it)."""
    try:
        kr = backend or keyring.get_keyring()
        priority = getattr(kr, "priority", 0)
        name = type(kr).__module__ + "." + type(kr).__name__
    except Exception:
        return False
    if any(bad in name for bad in ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")):
        return False
    return bool(priority and priority >= 1)


class CredentialStore:
    def __init__(self, paths: AppPaths, *, keyring_backend: Any | None = None,
                 env: Mapping[str, str] | None = None) -> None:
        self.paths = paths
        self._keyring = keyring_backend
        self._env = os.environ if env is None else env
        self._lock = threading.RLock()
        self._fernet: Fernet | None = None
        self._cache: dict[str, str] | None = None

    # ---- state -------------------------------------------------------------------------------------------------
    @property
    def _meta_path(self):
        return self.paths.data_dir / "secrets.meta.json"

    def _meta(self) -> dict[str, Any] | None:
        try:
            return json.loads(self._meta_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except ValueError as exc:
            raise SecretsError(f"Файл описания хранилища секретов повреждён: {exc}.",
                               "Удалите secrets.meta.json и secrets.bin и заново введите пароли в мастере.") from None

    def mode(self) -> str | None:
        meta = self._meta()
        return meta["mode"] if meta else None

    def _keyring_backend(self) -> Any:
        return self._keyring or keyring.get_keyring()

    def _planned_mode(self) -> str:
        if self._env.get(ENV_FORCE_MODE) == MODE_MASTER:
            return MODE_MASTER
        return MODE_KEYRING if keyring_usable(self._keyring_backend()) else MODE_MASTER

    def needs_master_password(self) -> bool:
        """True when the store can only be opened with a master password that we do not have yet."""
        with self._lock:
            if self._fernet is not None:
                return False
            mode = self.mode() or self._planned_mode()
            return mode == MODE_MASTER and not self._env.get(ENV_MASTER_PASSWORD)

    def is_initialised(self) -> bool:
        return self._meta_path.is_file()

    def location_text(self) -> str:
        mode = self.mode() or self._planned_mode()
        if mode == MODE_KEYRING:
            backend = type(self._keyring_backend()).__name__
            return (f"Пароли хранятся в зашифрованном файле {self.paths.secrets_file}; ключ шифрования — "
                    f"в системном хранилище учётных данных ({backend}).")
        return (f"Пароли хранятся в зашифрованном файле {self.paths.secrets_file}; ключ шифрования выводится из "
                "мастер-пароля (scrypt) и нигде не сохраняется. Системное хранилище учётных данных недоступно.")

    # ---- opening -----------------------------------------------------------------------------------------------
    def create_with_master_password(self, password: str) -> None:
        """Start a new master-password store (or re-open an existing one with this password)."""
        if self.is_initialised():
            self.unlock(password)
            return
        self._validate_master_password(password)
        with self._lock:
            salt = pysecrets.token_bytes(16)
            meta = {"version": 1, "mode": MODE_MASTER, "kdf": "scrypt", "salt": base64.b64encode(salt).decode(),
                    "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P}
            self._fernet = Fernet(_derive_key(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P))
            self._cache = {}
            self.paths.ensure()
            write_atomic(self._meta_path, json.dumps(meta).encode())
            self._flush()

    def unlock(self, password: str) -> None:
        with self._lock:
            meta = self._meta()
            if meta is None:
                self.create_with_master_password(password)
                return
            if meta["mode"] != MODE_MASTER:
                self._open()
                return
            fernet = Fernet(_derive_key(password, base64.b64decode(meta["salt"]), meta["n"], meta["r"], meta["p"]))
            self._cache = self._read(fernet)
            self._fernet = fernet

    def _validate_master_password(self, password: str) -> None:
        if len(password) < 8:
            raise SecretsError("Мастер-пароль слишком короткий.", "Задайте мастер-пароль не короче 8 символов.")

    def _open(self) -> None:
        """Open (or create) the store without user interaction; raises SecretsError when that is impossible."""
        if self._fernet is not None:
            return
        meta = self._meta()
        mode = meta["mode"] if meta else self._planned_mode()
        if mode == MODE_MASTER:
            password = self._env.get(ENV_MASTER_PASSWORD)
            if not password:
                raise SecretsError(
                    "Хранилище паролей защищено мастер-паролем, а он не задан.",
                    f"Задайте переменную окружения {ENV_MASTER_PASSWORD} (служба, CLI) или введите мастер-пароль "
                    "в окне программы. Системное хранилище учётных данных на этом компьютере недоступно.")
            self.unlock(password)
            return
        backend = self._keyring_backend()
        account = f"data-key:{meta['install_id']}" if meta else None
        try:
            if meta is None:
                install_id = pysecrets.token_hex(8)
                key = Fernet.generate_key().decode()
                backend.set_password(KEYRING_SERVICE, f"data-key:{install_id}", key)
                self.paths.ensure()
                write_atomic(self._meta_path, json.dumps({"version": 1, "mode": MODE_KEYRING,
                                                          "install_id": install_id}).encode())
                self._fernet, self._cache = Fernet(key.encode()), {}
                self._flush()
                return
            key = backend.get_password(KEYRING_SERVICE, account)
        except keyring.errors.KeyringError as exc:
            raise SecretsError(f"Системное хранилище учётных данных недоступно: {type(exc).__name__}.",
                               "Разблокируйте связку ключей или заново введите пароли в мастере.") from None
        if not key:
            raise SecretsError("Ключ шифрования паролей не найден в системном хранилище учётных данных.",
                               "Пароли нужно ввести заново: запустите мастер настройки или syncbridge setup.")
        fernet = Fernet(key.encode())
        self._cache = self._read(fernet)
        self._fernet = fernet

    def _read(self, fernet: Fernet) -> dict[str, str]:
        try:
            token = self.paths.secrets_file.read_bytes()
        except FileNotFoundError:
            return {}
        try:
            data = json.loads(fernet.decrypt(token))
        except InvalidToken:
            raise SecretsError("Неверный мастер-пароль: файл с паролями не расшифровывается.",
                               "Проверьте мастер-пароль (раскладку и регистр).") from None
        for value in data.values():
            register_secret(value)
        return data

    def _flush(self) -> None:
        assert self._fernet is not None and self._cache is not None
        write_atomic(self.paths.secrets_file, self._fernet.encrypt(json.dumps(self._cache).encode()))

    # ---- access ------------------------------------------------------------------------------------------------
    def get(self, name: str) -> str | None:
        with self._lock:
            self._open()
            assert self._cache is not None
            return self._cache.get(name)

    def require(self, name: str, what: str) -> str:
        value = self.get(name)
        if not value:
            raise SecretsError(f"Не сохранён {what}.", "Запустите мастер настройки или syncbridge setup.")
        return value

    def set(self, name: str, value: str) -> None:
        register_secret(value)
        with self._lock:
            self._open()
            assert self._cache is not None
            self._cache[name] = value
            self._flush()

    def delete(self, name: str) -> None:
        with self._lock:
            self._open()
            assert self._cache is not None
            if self._cache.pop(name, None) is not None:
                self._flush()
