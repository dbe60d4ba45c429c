"""Bitrix24 error envelopes -> SyncBridge exceptions, keyed on the ``error`` string, never the status.

The status is unreliable across versions and docs (INVALID_CREDENTIALS is 401 in practice and 403
in the docs table), the ``error`` string is what the portal actually means.
"""

from __future__ import annotations

from core import messages
from core.errors import AccessDenied, AuthFailed, RemoteError, SyncBridgeError
from core.redact import mask_text
from core.server_text import sanitise

from .envelope import ErrorInfo, is_access_denied_text, is_not_found
from .methods import scope_of_method

AUTH_CODES = frozenset(
    {"INVALID_CREDENTIALS", "NO_AUTH_FOUND", "INVALID_TOKEN", "EXPIRED_TOKEN", "AUTHORIZATION_ERROR", "WRONG_AUTH_TYPE"}
)
ACCESS_CODES = frozenset(
    {"ACCESS_DENIED", "USER_ACCESS_ERROR", "ALLOWED_ONLY_INTRANET_USER", "PAYMENT_REQUIRED", "ACCESS_ERROR"}
)


def _detail(info: ErrorInfo) -> str:
    text = mask_text(sanitise(info.description))
    code = sanitise(info.code, 80)
    if code and text:
        return f"{code}: {text}"
    return code or text or "без описания"


def remote_error(method: str, info: ErrorInfo, status: int | None) -> RemoteError:
    """The error of one method call as a RemoteError (what a batch command failure always is)."""
    key = info.key
    if key == "INSUFFICIENT_SCOPE":
        scope = scope_of_method(method)
        wanted = f"«{scope}»" if scope else "нужного раздела"
        return RemoteError(
            f"У входящего вебхука нет права {wanted} для метода {method}.",
            f"Откройте вебхук в Битрикс24 (Разработчикам → Интеграции) и отметьте право {wanted}.",
            code=info.code, status=status,
        )
    if key == "ERROR_METHOD_NOT_FOUND":
        return RemoteError(
            f"Метода {method} нет на этом портале Битрикс24.",
            "На коробочной версии модуль может быть не установлен или устаревшим: обновите Битрикс24 "
            "или отключите в профиле синхронизацию, которой нужен этот метод.",
            code=info.code, status=status,
        )
    if key == "OVERLOAD_LIMIT":
        return RemoteError(
            "Битрикс24 заблокировал REST-запросы этого портала (OVERLOAD_LIMIT).",
            "Это ручная блокировка поддержкой Битрикс24: повтор не поможет, обратитесь в поддержку.",
            code=info.code, status=status,
        )
    if key == "QUERY_LIMIT_EXCEEDED":
        return RemoteError(
            "Битрикс24 отклоняет запросы: превышена частота обращений (QUERY_LIMIT_EXCEEDED).",
            "Возможно, с этого же адреса к порталу обращается другая программа. Повторите позже.",
            code=info.code, status=status,
        )
    if key == "OPERATION_TIME_LIMIT":
        return RemoteError(
            f"Битрикс24 временно заблокировал метод {method}: исчерпан лимит времени выполнения.",
            "Блокировка снимается в течение 10 минут; синхронизация продолжится при следующем запуске.",
            code=info.code, status=status,
        )
    return RemoteError(
        f"Битрикс24 вернул ошибку на {method}: {_detail(info)}.",
        "Проверьте данные записи; если ошибка повторяется, передайте этот текст администратору портала.",
        code=info.code, status=status, not_found=is_not_found(info),
    )


def error_for(method: str, info: ErrorInfo, status: int | None, webhook_masked: str) -> SyncBridgeError:
    """The exception for a failed top-level call."""
    key = info.key
    if key in AUTH_CODES:
        return messages.error(AuthFailed, "b24_webhook_rejected", {"webhook": webhook_masked, "detail": _detail(info)})
    if key == "INSUFFICIENT_SCOPE":
        error = remote_error(method, info, status)
        return AccessDenied(error.message, error.hint)
    if key in ACCESS_CODES or is_access_denied_text(info):
        return AccessDenied(
            f"Битрикс24 запретил вызов {method} ({_detail(info)}).",
            "REST API доступен только на коммерческих тарифах; у сотрудника, создавшего вебхук, должны быть "
            "права на эти данные CRM.",
        )
    return remote_error(method, info, status)
