"""The sales part of the sandbox portal wired into the method table, and a sales manager for tests and demos.

:class:`SalesDesk` owns deals, smart invoices and product rows, answers ``crm.deal.*``, ``crm.category.list``,
``crm.status.list``, ``crm.item.productrow.*``, ``crm.timeline.comment.list`` and takes over ``crm.item.*``
for ``entityTypeId=31`` and deal comments in ``crm.timeline.comment.add``; everything else still goes to
the handlers the portal had before (:meth:`SalesDesk.extend`).

:class:`SalesManager` is what a person does in the deal card: create a deal, move it to a stage, edit rows.
It goes through the same code as REST writes, so DATE_MODIFY and the stage semantics move as they would.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .deals import DEAL_OWNER_TYPE, Deals, ProductRows, legacy_rows
from .errors import PortalError, not_found_legacy
from .filters import compile_filter, sort_records
from .smart_invoices import SMART_INVOICE_TYPE_ID, SmartInvoices, product_row_methods

if TYPE_CHECKING:
    from .portal import MethodSpec, Outcome, Portal

_STATUS_TYPES = {"ID": "integer", "ENTITY_ID": "string", "STATUS_ID": "string", "NAME": "string",
                 "SORT": "integer", "CATEGORY_ID": "integer", "SEMANTICS": "string", "SYSTEM": "char"}
_COMMENT_TYPES = {"ID": "integer", "CREATED": "datetime", "ENTITY_ID": "integer", "ENTITY_TYPE": "string",
                  "AUTHOR_ID": "integer", "COMMENT": "string"}


class SalesDesk:
    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self.product_rows = ProductRows()
        self.deals = Deals(self.product_rows)
        self.invoices = SmartInvoices(self.deals, self.product_rows)

    def ctx(self) -> dict[str, Any]:
        return {"now": self.portal.now(), "user_id": self.portal.user_id, "next_mf_id": self.portal.next_mf_id}

    # ----- method table ------------------------------------------------------------------------------
    def extend(self, table: dict[str, MethodSpec]) -> dict[str, MethodSpec]:
        from .portal import MethodSpec, Outcome

        def spec(handler: Callable[[dict[str, Any]], Any]) -> MethodSpec:
            def run(params: dict[str, Any]) -> Outcome:
                result, total, next_start = handler(params)
                return Outcome(result, total, next_start)

            return MethodSpec("crm", run)

        handlers = {
            **self.deals.method_table(self.ctx),
            **product_row_methods(self.deals, self.invoices, self.ctx),
            "crm.status.list": self._status_list,
            "crm.timeline.comment.list": self._comment_list,
        }
        for name, handler in handlers.items():
            table[name] = spec(handler)
        invoice_ops = {
            "crm.item.add": lambda p: self.invoices.add(p, self.ctx()),
            "crm.item.update": lambda p: self.invoices.update(p, self.ctx()),
            "crm.item.get": self.invoices.get,
            "crm.item.delete": self.invoices.delete,
        }
        for name, operation in invoice_ops.items():
            table[name] = self._for_invoices(table.get(name), operation)
        table["crm.item.list"] = self._for_invoices(table.get("crm.item.list"), None)
        table["crm.timeline.comment.add"] = self._deal_comments(table["crm.timeline.comment.add"])
        return table

    def _for_invoices(self, previous: MethodSpec | None, operation: Callable[[dict[str, Any]], Any] | None
                      ) -> MethodSpec:
        from .portal import MethodSpec, Outcome

        def run(params: dict[str, Any]) -> Outcome:
            if str(params.get("entityTypeId", params.get("ENTITY_TYPE_ID", ""))).strip() == str(SMART_INVOICE_TYPE_ID):
                if operation is None:
                    result, total, next_start = self.invoices.list(params)
                    return Outcome(result, total, next_start)
                return Outcome(operation(params))
            if previous is None:
                raise PortalError(400, "NOT_FOUND", "Тип сущности не найден")
            return previous.handler(params)

        return MethodSpec("crm", run)

    def _deal_comments(self, previous: MethodSpec) -> MethodSpec:
        from .portal import MethodSpec, Outcome

        def run(params: dict[str, Any]) -> Outcome:
            fields = params.get("fields")
            if not isinstance(fields, dict) or str(fields.get("ENTITY_TYPE", "")).lower() != "deal":
                return previous.handler(params)
            try:
                deal_id = int(str(fields.get("ENTITY_ID")))
            except (TypeError, ValueError):
                deal_id = 0
            if deal_id not in self.deals.entity.records:
                raise not_found_legacy()
            if not str(fields.get("COMMENT") or "").strip():
                raise PortalError(400, "", "Empty comment message.")
            comments = self.portal.timeline_comments
            comments.last_id += 1
            comments.records[comments.last_id] = {
                "ID": str(comments.last_id), "CREATED": self.portal.now(), "ENTITY_ID": str(deal_id),
                "ENTITY_TYPE": "deal", "AUTHOR_ID": str(self.portal.user_id), "COMMENT": str(fields["COMMENT"]),
            }
            return Outcome(comments.last_id)

        return MethodSpec("crm", run)

    def _status_list(self, params: dict[str, Any]) -> Any:
        rows = self.deals.status_rows()
        rows += self.invoices.status_rows(len(rows) + 1)
        predicate = compile_filter(params.get("filter", params.get("FILTER")), _STATUS_TYPES)
        found = [r for r in rows if predicate(r)]
        found = sort_records(found, params.get("order", params.get("ORDER")) or {"SORT": "ASC"}, _STATUS_TYPES)
        return copy.deepcopy(found), len(found), None

    def _comment_list(self, params: dict[str, Any]) -> Any:
        filter_ = params.get("filter", params.get("FILTER"))
        if not isinstance(filter_, dict) or not filter_.get("ENTITY_ID") or not filter_.get("ENTITY_TYPE"):
            raise PortalError(400, "", "ENTITY_ID and ENTITY_TYPE are required in filter.")
        predicate = compile_filter(filter_, _COMMENT_TYPES)
        rows = [r for r in self.portal.timeline_comments.records.values() if predicate(r)]
        rows = sort_records(rows, params.get("order", params.get("ORDER")), _COMMENT_TYPES)
        start = max(int(str(params.get("start", 0) or 0)), 0)
        page = [dict(r, FILES=[]) for r in rows[start:start + 50]]
        return page, len(rows), start + 50 if start + 50 < len(rows) else None


class SalesManager:
    """A sales manager at the deal card (tests and demos): same effects as the UI, no REST accounting."""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self.desk: SalesDesk = portal.sales

    def create_deal(self, title: str, *, company_id: int | None, rows: list[dict[str, Any]] | None = None,
                    category_id: int = 0, stage: str | None = None, **fields: Any) -> int:
        with self.portal.lock:
            data = {"TITLE": title, "CATEGORY_ID": category_id, **fields}
            if company_id:
                data["COMPANY_ID"] = company_id
            if stage:
                data["STAGE_ID"] = stage
            deal_id = self.desk.deals.add(data, self.desk.ctx())
            if rows:
                self.desk.deals.set_rows(deal_id, legacy_rows(rows), self.desk.ctx())
            return deal_id

    def move(self, deal_id: int, stage: str) -> None:
        with self.portal.lock:
            self.desk.deals.update(deal_id, {"STAGE_ID": stage}, self.desk.ctx())

    def win(self, deal_id: int) -> None:
        """Move to the success stage of the deal's funnel."""
        with self.portal.lock:
            category = self.desk.deals.category_of(self.desk.deals.entity.get_record(deal_id))
            stage = next(s for s in category.stages if s.semantics == "S")
        self.move(deal_id, stage.status_id)

    def set_rows(self, deal_id: int, rows: list[dict[str, Any]]) -> None:
        with self.portal.lock:
            self.desk.deals.set_rows(deal_id, legacy_rows(rows), self.desk.ctx())

    def set_quantity(self, deal_id: int, row_index: int, quantity: float) -> None:
        """Change one row's quantity in the card: the whole set is saved again, as the form does."""
        with self.portal.lock:
            current = [r.fields for r in self.desk.product_rows.of(DEAL_OWNER_TYPE, deal_id)]
            rows = [dict(r) for r in current]
            rows[row_index]["QUANTITY"] = quantity
            self.desk.deals.set_rows(deal_id, rows, self.desk.ctx())

    def edit(self, deal_id: int, **fields: Any) -> None:
        with self.portal.lock:
            self.desk.deals.update(deal_id, fields, self.desk.ctx())

    def delete(self, deal_id: int) -> None:
        with self.portal.lock:
            self.desk.deals.delete(deal_id)

    def deal(self, deal_id: int) -> dict[str, Any]:
        with self.portal.lock:
            return self.desk.deals.output(self.desk.deals.entity.get_record(deal_id))

    def rows(self, deal_id: int) -> list[dict[str, Any]]:
        with self.portal.lock:
            return [r.legacy() for r in self.desk.product_rows.of(DEAL_OWNER_TYPE, deal_id)]

    def comments(self, deal_id: int) -> list[str]:
        with self.portal.lock:
            return [c["COMMENT"] for c in sorted(self.portal.timeline_comments.records.values(),
                                                 key=lambda c: int(c["ID"]))
                    if c["ENTITY_TYPE"] == "deal" and c["ENTITY_ID"] == str(deal_id)]

    def invoices(self, deal_id: int) -> list[dict[str, Any]]:
        with self.portal.lock:
            return [copy.deepcopy(r) for r in self.desk.invoices.records.values() if r.get("parentId2") == deal_id]

    def invoice_rows(self, invoice_id: int) -> list[dict[str, Any]]:
        with self.portal.lock:
            return [r.item() for r in self.desk.product_rows.of("SI", invoice_id)]
