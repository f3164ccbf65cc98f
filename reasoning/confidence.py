"""How sure the engine is of a derived fact: per-rule weights combined by noisy-OR.

A justification ``j`` of rule ``r`` has confidence

    c(j) = weight(r) x value of r's confidence expression for the solution (clamped to [0, 1])
           x product of c(p) over the premises p of j that are themselves derived

(asserted premises count 1.0), and a derived fact ``f`` has

    c(f) = 1 - product over its justifications j of (1 - c(j))          (noisy-OR)

so independent reasons add up: two justifications of 0.5 give 0.75, never more
than 1, and a fact is never less certain than its best reason.

With recursion a fact can (indirectly) be its own premise, and the equations
above are a fixed point problem. :func:`combine` solves it per strongly
connected component of the "fact -> derived premise" graph, dependencies
first: a fact that is not (indirectly) its own premise is computed exactly,
once its premises are; a cyclic component is iterated from 0 (Gauss-Seidel)
until no value moves by more than ``tolerance``. The iteration is monotone
and bounded by 1, so it converges to the least fixed point; at most
``max_iterations`` sweeps are made and a component that has not converged by
then keeps its last (lower-bound) values and is counted in ``unconverged``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from semcrm.reasoning.graphs import strongly_connected
from semcrm.reasoning.index import IntFact

#: One justification as the engine records it: its base confidence
#: (weight x expression value) and its premises.
Recorded = tuple[float, tuple[IntFact, ...]]


@dataclass
class Combined:
    """Confidences of facts and of each of their justifications (same order as recorded)."""

    facts: dict[IntFact, float]
    justifications: dict[IntFact, list[float]]
    unconverged: int
    sweeps: int


def noisy_or(values: Sequence[float]) -> float:
    """``1 - prod(1 - v)``."""
    remaining = 1.0
    for value in values:
        remaining *= 1.0 - value
    return 1.0 - remaining


def _scaled(
    base: float, premises: Sequence[IntFact], inside: Mapping[IntFact, int], fixed
) -> float:
    for p in premises:
        if p not in inside:
            value = fixed(p)
            if value is not None:
                base *= value
    return base


def combine(
    recorded: Mapping[IntFact, Sequence[Recorded]],
    *,
    outside: Mapping[IntFact, float] | None = None,
    max_iterations: int = 1000,
    tolerance: float = 1e-12,
) -> Combined:
    """Solve the confidence equations for every derived fact in ``recorded``.

    ``outside`` gives the (final) confidence of derived premises that are not
    in ``recorded``; the incremental engine re-solves only the facts an update
    reaches, with everything else fixed. A premise in neither counts 1.0
    (asserted).

    Facts whose derived premises are all final are computed in topological
    order (Kahn's algorithm), which is every fact when no derived fact depends
    on itself; only what is left, the cycles and what hangs off them, goes
    through strongly connected components and iteration.
    """
    facts = list(recorded)
    number = {fact: i for i, fact in enumerate(facts)}
    find = number.get
    ways = [recorded[fact] for fact in facts]
    if outside:
        fixed = outside.get
        ways = [
            [(_scaled(base, premises, number, fixed), premises) for base, premises in way]
            for way in ways
        ]
    # For each justification, the indices of its derived premises.
    links = [
        [[k for p in premises if (k := find(p)) is not None] for _, premises in way] for way in ways
    ]
    value = [0.0] * len(facts)
    scores: list[list[float]] = [[] for _ in facts]

    def evaluate(i: int) -> float:
        remaining = 1.0
        mine = []
        for (base, _), derived in zip(ways[i], links[i], strict=True):
            c = base
            for k in derived:
                c *= value[k]
            mine.append(c)
            remaining *= 1.0 - c
        scores[i] = mine
        return 1.0 - remaining

    depends = [
        list({k for derived in mine for k in derived}) if any(mine) else [] for mine in links
    ]
    waiting = [len(d) for d in depends]
    users: list[list[int]] = [[] for _ in facts]
    for i, d in enumerate(depends):
        for k in d:
            users[k].append(i)
    ready = [i for i, w in enumerate(waiting) if w == 0]
    while ready:
        i = ready.pop()
        value[i] = evaluate(i)
        for user in users[i]:
            waiting[user] -= 1
            if waiting[user] == 0:
                ready.append(user)
    unconverged = 0
    sweeps = 0
    left = [i for i, w in enumerate(waiting) if w > 0]
    if left:
        local = {node: k for k, node in enumerate(left)}
        edges = [sorted(local[d] for d in depends[node] if d in local) for node in left]
        for component in strongly_connected(edges):
            nodes = [left[k] for k in component]
            if len(nodes) == 1 and component[0] not in edges[component[0]]:
                value[nodes[0]] = evaluate(nodes[0])
                continue
            for _ in range(max_iterations):
                sweeps += 1
                moved = 0.0
                for i in nodes:
                    new = evaluate(i)
                    moved = max(moved, abs(new - value[i]))
                    value[i] = new
                if moved <= tolerance:
                    break
            else:
                unconverged += len(nodes)
    return Combined(
        dict(zip(facts, value, strict=True)),
        dict(zip(facts, scores, strict=True)),
        unconverged,
        sweeps,
    )


__all__ = ["Combined", "Recorded", "combine", "noisy_or"]
