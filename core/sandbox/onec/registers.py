"""Virtual tables of the sandbox registers: `SliceLast`/`SliceFirst` of the price register, `Balance` of free stock.

Call forms accepted (onec-odata.md §1.3): parameters in the path `…/SliceLast(Period=datetime'…',Condition='…')`,
in the query string `…/SliceLast?Condition=…`, or none (`…/Balance()`, `…/SliceLast`); on the register name or on
its `_RecordType` set (public clients call `InformationRegister_ЦеныНоменклатуры25_RecordType/SliceLast(…)`).
Inner quotes of `Condition` are accepted both raw (`guid'…'`) and doubled (`guid''…''`) — the docs write them raw,
some clients double them, which one the platform prefers is unverified.

Semantics as the 1C query language has them:
- `SliceLast(Period, Condition)`: per combination of dimensions, the active record with the latest `Period` not
  after `Period` (all records when no Period), `Condition` filtering records *before* slicing;
- `Balance(Period, Condition, Dimensions)`: receipts minus expenses of active records dated before `Period`, grouped
  by the listed dimensions (all by default), resources suffixed `Balance`, rows whose balances are all zero left out;
- `$filter`, `$select`, `$orderby`, `$top` then apply to the result rows;
- a function the register does not have (`Balance` of an information register, `SliceLast` of an accumulation
  register) is a 400, like `Balance()` on a turnovers register live.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from core.sandbox.onec import representation as rep
from core.sandbox.onec.catalog_model import REGISTERS, RegisterDef
from core.sandbox.onec.codec import ODataFault, parse_datetime
from core.sandbox.onec.entity_model import ZERO_GUID, EntitySetDef, Prop, num
from core.sandbox.onec.odata_filter import compile_filter, compile_sort_key

if TYPE_CHECKING:
    from core.sandbox.onec.service import ODataService, Request, Response

_CALL_RE = re.compile(r"^(?P<func>[A-Za-z]+)(?:\((?P<args>.*)\))?$", re.DOTALL)
_ARG_SPLIT_RE = re.compile(r",(?=\s*(?:Period|Condition|Dimensions|StartPeriod|EndPeriod)\s*=)")
FUNCTIONS = {"information": ("SliceLast", "SliceFirst"), "accumulation": ("Balance",)}


def register_for(name: str) -> RegisterDef | None:
    base = name[: -len("_RecordType")] if name.endswith("_RecordType") else name
    return REGISTERS.get(base)


def handle(service: ODataService, req: Request, name: str, tail: str | None) -> Response | None:
    """A virtual-table call, or None when the request is not one (ordinary routing goes on)."""
    register = register_for(name)
    if register is None or not service.model.is_published(register.record_type_name):
        return None
    if not tail:
        if name == register.name:  # record sets by recorder are not modelled by the sandbox
            raise ODataFault(400, "0", f"Чтение наборов записей «{name}» песочница не поддерживает; "
                                       "используйте _RecordType или виртуальные таблицы")
        return None
    call = _CALL_RE.match(tail.strip())
    if call is None:
        raise ODataFault(400, "6", f"Сегмент пути '{tail}' не найден!")
    func = call.group("func")
    if func not in FUNCTIONS[register.kind]:
        raise ODataFault(400, "11", f"Метод '{func}' не найден")
    if req.method != "GET":
        raise ODataFault(405, "19", "HTTP-метод не допускается для данного ресурса")
    args = _arguments(call.group("args") or "", req.params)
    condition = args.get("Condition")
    records = [r for r in _candidates(service, register, condition) if r.get("Active", True)]
    if condition:
        predicate = compile_filter(condition, service.model, register.record_set, service._resolve)
        records = [r for r in records if predicate(r)]
    period = _period(args.get("Period"))
    if func == "Balance":
        result_def, rows = _balance(register, records, period, args.get("Dimensions"))
    else:
        result_def, rows = register.record_set, _slice(register, records, period, last=func == "SliceLast")
    return _respond(service, req, result_def, rows)


_KEY_TERM_RE = re.compile(r"^(\w+) eq guid'([0-9a-fA-F-]{36})'$")
_GROUP_RE = re.compile(r"^\(([^()]*)\)(?:\s+and\s+(.*))?$", re.S | re.I)
_OR_RE = re.compile(r"\s+or\s+", re.I)


def _candidates(service: ODataService, register: RegisterDef, condition: str | None) -> list[dict[str, Any]]:
    """The records the condition can match, in snapshot order. A condition that starts with ``(Поле eq guid'…' or
    …)`` on one field, and-ed with at most one more group, can only match records with one of those values: they are
    taken from the set's index instead of testing every record (the predicate still decides). Anything else: all."""
    match = _GROUP_RE.match((condition or "").strip())
    rest = match.group(2) if match else None
    if match is None or (rest is not None and _OR_RE.search(rest) and not re.fullmatch(r"\([^()]*\)", rest.strip())):
        return service.store.snapshot(register.record_type_name)
    terms = [_KEY_TERM_RE.match(term.strip()) for term in _OR_RE.split(match.group(1))]
    fields = {term.group(1) for term in terms if term}
    known = {prop.name for prop in register.record_set.props}
    if not terms or not all(terms) or len(fields) != 1 or not fields <= known:
        return service.store.snapshot(register.record_type_name)
    by_value = service.store.index(register.record_type_name, fields.pop())
    wanted = {term.group(2).lower() for term in terms if term}
    found = [entry for value in wanted for entry in by_value.get(value, ())]
    return [row for _, row in sorted(found, key=lambda entry: entry[0])]


