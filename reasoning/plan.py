"""Join planning and execution: a group pattern compiled to a chain of closures.

:func:`compile_group` orders a group's elements and turns each into a *step*,
a closure ``step(row, prem)`` that extends the solution in ``row`` (a list of
term ids by variable slot, ``None`` = unbound) in every possible way and calls
the next step for each extension, undoing its bindings afterwards. The last
step is the caller's *sink*. Depth-first continuation passing keeps one row
alive per rule instead of lists of partial solutions, and lets every decision
(which index, which slots) be made once, when the step is built.

``prem`` is the premise array: the step of the group's k-th triple pattern (in
text order) writes the fact it matched to ``prem[k]``, a sub-select writes the
tuple of facts behind its row. :func:`premises` flattens it, so justifications
list premises in the rule's text order whatever order the joins ran in.

Ordering (:func:`_order`) is greedy: repeatedly the generator (triple
pattern, VALUES, sub-select) with the smallest estimated number of matches
given what is bound (the index's counts and average fan-outs; the semi-naive
*delta* pattern's from the delta, and it wins ties), with FILTER, BIND and NOT EXISTS placed as soon as the
variables they read are bound, and MINUS last. Patterns that come before the
delta pattern in text order skip delta facts, so each solution that uses a
new fact is found exactly once (in the round after the fact appears, at the
first new premise).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from semcrm.reasoning.aggregates import Table, aggregate_table, plain_table
from semcrm.reasoning.expressions import compile_condition, compile_expr
from semcrm.reasoning.index import FactIndex, IntFact, TermTable
from semcrm.reasoning.joins import Row, Step, pattern_step, table_step
from semcrm.reasoning.syntax import (
    Bind,
    Element,
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
from semcrm.reasoning.terms import ExprError


class _Found(Exception):
    """Raised by a NOT EXISTS sink at the first solution of the inner group."""


@dataclass
class PlanContext:
    """What plans run against: the terms, the facts, this round's delta, cached tables.

    ``tables`` caches sub-select and MINUS results by element identity; they
    only read lower strata, so they stay valid while one stratum runs.
    ``closures`` caches compiled FILTER and BIND expressions by element
    identity, so an expression is compiled once per run, not once per round.
    ``orders``, when given, caches join orders by (group, delta element,
    bindings): the incremental engine keeps one across updates, whose deltas
    are small and whose index changes little from one to the next, so a rule
    is planned once instead of once per update (any order gives the same
    solutions; only the cost depends on it).
    """

    terms: TermTable
    full: FactIndex
    delta: FactIndex | None = None
    tables: dict[int, Any] = field(default_factory=dict)
    closures: dict[int, Callable[[Row], Any]] = field(default_factory=dict)
    orders: dict[tuple, tuple[Group, list]] | None = None

    def closure(self, element: Filter | Bind, slots: dict[str, int]) -> Callable[[Row], Any]:
        """The compiled expression of a FILTER (a condition) or a BIND (a value)."""
        found = self.closures.get(id(element))
        if found is None:
            compile_ = compile_condition if isinstance(element, Filter) else compile_expr
            found = self.closures[id(element)] = compile_(element.expr, slots, self.terms.terms)
        return found


def assign_slots(group: Group, slots: dict[str, int] | None = None) -> dict[str, int]:
    """Slots for every variable a group (and its NOT EXISTS parts) can bind or read."""
    slots = {} if slots is None else slots

    def add(var: Var) -> None:
        slots.setdefault(var.name, len(slots))

    for element in group.elements:
        if isinstance(element, TriplePattern):
            for var in element.variables():
                add(var)
        elif isinstance(element, (Filter, Bind)):
            for var in expr_vars(element.expr):
                add(var)
            if isinstance(element, Bind):
                add(element.var)
        elif isinstance(element, Values):
            for var in element.vars:
                add(var)
        elif isinstance(element, SubSelect):
            for item in element.projection:
                add(item.var)
        elif isinstance(element, NotExists):
            assign_slots(element.group, slots)
    return slots


def premise_elements(group: Group) -> list[int]:
    """Indices of the elements that contribute premises (triple patterns, sub-selects)."""
    return [i for i, e in enumerate(group.elements) if isinstance(e, (TriplePattern, SubSelect))]


def premises(prem: Sequence[Any]) -> tuple[IntFact, ...]:
    """The premise array flattened to distinct facts, in text order."""
    out: dict[IntFact, None] = {}
    for entry in prem:
        if not entry:
            continue
        if type(entry[0]) is int:
            out[entry] = None
        else:
            for fact in entry:
                out[fact] = None
    return tuple(out)


def _needs(element: Element, scope: set[str]) -> set[str]:
    """The in-scope variables an element reads, which must be bound before it runs."""
    if isinstance(element, (Filter, Bind)):
        return {v.name for v in expr_vars(element.expr)} & scope
    if isinstance(element, NotExists):
        inner = assign_slots(element.group)
        return set(inner) & scope
    return set()


def _estimate(element: Element, known: set[str], ctx: PlanContext, on_delta: bool) -> float:
    index = ctx.delta if on_delta and ctx.delta is not None else ctx.full
    if isinstance(element, TriplePattern):

        def is_bound(node: object) -> bool:
            return not isinstance(node, Var) or node.name in known

        ids = ctx.terms.ids
        p = None
        if not isinstance(element.predicate, Var):
            p = ids.get(element.predicate)
            if p is None:
                return 0.0
        for node in (element.subject, element.object):
            if not isinstance(node, Var) and node not in ids:
                return 0.0
        s_bound, o_bound = is_bound(element.subject), is_bound(element.object)
        # A bound variable predicate matches like an average predicate; a free one, all.
        share = 1.0
        if p is None and is_bound(element.predicate):
            share = 1.0 / max(1, len(index.sp))
        if s_bound and o_bound:
            return min(1.0, index.count(p)) * 0.5
        if s_bound:
            return index.fan_out(p, "s")
        if o_bound:
            return index.fan_out(p, "o")
        return float(index.count(p)) * share + 1.0
    if isinstance(element, Values):
        return float(len(element.rows))
    return 1000.0  # a sub-select: usually small per join key; run it after the patterns


def _order(group: Group, ctx: PlanContext, bound: set[str], maybe: set[str], delta_at: int | None):
    """The elements in execution order, each with the (certain, possible) bindings before it."""
    elements = group.elements
    scope = bound_vars(group) | bound | maybe
    pending = [i for i, e in enumerate(elements) if isinstance(e, (Filter, Bind, NotExists))]
    generators = [
        i for i, e in enumerate(elements) if isinstance(e, (TriplePattern, Values, SubSelect))
    ]
    certain, possible = set(bound), set(maybe) - set(bound)
    order: list[tuple[int, frozenset[str], frozenset[str]]] = []

    def place(i: int) -> None:
        order.append((i, frozenset(certain), frozenset(possible)))
        element = elements[i]
        if isinstance(element, TriplePattern):
            names = {v.name for v in element.variables()}
            certain.update(names)
            possible.difference_update(names)
        elif isinstance(element, Bind):
            if element.var.name not in certain:
                possible.add(element.var.name)
        elif isinstance(element, Values):
            for k, var in enumerate(element.vars):
                always = all(row[k] is not None for row in element.rows)
                (certain if always else possible).add(var.name)
        elif isinstance(element, SubSelect):
            possible.update(p.var.name for p in element.projection if p.var.name not in certain)

    def place_ready() -> None:
        progress = True
        while progress:
            progress = False
            for i in list(pending):
                if _needs(elements[i], scope) <= certain | possible:
                    pending.remove(i)
                    place(i)
                    progress = True

    # The delta pattern competes like any other, with its size taken from the delta: a
    # rule such as prp-dom (?p rdfs:domain ?c . ?x ?p ?y) then reads the few domain axioms
    # first and only the delta facts of those predicates, not every delta fact.
    while generators:
        place_ready()
        known = certain | possible
        best = min(
            generators,
            key=lambda i: (_estimate(elements[i], known, ctx, i == delta_at), i != delta_at, i),
        )
        generators.remove(best)
        place(best)
    place_ready()
    order.extend((i, frozenset(certain), frozenset(possible)) for i in pending)
    order.extend(
        (i, frozenset(certain), frozenset(possible))
        for i, e in enumerate(elements)
        if isinstance(e, Minus)
    )
    return order


def compile_group(
    group: Group,
    slots: dict[str, int],
    ctx: PlanContext,
    sink: Step,
    *,
    bound: frozenset[str] = frozenset(),
    maybe: frozenset[str] = frozenset(),
    delta_at: int | None = None,
) -> Step:
    """The first step of ``group``'s plan; ``delta_at`` is the element read from the delta."""
    prem_index = {i: k for k, i in enumerate(premise_elements(group))}
    orders = ctx.orders
    if orders is None:
        order = _order(group, ctx, set(bound), set(maybe), delta_at)
    else:
        key = (id(group), delta_at, bound, maybe)
        cached = orders.get(key)
        if cached is not None and cached[0] is group:  # the group itself: ids are reused
            order = cached[1]
        else:
            order = _order(group, ctx, set(bound), set(maybe), delta_at)
            orders[key] = (group, order)
    step = sink
    for i, certain, possible in reversed(order):
        element = group.elements[i]
        if isinstance(element, TriplePattern):
            on_delta = i == delta_at
            index = ctx.delta if on_delta and ctx.delta is not None else ctx.full
            exclude = None
            if delta_at is not None and i < delta_at and ctx.delta is not None:
                exclude = ctx.delta.facts
            step = pattern_step(
                element, index, exclude, slots, ctx.terms, certain, possible, prem_index[i], step
            )
        elif isinstance(element, Filter):
            step = _filter_step(ctx.closure(element, slots), step)
        elif isinstance(element, Bind):
            step = _bind_step(element, slots, ctx, step)
        elif isinstance(element, Values):
            rows = [
                (tuple(None if t is None else ctx.terms.intern(t) for t in row), ())
                for row in element.rows
            ]
            table = Table([v.name for v in element.vars], rows)
            step = table_step(table, slots, certain, None, step)
        elif isinstance(element, SubSelect):
            table = ctx.tables.get(id(element))
            if table is None:
                table = ctx.tables[id(element)] = sub_select_table(element, ctx)
            step = table_step(table, slots, certain, prem_index[i], step)
        elif isinstance(element, NotExists):
            step = _not_exists_step(element, slots, ctx, certain, possible, step)
        elif isinstance(element, Minus):
            scope = bound_vars(group) | bound | maybe
            step = _minus_step(element, slots, scope, ctx, step)
    return step


