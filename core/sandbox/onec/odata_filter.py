"""Parser and evaluator for the `$filter` / `$orderby` expressions the 1C OData service accepts.

Subset (onec-odata.md §1.5): `eq ne gt ge lt le and or not add sub mul div mod`, parentheses, literals
`'…'` (`''` escapes a quote), `guid'…'`, `datetime'…'`, numbers (plain decimals; `1E+20` is refused like 1C
does), `true/false`; functions `substringof startswith endswith like concat year month day hour minute
second round cast isof`; navigation `Партнер/Description`, `cast(Owner,'Catalog_X')/ИНН`; lambdas
`КонтактнаяИнформация/any(d: d/АдресЭП eq '…')` and `all`.

1C semantics reproduced on purpose:
- string comparisons are case-insensitive and ignore trailing spaces (1C query language collation);
- references only support `eq`/`ne`: `Ref_Key gt guid'…'` is a 500 "Неверные параметры в операции сравнения…",
  so keyset paging by reference is impossible; a reference compared with a string literal compares its
  presentation — it "works" but compares the wrong thing;
- a composite attribute compared with a plain `guid'…'` never matches; it needs `cast(guid'…','Catalog_X')`;
- unlimited strings (length 0) cannot be compared at all (same 500);
- mixing incompatible types (`ИНН eq 7728145639`) is the same 500; unknown names are 400 code 14.
Expressions are compiled once into closures and then evaluated per row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from core.sandbox.onec.codec import GUID_RE, ODataFault
from core.sandbox.onec.entity_model import (
    COMPOSITE,
    NAMESPACE,
    REF,
    EntitySetDef,
    Model,
    Prop,
    TabularPart,
    TabularSetDef,
)

COMPARE_ERROR = (
    "Неверные параметры в операции сравнения. "
    "Нельзя сравнивать поля неограниченной длины и поля несовместимых типов."
)
UNSUPPORTED_FUNCTIONS = {
    "length", "indexof", "replace", "tolower", "toupper", "trim", "floor", "ceiling",
    "years", "days", "hours", "minutes", "seconds", "contains",
}

Scope = EntitySetDef | TabularSetDef | TabularPart
Resolver = Callable[[str, str], "dict[str, Any] | None"]
Env = dict[str, Any]

# --- tokens -----------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | guid'(?P<guid>[^']*)'
  | datetime'(?P<datetime>[^']*)'
  | '(?P<string>(?:[^']|'')*)'
  | (?P<number>\d+(?:\.\d+)?[mMdDfFlL]?)(?![\w.+])
  | (?P<ident>[^\W\d]\w*)
  | (?P<punct>[(),/:-])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: str  # guid datetime string number ident punct end
    value: str
    pos: int


class ParseError(ODataFault):
    def __init__(self, option: str, detail: str) -> None:
        super().__init__(400, "14", f"Ошибка при разборе опции запроса {option}: {detail}")


class UnknownName(ParseError):
    """A name that is not a property of the set (or not published): code 14 in $filter, 6 in $orderby."""

    def __init__(self, option: str, name: str) -> None:
        super().__init__(option, f"поле '{name}' не найдено")
        self.name = name


def tokenize(text: str, option: str = "$filter") -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if not m:
            raise ParseError(option, f"недопустимый символ в позиции {pos + 1}: {text[pos:pos + 10]!r}")
        kind = m.lastgroup or ""
        if kind != "ws":
            value = m.group(kind)
            if kind == "string":
                value = value.replace("''", "'")
            tokens.append(Token(kind, value, pos))
        pos = m.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


# --- syntax tree ------------------------------------------------------------------------------------


@dataclass
class Literal:
    kind: str  # string guid datetime number bool
    value: Any


@dataclass
class Member:
    path: list[str]


@dataclass
class Call:
    name: str
    args: list[Any]


@dataclass
class Nav:  # `cast(…)/Поле`
    base: Any
    path: list[str]


@dataclass
class Lambda:
    collection: Any  # Member or Nav
    kind: str  # any | all
    var: str | None
    body: Any


@dataclass
class Unary:
    op: str
    operand: Any


@dataclass
class Binary:
    op: str
    left: Any
    right: Any


_COMPARISONS = ("eq", "ne", "gt", "ge", "lt", "le")


class _Parser:
    def __init__(self, text: str, option: str) -> None:
        self.option = option
        self.tokens = tokenize(text, option)
        self.i = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def next(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def is_word(self, *words: str) -> bool:
        t = self.peek()
        return t.kind == "ident" and t.value in words

    def expect_punct(self, ch: str) -> None:
        t = self.next()
        if t.kind != "punct" or t.value != ch:
            raise ParseError(self.option, f"ожидался '{ch}' в позиции {t.pos + 1}")

    def parse(self) -> Any:
        node = self.or_expr()
        if self.peek().kind != "end":
            raise ParseError(self.option, f"лишний текст в позиции {self.peek().pos + 1}")
        return node

    def or_expr(self) -> Any:
        node = self.and_expr()
        while self.is_word("or"):
            self.next()
            node = Binary("or", node, self.and_expr())
        return node

    def and_expr(self) -> Any:
        node = self.cmp_expr()
        while self.is_word("and"):
            self.next()
            node = Binary("and", node, self.cmp_expr())
        return node

    def cmp_expr(self) -> Any:
        node = self.add_expr()
        if self.is_word(*_COMPARISONS):
            op = self.next().value
            node = Binary(op, node, self.add_expr())
        return node

    def add_expr(self) -> Any:
        node = self.mul_expr()
        while self.is_word("add", "sub"):
            op = self.next().value
            node = Binary(op, node, self.mul_expr())
        return node

    def mul_expr(self) -> Any:
        node = self.unary()
        while self.is_word("mul", "div", "mod"):
            op = self.next().value
            node = Binary(op, node, self.unary())
        return node

    def unary(self) -> Any:
        if self.is_word("not"):
            self.next()
            return Unary("not", self.unary())
        t = self.peek()
        if t.kind == "punct" and t.value == "-":
            self.next()
            return Unary("-", self.unary())
        return self.postfix()

    def postfix(self) -> Any:
        node = self.primary()
        while self.peek().kind == "punct" and self.peek().value == "/":
            self.next()
            t = self.next()
            if t.kind != "ident":
                raise ParseError(self.option, f"ожидалось имя поля в позиции {t.pos + 1}")
            if t.value in ("any", "all") and self.peek().kind == "punct" and self.peek().value == "(":
                node = self.lambda_(node, t.value)
            elif isinstance(node, Member):
                node.path.append(t.value)
            elif isinstance(node, Nav):
                node.path.append(t.value)
            else:
                node = Nav(node, [t.value])
        return node

    def lambda_(self, collection: Any, kind: str) -> Lambda:
        self.expect_punct("(")
        if self.peek().kind == "punct" and self.peek().value == ")":
            self.next()
            return Lambda(collection, kind, None, None)
        var = self.next()
        if var.kind != "ident":
            raise ParseError(self.option, f"ожидалось имя переменной в позиции {var.pos + 1}")
        self.expect_punct(":")
        body = self.or_expr()
        self.expect_punct(")")
        return Lambda(collection, kind, var.value, body)

    def primary(self) -> Any:
        t = self.next()
        if t.kind == "punct" and t.value == "(":
            node = self.or_expr()
            self.expect_punct(")")
            return node
        if t.kind == "string":
            return Literal("string", t.value)
        if t.kind == "guid":
            if not GUID_RE.match(t.value):
                raise ODataFault(400, "1", f"Не удалось разобрать строку '{t.value}' как значение типа Edm.Guid!")
            return Literal("guid", t.value.lower())
        if t.kind == "datetime":
            try:
                return Literal("datetime", datetime.fromisoformat(t.value))
            except ValueError:
                raise ParseError(self.option, f"неверный литерал datetime'{t.value}'") from None
        if t.kind == "number":
            return Literal("number", _number(t.value))
        if t.kind == "ident":
            if t.value in ("true", "false"):
                return Literal("bool", t.value == "true")
            if self.peek().kind == "punct" and self.peek().value == "(":
                return self.call(t.value)
            return Member([t.value])
        raise ParseError(self.option, f"неожиданный элемент в позиции {t.pos + 1}")

    def call(self, name: str) -> Call:
        self.expect_punct("(")
        args: list[Any] = []
        if not (self.peek().kind == "punct" and self.peek().value == ")"):
            args.append(self.or_expr())
            while self.peek().kind == "punct" and self.peek().value == ",":
                self.next()
                args.append(self.or_expr())
        self.expect_punct(")")
        return Call(name, args)


def _number(text: str) -> int | Decimal:
    text = text.rstrip("mMdDfFlL")
    return Decimal(text) if "." in text else int(text)


def parse(text: str, option: str = "$filter") -> Any:
    return _Parser(text, option).parse()


# --- binding and compilation ------------------------------------------------------------------------

# value categories
STRING, GUID, COMPOSITE_CAT, TYPEDREF, DATETIME, NUMBER, BOOL, ENTITY, COLLECTION = (
    "string", "guid", "composite", "typedref", "datetime", "number", "bool", "entity", "collection",
)


@dataclass
class Compiled:
    fn: Callable[[Env], Any]
    cat: str
    prop: Prop | None = None  # the property read, for the unlimited-string rule
    target: str | None = None  # entity set a GUID / typed ref / entity points to
    scope: Scope | None = None  # ENTITY / COLLECTION: the type reached


def _category(p: Prop) -> str:
    if p.kind == COMPOSITE:
        return COMPOSITE_CAT
    return {
        "Edm.Guid": GUID, "Edm.Boolean": BOOL, "Edm.DateTime": DATETIME, "Edm.Int16": NUMBER,
        "Edm.Int32": NUMBER, "Edm.Int64": NUMBER, "Edm.Double": NUMBER,
    }.get(p.edm, STRING)


def _norm(text: str) -> str:
    return text.rstrip().casefold()


def strip_namespace(type_name: str) -> str:
    prefix = NAMESPACE + "."
    return type_name[len(prefix):] if type_name.startswith(prefix) else type_name


class Compiler:
    def __init__(self, model: Model, root: EntitySetDef | TabularSetDef, resolve: Resolver,
                 option: str = "$filter") -> None:
        self.model = model
        self.root = root
        self.resolve = resolve
        self.option = option

    # presentation of a referenced row: what 1C shows for a reference and sorts it by
    def presentation_of(self, target: str | None) -> Callable[[str | None], str | None]:
        defn = self.model.objects.get(target or "")
        if defn is None:
            return lambda ref: None if ref is None else ""
        fields = defn.presentation

        def present(ref: str | None) -> str | None:
            if ref is None:
                return None
            row = self.resolve(defn.name, ref)
            if row is None:
                return ""
            return " ".join(str(row.get(f, "")) for f in fields)

        return present

    def _ref_target(self, scope: Scope, p: Prop) -> str | None:
        if p.kind == REF:
            return p.ref_to
        if p.name == "Ref_Key":
            if isinstance(scope, EntitySetDef):
                return scope.name
            if isinstance(scope, TabularSetDef):
                return scope.owner.name
        return None

    def fail(self, detail: str) -> ParseError:
        return ParseError(self.option, detail)

    # paths ------------------------------------------------------------------

    def walk(self, start: Compiled, segments: list[str]) -> Compiled:
        current = start
        for index, seg in enumerate(segments):
            last = index == len(segments) - 1
            scope = current.scope
            if current.cat == TYPEDREF and current.target:
                current = self._navigate(current)
                scope = current.scope
            if current.cat != ENTITY or scope is None:
                raise UnknownName(self.option, seg)
            current = self._segment(current, scope, seg, last)
        return current

    def _navigate(self, value: Compiled) -> Compiled:
        target = value.target or ""
        if not self.model.is_published(target):
            raise UnknownName(self.option, target)
        getter = value.fn
        resolve = self.resolve
        if value.cat == TYPEDREF:
            def fn(env: Env) -> Any:
                typed = getter(env)
                if typed is None or typed[0] != target:
                    return None
                return resolve(target, typed[1])
        else:
            def fn(env: Env) -> Any:
                ref = getter(env)
                return None if ref is None else resolve(target, ref)
        return Compiled(fn, ENTITY, scope=self.model.objects[target])

    def _segment(self, current: Compiled, scope: Scope, seg: str, last: bool) -> Compiled:
        getter = current.fn
        props = scope.by_name
        tabular = getattr(scope, "tabular_by_name", {})
        if seg in props:
            p = props[seg]
            name = p.name
            if p.kind == COMPOSITE:
                type_name = f"{name}_Type"

                def comp(env: Env) -> Any:
                    row = getter(env)
                    if row is None:
                        return None
                    return (strip_namespace(row.get(type_name, "")), row.get(name))
                return Compiled(comp, COMPOSITE_CAT, prop=p)

            def plain(env: Env) -> Any:
                row = getter(env)
                return None if row is None else row.get(name)
            return Compiled(plain, _category(p), prop=p, target=self._ref_target(scope, p))
        ref_prop = props.get(f"{seg}_Key")
        if ref_prop is not None and ref_prop.kind == REF and self.model.is_published(ref_prop.ref_to or ""):
            key = ref_prop.name
            nav = Compiled(lambda env: (lambda r: None if r is None else r.get(key))(getter(env)),
                           GUID, target=ref_prop.ref_to)
            return self._navigate(nav)
        if seg in tabular:
            part = tabular[seg]

            def rows(env: Env) -> Any:
                row = getter(env)
                return [] if row is None else row.get(part.name, [])
            return Compiled(rows, COLLECTION, scope=part)
        raise UnknownName(self.option, seg)

    # expressions --------------------------------------------------------------

    def compile(self, node: Any, vars_: dict[str, Scope]) -> Compiled:
        if isinstance(node, Literal):
            value = node.value
            cat = {"string": STRING, "guid": GUID, "datetime": DATETIME, "number": NUMBER, "bool": BOOL}[node.kind]
            return Compiled(lambda env: value, cat)
        if isinstance(node, Member):
            head, *rest = node.path
            if head in vars_:
                start = Compiled(lambda env: env[head], ENTITY, scope=vars_[head])
                return self.walk(start, rest) if rest else start
            root = Compiled(lambda env: env["$it"], ENTITY, scope=self.root)
            return self.walk(root, node.path)
        if isinstance(node, Nav):
            return self.walk(self.compile(node.base, vars_), node.path)
        if isinstance(node, Lambda):
            return self._lambda(node, vars_)
        if isinstance(node, Unary):
            operand = self.compile(node.operand, vars_)
            if node.op == "not":
                self._require(operand, BOOL, "not")
                f = operand.fn
                return Compiled(lambda env: not f(env), BOOL)
            self._require(operand, NUMBER, "-")
            f = operand.fn
            return Compiled(lambda env: None if (v := f(env)) is None else -v, NUMBER)
        if isinstance(node, Binary):
            return self._binary(node, vars_)
        if isinstance(node, Call):
            return self._call(node, vars_)
        raise self.fail("неизвестная конструкция")

    def _require(self, value: Compiled, cat: str, where: str) -> None:
        if value.cat != cat:
            raise self.fail(f"неверный тип операнда '{where}'")

    def _lambda(self, node: Lambda, vars_: dict[str, Scope]) -> Compiled:
        coll = self.compile(node.collection, vars_)
        if coll.cat != COLLECTION or coll.scope is None:
            raise self.fail("any/all применимы только к табличной части")
        rows_fn = coll.fn
        if node.body is None:
            return Compiled(lambda env: bool(rows_fn(env)), BOOL)
        var = node.var or ""
        body = self.compile(node.body, {**vars_, var: coll.scope})
        self._require(body, BOOL, node.kind)
        body_fn = body.fn
        if node.kind == "any":
            return Compiled(lambda env: any(body_fn({**env, var: r}) for r in rows_fn(env)), BOOL)
        return Compiled(lambda env: all(body_fn({**env, var: r}) for r in rows_fn(env)), BOOL)

    def _binary(self, node: Binary, vars_: dict[str, Scope]) -> Compiled:
        left = self.compile(node.left, vars_)
        right = self.compile(node.right, vars_)
        op = node.op
        if op in ("and", "or"):
            self._require(left, BOOL, op)
            self._require(right, BOOL, op)
            lf, rf = left.fn, right.fn
            if op == "and":
                return Compiled(lambda env: bool(lf(env)) and bool(rf(env)), BOOL)
            return Compiled(lambda env: bool(lf(env)) or bool(rf(env)), BOOL)
        if op in ("add", "sub", "mul", "div", "mod"):
            return self._arithmetic(op, left, right)
        return self._comparison(op, left, right)

    def _arithmetic(self, op: str, left: Compiled, right: Compiled) -> Compiled:
        self._require(left, NUMBER, op)
        self._require(right, NUMBER, op)
        lf, rf = left.fn, right.fn

        def arith(env: Env) -> Any:
            a, c = lf(env), rf(env)
            if a is None or c is None:
                return None
            a, c = Decimal(a), Decimal(c)
            if op == "add":
                return a + c
            if op == "sub":
                return a - c
            if op == "mul":
                return a * c
            if c == 0:
                raise ODataFault(500, "-1", "Деление на 0")
            return a / c if op == "div" else a % c
        return Compiled(arith, NUMBER)

    def _comparison(self, op: str, left: Compiled, right: Compiled) -> Compiled:
        for side in (left, right):
            if side.prop is not None and not side.prop.comparable:
                raise ODataFault(500, "-1", COMPARE_ERROR)
            if side.cat in (ENTITY, COLLECTION):
                raise self.fail("сравнение объекта целиком не поддерживается")
        cats = {left.cat, right.cat}
        ordering = op not in ("eq", "ne")
        lf, rf = left.fn, right.fn
        if cats <= {GUID}:
            if ordering:
                raise ODataFault(500, "-1", COMPARE_ERROR)
            return _compare(op, lf, rf, lambda v: v)
        if cats == {GUID, STRING}:
            # a reference against a string literal: 1C compares the presentation, not the GUID
            guid_side = left if left.cat == GUID else right
            present = self.presentation_of(guid_side.target)
            g = guid_side.fn
            as_text = Compiled(lambda env: present(g(env)), STRING)
            if left.cat == GUID:
                return _compare(op, as_text.fn, rf, _norm)
            return _compare(op, lf, as_text.fn, _norm)
        if cats == {COMPOSITE_CAT, GUID}:
            # documented 1C behaviour: a composite attribute never equals an untyped GUID
            if ordering:
                raise ODataFault(500, "-1", COMPARE_ERROR)
            const = op == "ne"
            return Compiled(lambda env: const, BOOL)
        if cats <= {COMPOSITE_CAT, TYPEDREF}:
            if ordering:
                raise ODataFault(500, "-1", COMPARE_ERROR)
            return _compare(op, lf, rf, lambda v: v)
        if len(cats) == 1 and cats & {STRING, NUMBER, DATETIME, BOOL}:
            key = _norm if STRING in cats else (lambda v: v)
            return _compare(op, lf, rf, key)
        raise ODataFault(500, "-1", COMPARE_ERROR)

    def _call(self, node: Call, vars_: dict[str, Scope]) -> Compiled:
        name = node.name
        if name in UNSUPPORTED_FUNCTIONS:
            raise self.fail(f"функция '{name}' не поддерживается")
        if name in ("cast", "isof"):
            return self._cast_or_isof(node, vars_)
        args = [self.compile(a, vars_) for a in node.args]
        arity = {"substringof": 2, "startswith": 2, "endswith": 2, "like": 2, "concat": 2, "round": 1,
                 "year": 1, "month": 1, "day": 1, "hour": 1, "minute": 1, "second": 1}
        if name not in arity:
            raise self.fail(f"неизвестная функция '{name}'")
        if len(args) != arity[name]:
            raise self.fail(f"неверное число параметров функции '{name}'")
        fns = [a.fn for a in args]
        if name in ("substringof", "startswith", "endswith", "like", "concat"):
            for a in args:
                if a.cat != STRING:
                    raise ODataFault(500, "-1", f"Неверные параметры функции '{name}'")
            f0, f1 = fns
            if name == "concat":
                return Compiled(lambda env: _none_or(f0(env), f1(env), lambda a, c: a + c), STRING)
            if name == "like":
                return Compiled(lambda env: _none_or(f0(env), f1(env), _like), BOOL)
            test: Callable[[str, str], bool] = {
                "substringof": lambda a, c: _norm(a) in c.casefold(),
                "startswith": lambda a, c: a.casefold().startswith(_norm(c)),
                "endswith": lambda a, c: a.rstrip().casefold().endswith(_norm(c)),
            }[name]
            return Compiled(lambda env: bool(_none_or(f0(env), f1(env), test)), BOOL)
        (arg,) = args
        f = arg.fn
        if name == "round":
            self._require(arg, NUMBER, name)
            return Compiled(lambda env: None if (v := f(env)) is None else Decimal(v).quantize(Decimal(1)), NUMBER)
        if arg.cat != DATETIME:
            raise ODataFault(500, "-1", f"Неверные параметры функции '{name}'")

        def part(env: Env) -> Any:
            value = f(env)
            return None if value is None else getattr(value, name)
        return Compiled(part, NUMBER)

    def _cast_or_isof(self, node: Call, vars_: dict[str, Scope]) -> Compiled:
        if len(node.args) != 2 or not isinstance(node.args[1], Literal) or node.args[1].kind != "string":
            raise self.fail(f"неверные параметры функции '{node.name}'")
        type_name = strip_namespace(node.args[1].value)
        value = self.compile(node.args[0], vars_)
        f = value.fn
        if node.name == "isof":
            if value.cat != COMPOSITE_CAT:
                raise ODataFault(500, "-1", "Неверные параметры функции 'isof'")
            return Compiled(lambda env: (v := f(env)) is not None and v[0] == type_name, BOOL)
        if value.cat == GUID:
            return Compiled(lambda env: None if (v := f(env)) is None else (type_name, v), TYPEDREF, target=type_name)
        if value.cat == COMPOSITE_CAT:
            return Compiled(
                lambda env: None if (v := f(env)) is None or v[0] != type_name else v, TYPEDREF, target=type_name)
        raise ODataFault(500, "-1", "Неверные параметры функции 'cast'")


def _none_or(a: Any, c: Any, fn: Callable[[Any, Any], Any]) -> Any:
    return None if a is None or c is None else fn(a, c)


def _like(value: str, pattern: str) -> bool:
    """1C ПОДОБНО: `%` any run, `_` one character, `[…]` a set; case-insensitive."""
    regex = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "%":
            regex.append(".*")
        elif ch == "_":
            regex.append(".")
        elif ch == "[":
            end = pattern.find("]", i)
            if end == -1:
                regex.append(re.escape(ch))
            else:
                regex.append("[" + pattern[i + 1:end].replace("\\", "\\\\") + "]")
                i = end
        else:
            regex.append(re.escape(ch))
        i += 1
    return re.fullmatch("".join(regex), value.rstrip(), re.IGNORECASE | re.DOTALL) is not None


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, c: a == c, "ne": lambda a, c: a != c, "gt": lambda a, c: a > c,
    "ge": lambda a, c: a >= c, "lt": lambda a, c: a < c, "le": lambda a, c: a <= c,
}


def _compare(op: str, lf: Callable[[Env], Any], rf: Callable[[Env], Any],
             key: Callable[[Any], Any]) -> Compiled:
    test = _OPS[op]

    def fn(env: Env) -> bool:
        a, c = lf(env), rf(env)
        if a is None or c is None:
            return False  # a dangling navigation behaves like SQL NULL: no comparison is true
        return test(key(a), key(c))
    return Compiled(fn, BOOL)


# --- public entry points ----------------------------------------------------------------------------


def compile_filter(text: str, model: Model, root: EntitySetDef | TabularSetDef,
                   resolve: Resolver) -> Callable[[dict[str, Any]], bool]:
    compiled = Compiler(model, root, resolve).compile(parse(text), {})
    if compiled.cat != BOOL:
        raise ParseError("$filter", "выражение должно быть логическим")
    fn = compiled.fn
    return lambda row: bool(fn({"$it": row}))


def key_lookup(text: str) -> set[str] | None:
    """Ref_Key values a filter is limited to (`Ref_Key eq guid'…' or …`), else None.

    1C turns such filters into an index seek, so the sandbox looks those rows up instead of scanning —
    reading by key stays cheap on big sets, as it is on a real base. The full predicate still runs after.
    """
    return _keys_of(parse(text))


def _keys_of(node: Any) -> set[str] | None:
    if not isinstance(node, Binary):
        return None
    if node.op == "eq":
        for member, literal in ((node.left, node.right), (node.right, node.left)):
            if isinstance(member, Member) and member.path == ["Ref_Key"] and isinstance(literal, Literal) \
                    and literal.kind == "guid":
                return {literal.value}
        return None
    left, right = _keys_of(node.left), _keys_of(node.right)
    if node.op == "or":
        return None if left is None or right is None else left | right
    if node.op == "and":
        return right if left is None else left if right is None else left & right
    return None


def compile_sort_key(text: str, model: Model, root: EntitySetDef | TabularSetDef,
                     resolve: Resolver) -> Callable[[dict[str, Any]], Any]:
    """Key of one `$orderby` item. References sort by the presentation of what they point to."""
    compiler = Compiler(model, root, resolve, option="$orderby")
    try:
        compiled = compiler.compile(parse(text, "$orderby"), {})
    except UnknownName as exc:
        raise ODataFault(400, "6", f"Сегмент пути '{exc.name}' не найден!") from None
    if compiled.cat in (ENTITY, COLLECTION, COMPOSITE_CAT):
        raise ParseError("$orderby", f"упорядочивание по '{text.strip()}' не поддерживается")
    fn = compiled.fn
    if compiled.cat == GUID:
        present = compiler.presentation_of(compiled.target)
        guid_fn = fn

        def fn(env: Env) -> Any:
            return present(guid_fn(env))
    is_text = compiled.cat in (STRING, GUID)

    def key(row: dict[str, Any]) -> Any:
        value = fn({"$it": row})
        if value is None:
            return (0, "")  # NULLs first, as the DBMS sorts them
        return (1, _norm(value) if is_text else value)
    return key
