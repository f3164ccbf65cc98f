"""Negation (NOT EXISTS, MINUS) and stratification: lower strata finish first.

A rule that negates a derived predicate must see that predicate complete,
whatever order the rules are given in; premises never include the negated part.
"""

from __future__ import annotations

import pyoxigraph as ox

from semcrm.reasoning.engine import Engine
from semcrm.reasoning.rules import parse_rule

EX = "http://example.org/crm/"
RULE = "https://w3id.org/semcrm/rule/"
PREFIXES = {"ex": EX, "rule": RULE}
A = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def ex(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def rule(name: str, body: str, head: str):
    return parse_rule(RULE + name, body, head, PREFIXES)


def facts(turtle: str) -> list[tuple]:
    quads = ox.parse((f"@prefix ex: <{EX}> .\n" + turtle).encode(), ox.RdfFormat.TURTLE)
    return [(q.subject, q.predicate, q.object) for q in quads]


DATA = """
ex:acme a ex:Customer . ex:globex a ex:Customer . ex:initech a ex:Customer .
ex:t1 ex:ticket ex:acme . ex:t1 ex:severity ex:high .
ex:t2 ex:ticket ex:globex . ex:t2 ex:severity ex:low .
"""

AT_RISK = rule("at-risk", "?t ex:ticket ?c ; ex:severity ex:high .", "?c a ex:AtRisk .")
HEALTHY = rule(
    "healthy", "?c a ex:Customer . FILTER NOT EXISTS { ?c a ex:AtRisk }", "?c a ex:Healthy ."
)


def test_not_exists_over_a_derived_predicate_waits_for_it():
    """If 'healthy' negates the derived 'at risk', it runs after it, in either input order."""
    for order in ([AT_RISK, HEALTHY], [HEALTHY, AT_RISK]):
        result = Engine(order).materialize(facts(DATA))
        healthy = {f[0] for f in result.derived if f[2] == ex("Healthy")}
        assert healthy == {ex("globex"), ex("initech")}


def test_strata_put_the_negating_rule_above_the_negated_one():
    """If one rule negates another's head, the engine reports them in strata 0 and 1."""
    assert Engine([HEALTHY, AT_RISK]).strata == [[RULE + "at-risk"], [RULE + "healthy"]]


def test_negated_part_contributes_no_premises():
    """If a rule has FILTER NOT EXISTS, its justification cites only the positive pattern."""
    result = Engine([AT_RISK, HEALTHY]).materialize(facts(DATA))
    (justification,) = result.derived[(ex("initech"), A, ex("Healthy"))]
    assert justification.premises == ((ex("initech"), A, ex("Customer")),)


def test_minus_removes_compatible_solutions():
    """If a contact is a blocker, MINUS removes them from the potential champions."""
    result = Engine(
        [
            rule(
                "champion",
                "?p ex:worksFor ?c . MINUS { ?p ex:role ex:blocker }",
                "?p a ex:PotentialChampion .",
            )
        ]
    ).materialize(
        facts(
            "ex:zhang ex:worksFor ex:acme . ex:li ex:worksFor ex:acme . ex:li ex:role ex:blocker ."
        )
    )
    assert set(result.derived) == {(ex("zhang"), A, ex("PotentialChampion"))}


def test_not_exists_with_a_filter_inside_reads_the_outer_binding():
    """If NOT EXISTS compares an inner value with an outer one, the outer binding is used."""
    result = Engine(
        [
            rule(
                "top-deal",
                "?c ex:deal ?v . FILTER NOT EXISTS { ?c ex:deal ?w . FILTER (?w > ?v) }",
                "?c ex:largestDeal ?v .",
            )
        ]
    ).materialize(facts("ex:acme ex:deal 10 , 30 , 20 . ex:globex ex:deal 5 ."))
    largest = {(f[0], f[2].value) for f in result.derived}
    assert largest == {(ex("acme"), "30"), (ex("globex"), "5")}


def test_three_strata_chain_through_two_negations():
    """If c negates b and b negates a, the engine finishes a, then b, then c."""
    a = rule("a", "?x ex:signal ex:churn .", "?x a ex:Churning .")
    b = rule("b", "?x a ex:Customer . FILTER NOT EXISTS { ?x a ex:Churning }", "?x a ex:Stable .")
    c = rule("c", "?x a ex:Customer . FILTER NOT EXISTS { ?x a ex:Stable }", "?x a ex:Watch .")
    engine = Engine([c, b, a])
    assert engine.strata == [[RULE + "a"], [RULE + "b"], [RULE + "c"]]
    result = engine.materialize(
        facts("ex:p a ex:Customer . ex:q a ex:Customer . ex:q ex:signal ex:churn .")
    )
    assert {(f[0], f[2]) for f in result.derived} == {
        (ex("q"), ex("Churning")),
        (ex("p"), ex("Stable")),
        (ex("q"), ex("Watch")),
    }


def test_negating_an_unrelated_pattern_does_not_create_a_cycle():
    """If a recursive rule set negates a pattern no rule derives, it loads (no false cycle)."""
    closure = rule(
        "reach",
        "?x ex:link ?y . ?y ex:link ?z . FILTER NOT EXISTS { ?y a ex:Closed }",
        "?x ex:link ?z .",
    )
    result = Engine([closure]).materialize(
        facts("ex:a ex:link ex:b . ex:b ex:link ex:c . ex:c ex:link ex:d . ex:c a ex:Closed .")
    )
    assert {(f[0], f[2]) for f in result.derived} == {(ex("a"), ex("c"))}
