"""Credential store: secrets encrypted on disk, the key in the OS keyring or derived from a master password."""

from core.secrets.store import CredentialStore

__all__ = ["CredentialStore"]
