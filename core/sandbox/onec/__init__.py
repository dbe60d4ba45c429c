"""Sandbox 1C:Enterprise 8.3 standard OData server (УТ 11, БП 3.0 or УНФ names) used by tests, demos and benchmarks."""

from core.sandbox.onec.server import OneCSandbox

__all__ = ["OneCSandbox"]
