"""Static checks that make a parsed rule safe to run: scoping, head safety.

Each check raises :class:`~semcrm.reasoning.lexer.SyntaxProblem` at the place
of the offending variable; :mod:`semcrm.reasoning.rules` adds the rule and the
part. The checks enforce what the engine relies on:

* every head variable is bound by the body (the engine never has to invent a
  value, and a head never emits a variable);
* no head template has a literal subject, and a variable predicate can only
  hold an IRI: it occurs as a predicate in the body, is bound by
  ``IRI()``/``URI()``/``semcrm:skolem()`` or by VALUES rows of IRIs, or a
  FILTER tests it with ``isIRI`` (how OWL 2 RL's ``prp-spo1`` is written);
* a FILTER (or a confidence expression) only mentions variables its group
  binds: in SPARQL a misspelt variable is silently unbound, here it is an error;
* a BIND only uses variables bound *before* it, and introduces a variable not
  used before it. SPARQL allows the first (the variable is then unbound);
  the engine reorders joins, so the rule must say what it means;
* a sub-select projects grouped variables only, as SPARQL requires;
* MINUS shares a variable with its group (otherwise it removes nothing).
"""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import Literal, NamedNode

from semcrm.reasoning.lexer import SyntaxProblem
from semcrm.reasoning.syntax import (
    Aggregate,
    Bind,
    Call,
    Const,
    Expr,
    Filter,
    Group,
    Minus,
    NotExists,
    SubSelect,
    TriplePattern,
    Values,
    Var,
    bound_vars,
    expr_vars,
)


def _at(var: Var, message: str) -> SyntaxProblem:
    return SyntaxProblem(message, var.line or 1, var.column or 1)


def check_group(group: Group, outer: frozenset[str] = frozenset()) -> None:
    """Check scoping in a group; ``outer`` is what enclosing groups bind (for NOT EXISTS)."""
    visible = outer | bound_vars(group)
    seen: set[str] = set()
    for element in group.elements:
        if isinstance(element, TriplePattern):
            seen.update(v.name for v in element.variables())
        elif isinstance(element, Filter):
            _check_mentions(element.expr, visible, "FILTER")
        elif isinstance(element, NotExists):
            check_group(element.group, frozenset(visible))
        elif isinstance(element, Minus):
            check_group(element.group)
            if not bound_vars(element.group) & visible:
                first = next(iter(element.group.triples()), None)
                place = first.variables()[0] if first and first.variables() else Var("")
                raise _at(place, "MINUS shares no variable with its group, so it removes nothing")
        elif isinstance(element, Bind):
            for var in expr_vars(element.expr):
                if var.name not in seen and var.name not in outer:
                    raise _at(
                        var,
                        f"BIND uses {var}, which is not bound before the BIND; "
                        f"move the BIND after the patterns that bind {var}",
                    )
            if element.var.name in seen or element.var.name in outer:
                raise _at(element.var, f"BIND target {element.var} is already bound before it")
            seen.add(element.var.name)
        elif isinstance(element, Values):
            seen.update(v.name for v in element.vars)
        elif isinstance(element, SubSelect):
            check_sub_select(element)
            seen.update(p.var.name for p in element.projection)


def _check_mentions(expr: Expr, visible: Iterable[str], what: str) -> None:
    names = set(visible)
    for var in expr_vars(expr):
        if var.name not in names:
            raise _at(var, f"{what} uses {var}, which the body never binds")


