"""The compact intermediate representation (IR) of a rule's body, head and expressions.

The parser (:mod:`semcrm.reasoning.parser`) turns rule text into these frozen
dataclasses; the checks in :mod:`semcrm.reasoning.rules` and the planner in
:mod:`semcrm.reasoning.plan` read them. They mirror the SPARQL algebra closely
enough that a rule can always be written back as SPARQL, and no more:

* a :class:`Group` is a SPARQL group graph pattern without its braces, a tuple
  of elements in text order (:class:`TriplePattern`, :class:`Filter`,
  :class:`NotExists`, :class:`Minus`, :class:`Bind`, :class:`Values`,
  :class:`SubSelect`);
* an expression is a :class:`Var`, a :class:`Const`, a :class:`Call` (every
  operator and function, by an upper-case name such as ``"&&"``, ``"<="``,
  ``"IN"``, ``"STRLEN"``, ``"xsd:integer"``, ``"semcrm:skolem"``) or an
  :class:`Aggregate` (only inside a sub-select's projection and HAVING).

Positions (``line``, ``column``) are kept on variables and calls so that
checks after parsing can still point at the offending text; they take no
part in equality.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from semcrm.reasoning.terms import Term


@dataclass(frozen=True)
class Var:
    """A variable, ``?name`` (or ``$name``), named without its sigil."""

    name: str
    line: int = field(default=0, compare=False)
    column: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return f"?{self.name}"


@dataclass(frozen=True)
class Const:
    """A constant term in an expression."""

    term: Term


@dataclass(frozen=True)
class Call:
    """An operator or function applied to arguments (``op`` is its canonical name)."""

    op: str
    args: tuple[Expr, ...]
    line: int = field(default=0, compare=False)
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Aggregate:
    """``COUNT``/``SUM``/``MIN``/``MAX``/``AVG`` over a group; ``arg`` None is ``COUNT(*)``."""

    op: str
    arg: Expr | None
    distinct: bool = False


Expr: TypeAlias = Var | Const | Call | Aggregate
Node: TypeAlias = Var | Term  # a position of a triple pattern


@dataclass(frozen=True)
class TriplePattern:
    """A triple pattern in a body, or a triple template in a head."""

    subject: Node
    predicate: Node
    object: Node

    def variables(self) -> list[Var]:
        """The variables of the pattern, in subject, predicate, object order."""
        return [n for n in (self.subject, self.predicate, self.object) if isinstance(n, Var)]


@dataclass(frozen=True)
class Filter:
    """``FILTER (expr)``: keeps the group's solutions whose expression is true."""

    expr: Expr


@dataclass(frozen=True)
class NotExists:
    """``FILTER NOT EXISTS { group }``: keeps solutions the group cannot extend."""

    group: Group


@dataclass(frozen=True)
class Minus:
    """``MINUS { group }``: drops solutions compatible with one of the group's solutions."""

    group: Group


@dataclass(frozen=True)
class Bind:
    """``BIND (expr AS ?var)``."""

    expr: Expr
    var: Var


@dataclass(frozen=True)
class Values:
    """``VALUES (?a ?b) { (x y) (UNDEF z) }``: ``None`` in a row is ``UNDEF``."""

    vars: tuple[Var, ...]
    rows: tuple[tuple[Term | None, ...], ...]


@dataclass(frozen=True)
class Projection:
    """One item of a sub-select's SELECT list: ``?v`` or ``(expr AS ?v)``."""

    var: Var
    expr: Expr | None = None


@dataclass(frozen=True)
class SubSelect:
    """``{ SELECT [DISTINCT] items WHERE { group } [GROUP BY vars] [HAVING (expr)...] }``."""

    projection: tuple[Projection, ...]
    where: Group
    group_by: tuple[Var, ...] = ()
    having: tuple[Expr, ...] = ()
    distinct: bool = False

    @property
    def is_aggregate(self) -> bool:
        """True when the sub-select groups its solutions (GROUP BY or an aggregate)."""
        return bool(self.group_by) or any(
            p.expr is not None and contains_aggregate(p.expr) for p in self.projection
        )


Element: TypeAlias = TriplePattern | Filter | NotExists | Minus | Bind | Values | SubSelect


@dataclass(frozen=True)
class Group:
    """A group graph pattern: its elements in text order."""

    elements: tuple[Element, ...]

    def triples(self) -> list[TriplePattern]:
        """The group's own triple patterns (not those of nested groups)."""
        return [e for e in self.elements if isinstance(e, TriplePattern)]


def expr_vars(expr: Expr | None) -> list[Var]:
    """Every variable an expression mentions, in order (aggregates included)."""
    if expr is None or isinstance(expr, Const):
        return []
    if isinstance(expr, Var):
        return [expr]
    if isinstance(expr, Aggregate):
        return expr_vars(expr.arg)
    return [v for arg in expr.args for v in expr_vars(arg)]


def contains_aggregate(expr: Expr | None) -> bool:
    """True when an expression contains an aggregate call."""
    if isinstance(expr, Aggregate):
        return True
    if isinstance(expr, Call):
        return any(contains_aggregate(arg) for arg in expr.args)
    return False


def bound_vars(group: Group) -> set[str]:
    """Names of the variables a group binds (in scope after it), per SPARQL scoping.

    Triple patterns, BIND targets, VALUES variables and a sub-select's
    projected variables bind; FILTER, NOT EXISTS and MINUS do not.
    """
    names: set[str] = set()
    for element in group.elements:
        if isinstance(element, TriplePattern):
            names.update(v.name for v in element.variables())
        elif isinstance(element, Bind):
            names.add(element.var.name)
        elif isinstance(element, Values):
            names.update(v.name for v in element.vars)
        elif isinstance(element, SubSelect):
            names.update(p.var.name for p in element.projection)
    return names


__all__ = [
    "Aggregate",
    "Bind",
    "Call",
    "Const",
    "Element",
    "Expr",
    "Filter",
    "Group",
    "Minus",
    "Node",
    "NotExists",
    "Projection",
    "SubSelect",
    "TriplePattern",
    "Values",
    "Var",
    "bound_vars",
    "contains_aggregate",
    "expr_vars",
]
