"""Filter, BIND and confidence expressions, compiled once to Python closures.

:func:`compile_expr` walks an expression's IR a single time and returns a
closure ``row -> term``; the engine then calls only closures, never the IR.
A row is the engine's list of interned term ids (``None`` = unbound), and
``terms`` is the id -> term table the closure reads through.

Semantics are SPARQL 1.1's, with Oxigraph as the reference where SPARQL
leaves room (docs/rules.md lists the functions):

* an error (a type error, an unbound variable) raises
  :class:`~semcrm.reasoning.terms.ExprError`; ``||`` and ``&&`` recover from
  an error on one side as SPARQL's three-valued logic says, ``COALESCE`` and
  ``IF`` as their definitions say;
* numbers promote integer -> decimal -> double; ``integer / integer`` is a
  decimal; decimal division by zero is an error, double division gives INF/NaN;
* ``=`` between literals of different known value spaces is false (as in
  Oxigraph), between two different literals of an unknown datatype an error;
  ``<`` and friends compare numbers, strings, booleans, and dates or
  dateTimes that both have (or both lack) a timezone, and are errors otherwise.

String functions live in :mod:`semcrm.reasoning.functions`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal

from pyoxigraph import BlankNode, Literal, NamedNode

from semcrm.reasoning.functions import STRING_FUNCTIONS, cast, skolem
from semcrm.reasoning.syntax import Aggregate, Call, Const, Expr, Var
from semcrm.reasoning.terms import (
    BOOLEAN,
    DATE,
    DATETIME,
    DECIMAL,
    DOUBLE,
    INTEGER,
    INVALID,
    OTHER,
    STRING,
    ExprError,
    Term,
    boolean_literal,
    literal_value,
    numeric,
    numeric_literal,
    truncate_decimal,
)

Row = Sequence[int | None]
Compiled = Callable[[Row], Term]

TRUE = boolean_literal(True)
FALSE = boolean_literal(False)
_CTX = Context(prec=60)
_ORDERING = {
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


def ebv(term: Term) -> bool:
    """The effective boolean value of a term (SPARQL 17.2.2); ExprError if it has none."""
    if term is TRUE:
        return True
    if term is FALSE:
        return False
    if isinstance(term, Literal):
        kind, value = literal_value(term)
        if kind == BOOLEAN:
            return bool(value)
        if kind in (INTEGER, DECIMAL, DOUBLE):
            return value == value and value != 0
        if kind == STRING:
            return value != ""
        if kind == INVALID and term.datatype.value.endswith(("#boolean", "#integer", "#double")):
            return False
    raise ExprError("no effective boolean value")


def equal(a: Term, b: Term) -> bool:
    """SPARQL ``=`` on two terms."""
    if isinstance(a, Literal) and isinstance(b, Literal):
        ka, va = literal_value(a)
        kb, vb = literal_value(b)
        if ka <= DOUBLE and kb <= DOUBLE:
            return va == vb
        if ka == kb and ka in (STRING, BOOLEAN):
            return va == vb
        if ka == kb and ka in (DATETIME, DATE):
            if (va.tzinfo is None) != (vb.tzinfo is None):
                raise ExprError("dateTimes with and without timezone")
            return va == vb
        if a == b:
            return True
        if ka in (OTHER, INVALID) or kb in (OTHER, INVALID):
            raise ExprError("literals of an unknown datatype")
        return False
    return a == b


def compare(op: str, a: Term, b: Term) -> bool:
    """SPARQL ``<``, ``>``, ``<=``, ``>=`` on two terms."""
    if not (isinstance(a, Literal) and isinstance(b, Literal)):
        raise ExprError("only literals are ordered")
    ka, va = literal_value(a)
    kb, vb = literal_value(b)
    if ka <= DOUBLE and kb <= DOUBLE:
        return _ORDERING[op](va, vb)
    if ka != kb or ka not in (STRING, BOOLEAN, DATETIME, DATE):
        raise ExprError("incomparable literals")
    if ka in (DATETIME, DATE) and (va.tzinfo is None) != (vb.tzinfo is None):
        raise ExprError("dateTimes with and without timezone")
    return _ORDERING[op](va, vb)


def arithmetic(op: str, a: Term, b: Term) -> Term:
    """``+``, ``-``, ``*``, ``/`` with SPARQL's numeric type promotion."""
    ka, va = numeric(a)
    kb, vb = numeric(b)
    kind = max(ka, kb)
    if kind == INTEGER and op != "/":
        result: int | Decimal | float = (
            va + vb if op == "+" else va - vb if op == "-" else va * vb  # type: ignore[operator]
        )
        return numeric_literal(INTEGER, result)
    if kind <= DECIMAL:
        da, db = Decimal(va), Decimal(vb)
        if op == "/" and db == 0:
            raise ExprError("decimal division by zero")
        operation = {"+": _CTX.add, "-": _CTX.subtract, "*": _CTX.multiply, "/": _CTX.divide}
        return numeric_literal(DECIMAL, truncate_decimal(operation[op](da, db)))
    fa, fb = float(va), float(vb)
    if op == "/" and fb == 0.0:
        if fa == 0.0 or fa != fa:
            value_f = math.nan
        else:
            value_f = math.copysign(math.inf, fa) * math.copysign(1.0, fb)
    elif op == "/":
        value_f = fa / fb
    else:
        value_f = fa + fb if op == "+" else fa - fb if op == "-" else fa * fb
    return numeric_literal(DOUBLE, value_f)


