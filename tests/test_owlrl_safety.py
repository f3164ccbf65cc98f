"""Termination and safety of OWL 2 RL on the data: each case finishes with the right value.

Subclass cycles, self-referential property chains, sameAs cliques (below and
above the bound, in a full run and incrementally), literal-subject
entailments, and rules whose head uses a variable the body never binds.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from semcrm.reasoning.engine import Engine
from semcrm.reasoning.errors import RuleLoadError
from semcrm.reasoning.incremental import IncrementalEngine
from semcrm.reasoning.rules import load_rules, parse_rule
from semcrm.reasoning.sameas import SAME_AS
from semcrm.reasoning.synthetic import Generator

RULES_FILE = Path(__file__).resolve().parents[1] / "ontology" / "optional" / "owl-rl.ttl"
EX = "http://example.org/crm/"
PREFIXES = f"""
@prefix : <{EX}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
"""
A = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SCO = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")


@pytest.fixture(scope="module")
def rules():
    return load_rules(rdflib.Graph().parse(RULES_FILE))


def ex(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def facts(turtle: str) -> list[tuple]:
    parsed = ox.parse((PREFIXES + turtle).encode(), format=ox.RdfFormat.TURTLE)
    return [(t.subject, t.predicate, t.object) for t in parsed]


def test_subclass_cycle_terminates_with_every_class_and_equivalence(rules):
    """If A sco B sco C sco A, a member of A is in all three and the classes are equivalent."""
    result = Engine(rules).materialize(
        facts(":A rdfs:subClassOf :B . :B rdfs:subClassOf :C . :C rdfs:subClassOf :A . :x a :A .")
    )
    types = {f[2] for f in result.derived if f[0] == ex("x") and f[1] == A}
    assert types == {ex("B"), ex("C")}
    equivalent = {(f[0], f[2]) for f in result.derived if f[1].value.endswith("#equivalentClass")}
    assert equivalent == {(a, b) for a in map(ex, "ABC") for b in map(ex, "ABC") if a != b} | {
        (c, c) for c in map(ex, "ABC")
    }
    assert (ex("A"), SCO, ex("A")) in result.derived  # the cycle closes on itself, once
    assert result.stats.rounds < 20


def test_self_referential_property_chain_terminates(rules):
    """If worksFor o subsidiaryOf -> worksFor over a subsidiary cycle, every group company is reached."""
    turtle = """
        :worksFor owl:propertyChainAxiom (:worksFor :subsidiaryOf) .
        :subsidiaryOf a owl:TransitiveProperty .
        :li :worksFor :acme . :acme :subsidiaryOf :holding . :holding :subsidiaryOf :acme .
    """
    result = Engine(rules).materialize(facts(turtle))
    employers = {f[2] for f in result.derived if f[:2] == (ex("li"), ex("worksFor"))}
    assert employers == {ex("holding")}  # :acme is asserted, not derived
    assert (ex("acme"), ex("subsidiaryOf"), ex("acme")) in result.derived


def clique(n: int) -> list[tuple]:
    """n contact records said to be the same person by a chain of n-1 owl:sameAs links."""
    out = [(ex(f"dup{i}"), SAME_AS, ex(f"dup{i + 1}")) for i in range(n - 1)]
    return [*out, (ex("dup0"), ex("worksFor"), ex("acme"))]


def test_sameas_clique_below_the_bound_is_expanded(rules):
    """If 5 records are sameAs in a chain, all 25 sameAs pairs hold and each works for acme."""
    result = Engine(rules, same_as_limit=5).materialize(clique(5))
    same = {(f[0], f[2]) for f in [*result.derived, *clique(5)] if f[1] == SAME_AS}
    assert len(same) == 25
    works = {f[0] for f in result.derived if f[1:] == (ex("worksFor"), ex("acme"))}
    assert works == {ex(f"dup{i}") for i in range(1, 5)}
    assert result.findings == []


def test_sameas_clique_above_the_bound_is_a_finding_not_a_blow_up(rules):
    """If 6 records are sameAs and the bound is 5, nothing is expanded and a finding names all 6."""
    result = Engine(rules, same_as_limit=5).materialize(clique(6))
    assert not any(f[1] == SAME_AS for f in result.derived)
    assert not any(f[1] == ex("worksFor") for f in result.derived)
    [finding] = result.findings
    assert finding.members == {ex(f"dup{i}") for i in range(6)}
    assert len(finding.statements) == 5
    assert "more than the limit of 5" in finding.message


def test_sameas_bound_holds_incrementally_both_ways(rules):
    """If a link makes a clique cross the bound it is taken back, and restored when it goes."""
    engine = IncrementalEngine(rules, same_as_limit=5)
    engine.materialize(clique(5))
    before = engine.result()
    link = (ex("dup4"), SAME_AS, ex("dup5"))
    crossed = engine.add([link])
    assert len(crossed.findings_added) == 1
    assert not any(f[1] == SAME_AS for f in engine.result().derived)
    assert any(f[1] == SAME_AS for f in crossed.removed)
    back = engine.remove([link])
    assert back.findings_removed == crossed.findings_added
    assert set(engine.result().derived) == set(before.derived)


def test_literal_values_are_never_subjects_on_generated_data(rules):
    """If ranges, inverses and sameAs meet literal values, no derived fact has a literal subject."""
    data = Generator().facts(3000) + facts(
        ':li owl:sameAs "Li (unverified)" . :nameOf owl:inverseOf :name . :li :name "Li" .'
    )
    result = Engine(rules).materialize(data)
    assert result.derived
    assert not any(isinstance(f[0], ox.Literal) for f in result.derived)
    assert not any(not isinstance(f[1], ox.NamedNode) for f in result.derived)
    skipped = result.stats.skipped
    assert skipped["https://w3id.org/semcrm/rule/owl-rl/prp-rng"] > 0
    assert skipped["https://w3id.org/semcrm/rule/owl-rl/eq-sym"] == 1
    assert skipped["https://w3id.org/semcrm/rule/owl-rl/prp-inv2"] >= 1


def test_a_head_variable_the_body_never_binds_is_a_load_error():
    """If a head uses ?z and the body does not bind it, loading the rule fails and says why."""
    with pytest.raises(RuleLoadError, match=r"head variable \?z is not bound by the body"):
        parse_rule(
            "https://w3id.org/semcrm/rule/owl-rl/broken",
            "?c1 rdfs:subClassOf ?c2 . ?x a ?c1 .",
            "?x a ?z .",
            {},
        )
