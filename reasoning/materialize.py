"""Materialisation over the store: asserted facts in, derived facts and justifications out.

The asserted facts are the triples of every interaction graph plus the TBox
(rules join instance data with ontology axioms such as ``semcrm:impliesNeed``).
The engine's result is written as two graphs, in one transaction:

* ``graph:inferred`` — the derived triples themselves, so SPARQL sees them;
* ``graph:justifications`` — for each derived triple a ``semcrm:Statement``
  (``rdf:subject``/``rdf:predicate``/``rdf:object``, ``semcrm:confidence``) and
  one ``semcrm:Justification`` per distinct way it was derived
  (``semcrm:rule``, ``semcrm:derives``, ``semcrm:premise`` statements,
  ``semcrm:confidence``, and ``semcrm:baseConfidence``, the rule's weight times
  its confidence expression, exact as an ``xsd:double``, from which an update
  re-solves confidences). Premise statements that are asserted record the graphs
  that assert them (``semcrm:assertedIn``), which is where an explanation finds
  its quotes.

With them, in the same transaction, ``graph:meta`` records what they were
computed from (:mod:`semcrm.reasoning.record`), so that the next update can
continue from them incrementally (:mod:`semcrm.reasoning.maintain`). The
statement and justification nodes are built by :func:`statement_triples` and
:func:`justification_triples`, which the incremental path uses too.

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
from collections import ChainMap, defaultdict
from collections.abc import Iterable, Mapping
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
from semcrm.reasoning.record import (
    REASONED_FACTS,
    REASONED_GRAPHS,
    REASONED_WITH,
    Fingerprint,
    obstacle,
    rules_digest,
)
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
    """A confidence, to 6 decimals, in the canonical form the store keeps (0.84, not 0.840000)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return ox.Literal(text if text not in ("", "-0") else "0", datatype=_DECIMAL)


_DECIMAL = ox.NamedNode(str(XSD.decimal))
_DOUBLE = ox.NamedNode(str(XSD.double))


def _double(value: float) -> ox.Literal:
    """A float exactly (its shortest round-trip form)."""
    return ox.Literal(repr(float(value)), datatype=_DOUBLE)


_INTEGER = ox.NamedNode(str(XSD.integer))


def _boolean(value: bool) -> ox.Literal:
    return ox.Literal("true" if value else "false", datatype=ox.NamedNode(str(XSD.boolean)))


@dataclass
class ReasoningReport:
    """What a reasoning run did. ``mode`` is ``full`` (every rule over every fact) or
    ``incremental`` (:mod:`semcrm.reasoning.maintain`), ``reason`` why a run that was
    asked to be incremental was full. ``work``: rule plans run (``evaluations``),
    body solutions found (``firings``), and for an incremental run the facts whose
    state it edited (``touched``). ``derived_added`` and the other counts compare the
    derived graphs before and after (derived triples, justification nodes)."""

    asserted: int
    derived: int
    justifications: int
    rules: int
    seconds: float
    per_rule: dict[str, int] = field(default_factory=dict)
    mode: str = "full"
    reason: str | None = None
    work: dict[str, int] = field(default_factory=dict)
    derived_added: int = 0
    derived_removed: int = 0
    justifications_added: int = 0
    justifications_removed: int = 0

    def to_dict(self) -> dict[str, object]:
        return {
            "mode": self.mode,
            "reason": self.reason,
            "asserted": self.asserted,
            "derived": self.derived,
            "justifications": self.justifications,
            "rules": self.rules,
            "seconds": round(self.seconds, 3),
            "per_rule": self.per_rule,
            "work": self.work,
            "derived_added": self.derived_added,
            "derived_removed": self.derived_removed,
            "justifications_added": self.justifications_added,
            "justifications_removed": self.justifications_removed,
        }


def asserted_facts(
    store: KnowledgeStore, fingerprint: tuple[Fingerprint, Engine] | None = None
) -> list[Fact]:
    """Every asserted triple, once: the triples of the interaction graphs and the TBox.

    Read from those graphs themselves, not as the default graph minus what reasoning
    wrote: the justification graph is the largest one, and reading it only to
    subtract it was most of the time a ``reason`` took. ``fingerprint``: a
    fingerprint that takes every quad read whose fact the engine reads.
    """
    facts: dict[Fact, None] = {}
    for graph in [_ONTOLOGY, *store.interaction_graphs()]:
        triples = list(store.triples(graph))
        facts.update(dict.fromkeys(triples))
        if fingerprint is not None:
            into, engine = fingerprint
            for triple in triples:
                if engine.reads(triple):
                    into.add(triple, graph)
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
    """Recompute every derived fact and rewrite the inferred and justification graphs
    (by difference, in one transaction that also records what they were computed from)."""
    started = time.perf_counter()
    store.ensure_ontology(ontology)
    rules = rules if rules is not None else load_rules(ontology.graph)
    engine = Engine(rules)
    fingerprint = Fingerprint() if obstacle(engine) is None else None
    facts = asserted_facts(store, (fingerprint, engine) if fingerprint is not None else None)
    result = engine.materialize(facts)
    ontology_level = {rule.iri for rule in rules if rule.layer == 0}
    inferred, justification_triples, count = _graphs(result, _Provenance(store), ontology_level)
    store.replace_graphs(
        {INFERRED: inferred, JUSTIFICATIONS: justification_triples},
        meta=record_meta(
            ontology.digest, rules, fingerprint, _sizes(inferred, justification_triples)
        ),
    )
    per_rule: dict[str, int] = defaultdict(int)
    for justifications in result.derived.values():
        for justification in justifications:
            per_rule[justification.rule] += 1
    stats = result.stats
    return ReasoningReport(
        asserted=len(facts),
        derived=len(result.derived),
        justifications=count,
        rules=len(rules),
        seconds=time.perf_counter() - started,
        per_rule=dict(sorted(per_rule.items())),
        work={"evaluations": stats.evaluations, "firings": sum(stats.firings.values())},
    )


