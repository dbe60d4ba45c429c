"""Offline stand-in for a Bitrix24 portal's REST API (incoming-webhook flavour).

Built from the reference notes and the real response bodies, quirks included: legacy CRM methods
answer numbers as strings and errors with an empty or integer ``error`` code, batch maps that are
empty come back as ``[]``, a leaky bucket answers 503 and per-method operating baskets answer 429.
Start it with :class:`core.sandbox.bitrix24.server.Bitrix24Sandbox`.
"""
