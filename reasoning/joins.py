"""Join steps: a triple pattern (or a table of rows) matched against what is bound.

Each function here builds one *step* of a plan (see :mod:`semcrm.reasoning.plan`):
a closure ``step(row, prem)`` that extends the row in every way the index (or
the table) allows, calls the next step for each extension, and undoes its
bindings afterwards.

Design decisions:

* **Specialised loops for the common case.** When the predicate is a constant
  and every variable is certainly bound or certainly free, the step is one of
  four tight loops (both ends bound, subject bound, object bound, neither),
  with the index maps looked up once, when the step is built: the index does
  not change while a round runs. A variable predicate that an earlier step
  bound (OWL 2 RL's ``?p rdfs:domain ?c . ?x ?p ?y``) gets the same four
  loops with the maps looked up per call, and ``?s ?p ?o`` with three free
  variables a plain scan. Anything else (a variable repeated in one pattern,
  a variable that may or may not be bound, a free predicate with a bound
  end) takes :func:`_generic_step`, which decides per call.
* **Semi-naive exclusion** is a set test: ``exclude`` is this round's delta for
  patterns that must read only older facts.
* **Premises** are written into ``prem[k]``, the slot of the pattern's text
  position, so they come out in text order whatever order the joins ran in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from semcrm.reasoning.aggregates import Table
from semcrm.reasoning.index import EMPTY_MAP, FactIndex, IntFact
from semcrm.reasoning.syntax import Var

#: A solution under construction: term ids by variable slot, None = unbound.
Row = list[int | None]
#: One step of a plan: extends a row and calls the next step per extension.
Step = Callable[[Row, list[Any]], None]

_NO_ROWS: list = []


def _candidates(index: FactIndex, s: int | None, p: int | None, o: int | None) -> Iterator[IntFact]:
    predicates = (p,) if p is not None else list(index.sp)
    for pp in predicates:
        if s is not None:
            objects = index.sp.get(pp, EMPTY_MAP).get(s)
            if not objects:
                continue
            if o is not None:
                if o in objects:
                    yield (s, pp, o)
            else:
                for oo in objects:
                    yield (s, pp, oo)
        elif o is not None:
            for ss in index.op.get(pp, EMPTY_MAP).get(o, ()):
                yield (ss, pp, o)
        else:
            for ss, objects in index.sp.get(pp, EMPTY_MAP).items():
                for oo in objects:
                    yield (ss, pp, oo)


def pattern_step(pattern, index, exclude, slots, terms, certain, possible, k, nxt) -> Step:
    """A triple pattern: specialised loops when the predicate is a constant, else generic."""
    nodes = (pattern.subject, pattern.predicate, pattern.object)
    consts: list[int | None] = []
    var_slots: list[int | None] = []
    for node in nodes:
        if isinstance(node, Var):
            consts.append(None)
            var_slots.append(slots[node.name])
        else:
            const = terms.ids.get(node)
            if const is None:
                return nothing  # a constant no fact contains: the pattern matches nothing
            consts.append(const)
            var_slots.append(None)
    names = [n.name if isinstance(n, Var) else None for n in nodes]
    uncertain = any(n is not None and n in possible for n in names)
    free = [n for n in names if n is not None and n not in certain and n not in possible]
    if uncertain or len(free) != len(set(free)):
        return _generic_step(index, exclude, consts, var_slots, k, nxt)
    if consts[1] is None:
        if names[1] in certain:
            return _bound_predicate_step(index, exclude, consts, var_slots, certain, names, k, nxt)
        if len(free) == 3:
            return _scan_all_step(index, exclude, var_slots, k, nxt)
        return _generic_step(index, exclude, consts, var_slots, k, nxt)
    s_const, p, o_const = consts
    ss, _, os = var_slots
    s_bound = s_const is not None or names[0] in certain
    o_bound = o_const is not None or names[2] in certain
    by_subject = index.sp.get(p)
    by_object = index.op.get(p)
    if not by_subject:
        return nothing
    if s_bound and o_bound:

        def both(row: Row, prem: list[Any]) -> None:
            s = s_const if ss is None else row[ss]
            o = o_const if os is None else row[os]
            objects = by_subject.get(s)
            if objects and o in objects:
                fact = (s, p, o)
                if exclude is None or fact not in exclude:
                    prem[k] = fact
                    nxt(row, prem)

        return both
    if s_bound:

        def forward(row: Row, prem: list[Any]) -> None:
            s = s_const if ss is None else row[ss]
            objects = by_subject.get(s)
            if not objects:
                return
            for o in objects:
                fact = (s, p, o)
                if exclude is not None and fact in exclude:
                    continue
                row[os] = o
                prem[k] = fact
                nxt(row, prem)
            row[os] = None

        return forward
    if o_bound:

        def backward(row: Row, prem: list[Any]) -> None:
            o = o_const if os is None else row[os]
            subjects = by_object.get(o)
            if not subjects:
                return
            for s in subjects:
                fact = (s, p, o)
                if exclude is not None and fact in exclude:
                    continue
                row[ss] = s
                prem[k] = fact
                nxt(row, prem)
            row[ss] = None

        return backward

    def scan(row: Row, prem: list[Any]) -> None:
        for s, objects in by_subject.items():
            row[ss] = s
            for o in objects:
                fact = (s, p, o)
                if exclude is not None and fact in exclude:
                    continue
                row[os] = o
                prem[k] = fact
                nxt(row, prem)
        row[ss] = None
        row[os] = None

    return scan


def nothing(row: Row, prem: list[Any]) -> None:
    return None


def _bound_predicate_step(index, exclude, consts, var_slots, certain, names, k, nxt) -> Step:
    """A pattern whose predicate is a variable bound by an earlier step (``?x ?p ?y`` after
    ``?p rdfs:domain ?c``): the specialised loops, with the maps looked up per call."""
    s_const, _, o_const = consts
    ss, ps, os = var_slots
    s_bound = s_const is not None or names[0] in certain
    o_bound = o_const is not None or names[2] in certain
    sp, op = index.sp, index.op
    if s_bound and o_bound:

        def both(row: Row, prem: list[Any]) -> None:
            p = row[ps]
            s = s_const if ss is None else row[ss]
            o = o_const if os is None else row[os]
            objects = sp.get(p, EMPTY_MAP).get(s)
            if objects and o in objects:
                fact = (s, p, o)
                if exclude is None or fact not in exclude:
                    prem[k] = fact
                    nxt(row, prem)

        return both
    if s_bound:

        def forward(row: Row, prem: list[Any]) -> None:
            p = row[ps]
            s = s_const if ss is None else row[ss]
            objects = sp.get(p, EMPTY_MAP).get(s)
            if not objects:
                return
            for o in objects:
                fact = (s, p, o)
                if exclude is not None and fact in exclude:
                    continue
                row[os] = o
                prem[k] = fact
                nxt(row, prem)
            row[os] = None

        return forward
    if o_bound:

        def backward(row: Row, prem: list[Any]) -> None:
            p = row[ps]
            o = o_const if os is None else row[os]
            subjects = op.get(p, EMPTY_MAP).get(o)
            if not subjects:
                return
            for s in subjects:
                fact = (s, p, o)
                if exclude is not None and fact in exclude:
                    continue
                row[ss] = s
                prem[k] = fact
                nxt(row, prem)
            row[ss] = None

        return backward

    def scan(row: Row, prem: list[Any]) -> None:
        p = row[ps]
        by_subject = sp.get(p)
        if not by_subject:
            return
        for s, objects in by_subject.items():
            row[ss] = s
            for o in objects:
                fact = (s, p, o)
                if exclude is not None and fact in exclude:
                    continue
                row[os] = o
                prem[k] = fact
                nxt(row, prem)
        row[ss] = None
        row[os] = None

    return scan


def _scan_all_step(index, exclude, var_slots, k, nxt) -> Step:
    """``?s ?p ?o`` with three free, distinct variables: every fact of the index."""
    ss, ps, os = var_slots
    sp = index.sp

    def scan_all(row: Row, prem: list[Any]) -> None:
        for p, by_subject in sp.items():
            row[ps] = p
            for s, objects in by_subject.items():
                row[ss] = s
                for o in objects:
                    fact = (s, p, o)
                    if exclude is not None and fact in exclude:
                        continue
                    row[os] = o
                    prem[k] = fact
                    nxt(row, prem)
        row[ss] = row[ps] = row[os] = None

    return scan_all


def _generic_step(index, exclude, consts, var_slots, k, nxt) -> Step:
    pairs = [(i, slot) for i, slot in enumerate(var_slots) if slot is not None]

    def generic(row: Row, prem: list[Any]) -> None:
        key = [c if slot is None else row[slot] for c, slot in zip(consts, var_slots, strict=True)]
        for fact in _candidates(index, key[0], key[1], key[2]):
            if exclude is not None and fact in exclude:
                continue
            newly: list[int] = []
            for i, slot in pairs:
                current = row[slot]
                if current is None:
                    row[slot] = fact[i]
                    newly.append(slot)
                elif current != fact[i]:
                    break
            else:
                prem[k] = fact
                nxt(row, prem)
            for slot in newly:
                row[slot] = None

    return generic


def table_step(table: Table, slots, certain: frozenset[str], k: int | None, nxt: Step) -> Step:
    """Join with precomputed rows (VALUES, a sub-select), hashed on the bound columns."""
    columns = [slots[name] for name in table.names]
    keyed = [i for i, name in enumerate(table.names) if name in certain]
    key_slots = [columns[i] for i in keyed]
    buckets: dict[tuple, list] = {}
    loose: list = []
    for values, facts in table.rows:
        key = tuple(values[i] for i in keyed)
        if None in key:
            loose.append((values, facts))
        else:
            buckets.setdefault(key, []).append((values, facts))

    def step(row: Row, prem: list[Any]) -> None:
        key = tuple(row[s] for s in key_slots)
        matches = buckets.get(key, _NO_ROWS)
        if loose:
            matches = matches + loose
        for values, facts in matches:
            newly: list[int] = []
            for slot, value in zip(columns, values, strict=True):
                if value is None:
                    continue
                current = row[slot]
                if current is None:
                    row[slot] = value
                    newly.append(slot)
                elif current != value:
                    break
            else:
                if k is not None:
                    prem[k] = facts
                nxt(row, prem)
            for slot in newly:
                row[slot] = None

    return step


__all__ = ["Row", "Step", "nothing", "pattern_step", "table_step"]