def record_meta(
    ontology_digest: str,
    rules: list[Rule],
    fingerprint: Fingerprint | None,
    sizes: tuple[int, int, int],
) -> dict[str, str]:
    """The ``graph:meta`` values written with the derived graphs (see reasoning.record);
    ``sizes``: derived triples, justification nodes and statement nodes."""
    return {
        "lastReasoned": utc_timestamp(),
        REASONED_WITH: rules_digest(ontology_digest, rules),
        REASONED_FACTS: str(fingerprint) if fingerprint is not None else "-",
        REASONED_GRAPHS: ":".join(map(str, sizes)),
    }


def _sizes(inferred: list[Fact], justifications: list[Fact]) -> tuple[int, int, int]:
    """Derived triples, justification nodes and statement nodes (distinct triples given)."""
    nodes = sum(1 for t in justifications if t[1] == _RULE)
    statements = sum(1 for t in justifications if t[1] == _SUBJECT)
    return len(inferred), nodes, statements


#: Justifications stored per fact derived only by ontology-level (layer 0) rules.
MAX_ONTOLOGY_JUSTIFICATIONS = 2


def _stored(
    justifications: list[tuple[Justification, float]], ontology_level: set[str]
) -> list[tuple[Justification, float]]:
    """The justifications (with base confidences) written for one fact (see the module
    doc on the cap)."""
    if len(justifications) <= MAX_ONTOLOGY_JUSTIFICATIONS or any(
        j.rule not in ontology_level for j, _ in justifications
    ):
        return justifications
    ranked = sorted(
        justifications, key=lambda jb: (len(jb[0].premises), jb[0].rule, str(jb[0].premises))
    )
    return ranked[:MAX_ONTOLOGY_JUSTIFICATIONS]


def statement_triples(
    fact: Fact,
    confidence: float | None,
    graphs: Iterable[ox.NamedNode] = (),
    count: int | None = None,
) -> list[Fact]:
    """The ``semcrm:Statement`` node of ``fact``: derived, with its ``confidence``, when
    that is given, else asserted in ``graphs``; ``count`` is a capped fact's number of
    justifications."""
    s, p, o = fact
    iri = iris.statement(s, p, o)
    out: list[Fact] = [
        (iri, _A, _STATEMENT),
        (iri, _SUBJECT, s),
        (iri, _PREDICATE, p),
        (iri, _OBJECT, o),
        (iri, _DERIVED, _boolean(confidence is not None)),
    ]
    if confidence is not None:
        out.append((iri, _CONFIDENCE, _decimal(confidence)))
    else:
        out += [(iri, _ASSERTED_IN, graph) for graph in graphs]
    if count is not None:
        out.append((iri, _COUNT, ox.Literal(str(count), datatype=_INTEGER)))
    return out


def justification_triples(
    justification: Justification, base: float, conclusion: Fact
) -> list[Fact]:
    """The ``semcrm:Justification`` node of one way ``conclusion`` was derived."""
    j = iris.justification(justification.rule, justification.premises)
    out: list[Fact] = [
        (j, _A, _JUSTIFICATION),
        (j, _RULE, ox.NamedNode(justification.rule)),
        (j, _DERIVES, iris.statement(*conclusion)),
        (j, _CONFIDENCE, _decimal(justification.confidence)),
        (j, _BASE, _double(base)),
    ]
    out += [(j, _PREMISE, iris.statement(*premise)) for premise in justification.premises]
    return out


_STATEMENT = _p("Statement")
_JUSTIFICATION = _p("Justification")
_DERIVED = _p("derived")
_CONFIDENCE = _p("confidence")
_BASE = _p("baseConfidence")
_ASSERTED_IN = _p("assertedIn")
_COUNT = _p("justificationCount")
_RULE = _p("rule")
_DERIVES = _p("derives")
_PREMISE = _p("premise")


def _bases(derived: Mapping[Fact, list[Justification]], fact: Fact) -> list[float]:
    """Base confidences of ``fact``'s justifications, from the engine's result views."""
    for view in derived.maps if isinstance(derived, ChainMap) else [derived]:
        if fact in view:
            return view.bases(fact)  # type: ignore[attr-defined]
    raise KeyError(fact)


def _graphs(
    result: Materialization, where: _Provenance, ontology_level: set[str] = frozenset()
) -> tuple[list[Fact], list[Fact], int]:
    inferred: list[Fact] = []
    out: dict[Fact, None] = {}
    described: set[Fact] = set()
    count = 0

    def describe(fact: Fact, derived: bool, capped: int | None = None) -> None:
        if fact not in described:
            described.add(fact)
            confidence = result.confidence.get(fact, 1.0) if derived else None
            graphs = () if derived else where.get(fact, ())
            out.update(dict.fromkeys(statement_triples(fact, confidence, graphs, capped)))

    for fact in sorted(result.derived, key=lambda f: (str(f[0]), str(f[1]), str(f[2]))):
        inferred.append(fact)
        every = list(zip(result.derived[fact], _bases(result.derived, fact), strict=True))
        kept = _stored(every, ontology_level)
        describe(fact, True, len(every) if len(kept) < len(every) else None)
        for justification, base in kept:
            count += 1
            out.update(dict.fromkeys(justification_triples(justification, base, fact)))
            for premise in justification.premises:
                describe(premise, premise in result.derived)
    return inferred, list(out), count
