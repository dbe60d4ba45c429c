"""Client side of the 1C:Enterprise standard OData interface (OData v3): transport, URLs, values, $metadata."""

from core.onec.client import OneCClient

__all__ = ["OneCClient"]
