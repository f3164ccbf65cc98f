"""Confidence: weight x expression x derived premises per justification, noisy-OR per fact.

Expected values are worked out by hand from the formulas in docs/rules.md and
compared to 1e-9.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from semcrm.reasoning.engine import Engine
from semcrm.reasoning.rules import parse_rule

EX = "http://example.org/crm/"
RULE = "https://w3id.org/semcrm/rule/"
PREFIXES = {"ex": EX, "rule": RULE}
A = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def ex(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def facts(turtle: str) -> list[tuple]:
    quads = ox.parse((f"@prefix ex: <{EX}> .\n" + turtle).encode(), ox.RdfFormat.TURTLE)
    return [(q.subject, q.predicate, q.object) for q in quads]


SIGNALS = """
ex:s1 ex:intent ex:renewal ; ex:confidence 0.5 ; ex:customer ex:acme .
ex:s2 ex:intent ex:renewal ; ex:confidence 0.25 ; ex:customer ex:acme .
ex:s3 ex:intent ex:upgrade ; ex:confidence 2.5 ; ex:customer ex:acme .
ex:s4 ex:intent ex:upgrade ; ex:confidence -1 ; ex:customer ex:globex .
"""

INTENT = parse_rule(
    RULE + "intent",
    "?s ex:intent ?i ; ex:confidence ?c ; ex:customer ?org .",
    "?org ex:hasIntent ?i .",
    PREFIXES,
    weight=0.8,
    confidence="?c",
)


def test_each_justification_is_weight_times_expression():
    """If signals of confidence 0.5 and 0.25 fire a rule of weight 0.8, they give 0.4 and 0.2."""
    result = Engine([INTENT]).materialize(facts(SIGNALS))
    fact = (ex("acme"), ex("hasIntent"), ex("renewal"))
    scores = sorted(j.confidence for j in result.derived[fact])
    assert scores == pytest.approx([0.8 * 0.25, 0.8 * 0.5], abs=1e-9)


def test_two_justifications_combine_by_noisy_or():
    """If two signals give 0.4 and 0.2, the intent has 1 - (1 - 0.4)(1 - 0.2) = 0.52."""
    result = Engine([INTENT]).materialize(facts(SIGNALS))
    assert result.confidence[(ex("acme"), ex("hasIntent"), ex("renewal"))] == pytest.approx(
        0.52, abs=1e-9
    )


def test_expression_values_are_clamped_to_the_unit_interval():
    """If the confidence expression is 2.5 or -1, it counts as 1 or 0 before the weight."""
    result = Engine([INTENT]).materialize(facts(SIGNALS))
    assert result.confidence[(ex("acme"), ex("hasIntent"), ex("upgrade"))] == pytest.approx(
        0.8, abs=1e-9
    )
    assert result.confidence[(ex("globex"), ex("hasIntent"), ex("upgrade"))] == 0.0


def test_derived_premises_multiply_into_the_next_rule():
    """If a weight-0.5 rule builds on the 0.52 intent, its conclusion has 0.5 x 0.52 = 0.26."""
    follow_up = parse_rule(
        RULE + "follow-up",
        "?org ex:hasIntent ex:renewal ; ex:owner ?rep .",
        "?rep ex:shouldCall ?org .",
        PREFIXES,
        weight=0.5,
    )
    result = Engine([follow_up, INTENT]).materialize(facts(SIGNALS + "ex:acme ex:owner ex:rep1 ."))
    fact = (ex("rep1"), ex("shouldCall"), ex("acme"))
    assert result.confidence[fact] == pytest.approx(0.26, abs=1e-9)
    (justification,) = result.derived[fact]
    assert justification.premises[0] == (ex("acme"), ex("hasIntent"), ex("renewal"))


def test_every_distinct_justification_is_kept_across_rules():
    """If two rules derive the same fact from different premises, both justifications are kept."""
    by_title = parse_rule(
        RULE + "by-title", "?p ex:title ex:cfo .", "?p a ex:EconomicBuyer .", PREFIXES, weight=0.6
    )
    by_signing = parse_rule(
        RULE + "by-signing",
        "?p ex:signed ?contract .",
        "?p a ex:EconomicBuyer .",
        PREFIXES,
        weight=0.7,
    )
    result = Engine([by_title, by_signing]).materialize(
        facts("ex:zhao ex:title ex:cfo ; ex:signed ex:c1 , ex:c2 .")
    )
    fact = (ex("zhao"), A, ex("EconomicBuyer"))
    ways = {(j.rule, j.premises) for j in result.derived[fact]}
    assert ways == {
        (RULE + "by-title", ((ex("zhao"), ex("title"), ex("cfo")),)),
        (RULE + "by-signing", ((ex("zhao"), ex("signed"), ex("c1")),)),
        (RULE + "by-signing", ((ex("zhao"), ex("signed"), ex("c2")),)),
    }
    assert result.confidence[fact] == pytest.approx(1 - 0.4 * 0.3 * 0.3, abs=1e-9)


def test_cyclic_support_converges_to_the_least_fixed_point():
    """If a q b (0.5 from a p b, or 0.5 x q(b, a)) and b q a (0.5 x q(a, b)), then q(a, b) = 4/7.

    x = 1 - (1 - 0.5)(1 - 0.5 y) and y = 0.5 x give x = 4/7 and y = 2/7.
    """
    lift = parse_rule(RULE + "lift", "?x ex:p ?y .", "?x ex:q ?y .", PREFIXES, weight=0.5)
    mirror = parse_rule(RULE + "mirror", "?x ex:q ?y .", "?y ex:q ?x .", PREFIXES, weight=0.5)
    result = Engine([lift, mirror]).materialize([(ex("a"), ex("p"), ex("b"))])
    assert result.confidence[(ex("a"), ex("q"), ex("b"))] == pytest.approx(4 / 7, abs=1e-9)
    assert result.confidence[(ex("b"), ex("q"), ex("a"))] == pytest.approx(2 / 7, abs=1e-9)
    assert result.stats.confidence_unconverged == 0


def test_transitive_chain_confidence_multiplies_along_the_path():
    """If a>b>c>d with weight 0.9, then a>d has every path's product combined by noisy-OR."""
    chain = parse_rule(
        RULE + "chain",
        "?a ex:partOf ?b . ?b ex:partOf ?c .",
        "?a ex:partOf ?c .",
        PREFIXES,
        weight=0.9,
    )
    result = Engine([chain]).materialize(
        facts("ex:a ex:partOf ex:b . ex:b ex:partOf ex:c . ex:c ex:partOf ex:d .")
    )
    ac = result.confidence[(ex("a"), ex("partOf"), ex("c"))]
    bd = result.confidence[(ex("b"), ex("partOf"), ex("d"))]
    assert ac == pytest.approx(0.9, abs=1e-9) and bd == pytest.approx(0.9, abs=1e-9)
    # a>d: via (a>b, b>d) = 0.9 x 0.9 and via (a>c, c>d) = 0.9 x 0.9
    expected = 1 - (1 - 0.81) * (1 - 0.81)
    assert result.confidence[(ex("a"), ex("partOf"), ex("d"))] == pytest.approx(expected, abs=1e-9)


def test_asserted_fact_is_not_reported_as_derived():
    """If a rule derives a fact that is also asserted, it is asserted only: no justification."""
    result = Engine([INTENT]).materialize(facts(SIGNALS + "ex:acme ex:hasIntent ex:renewal ."))
    assert (ex("acme"), ex("hasIntent"), ex("renewal")) not in result.derived
    assert (ex("acme"), ex("hasIntent"), ex("renewal")) not in result.confidence


def test_confidence_expression_that_errors_gives_zero_and_is_counted():
    """If the confidence expression is not a number for a solution, that justification has 0."""
    result = Engine([INTENT]).materialize(
        facts('ex:s9 ex:intent ex:renewal ; ex:confidence "high" ; ex:customer ex:initech .')
    )
    assert result.confidence[(ex("initech"), ex("hasIntent"), ex("renewal"))] == 0.0
    assert result.stats.confidence_errors == 1
