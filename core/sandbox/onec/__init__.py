"""Sandbox 1C:Enterprise 8.3 standard OData server (УТ 11 profile) used by tests, demos and benchmarks."""

from core.sandbox.onec.server import OneCSandbox

__all__ = ["OneCSandbox"]