def _unary_numeric(op: str, term: Term) -> Term:
    kind, value = numeric(term)
    if op == "POS":
        return term
    if op == "NEG":
        return numeric_literal(kind, -value)
    if op == "ABS":
        return numeric_literal(kind, abs(value))
    if kind == INTEGER:
        return term
    if kind == DECIMAL:
        half = Decimal("0.5") if op == "ROUND" else Decimal(0)
        rounding = {"ROUND": ROUND_FLOOR, "FLOOR": ROUND_FLOOR, "CEIL": ROUND_CEILING}[op]
        return numeric_literal(DECIMAL, (value + half).to_integral_value(rounding))
    if value != value or value in (math.inf, -math.inf):
        return term
    fn = {"ROUND": lambda x: math.floor(x + 0.5), "FLOOR": math.floor, "CEIL": math.ceil}[op]
    return numeric_literal(DOUBLE, float(fn(value)))


def _term_test(op: str, term: Term) -> bool:
    if op in ("ISIRI", "ISURI"):
        return isinstance(term, NamedNode)
    if op == "ISBLANK":
        return isinstance(term, BlankNode)
    if op == "ISLITERAL":
        return isinstance(term, Literal)
    return isinstance(term, Literal) and literal_value(term)[0] <= DOUBLE


def compile_expr(expr: Expr, slots: Mapping[str, int], terms: Sequence[Term]) -> Compiled:
    """Compile ``expr`` to a closure over rows whose variable ``name`` sits at ``slots[name]``.

    A variable missing from ``slots`` is always unbound (an error when read).
    """

    def build(e: Expr) -> Compiled:
        if isinstance(e, Const):
            const = e.term
            return lambda row: const
        if isinstance(e, Var):
            return _var(slots.get(e.name), terms)
        if isinstance(e, Aggregate):
            raise ValueError("aggregates must be rewritten to variables before compiling")
        return _call(e, [build(arg) for arg in e.args], slots)

    return build(expr)


def _var(slot: int | None, terms: Sequence[Term]) -> Compiled:
    if slot is None:

        def unbound(row: Row) -> Term:
            raise ExprError("unbound variable")

        return unbound

    def read(row: Row) -> Term:
        value = row[slot]
        if value is None:
            raise ExprError("unbound variable")
        return terms[value]

    return read


