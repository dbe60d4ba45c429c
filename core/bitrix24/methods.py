"""What the client knows about a REST method from its name alone: read or write, and its scope."""

from __future__ import annotations

_READ_SUFFIXES = (".list", ".get", ".fields")
_READ_METHODS = frozenset({"scope", "method.get", "profile", "methods", "feature.get", "server.time"})


def is_read_method(method: str) -> bool:
    """Reads may be re-sent after a lost answer; everything else is a write and never is.

    ``crm.duplicate.findbycomm`` is a read in effect but not by name: being conservative costs
    only a lookup, guessing wrong about a write costs a duplicate record.
    """
    name = method.strip().lower()
    return name in _READ_METHODS or name.endswith(_READ_SUFFIXES)


def scope_of_method(method: str) -> str | None:
    """The webhook permission a method needs, for the "tick this scope" message."""
    name = method.strip().lower()
    if name.startswith("crm.documentgenerator."):
        return "documentgenerator"
    for prefix, scope in (("crm.", "crm"), ("catalog.", "catalog"), ("user.", "user"), ("department.", "department"),
                          ("documentgenerator.", "documentgenerator"), ("disk.", "disk"), ("task.", "task"),
                          ("tasks.", "task"), ("im.", "im")):
        if name.startswith(prefix):
            return scope
    return None
