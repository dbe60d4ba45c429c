"""The error a portal method answers with: HTTP status + Bitrix ``error`` (str, "" or int) + text."""

from __future__ import annotations


class PortalError(Exception):
    def __init__(self, status: int, code: str | int, description: str) -> None:
        super().__init__(f"{status} {code!r}: {description}")
        self.status = status
        self.code = code
        self.description = description

    def body(self) -> dict[str, object]:
        return {"error": self.code, "error_description": self.description}


def not_found_legacy(code: str | int = "") -> PortalError:
    # the exact body of crm.company.get for a missing id (reference fixture)
    return PortalError(400, code, "Not found")


def method_not_found() -> PortalError:
    return PortalError(404, "ERROR_METHOD_NOT_FOUND", "Method not found!")


def insufficient_scope() -> PortalError:
    return PortalError(
        401, "insufficient_scope", "The request requires higher privileges than provided by the webhook token"
    )


#: what crm.*.update / crm.*.delete answer for an id that does not exist: the REST proxies' own text
#: (CCrm*RestProxy::innerUpdate/innerDelete: "Company is not found"), error code "" (RestException default),
#: HTTP 400 — unlike *.get, which says just "Not found"
NOT_FOUND_ON_WRITE = {"company": "Company", "contact": "Contact", "requisite": "Requisite",
                      "bankdetail": "BankDetail"}


def not_found_on_write(kind: str) -> PortalError:
    return PortalError(400, "", f"{NOT_FOUND_ON_WRITE.get(kind, kind.capitalize())} is not found")
