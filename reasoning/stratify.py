"""Stratification: which rules must finish before which, and which rules recurse.

Rule ``r`` *depends on* rule ``q`` when a head template of ``q`` could produce
a fact matching a triple pattern of ``r``'s body: two patterns unify unless
some position holds two different constants. The dependency is *negative*
when the pattern sits inside NOT EXISTS, MINUS or a sub-select (aggregates and
sub-queries see their input as a whole, so that input must be complete).
Unifying whole patterns rather than predicates alone keeps ``?x a :A`` from
depending on rules that only derive ``?y a :B``, which matters for OWL 2 RL
style rule sets where nearly every head is ``rdf:type``.

The rules' strongly connected components (Tarjan's algorithm) are the units of
evaluation, dependencies first. A negative dependency inside a component is a
cycle through negation or aggregation and a load error naming the rules in it.
Positive recursion is fine: a component whose rules depend on each other (or
a rule on itself) is run semi-naively to a fixed point, any other once.

Each component also gets a *stratum*: the most negative dependencies on any
path below it. Strata are for reporting; the order among independent
components follows ``semcrm:priority`` (higher first) and then the IRI, and
never changes the result.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from semcrm.reasoning.errors import RuleLoadError
from semcrm.reasoning.graphs import strongly_connected
from semcrm.reasoning.rules import Rule
from semcrm.reasoning.syntax import Group, Minus, NotExists, SubSelect, TriplePattern, Var


@dataclass(frozen=True)
class Component:
    """Rules evaluated together: ``recursive`` when they depend on each other."""

    rules: tuple[int, ...]  # indices into the engine's rule list
    recursive: bool
    stratum: int


def body_patterns(group: Group, negative: bool = False) -> Iterator[tuple[TriplePattern, str]]:
    """Every triple pattern of a body with how it is used: "positive" or the construct's name."""
    for element in group.elements:
        if isinstance(element, TriplePattern):
            yield element, ("positive" if not negative else "negated")
        elif isinstance(element, NotExists):
            for pattern, _ in body_patterns(element.group, True):
                yield pattern, "NOT EXISTS"
        elif isinstance(element, Minus):
            for pattern, _ in body_patterns(element.group, True):
                yield pattern, "MINUS"
        elif isinstance(element, SubSelect):
            kind = "an aggregate" if element.is_aggregate else "a sub-select"
            for pattern, _ in body_patterns(element.where, True):
                yield pattern, kind


def unifiable(head: TriplePattern, body: TriplePattern) -> bool:
    """Could an instance of the head template match the body pattern?"""
    for a, b in (
        (head.subject, body.subject),
        (head.predicate, body.predicate),
        (head.object, body.object),
    ):
        if not isinstance(a, Var) and not isinstance(b, Var) and a != b:
            return False
    return True


def _dependencies(rules: Sequence[Rule]) -> list[dict[int, str]]:
    """For each rule, the rules it depends on and how ("positive" or the negating construct)."""
    deps: list[dict[int, str]] = []
    for rule in rules:
        mine: dict[int, str] = {}
        for pattern, how in body_patterns(rule.body):
            for j, other in enumerate(rules):
                matches = any(unifiable(h, pattern) for h in other.head)
                if matches and mine.get(j, "positive") == "positive":
                    mine[j] = how
        deps.append(mine)
    return deps


def stratify(rules: Sequence[Rule]) -> list[Component]:
    """The rules' components in evaluation order; RuleLoadError on a cycle through negation."""
    deps = _dependencies(rules)
    order = sorted(range(len(rules)), key=lambda i: (-rules[i].priority, rules[i].iri))
    position = {rule: k for k, rule in enumerate(order)}
    edges = [sorted(deps[i], key=position.__getitem__) for i in range(len(rules))]
    components = strongly_connected(edges, order)
    stratum_of: dict[int, int] = {}
    result: list[Component] = []
    for members in components:
        member_set = set(members)
        members.sort(key=position.__getitem__)
        for i in members:
            for j, how in deps[i].items():
                if j in member_set and how != "positive":
                    names = [rules[m].display for m in members]
                    raise RuleLoadError(
                        rules[i].iri,
                        f"rules {', '.join(names)} depend on each other through {how}; "
                        "negation and aggregates may only read facts of lower strata "
                        "(see docs/rules.md, 'Stratification')",
                        display=rules[i].display,
                        rules=[rules[m].iri for m in members],
                    )
        recursive = len(members) > 1 or members[0] in deps[members[0]]
        stratum = 0
        for i in members:
            for j, how in deps[i].items():
                if j not in member_set:
                    stratum = max(stratum, stratum_of[j] + (how != "positive"))
        for i in members:
            stratum_of[i] = stratum
        result.append(Component(tuple(members), recursive, stratum))
    return result


__all__ = ["Component", "body_patterns", "stratify", "unifiable"]
