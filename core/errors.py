"""Exceptions that cross layer boundaries.

Every error a user may see carries a Russian message that says what happened and what to do.
Messages must never contain secrets (passwords, webhook codes, tokens): callers pass
already-masked URLs (see ``core.redact``).
"""

from __future__ import annotations


class SyncBridgeError(Exception):
    """Base class. ``message`` is the user-facing Russian text, ``hint`` says what to do."""

    #: process exit code for the CLI when this error ends a command
    exit_code = 2

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def user_text(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class ConfigError(SyncBridgeError):
    """Profile missing or invalid, bad command-line input."""


class SecretsError(SyncBridgeError):
    """Credential store cannot be opened (no keyring and no master password, wrong password…)."""


class ConnectionFailed(SyncBridgeError):
    """Host unreachable, DNS failure, connection refused, timeout before any answer."""


class TLSFailed(ConnectionFailed):
    """TLS handshake or certificate verification failed (TLS is never switched off)."""


class AuthFailed(SyncBridgeError):
    """Wrong login/password (1C) or invalid webhook code (Bitrix24)."""


class AccessDenied(SyncBridgeError):
    """Authenticated, but not allowed: missing scope, RLS, plan without REST."""


class NotPublished(SyncBridgeError):
    """1C object is not in the OData composition (absent from $metadata)."""


class RemoteError(SyncBridgeError):
    """The remote system answered with an error for one request.

    ``code`` is the machine code as the remote system sent it (string for 1C ``odata.error.code``,
    Bitrix24 ``error`` as str/int/empty), ``status`` the HTTP status.
    """

    exit_code = 1

    def __init__(self, message: str, hint: str = "", *, code: object = None, status: int | None = None,
                 not_found: bool = False):
        super().__init__(message, hint)
        self.code = code
        self.status = status
        #: the remote system says the addressed record does not exist (and nothing else went wrong)
        self.not_found = not_found


class PostingRefused(RemoteError):
    """1C wrote the document but refused to post it (fill check, no free stock…); ``message`` has 1C's text.

    The document stays as it was (unposted, or posted with its previous contents) — not a transport error.
    """


class AnswerLost(SyncBridgeError):
    """A write was sent but its answer was lost (timeout, reset, HTML instead of JSON).

    The remote side may or may not have stored the write. Callers must look the record up by its
    identity field before any new attempt; they must never blindly re-send.
    """

    exit_code = 1


class Cancelled(SyncBridgeError):
    """The user (or shutdown) cancelled a running operation."""

    exit_code = 1


class BadRecord(SyncBridgeError):
    """One source record cannot be read (a malformed row, a value of the wrong type): that record fails with this
    message, the run goes on."""

    exit_code = 1
