"""Plain ``http://`` to 1C: Basic auth sends the 1C login and password readable by anyone on the path.

Allowed (many offices publish 1C on the LAN without TLS), but never silently: the user is warned and asked, or
must say so explicitly (``--onec-allow-http``) in a script.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from core.errors import ConfigError

PLAIN_HTTP_WARNING = ("Внимание: адрес 1С начинается с http:// — логин и пароль 1С будут передаваться по сети "
                      "открытым текстом. Безопаснее опубликовать базу 1С по https:// (при внутреннем центре "
                      "сертификации укажите его файл: --onec-ca-file).")


def is_plain_http(url: str) -> bool:
    return url.strip().lower().startswith("http://")


def confirm_plain_http(url: str, *, allowed: bool, ask: Callable[[str], str] | None = None) -> None:
    """Warn about http://; go on only when ``allowed`` or the person at the terminal says yes."""
    if not is_plain_http(url):
        return
    print(PLAIN_HTTP_WARNING, file=sys.stderr)
    if allowed:
        return
    if ask is None:
        if sys.stdin is None or not sys.stdin.isatty():
            raise ConfigError("Адрес 1С без TLS (http://) не принят без подтверждения.",
                              "Используйте https:// или добавьте --onec-allow-http, если это осознанное решение.")
        ask = input
    answer = ask("Продолжить с http://? [д/Н]: ").strip().lower()
    if answer not in ("д", "да", "y", "yes"):
        raise ConfigError("Настройка отменена: адрес 1С без TLS (http://).",
                          "Укажите адрес https:// или добавьте --onec-allow-http.")
