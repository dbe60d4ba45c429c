"""Secrets (1C password, Bitrix24 webhook URL) live in one Fernet-encrypted file in the data folder.

The 32-byte data key is either
- a random key kept in the OS keyring (Windows Credential Manager, macOS Keychain, Secret Service), or
- derived from a master password with scrypt when no usable keyring exists (headless Linux, CI, services).

There is no plain-text fallback: without a keyring and without a master password nothing is stored and the
user is told what to do. The keyring holds only the small data key (Windows caps a credential at 2560 bytes).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets as pysecrets
import threading
import time
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
#: scrypt cost for new stores: n=2^17 (OWASP's minimum for scrypt), r=8, p=1; ~128 MiB and a fraction of a second
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
#: what a stored meta may ask for: older stores used n=2^15; more than 256 MiB per derivation is refused (a
#: tampered meta must not make every start hang or run out of memory, nor weaken the key below 2^14)
KDF_MIN_N, KDF_MAX_MEMORY = 2**14, 256 * 2**20
_RESET_HINT = ("Введите пароли заново: syncbridge secrets reset, затем мастер настройки или syncbridge setup. "
               "Старые файлы будут сохранены рядом, удалять ничего вручную не нужно.")

_derived: dict[bytes, bytes] = {}  # one derivation per (password, salt, params) per process: the GUI reopens often


class SecretsUnreadable(SecretsError):
    """The store exists but can never be opened as it is (key gone, file corrupt, meta malformed): the only way out
    is to enter the credentials again; :meth:`CredentialStore.start_over` moves the old files aside."""


def _derive_key(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    cache_key = hashlib.sha256(b"|".join([password.encode("utf-8"), salt, str((n, r, p)).encode()])).digest()
    if cache_key not in _derived:
        raw = Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(password.encode("utf-8"))
        _derived.clear()  # keep at most one derived key around
        _derived[cache_key] = base64.urlsafe_b64encode(raw)
    return _derived[cache_key]


def check_kdf(meta: Mapping[str, Any]) -> tuple[bytes, int, int, int]:
    """(salt, n, r, p) from a master-password meta, range-checked."""
    try:
        salt = base64.b64decode(meta["salt"], validate=True)
        n, r, p = int(meta["n"]), int(meta["r"]), int(meta["p"])
    except (KeyError, TypeError, ValueError) as exc:
        raise SecretsUnreadable(f"Параметры шифрования в secrets.meta.json повреждены ({type(exc).__name__}).",
                                _RESET_HINT) from None
    power_of_two = n > 1 and n & (n - 1) == 0
    if not (16 <= len(salt) <= 64 and power_of_two and n >= KDF_MIN_N and 1 <= r <= 32 and 1 <= p <= 16
            and 128 * n * r * p <= KDF_MAX_MEMORY):
        raise SecretsUnreadable(
            f"Параметры шифрования в secrets.meta.json вне допустимых пределов (n={n}, r={r}, p={p}, "
            f"соль {len(salt)} байт): файл изменён или повреждён.", _RESET_HINT)
    return salt, n, r, p


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
            meta = json.loads(self._meta_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (ValueError, UnicodeDecodeError) as exc:
            raise SecretsUnreadable(f"Файл описания хранилища паролей {self._meta_path.name} повреждён "
                                    f"({type(exc).__name__}).", _RESET_HINT) from None
        mode = meta.get("mode") if isinstance(meta, dict) else None
        if mode not in (MODE_KEYRING, MODE_MASTER) or (mode == MODE_KEYRING and not isinstance(
                meta.get("install_id"), str)):
            raise SecretsUnreadable(f"Файл описания хранилища паролей {self._meta_path.name} повреждён "
                                    "(нет режима или идентификатора ключа).", _RESET_HINT)
        return meta

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
            salt, n, r, p = check_kdf(meta)
            fernet = Fernet(_derive_key(password, salt, n, r, p))
            try:
                self._cache = self._read(fernet, wrong_password_possible=True)
            except SecretsError:
                pending = self._pending_meta_path
                if not pending.exists():
                    raise
                # a password change or upgrade was cut between its two file swaps: finish it
                pending_meta = json.loads(pending.read_text(encoding="utf-8"))
                salt, n, r, p = check_kdf(pending_meta)
                fernet = Fernet(_derive_key(password, salt, n, r, p))
                self._cache = self._read(fernet, wrong_password_possible=True)
                os.replace(pending, self._meta_path)
            self._fernet = fernet
            if (n, r, p) != (SCRYPT_N, SCRYPT_R, SCRYPT_P):
                # an older store (n=2^15): re-encrypted with today's cost now that we know the password
                self._rekey_master(password)

    def _rekey_master(self, password: str) -> None:
        """Write the open store again under ``password`` with a fresh salt and the current scrypt cost."""
        assert self._cache is not None
        salt = pysecrets.token_bytes(16)
        meta = {"version": 1, "mode": MODE_MASTER, "kdf": "scrypt", "salt": base64.b64encode(salt).decode(),
                "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P}
        fernet = Fernet(_derive_key(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P))
        # both new files complete on disk first, then swapped secrets-then-meta; a crash between the two swaps is
        # healed by unlock(), which also tries the pending meta (.new)
        new_bin = self.paths.secrets_file.with_name(self.paths.secrets_file.name + ".new")
        new_meta = self._pending_meta_path
        write_atomic(new_bin, fernet.encrypt(json.dumps(self._cache).encode()))
        write_atomic(new_meta, json.dumps(meta).encode())
        os.replace(new_bin, self.paths.secrets_file)
        os.replace(new_meta, self._meta_path)
        self._fernet = fernet

    @property
    def _pending_meta_path(self):
        return self._meta_path.with_name(self._meta_path.name + ".new")

    def change_master_password(self, old: str, new: str) -> None:
        """Re-encrypt the store under a new master password (the old one must open it)."""
        self._validate_master_password(new)
        with self._lock:
            meta = self._meta()
            if meta is None or meta["mode"] != MODE_MASTER:
                raise SecretsError("Хранилище паролей не защищено мастер-паролем: менять нечего.",
                                   "Ключ шифрования хранится в системном хранилище учётных данных.")
            self._fernet = None
            self.unlock(old)
            self._rekey_master(new)

    def start_over(self) -> list[str]:
        """Forget an unreadable store: its files are moved aside (``*.unreadable-<time>``), its keyring entry is
        removed when possible. Returns the names the old files got. The credentials must then be entered again."""
        moved: list[str] = []
        with self._lock:
            meta: dict[str, Any] | None
            try:
                meta = self._meta()
            except SecretsError:
                meta = None
            stamp = time.strftime("%Y%m%d-%H%M%S")
            for path in (self.paths.secrets_file, self._meta_path):
                if path.exists():
                    target = path.with_name(f"{path.name}.unreadable-{stamp}")
                    os.replace(path, target)
                    moved.append(target.name)
            if meta and meta.get("mode") == MODE_KEYRING:
                try:
                    self._keyring_backend().delete_password(KEYRING_SERVICE, f"data-key:{meta['install_id']}")
                except Exception:  # the entry may be gone already; the store is abandoned anyway
                    pass
            self._fernet, self._cache = None, None
        return moved

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
        except Exception as exc:  # backends raise their own types (DBus, secretstorage, OSError…)
            raise SecretsError(
                f"Системное хранилище учётных данных ({type(backend).__name__}) не ответило: {type(exc).__name__}.",
                "Разблокируйте связку ключей (войдите в сеанс пользователя) и повторите. Если хранилище больше "
                "недоступно: " + _RESET_HINT) from None
        if not key:
            raise SecretsUnreadable("Ключ шифрования паролей не найден в системном хранилище учётных данных "
                                    "(запись удалена или профиль пользователя пересоздан).", _RESET_HINT)
        try:
            fernet = Fernet(key.encode())
        except (ValueError, TypeError):
            raise SecretsUnreadable("Ключ шифрования паролей в системном хранилище повреждён.", _RESET_HINT) from None
        self._cache = self._read(fernet, wrong_password_possible=False)
        self._fernet = fernet

    def _read(self, fernet: Fernet, *, wrong_password_possible: bool) -> dict[str, str]:
        try:
            token = self.paths.secrets_file.read_bytes()
        except FileNotFoundError:
            return {}
        try:
            data = json.loads(fernet.decrypt(token))
        except InvalidToken:
            if wrong_password_possible:
                raise SecretsError("Неверный мастер-пароль: файл с паролями не расшифровывается.",
                                   "Проверьте мастер-пароль (раскладку и регистр). Если он забыт: "
                                   + _RESET_HINT) from None
            # keyring mode: there is no password to get wrong — the file itself is damaged or replaced
            raise SecretsUnreadable("Файл с паролями secrets.bin повреждён: он не расшифровывается ключом из "
                                    "системного хранилища учётных данных.", _RESET_HINT) from None
        except (ValueError, UnicodeDecodeError):
            raise SecretsUnreadable("Файл с паролями secrets.bin повреждён.", _RESET_HINT) from None
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise SecretsUnreadable("Файл с паролями secrets.bin повреждён (неожиданное содержимое).", _RESET_HINT)
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