def solutions(group: Group, ctx: PlanContext) -> tuple[dict[str, int], list[tuple[tuple, tuple]]]:
    """Every solution of ``group`` evaluated on its own: (slots, [(row, premises)])."""
    slots = assign_slots(group)
    found: list[tuple[tuple, tuple]] = []

    def collect(row: Row, prem: list[Any]) -> None:
        found.append((tuple(row), premises(prem)))

    first = compile_group(group, slots, ctx, collect)
    first([None] * len(slots), [None] * len(premise_elements(group)))
    return slots, found


def sub_select_table(sub: SubSelect, ctx: PlanContext) -> Table:
    """The rows a sub-select returns, each with the premises behind it."""
    slots, found = solutions(sub.where, ctx)
    if sub.is_aggregate:
        return aggregate_table(sub, slots, found, ctx.terms)
    return plain_table(sub, slots, found, ctx.terms)


def _filter_step(condition: Callable[[Row], bool], nxt: Step) -> Step:
    def step(row: Row, prem: list[Any]) -> None:
        if condition(row):
            nxt(row, prem)

    return step


def _bind_step(element: Bind, slots: dict[str, int], ctx: PlanContext, nxt: Step) -> Step:
    evaluate = ctx.closure(element, slots)
    slot = slots[element.var.name]
    intern = ctx.terms.intern

    def step(row: Row, prem: list[Any]) -> None:
        try:
            value: int | None = intern(evaluate(row))
        except ExprError:
            value = None
        current = row[slot]
        if current is None:
            row[slot] = value
            nxt(row, prem)
            row[slot] = None
        elif value is None or value == current:
            nxt(row, prem)

    return step


