"""Recursion: transitive closure with cycles, subclass cycles, self-reference, the round cap.

Each test has a known closure, computed by hand, and checks the engine
reaches it and stops.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from semcrm.reasoning.engine import Engine
from semcrm.reasoning.errors import ReasoningFailure
from semcrm.reasoning.rules import parse_rule

EX = "http://example.org/crm/"
RULE = "https://w3id.org/semcrm/rule/"
PREFIXES = {"ex": EX, "rule": RULE, "semcrm": "https://w3id.org/semcrm/ns#"}
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
A = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SUB = ox.NamedNode(RDFS + "subClassOf")


def ex(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def rule(name: str, body: str, head: str, **kw):
    return parse_rule(RULE + name, body, head, PREFIXES, **kw)


def links(*pairs: str) -> list[tuple]:
    return [(ex(a), ex("partOf"), ex(b)) for a, b in (p.split(">") for p in pairs)]


TRANSITIVE = rule("part-of-transitive", "?a ex:partOf ?b . ?b ex:partOf ?c .", "?a ex:partOf ?c .")


def closure(result) -> set[tuple[str, str]]:
    return {(f[0].value[len(EX) :], f[2].value[len(EX) :]) for f in result.derived}


def test_transitive_closure_of_a_chain():
    """If a>b>c>d, then a>c, a>d and b>d are derived, and nothing else."""
    result = Engine([TRANSITIVE]).materialize(links("a>b", "b>c", "c>d"))
    assert closure(result) == {("a", "c"), ("a", "d"), ("b", "d")}


def test_transitive_closure_with_a_cycle_terminates_with_every_pair():
    """If a>b>c>a, every ordered pair (including x>x) holds, minus the asserted ones."""
    result = Engine([TRANSITIVE]).materialize(links("a>b", "b>c", "c>a"))
    everything = {(x, y) for x in "abc" for y in "abc"}
    assert closure(result) == everything - {("a", "b"), ("b", "c"), ("c", "a")}


def test_left_linear_closure_equals_the_quadratic_one():
    """If closure is written as edge-then-path instead of path-then-path, the result is the same."""
    linear = rule("linear", "?a ex:partOf ?b . ?b ex:reach ?c .", "?a ex:reach ?c .")
    base = rule("base", "?a ex:partOf ?b .", "?a ex:reach ?b .")
    chain = links(*(f"n{i}>n{i + 1}" for i in range(30)))
    reach = Engine([linear, base]).materialize(chain)
    quadratic = Engine([TRANSITIVE]).materialize(chain)
    reach_pairs = {(f[0], f[2]) for f in reach.derived if f[1] == ex("reach")}
    part_pairs = {(f[0], f[2]) for f in quadratic.derived} | {(f[0], f[2]) for f in chain}
    assert reach_pairs == part_pairs
    assert len(reach_pairs) == 30 * 31 // 2


def test_subclass_cycle_terminates_and_types_every_instance_with_every_class():
    """If A ⊑ B ⊑ C ⊑ A and x : A, then x has all three types and each class subsumes itself."""
    sub_trans = rule(
        "scm-sco", "?a rdfs:subClassOf ?b . ?b rdfs:subClassOf ?c .", "?a rdfs:subClassOf ?c ."
    )
    cax = rule("cax-sco", "?x a ?c1 . ?c1 rdfs:subClassOf ?c2 .", "?x a ?c2 .")
    facts = [
        (ex("A"), SUB, ex("B")),
        (ex("B"), SUB, ex("C")),
        (ex("C"), SUB, ex("A")),
        (ex("x"), A, ex("A")),
    ]
    result = Engine([sub_trans, cax]).materialize(facts)
    types = {f[2] for f in result.derived if f[1] == A}
    assert types == {ex("B"), ex("C")}
    assert {(ex(c), SUB, ex(c)) for c in "ABC"} <= set(result.derived)


def test_self_referential_rule_reaches_its_fixed_point():
    """If a rule's head feeds its own body (symmetry), it derives each mirror once and stops."""
    symmetric = rule("knows-symmetric", "?a ex:knows ?b .", "?b ex:knows ?a .")
    facts = [(ex("zhang"), ex("knows"), ex("li")), (ex("li"), ex("knows"), ex("wang"))]
    result = Engine([symmetric]).materialize(facts)
    assert set(result.derived) == {
        (ex("li"), ex("knows"), ex("zhang")),
        (ex("wang"), ex("knows"), ex("li")),
    }
    assert result.stats.rounds == 2


def test_mutually_recursive_rules_share_one_component():
    """If two rules feed each other, they run together to a joint fixed point."""
    manages = rule("reports", "?a ex:manages ?b .", "?b ex:reportsTo ?a .")
    chain = rule("chain", "?a ex:reportsTo ?b . ?b ex:reportsTo ?c .", "?c ex:manages ?a .")
    facts = [(ex("ceo"), ex("manages"), ex("vp")), (ex("vp"), ex("manages"), ex("lead"))]
    engine = Engine([manages, chain])
    assert len(engine.components) == 1 and engine.components[0].recursive
    result = engine.materialize(facts)
    assert (ex("ceo"), ex("manages"), ex("lead")) in result.derived
    assert (ex("lead"), ex("reportsTo"), ex("ceo")) in result.derived


def test_rule_that_mints_nodes_forever_hits_the_round_cap():
    """If a recursive rule mints a fresh node every round, the engine raises ReasoningFailure."""
    forever = rule(
        "successor",
        "?x ex:next ?y . BIND (semcrm:skolem(?y) AS ?z)",
        "?y ex:next ?z .",
    )
    with pytest.raises(ReasoningFailure) as caught:
        Engine([forever], max_rounds=25).materialize([(ex("zero"), ex("next"), ex("one"))])
    assert caught.value.rules == (RULE + "successor",)
    assert str(caught.value).startswith("no fixed point after 25 rounds; rules rule:successor")


def test_round_cap_is_not_hit_by_a_terminating_recursion():
    """If a closure needs fewer rounds than the cap, no failure is raised."""
    result = Engine([TRANSITIVE], max_rounds=8).materialize(
        links(*(f"n{i}>n{i + 1}" for i in range(40)))
    )
    assert len(result.derived) == 40 * 41 // 2 - 40
    assert result.stats.rounds <= 8
