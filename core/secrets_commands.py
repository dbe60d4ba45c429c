"""``syncbridge secrets change-master-password|reset``: ways out of the credential store without touching files."""

from __future__ import annotations

import getpass
import os
import sys

from core.errors import ConfigError
from core.paths import AppPaths
from core.secrets import CredentialStore
from core.secrets.store import ENV_MASTER_PASSWORD

ENV_NEW_MASTER_PASSWORD = "SYNCBRIDGE_NEW_MASTER_PASSWORD"


def _ask(env_name: str, prompt: str, *, twice: bool = False) -> str:
    value = os.environ.get(env_name, "")
    if value:
        return value
    if sys.stdin is None or not sys.stdin.isatty():
        raise ConfigError(f"Не задан {prompt.rstrip(': ').lower()}.",
                          f"Передайте его через переменную окружения {env_name} или запустите команду в терминале.")
    value = getpass.getpass(prompt)
    if twice and getpass.getpass("Ещё раз: ") != value:
        raise ConfigError("Пароли не совпали.", "Повторите команду.")
    return value


def cmd_secrets(paths: AppPaths, action: str) -> int:
    store = CredentialStore(paths)
    if action == "reset":
        moved = store.start_over()
        print("Хранилище паролей начато заново." + (f" Старые файлы: {', '.join(moved)}." if moved else ""))
        print("Введите пароли 1С и вебхук Битрикс24: мастер настройки (syncbridge) или syncbridge setup.")
        return 0
    old = _ask(ENV_MASTER_PASSWORD, "Текущий мастер-пароль: ")
    new = _ask(ENV_NEW_MASTER_PASSWORD, "Новый мастер-пароль: ", twice=True)
    store.change_master_password(old, new)
    print("Мастер-пароль изменён. Если он задан службе через SYNCBRIDGE_MASTER_PASSWORD, обновите и его там.")
    return 0