def _not_exists_step(element: NotExists, slots, ctx, certain, possible, nxt: Step) -> Step:
    def found(row: Row, prem: list[Any]) -> None:
        raise _Found

    inner = compile_group(element.group, slots, ctx, found, bound=certain, maybe=possible)
    scratch: list[Any] = [None] * len(premise_elements(element.group))
    watched = [slots[name] for name in assign_slots(element.group) if name not in certain]

    def step(row: Row, prem: list[Any]) -> None:
        before = [row[slot] for slot in watched]
        try:
            inner(row, scratch)
        except _Found:
            for slot, value in zip(watched, before, strict=True):
                row[slot] = value  # the inner steps were unwound without undoing
            return
        nxt(row, prem)

    return step


def _minus_step(element: Minus, slots, scope: set[str], ctx: PlanContext, nxt: Step) -> Step:
    cached = ctx.tables.get(id(element))
    if cached is None:
        inner_slots, found = solutions(element.group, ctx)
        shared = sorted(scope & bound_vars(element.group))
        rows = {tuple(row[inner_slots[name]] for name in shared) for row, _ in found}
        cached = ctx.tables[id(element)] = (shared, rows)
    shared, rows = cached
    outer = [slots[name] for name in shared]
    exact = not any(None in r for r in rows)

    def removed(key: tuple) -> bool:
        if exact and None not in key:
            return key in rows
        for other in rows:
            overlap = False
            for a, b in zip(key, other, strict=True):
                if a is None or b is None:
                    continue
                if a != b:
                    break
                overlap = True
            else:
                if overlap:
                    return True
        return False

    def step(row: Row, prem: list[Any]) -> None:
        if not removed(tuple(row[s] for s in outer)):
            nxt(row, prem)

    return step


__all__ = [
    "PlanContext",
    "Step",
    "assign_slots",
    "compile_group",
    "premise_elements",
    "premises",
    "solutions",
    "sub_select_table",
]
