"""Bitrix24 REST client (incoming webhook): :class:`~core.bitrix24.client.Bitrix24Client`."""

from .batch import BatchResult, reference
from .client import Bitrix24Client

__all__ = ["BatchResult", "Bitrix24Client", "reference"]
