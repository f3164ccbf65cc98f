"""Materialisation over the store: asserted facts in, derived facts and justifications out.

The asserted facts are the triples of every interaction graph plus the TBox
(rules join instance data with ontology axioms such as ``semcrm:impliesNeed``).
The engine's result is written as two graphs, in one transaction:

* ``graph:inferred`` — the derived triples themselves, so SPARQL sees them;
* ``graph:justifications`` — for each derived triple a ``semcrm:Statement``
  (``rdf:subject``/``rdf:predicate``/``rdf:object``, ``semcrm:confidence``) and
  one ``semcrm:Justification`` per distinct way it was derived
  (``semcrm:rule``, ``semcrm:derives``, ``semcrm:premise`` statements). Premise
  statements that are asserted record the graphs that assert them
  (``semcrm:assertedIn``), which is where an explanation finds its quotes.

**Stored justifications of ontology-level rules are capped.** The OWL 2 RL
rules (layer 0) justify a typing such as ``?x a semcrm:Evidence`` once per
property whose range implies it, so on real data they record several times
more justifications than facts, and storing every one made the justification
graph most of the store. A fact derived only by layer-0 rules keeps its
first :data:`MAX_ONTOLOGY_JUSTIFICATIONS` justifications (fewest premises
first, then by rule and premises, so the choice is stable) and records how
many it had as ``semcrm:justificationCount``. Business rules (layer 1 and up)
keep every justification: a customer intent cites each signal behind it.

A statement's IRI is a hash of its triple (:func:`semcrm.ontology.iris.statement`),
so explanations are stable across runs.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from semcrm.ontology import iris
from semcrm.ontology.loader import Ontology
from semcrm.ontology.namespaces import (
    INFERRED_GRAPH,
    JUSTIFICATION_GRAPH,
    ONTOLOGY_GRAPH,
    RDF,
    SEMCRM,
    XSD,
)
from semcrm.ontology.store import SYSTEM_GRAPHS, KnowledgeStore, utc_timestamp
from semcrm.reasoning.engine import Engine, Justification, Materialization
from semcrm.reasoning.rules import Rule, load_rules

Fact = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]

INFERRED = ox.NamedNode(str(INFERRED_GRAPH))
JUSTIFICATIONS = ox.NamedNode(str(JUSTIFICATION_GRAPH))
_ONTOLOGY = ox.NamedNode(str(ONTOLOGY_GRAPH))


def _p(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{SEMCRM}{name}")


_A = ox.NamedNode(str(RDF.type))
_SUBJECT = ox.NamedNode(str(RDF.subject))
_PREDICATE = ox.NamedNode(str(RDF.predicate))
_OBJECT = ox.NamedNode(str(RDF.object))


def _decimal(value: float) -> ox.Literal:
    return ox.Literal(f"{value:.6f}", datatype=ox.NamedNode(str(XSD.decimal)))


_INTEGER = ox.NamedNode(str(XSD.integer))


def _boolean(value: bool) -> ox.Literal:
    return ox.Literal("true" if value else "false", datatype=ox.NamedNode(str(XSD.boolean)))


@dataclass
class ReasoningReport:
    asserted: int
    derived: int
    justifications: int
    rules: int
    seconds: float
    per_rule: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "asserted": self.asserted,
            "derived": self.derived,
            "justifications": self.justifications,
            "rules": self.rules,
            "seconds": round(self.seconds, 3),
            "per_rule": self.per_rule,
        }


def asserted_facts(store: KnowledgeStore) -> list[Fact]:
    """Every asserted triple, once: the triples of the interaction graphs and the TBox.

    Read from those graphs themselves, not as the default graph minus what reasoning
    wrote: the justification graph is the largest one, and reading it only to
    subtract it was most of the time a ``reason`` took.
    """
    facts: dict[Fact, None] = dict.fromkeys(store.triples(_ONTOLOGY))
    for graph in store.interaction_graphs():
        facts.update(dict.fromkeys(store.triples(graph)))
    return list(facts)


class _Provenance:
    """The graphs asserting a premise, looked up only for the premises used."""

    def __init__(self, store: KnowledgeStore) -> None:
        self.store = store

    def get(self, fact: Fact, default=()) -> list[ox.NamedNode]:
        s, p, o = fact
        graphs = [
            q.graph_name
            for q in self.store.oxigraph.quads_for_pattern(s, p, o, None)
            if isinstance(q.graph_name, ox.NamedNode)
            and (q.graph_name not in SYSTEM_GRAPHS or q.graph_name == _ONTOLOGY)
        ]
        return graphs or list(default)


def materialize(
    store: KnowledgeStore, ontology: Ontology, rules: list[Rule] | None = None
) -> ReasoningReport:
    """Recompute every derived fact and rewrite the inferred and justification graphs."""
    started = time.perf_counter()
    store.ensure_ontology(ontology)
    rules = rules if rules is not None else load_rules(ontology.graph)
    facts = asserted_facts(store)
    result = Engine(rules).materialize(facts)
    ontology_level = {rule.iri for rule in rules if rule.layer == 0}
    inferred, justification_triples, count = _graphs(result, _Provenance(store), ontology_level)
    store.replace_graphs({INFERRED: inferred, JUSTIFICATIONS: justification_triples})
    store.set_meta(lastReasoned=utc_timestamp())
    per_rule: dict[str, int] = defaultdict(int)
    for justifications in result.derived.values():
        for justification in justifications:
            per_rule[justification.rule] += 1
    return ReasoningReport(
        asserted=len(facts),
        derived=len(result.derived),
        justifications=count,
        rules=len(rules),
        seconds=time.perf_counter() - started,
        per_rule=dict(sorted(per_rule.items())),
    )


#: Justifications stored per fact derived only by ontology-level (layer 0) rules.
MAX_ONTOLOGY_JUSTIFICATIONS = 2


def _stored(justifications: list[Justification], ontology_level: set[str]) -> list[Justification]:
    """The justifications written for one fact (see the module doc on the cap)."""
    if len(justifications) <= MAX_ONTOLOGY_JUSTIFICATIONS or any(
        j.rule not in ontology_level for j in justifications
    ):
        return justifications
    ranked = sorted(justifications, key=lambda j: (len(j.premises), j.rule, str(j.premises)))
    return ranked[:MAX_ONTOLOGY_JUSTIFICATIONS]


def _graphs(
    result: Materialization, where: _Provenance, ontology_level: set[str] = frozenset()
) -> tuple[list[Fact], list[Fact], int]:
    inferred: list[Fact] = []
    out: dict[Fact, None] = {}
    described: set[ox.NamedNode] = set()
    count = 0

    def statement(fact: Fact, derived: bool) -> ox.NamedNode:
        s, p, o = fact
        iri = iris.statement(s, p, o)
        if iri not in described:
            described.add(iri)
            out[(iri, _A, _p("Statement"))] = None
            out[(iri, _SUBJECT, s)] = None  # type: ignore[index]
            out[(iri, _PREDICATE, p)] = None
            out[(iri, _OBJECT, o)] = None  # type: ignore[index]
            out[(iri, _p("derived"), _boolean(derived))] = None
            if derived:
                out[(iri, _p("confidence"), _decimal(result.confidence.get(fact, 1.0)))] = None
            else:
                for graph in where.get(fact, ()):
                    out[(iri, _p("assertedIn"), graph)] = None
        return iri

    for fact in sorted(result.derived, key=lambda f: (str(f[0]), str(f[1]), str(f[2]))):
        inferred.append(fact)
        conclusion = statement(fact, True)
        every = result.derived[fact]
        kept = _stored(every, ontology_level)
        if len(kept) < len(every):
            out[
                (
                    conclusion,
                    _p("justificationCount"),
                    ox.Literal(str(len(every)), datatype=_INTEGER),
                )
            ] = None
        for justification in kept:
            count += 1
            j = iris.justification(justification.rule, justification.premises)
            out[(j, _A, _p("Justification"))] = None
            out[(j, _p("rule"), ox.NamedNode(justification.rule))] = None
            out[(j, _p("derives"), conclusion)] = None
            out[(j, _p("confidence"), _decimal(justification.confidence))] = None
            for premise in justification.premises:
                out[(j, _p("premise"), statement(premise, premise in result.derived))] = None
    return inferred, list(out), count