def _call(e: Call, args: list[Compiled], slots: Mapping[str, int]) -> Compiled:
    op = e.op
    if op in ("||", "&&"):
        return _logical(op == "||", args[0], args[1])
    if op == "!":
        (a,) = args
        return lambda row: FALSE if ebv(a(row)) else TRUE
    if op in ("=", "!="):
        a, b = args
        if op == "=":
            return lambda row: TRUE if equal(a(row), b(row)) else FALSE
        return lambda row: FALSE if equal(a(row), b(row)) else TRUE
    if op in _ORDERING:
        a, b = args
        return lambda row: TRUE if compare(op, a(row), b(row)) else FALSE
    if op in ("+", "-", "*", "/"):
        a, b = args
        return lambda row: arithmetic(op, a(row), b(row))
    if op in ("IN", "NOT IN"):
        return _membership(op == "IN", args[0], args[1:])
    if op in ("NEG", "POS", "ABS", "ROUND", "CEIL", "FLOOR"):
        (a,) = args
        return lambda row: _unary_numeric(op, a(row))
    if op in ("ISIRI", "ISURI", "ISBLANK", "ISLITERAL", "ISNUMERIC"):
        (a,) = args
        return lambda row: TRUE if _term_test(op, a(row)) else FALSE
    if op == "BOUND":
        slot = slots.get(e.args[0].name) if isinstance(e.args[0], Var) else None
        if slot is None:
            return lambda row: FALSE
        return lambda row: FALSE if row[slot] is None else TRUE
    if op == "IF":
        cond, then, other = args
        return lambda row: then(row) if ebv(cond(row)) else other(row)
    if op == "COALESCE":
        return _coalesce(args)
    if op == "SAMETERM":
        a, b = args
        return lambda row: TRUE if a(row) == b(row) else FALSE
    if op == "semcrm:skolem":
        return lambda row: skolem([arg(row) for arg in args])
    if op.startswith("xsd:"):
        (a,) = args
        return lambda row: cast(op, a(row))
    function = STRING_FUNCTIONS[op]
    return lambda row: function(*[arg(row) for arg in args])


def _logical(is_or: bool, a: Compiled, b: Compiled) -> Compiled:
    def evaluate(row: Row) -> Term:
        try:
            left: bool | None = ebv(a(row))
        except ExprError:
            left = None
        if left is is_or:
            return TRUE if is_or else FALSE
        right = ebv(b(row))  # an error here is the result's error
        if right is is_or:
            return TRUE if is_or else FALSE
        if left is None:
            raise ExprError("error in logical operand")
        return FALSE if is_or else TRUE

    return evaluate


def _membership(positive: bool, needle: Compiled, items: list[Compiled]) -> Compiled:
    def evaluate(row: Row) -> Term:
        value = needle(row)
        failed = False
        for item in items:
            try:
                if equal(value, item(row)):
                    return TRUE if positive else FALSE
            except ExprError:
                failed = True
        if failed:
            raise ExprError("error in IN list")
        return FALSE if positive else TRUE

    return evaluate


def _coalesce(args: list[Compiled]) -> Compiled:
    def evaluate(row: Row) -> Term:
        for arg in args:
            try:
                return arg(row)
            except ExprError:
                continue
        raise ExprError("every COALESCE argument is an error")

    return evaluate


def compile_condition(expr: Expr, slots: Mapping[str, int], terms: Sequence[Term]):
    """Compile a FILTER: a closure ``row -> bool`` that is False on an error."""
    evaluate = compile_expr(expr, slots, terms)

    def condition(row: Row) -> bool:
        try:
            return ebv(evaluate(row))
        except ExprError:
            return False

    return condition


def confidence_value(term: Term) -> float:
    """A confidence expression's value as a float clamped to [0, 1]; ExprError if not numeric."""
    value = float(numeric(term)[1])
    if value != value:
        raise ExprError("NaN confidence")
    return min(1.0, max(0.0, value))


__all__ = [
    "FALSE",
    "TRUE",
    "Compiled",
    "Row",
    "arithmetic",
    "compare",
    "compile_condition",
    "compile_expr",
    "confidence_value",
    "ebv",
    "equal",
]
