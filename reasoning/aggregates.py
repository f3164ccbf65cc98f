"""Sub-selects: grouping, COUNT/SUM/MIN/MAX/AVG, HAVING and projection.

A sub-select is evaluated on its own (SPARQL sub-queries are not correlated
with the enclosing group) into a :class:`Table`: the projected variables and,
for each result row, the term ids and the premises behind the row. For an
aggregate row the premises are every fact any solution of the group matched,
deduplicated, in order: the justification of an "at least 3 questions" rule
cites all the questions, not only three.

Aggregate semantics follow SPARQL 1.1 as Oxigraph implements it:

* without GROUP BY every solution is in one group, and there is one group even
  when there are no solutions (``COUNT`` is then 0); with GROUP BY an empty
  input gives no rows;
* an argument that is an error (an unbound variable) is left out of the
  aggregate; ``SUM``/``AVG`` of a non-number is an error, which leaves the
  projected variable unbound;
* ``SUM`` of nothing is 0, ``AVG`` of nothing is 0, ``MIN``/``MAX`` of nothing
  is an error; ``AVG`` divides as ``/`` does (integers give a decimal);
* ``MIN``/``MAX`` order terms as ORDER BY does (:func:`~semcrm.reasoning.terms.order_key`).

Aggregate calls in the SELECT list and HAVING are first rewritten to hidden
variables (``\\0agg0`` ...), computed once per group; the remaining expression
is compiled like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from semcrm.reasoning.expressions import arithmetic, compile_condition, compile_expr
from semcrm.reasoning.index import IntFact, TermTable
from semcrm.reasoning.syntax import Aggregate, Call, Expr, SubSelect, Var
from semcrm.reasoning.terms import ExprError, Term, integer_literal, order_key

SolutionRow = tuple[int | None, ...]
Solution = tuple[SolutionRow, tuple[IntFact, ...]]


@dataclass
class Table:
    """Rows of term ids (``None`` = unbound) for ``names``, each with its premises."""

    names: list[str]
    rows: list[tuple[SolutionRow, tuple[IntFact, ...]]]


def _merge(groups: Sequence[tuple[IntFact, ...]]) -> tuple[IntFact, ...]:
    out: dict[IntFact, None] = {}
    for facts in groups:
        for fact in facts:
            out[fact] = None
    return tuple(out)


def plain_table(sub: SubSelect, slots: dict[str, int], found: list[Solution], terms: TermTable):
    """A sub-select without grouping: one row per solution (merged when DISTINCT)."""
    evaluators = [
        compile_expr(item.expr if item.expr is not None else item.var, slots, terms.terms)
        for item in sub.projection
    ]
    merged: dict[SolutionRow, list[tuple[IntFact, ...]]] = {}
    rows: list[tuple[SolutionRow, tuple[IntFact, ...]]] = []
    for row, facts in found:
        values: list[int | None] = []
        for evaluate in evaluators:
            try:
                values.append(terms.intern(evaluate(row)))
            except ExprError:
                values.append(None)
        key = tuple(values)
        if sub.distinct:
            merged.setdefault(key, []).append(facts)
        else:
            rows.append((key, facts))
    if sub.distinct:
        rows = [(key, _merge(groups)) for key, groups in merged.items()]
    return Table([item.var.name for item in sub.projection], rows)


def _rewrite(expr: Expr, found: list[Aggregate]) -> Expr:
    """``expr`` with each aggregate call replaced by a hidden variable (collected in ``found``)."""
    if isinstance(expr, Aggregate):
        if expr not in found:
            found.append(expr)
        return Var(f"\0agg{found.index(expr)}")
    if isinstance(expr, Call):
        return Call(expr.op, tuple(_rewrite(arg, found) for arg in expr.args))
    return expr


def _aggregate(agg: Aggregate, members: list[Solution], arg, terms: TermTable) -> Term | None:
    if arg is None:  # COUNT(*)
        count = len({row for row, _ in members}) if agg.distinct else len(members)
        return integer_literal(count)
    values: list[Term] = []
    for row, _ in members:
        try:
            values.append(arg(row))
        except ExprError:
            continue
    if agg.distinct:
        values = list(dict.fromkeys(values))
    if agg.op == "COUNT":
        return integer_literal(len(values))
    if agg.op in ("MIN", "MAX"):
        if not values:
            return None
        pick = min if agg.op == "MIN" else max
        return pick(values, key=order_key)
    try:
        total: Term = integer_literal(0)
        for value in values:
            total = arithmetic("+", total, value)
        if agg.op == "AVG" and values:
            return arithmetic("/", total, integer_literal(len(values)))
        return total
    except ExprError:
        return None


def aggregate_table(sub: SubSelect, slots: dict[str, int], found: list[Solution], terms):
    """A grouping sub-select: one row per group that passes HAVING."""
    aggregates: list[Aggregate] = []
    projections = [
        _rewrite(item.expr, aggregates) if item.expr is not None else item.var
        for item in sub.projection
    ]
    having = [_rewrite(expr, aggregates) for expr in sub.having]
    group_names = [v.name for v in sub.group_by] + [f"\0agg{i}" for i in range(len(aggregates))]
    group_slots = {name: i for i, name in enumerate(group_names)}
    project = [compile_expr(expr, group_slots, terms.terms) for expr in projections]
    conditions = [compile_condition(expr, group_slots, terms.terms) for expr in having]
    arguments = [
        compile_expr(agg.arg, slots, terms.terms) if agg.arg is not None else None
        for agg in aggregates
    ]
    key_slots = [slots[v.name] for v in sub.group_by]
    groups: dict[SolutionRow, list[Solution]] = {} if key_slots else {(): []}
    for solution in found:
        key = tuple(solution[0][s] for s in key_slots)
        groups.setdefault(key, []).append(solution)
    rows: list[tuple[SolutionRow, tuple[IntFact, ...]]] = []
    for key, members in groups.items():
        group_row: list[int | None] = list(key)
        for agg, arg in zip(aggregates, arguments, strict=True):
            value = _aggregate(agg, members, arg, terms)
            group_row.append(None if value is None else terms.intern(value))
        if not all(condition(group_row) for condition in conditions):
            continue
        values: list[int | None] = []
        for evaluate in project:
            try:
                values.append(terms.intern(evaluate(group_row)))
            except ExprError:
                values.append(None)
        rows.append((tuple(values), _merge([facts for _, facts in members])))
    if sub.distinct:
        merged: dict[SolutionRow, list[tuple[IntFact, ...]]] = {}
        for values, facts in rows:
            merged.setdefault(values, []).append(facts)
        rows = [(values, _merge(groups)) for values, groups in merged.items()]
    return Table([item.var.name for item in sub.projection], rows)


__all__ = ["Table", "aggregate_table", "plain_table"]
