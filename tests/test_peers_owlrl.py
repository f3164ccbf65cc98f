"""Correctness against owlrl: on generated CRM data (10k triples), the same closure.

owlrl (RDFLib/OWL-RL) implements the whole OWL 2 RL/RDF rule table on an
rdflib graph. semcrm's rules are a subset (the entailments that matter at
scale, ontology/optional/owl-rl.ttl), so the comparison filters, on both sides,
the triples of the rules outside the subset, by an explicit rule each:

* **literal subjects** (owlrl side only): owlrl applies prp-rng and eq-ref to
  literal values (``"some text" a xsd:string``, ``"x" owl:sameAs "x"``), which
  is not RDF; semcrm never emits a literal subject;
* **eq-ref**: ``x owl:sameAs x`` for every resource;
* **cls-thing, scm-cls and owl:Thing / owl:Nothing**: every triple whose
  object is ``owl:Thing`` or whose subject is ``owl:Nothing``;
* **reflexive schema triples** (scm-cls, scm-op, scm-dp): ``C subClassOf C``,
  ``C equivalentClass C``, ``P subPropertyOf P``, ``P equivalentProperty P``.
  owlrl adds them for every declared class and property, and skips them when
  a cycle implies them (its scm-sco "optimises out" ``c1 == c3``); semcrm
  derives them exactly when a cycle implies them, as the W3C rules say;
* **vocabulary typing** (owlrl's RDFS and datatype axioms): ``x a C`` where
  ``C`` is an OWL, RDF, RDFS or XSD term (``owl:Class``, ``rdfs:Datatype``,
  ``owl:AnnotationProperty`` ...);
* **findings** (semcrm side only): ``semcrm:Finding`` nodes, which owlrl
  reports as errors instead of triples.

Everything else must be equal, which the test checks triple for triple.
"""

from __future__ import annotations

from pathlib import Path

import owlrl
import pyoxigraph as ox
import pytest
import rdflib

from semcrm.reasoning.engine import Engine
from semcrm.reasoning.rules import load_rules
from semcrm.reasoning.synthetic import Generator

RULES_FILE = Path(__file__).resolve().parents[1] / "ontology" / "optional" / "owl-rl.ttl"
OWL = "http://www.w3.org/2002/07/owl#"
VOCABULARIES = (
    OWL,
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2001/XMLSchema#",
)
REFLEXIVE = {
    rdflib.RDFS.subClassOf,
    rdflib.OWL.equivalentClass,
    rdflib.RDFS.subPropertyOf,
    rdflib.OWL.equivalentProperty,
    rdflib.OWL.sameAs,
}
SKOLEM = "https://w3id.org/semcrm/id/skolem/"


def to_rdflib(term):
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def outside_the_subset(triple) -> str | None:
    """The name of the filter rule (module docstring) that drops ``triple``, or None."""
    s, p, o = triple
    if isinstance(s, rdflib.Literal):
        return "literal subject"
    if p in REFLEXIVE and s == o:
        return "reflexive"
    if o == rdflib.OWL.Thing or s == rdflib.OWL.Nothing:
        return "owl:Thing"
    if p == rdflib.RDF.type and str(o).startswith(VOCABULARIES):
        return "vocabulary typing"
    if str(s).startswith(SKOLEM):
        return "finding"
    return None


@pytest.fixture(scope="module")
def closures():
    facts = Generator().facts(10_000)
    rules = load_rules(rdflib.Graph().parse(RULES_FILE))
    ours = Engine(rules).materialize(facts)
    mine = {tuple(map(to_rdflib, f)) for f in [*facts, *ours.derived]}
    graph = rdflib.Graph()
    for fact in facts:
        graph.add(tuple(map(to_rdflib, fact)))
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(graph)
    return mine, set(graph), len(facts)


@pytest.mark.slow
def test_peers_owlrl_same_closure_at_10k(closures):
    """If both reason over the same 10k triples, the closures are equal outside the filters."""
    mine, theirs, size = closures
    assert size >= 10_000
    kept_mine = {t for t in mine if outside_the_subset(t) is None}
    kept_theirs = {t for t in theirs if outside_the_subset(t) is None}
    assert len(kept_mine) > 2 * size  # the comparison is about a real closure
    assert kept_mine - kept_theirs == set()
    assert kept_theirs - kept_mine == set()


@pytest.mark.slow
def test_peers_owlrl_filters_drop_only_what_they_say(closures):
    """The filters drop owlrl's extra entailments and nothing of semcrm's but findings/reflexives."""
    mine, theirs, _ = closures
    dropped_mine = {outside_the_subset(t) for t in mine} - {None}
    assert dropped_mine <= {"reflexive", "vocabulary typing", "finding"}
    dropped_theirs = {outside_the_subset(t) for t in theirs - mine} - {None}
    assert {"literal subject", "reflexive", "owl:Thing"} <= dropped_theirs
