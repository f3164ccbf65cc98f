"""Property: semi-naive evaluation gives the naive fixed point, justifications included.

The naive evaluator here shares no code with the engine: it runs each rule
as SPARQL CONSTRUCT in Oxigraph, adds the results, and repeats until nothing
changes. Justifications are recomputed the naive way too: every solution of
each rule's body (SPARQL SELECT over the final closure) instantiates the
rule's patterns into a premise set. On random small graphs (fixed seeds, so a
failure replays) both must agree exactly.
"""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest

from semcrm.reasoning.engine import Engine
from semcrm.reasoning.rules import parse_rule

EX = "http://example.org/g/"
RULE = "https://w3id.org/semcrm/rule/"
PREFIXES = {"ex": EX}

# Rule sets as (name, body patterns, head patterns[, filter]); each pattern is "s p o".
RULE_SETS: dict[str, list[tuple[str, list[str], list[str]]]] = {
    "transitive": [
        ("trans", ["?a ex:e ?b", "?b ex:e ?c"], ["?a ex:e ?c"]),
    ],
    "mutual": [
        ("base", ["?a ex:e ?b"], ["?a ex:r ?b"]),
        ("step", ["?a ex:e ?b", "?b ex:r ?c"], ["?a ex:r ?c"]),
        ("meet", ["?a ex:r ?c", "?b ex:r ?c"], ["?a ex:s ?b"]),
        ("sym", ["?a ex:s ?b"], ["?b ex:s ?a"]),
    ],
    "subproperty": [
        ("spo", ["?x ?p ?y", "?p ex:sub ?q"], ["?x ?q ?y"], "FILTER (isIRI(?q))"),
        ("sub-trans", ["?p ex:sub ?q", "?q ex:sub ?r"], ["?p ex:sub ?r"]),
    ],
    "cycle-finder": [
        ("trans", ["?a ex:e ?b", "?b ex:e ?c"], ["?a ex:e ?c"]),
        ("loop", ["?a ex:e ?b", "?b ex:e ?a", "?a ex:e ?a"], ["?a ex:onCycle ?b", "?b ex:e ?b"]),
    ],
}


def _body(entry) -> str:
    return " . ".join(entry[1]) + " . " + (entry[3] if len(entry) > 3 else "")


def _rules(spec) -> list:
    return [
        parse_rule(RULE + entry[0], _body(entry), " . ".join(entry[2]) + " .", PREFIXES)
        for entry in spec
    ]


def _term(text: str, solution) -> ox.NamedNode | ox.Literal | None:
    if text.startswith("?"):
        return solution[text[1:]]
    return ox.NamedNode(EX + text[3:])


def _instantiate(pattern: str, solution) -> tuple:
    return tuple(_term(part, solution) for part in pattern.split())


def _random_graph(seed: int, kind: str) -> list[tuple]:
    rng = random.Random(seed)
    nodes = [ox.NamedNode(f"{EX}n{i}") for i in range(rng.randint(2, 6))]
    facts = set()
    for _ in range(rng.randint(0, 12)):
        facts.add((rng.choice(nodes), ox.NamedNode(EX + "e"), rng.choice(nodes)))
    if kind == "subproperty":
        props = [ox.NamedNode(f"{EX}p{i}") for i in range(3)] + [ox.NamedNode(EX + "e")]
        for _ in range(rng.randint(0, 5)):
            facts.add((rng.choice(props), ox.NamedNode(EX + "sub"), rng.choice(props)))
        for _ in range(rng.randint(0, 6)):
            facts.add((rng.choice(nodes), rng.choice(props), rng.choice(nodes)))
    return sorted(facts, key=str)


def naive(spec, facts: list[tuple]) -> tuple[set, set, dict[str, int]]:
    """The naive fixed point by repeated CONSTRUCT, every justification, solutions per rule."""
    rules = _rules(spec)
    store = ox.Store()
    for fact in facts:
        store.add(ox.Quad(*fact))
    while True:
        before = len(store)
        for rule in rules:
            for triple in list(store.query(rule.to_sparql())):
                store.add(ox.Quad(triple.subject, triple.predicate, triple.object))
        if len(store) == before:
            break
    closure = {(q.subject, q.predicate, q.object) for q in store}
    asserted = set(facts)
    justifications = set()
    solutions: dict[str, int] = {}
    for entry in spec:
        name, body, head = entry[:3]
        query = f"PREFIX ex: <{EX}> SELECT * WHERE {{ {_body(entry)} }}"
        solutions[RULE + name] = 0
        for solution in store.query(query):
            solutions[RULE + name] += 1
            premises = frozenset(_instantiate(p, solution) for p in body)
            for pattern in head:
                conclusion = _instantiate(pattern, solution)
                if conclusion not in asserted and conclusion not in premises:
                    justifications.add((RULE + name, conclusion, premises))
    return closure - asserted, justifications, solutions


@pytest.mark.parametrize("kind", sorted(RULE_SETS))
@pytest.mark.parametrize("seed", range(25))
def test_semi_naive_equals_naive_fixed_point(kind: str, seed: int):
    """If a recursive rule set runs on a random graph, semi-naive and naive results are equal."""
    spec = RULE_SETS[kind]
    facts = _random_graph(seed, kind)
    result = Engine(_rules(spec)).materialize(facts)
    expected_derived, expected_justifications, _ = naive(spec, facts)
    assert set(result.derived) == expected_derived
    got = {
        (j.rule, fact, frozenset(j.premises))
        for fact, justifications in result.derived.items()
        for j in justifications
    }
    assert got == expected_justifications
    for justifications in result.derived.values():
        ways = [(j.rule, frozenset(j.premises)) for j in justifications]
        assert len(ways) == len(set(ways))


@pytest.mark.parametrize("kind", sorted(RULE_SETS))
@pytest.mark.parametrize("seed", range(25))
def test_semi_naive_finds_each_body_solution_exactly_once(kind: str, seed: int):
    """If a body has N solutions over the closure, the rule fires N times: no repeated work."""
    spec = RULE_SETS[kind]
    facts = _random_graph(seed, kind)
    result = Engine(_rules(spec)).materialize(facts)
    assert result.stats.firings == naive(spec, facts)[2]


def test_random_graphs_exercise_recursion():
    """If the generator is sound, some seeds need more than two rounds (real recursion)."""
    engine = Engine(_rules(RULE_SETS["transitive"]))
    rounds = [
        engine.materialize(_random_graph(seed, "transitive")).stats.rounds for seed in range(25)
    ]
    assert max(rounds) > 2