def check_sub_select(sub: SubSelect) -> None:
    """A sub-select's WHERE is checked alone (it is not correlated), then its projection."""
    check_group(sub.where)
    inner = bound_vars(sub.where)
    for var in sub.group_by:
        if var.name not in inner:
            raise _at(var, f"GROUP BY {var}, which the sub-select's WHERE never binds")
    grouped = {v.name for v in sub.group_by}
    projected: set[str] = set()
    for item in sub.projection:
        if item.var.name in projected:
            raise _at(item.var, f"{item.var} is projected twice")
        if item.expr is None:
            if sub.is_aggregate and item.var.name not in grouped:
                raise _at(item.var, f"{item.var} is projected but not grouped; add it to GROUP BY")
            if item.var.name not in inner:
                raise _at(item.var, f"{item.var} is projected but the WHERE never binds it")
        else:
            if item.var.name in inner:
                raise _at(item.var, f"{item.var} is already bound in the sub-select's WHERE")
            _check_grouped(item.expr, grouped if sub.is_aggregate else inner, inner)
        projected.add(item.var.name)
    for expr in sub.having:
        _check_grouped(expr, grouped, inner)


def _check_grouped(expr: Expr, outside: set[str], inside: set[str]) -> None:
    """Variables outside aggregates must be grouped; inside, bound by the WHERE."""
    if isinstance(expr, Var):
        if expr.name not in outside:
            raise _at(expr, f"{expr} is used outside an aggregate but is not grouped")
    elif isinstance(expr, Aggregate):
        for var in expr_vars(expr.arg):
            if var.name not in inside:
                raise _at(var, f"aggregate uses {var}, which the sub-select's WHERE never binds")
    elif isinstance(expr, Call):
        for arg in expr.args:
            _check_grouped(arg, outside, inside)


def _iri_valued(body: Group) -> set[str]:
    """Variables of the body that can only hold IRIs (safe as a head predicate)."""
    names: set[str] = set()
    for element in body.elements:
        if isinstance(element, TriplePattern) and isinstance(element.predicate, Var):
            names.add(element.predicate.name)
        elif isinstance(element, Bind) and isinstance(element.expr, Call):
            if element.expr.op in ("IRI", "URI", "semcrm:skolem"):
                names.add(element.var.name)
        elif isinstance(element, Values):
            for i, var in enumerate(element.vars):
                if all(isinstance(row[i], NamedNode) for row in element.rows):
                    names.add(var.name)
        elif isinstance(element, Filter):
            names.update(_tested_iris(element.expr))
    return names


def _tested_iris(expr: Expr) -> set[str]:
    """Variables a FILTER requires to be IRIs: ``isIRI(?v)``, possibly inside ``&&``."""
    if isinstance(expr, Call) and expr.op in ("ISIRI", "ISURI") and isinstance(expr.args[0], Var):
        return {expr.args[0].name}
    if isinstance(expr, Call) and expr.op == "&&":
        return _tested_iris(expr.args[0]) | _tested_iris(expr.args[1])
    return set()


def check_head(head: tuple[TriplePattern, ...], body: Group) -> None:
    """Every head variable is bound by the body; subjects and predicates can be emitted."""
    bound = bound_vars(body)
    for pattern in head:
        for var in pattern.variables():
            if var.name not in bound:
                raise _at(
                    var,
                    f"head variable {var} is not bound by the body; "
                    f"bind it in a body triple pattern, BIND or VALUES",
                )
        if isinstance(pattern.subject, Literal):
            raise SyntaxProblem("a literal cannot be the subject of a head triple", 1, 1)
        if isinstance(pattern.predicate, Var) and pattern.predicate.name not in _iri_valued(body):
            raise _at(
                pattern.predicate,
                f"head predicate {pattern.predicate} could bind a literal; use it as a "
                f"predicate in the body, bind it with IRI(...) "
                f"or add FILTER (isIRI({pattern.predicate}))",
            )


def check_confidence(expr: Expr, body: Group) -> None:
    """A confidence expression only uses variables the body binds, and no constant term is odd."""
    _check_mentions(expr, bound_vars(body), "the confidence expression")
    if isinstance(expr, Const) and not isinstance(expr.term, Literal):
        raise SyntaxProblem("the confidence expression must be numeric", 1, 1)


__all__ = ["check_confidence", "check_group", "check_head", "check_sub_select"]
