"""Correctness against `reasonable` (a Rust OWL 2 RL reasoner): the same closure at 100k.

`reasonable` implements part of the OWL 2 RL rule table (its README lists
which). The comparison runs semcrm's engine with the same subset,
:data:`REASONABLE_SUBSET`: the shipped OWL 2 RL rules minus those
`reasonable` does not implement (checked below: with them the closures
differ) and minus the consistency checks, which `reasonable` reports as
diagnostics rather than triples. On `reasonable`'s side one filter applies:

* **cls-thing / cls-nothing**: ``x a owl:Thing`` for every individual and
  ``owl:Thing a owl:Class``, ``owl:Nothing a owl:Class``, which semcrm does
  not derive (they say nothing about the data).

The 1M comparison runs in the benchmark (bench/reasoner.py), which uses the
same subset and filter.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import reasonable

from semcrm.reasoning.engine import Engine
from semcrm.reasoning.rules import load_rules
from semcrm.reasoning.synthetic import Generator

RULES_FILE = Path(__file__).resolve().parents[1] / "ontology" / "optional" / "owl-rl.ttl"
OWLRL = "https://w3id.org/semcrm/rule/owl-rl/"
#: Rules of owl-rl.ttl that `reasonable` 0.4 does not implement, and findings.
NOT_IN_REASONABLE = (
    "prp-spo2-",  # property chains
    "scm-eqc2",  # mutual subclasses -> equivalentClass
    "scm-spo",  # subPropertyOf transitive (instance-level prp-spo1 still agrees)
    "scm-eqp",
    "scm-dom",
    "scm-rng",
    "scm-int-",
    "cax-dw",
    "prp-irp",
    "eq-diff1",
)
THING = rdflib.OWL.Thing


def reasonable_subset(rules):
    """The shipped OWL 2 RL rules `reasonable` implements too."""
    return [r for r in rules if not r.iri.removeprefix(OWLRL).startswith(NOT_IN_REASONABLE)]


def to_rdflib(term):
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def cls_thing(triple) -> bool:
    s, p, o = triple
    return p == rdflib.RDF.type and (o == THING or s in (THING, rdflib.OWL.Nothing))


def closures(size: int, rules, tmp_path: Path):
    facts = Generator().facts(size)
    result = Engine(rules).materialize(facts)
    mine = {tuple(map(to_rdflib, f)) for f in [*facts, *result.derived]}
    path = tmp_path / f"generated-{size}.ttl"  # N-Triples is Turtle; load_file wants .ttl
    path.write_text("".join(f"{s} {p} {o} .\n" for s, p, o in facts), encoding="utf-8")
    reasoner = reasonable.PyReasoner()
    reasoner.load_file(str(path))
    theirs = {t for t in reasoner.reason() if not cls_thing(t)}
    return mine, theirs, len(facts)


@pytest.fixture(scope="module")
def rules():
    return load_rules(rdflib.Graph().parse(RULES_FILE))


@pytest.mark.slow
def test_peers_reasonable_same_closure_at_100k(rules, tmp_path):
    """If both reason over the same 100k triples with the same rules, the closures are equal."""
    mine, theirs, size = closures(100_000, reasonable_subset(rules), tmp_path)
    assert size >= 99_000
    assert len(mine) > 1.5 * size  # a real closure: every instance typed up its class tree
    assert mine - theirs == set()
    assert theirs - mine == set()


def test_peers_reasonable_differs_by_the_rules_it_lacks(rules, tmp_path):
    """With property chains and scm-eqc2 included, semcrm derives what `reasonable` does not."""
    mine, theirs, _ = closures(10_000, rules, tmp_path)
    extra = mine - theirs
    chain = rdflib.URIRef("http://example.org/crm/onto#interestedIn")
    assert any(p == chain for _, p, _ in extra)  # prp-spo2
    assert any(p == rdflib.OWL.equivalentClass for _, p, _ in extra)  # scm-eqc2
    assert theirs - mine == set()
