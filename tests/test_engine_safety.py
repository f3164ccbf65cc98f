"""Safety: the engine never emits a literal subject, a non-IRI predicate or a variable.

Unsafe instantiations are skipped and counted, never raised; a rule whose head
could only ever be unsafe is refused when it is loaded.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from semcrm.reasoning.engine import Engine
from semcrm.reasoning.errors import RuleLoadError
from semcrm.reasoning.rules import parse_rule

EX = "http://example.org/crm/"
RULE = "https://w3id.org/semcrm/rule/"
PREFIXES = {"ex": EX, "rule": RULE}
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
A = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def ex(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def test_range_entailment_never_types_a_literal():
    """If a property's range is a class and one value is a literal, only the IRI value is typed."""
    range_rule = parse_rule(
        RULE + "prp-rng", "?p rdfs:range ?c . ?x ?p ?y .", "?y a ?c .", PREFIXES
    )
    facts = [
        (ex("contact"), ox.NamedNode(RDFS + "range"), ex("Person")),
        (ex("acme"), ex("contact"), ex("zhang")),
        (ex("acme"), ex("contact"), ox.Literal("张三 (未登记)", language="zh")),
    ]
    result = Engine([range_rule]).materialize(facts)
    assert set(result.derived) == {(ex("zhang"), A, ex("Person"))}
    assert result.stats.skipped == {RULE + "prp-rng": 1}


def test_inverse_of_a_literal_valued_property_derives_nothing_and_does_not_crash():
    """If a rule swaps subject and object and every object is a literal, it derives nothing."""
    swap = parse_rule(RULE + "swap", "?c ex:name ?n .", "?n ex:nameOf ?c .", PREFIXES)
    facts = [
        (ex("acme"), ex("name"), ox.Literal("Acme Example")),
        (ex("b"), ex("name"), ox.Literal("示例")),
    ]
    result = Engine([swap]).materialize(facts)
    assert result.derived == {}
    assert result.stats.skipped == {RULE + "swap": 2}
    assert Engine([swap]).step(facts) == set()


def test_blank_node_subjects_are_allowed():
    """If the input has a blank-node subject, rules may derive facts about it."""
    node = ox.BlankNode("visitor1")
    tag = parse_rule(RULE + "tag", "?v ex:visited ?page .", "?v a ex:Visitor .", PREFIXES)
    result = Engine([tag]).materialize([(node, ex("visited"), ex("pricing-page"))])
    assert set(result.derived) == {(node, A, ex("Visitor"))}


def test_unbound_head_variable_is_refused_before_any_fact_is_read():
    """If a head variable is bound nowhere in the body, parse_rule raises; nothing runs."""
    with pytest.raises(RuleLoadError, match=r"head variable \?owner is not bound by the body"):
        parse_rule(RULE + "bad", "?c a ex:Customer .", "?c ex:ownedBy ?owner .", PREFIXES)


def test_variable_bound_only_by_a_failing_bind_is_skipped_not_emitted():
    """If a head variable comes from a BIND that fails, the template is skipped, never emitted."""
    cast = parse_rule(
        RULE + "cast",
        "?c ex:code ?k . BIND (IRI(?k) AS ?node)",
        "?c ex:node ?node .",
        PREFIXES,
    )
    facts = [
        (ex("a"), ex("code"), ox.Literal("not an iri")),
        (ex("b"), ex("code"), ox.Literal("urn:x:1")),
    ]
    result = Engine([cast]).materialize(facts)
    assert set(result.derived) == {(ex("b"), ex("node"), ox.NamedNode("urn:x:1"))}
    assert result.stats.skipped == {RULE + "cast": 1}


def test_recursive_rule_over_literals_terminates():
    """If a recursive rule could chain through literal objects, it stops at the literals."""
    chain = parse_rule(
        RULE + "chain", "?a ex:next ?b . ?b ex:next ?c .", "?a ex:next ?c .", PREFIXES
    )
    facts = [(ex("a"), ex("next"), ex("b")), (ex("b"), ex("next"), ox.Literal("end"))]
    result = Engine([chain]).materialize(facts)
    assert set(result.derived) == {(ex("a"), ex("next"), ox.Literal("end"))}