def _arguments(text: str, query: dict[str, str]) -> dict[str, str]:
    args: dict[str, str] = {}
    for part in (_ARG_SPLIT_RE.split(text) if text.strip() else []):
        name, sep, value = part.partition("=")
        if not sep:
            raise ODataFault(400, "21", "Неверные параметры функции")
        args[name.strip()] = _unquote(value.strip())
    for name in ("Period", "Condition", "Dimensions"):
        if name in query and name not in args:
            args[name] = _unquote(query[name].strip())
    return args


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == "'" and value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def _period(value: str | None) -> Any:
    if not value:
        return None
    text = value.strip()
    if text.startswith("datetime'") and text.endswith("'"):
        text = text[len("datetime'"):-1]
    try:
        return parse_datetime(text)
    except (ValueError, ODataFault):
        raise ODataFault(400, "21", f"Неверное значение параметра Period: {value}") from None


def _dims_key(register: RegisterDef, row: dict[str, Any], dims: tuple[Prop, ...] | None = None) -> tuple:
    return tuple(row.get(p.name, ZERO_GUID) for p in (dims or register.dimensions))


def _slice(register: RegisterDef, records: list[dict[str, Any]], period: Any, *, last: bool) -> list[dict]:
    chosen: dict[tuple, dict[str, Any]] = {}
    for row in records:
        if period is not None and (row["Period"] > period if last else row["Period"] < period):
            continue
        key = _dims_key(register, row)
        current = chosen.get(key)
        order = (row["Period"], row.get("LineNumber", 0))
        if current is None or (order > (current["Period"], current.get("LineNumber", 0)) if last
                               else order < (current["Period"], current.get("LineNumber", 0))):
            chosen[key] = row
    return list(chosen.values())


def _balance(register: RegisterDef, records: list[dict[str, Any]], period: Any,
             dimensions: str | None) -> tuple[EntitySetDef, list[dict[str, Any]]]:
    by_short = {p.name[: -len("_Key")] if p.name.endswith("_Key") else p.name: p for p in register.dimensions}
    if dimensions:
        names = [n.strip() for n in dimensions.split(",") if n.strip()]
        unknown = [n for n in names if n not in by_short]
        if unknown:
            raise ODataFault(400, "21", f"Неверное значение параметра Dimensions: {unknown[0]}")
        dims = tuple(by_short[n] for n in names)
    else:
        dims = register.dimensions
    balance_props = tuple(num(f"{p.name}Balance") for p in register.resources)
    result_def = EntitySetDef(f"{register.name}_Balance", (*dims, *balance_props), presentation=())
    sums: dict[tuple, list[Decimal]] = {}
    for row in records:
        if period is not None and row["Period"] >= period:
            continue
        sign = Decimal(-1) if row.get("RecordType") == "Expense" else Decimal(1)
        totals = sums.setdefault(_dims_key(register, row, dims), [Decimal(0)] * len(register.resources))
        for i, p in enumerate(register.resources):
            totals[i] += sign * Decimal(row.get(p.name) or 0)
    rows = []
    for key, totals in sums.items():
        if all(t == 0 for t in totals):
            continue
        out = {p.name: value for p, value in zip(dims, key, strict=True)}
        out.update({p.name: t for p, t in zip(balance_props, totals, strict=True)})
        rows.append(out)
    return result_def, rows


def _respond(service: ODataService, req: Request, defn: EntitySetDef, rows: list[dict[str, Any]]) -> Response:
    from core.sandbox.onec.service import JSON_TYPE, Response

    text = req.params.get("$filter")
    if text and text.strip():
        predicate = compile_filter(text, service.model, defn, service._resolve)
        rows = [r for r in rows if predicate(r)]
    order = req.params.get("$orderby", "")
    for item in reversed([i.strip() for i in order.split(",") if i.strip()]):
        words = item.rsplit(None, 1)
        descending = len(words) == 2 and words[1].lower() == "desc"
        expr = words[0] if len(words) == 2 and words[1].lower() in ("asc", "desc") else item
        rows = sorted(rows, key=compile_sort_key(expr, service.model, defn, service._resolve), reverse=descending)
    top = req.params.get("$top")
    if top is not None:
        if not top.strip().isdigit():
            raise ODataFault(400, "14", "Ошибка при разборе опции запроса $top")
        rows = rows[: int(top)]
    selection = rep.parse_select(req.params.get("$select"), defn, service.model)
    writer = rep.EntityWriter(service.model, defn, service._resolve, selection=selection, links=req.links)
    payload: dict[str, Any] = {}
    if req.links:
        payload["odata.metadata"] = f"{req.base_url}$metadata#{defn.name}"
    payload["value"] = [writer.entity(r) for r in rows]
    return Response(200, rep.dumps(payload), JSON_TYPE, {"DataServiceVersion": "3.0"})
