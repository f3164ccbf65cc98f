"""Bringing the store's derived graphs up to date after its asserted facts changed.

:func:`reason` is what ``semcrm ingest`` and ``semcrm erase`` run. It updates
``graph:inferred`` and ``graph:justifications`` **incrementally** when it can,
and by the full materialisation (:func:`~semcrm.reasoning.materialize.materialize`)
when it cannot, and says which it did and why (``ReasoningReport.mode`` and
``reason``). Both write the same graphs: the incremental path builds its nodes
with the functions the full one uses.

The incremental path, in a process that starts over a store:

1. The writes of this process are known (:class:`~semcrm.ontology.store.AssertedChanges`,
   recorded from before the first write); the asserted quads the rules read are
   read as they are now, and the state before the writes follows from the two.
2. The fingerprint of that earlier state and the digest of the rules must be
   those recorded with the derived graphs (:mod:`semcrm.reasoning.record`),
   otherwise the graphs do not describe it and the run is full.
3. The derived graphs hold every justification of every derived fact, with its
   base confidence, so :meth:`IncrementalEngine.restore
   <semcrm.reasoning.incremental.IncrementalEngine.restore>` rebuilds the
   engine's state from them without evaluating a rule.
4. The engine applies the change (DRed deletion, semi-naive insertion,
   re-evaluation of the negated and aggregated rules the change reaches) and
   reports a :class:`~semcrm.reasoning.change.Change`.
5. The statement and justification nodes the change reaches are built again
   from the new state, compared with the stored ones, and the difference is
   written in one transaction with the new record.

The full path is taken when OWL 2 RL is on (stored justifications are capped),
the rules read ``owl:sameAs``, the ontology or the
rules changed since the last reasoning, the derived graphs are missing, stale
(an ``ingest --no-reason``, an interrupted run) or written by an older
version, or the process has no record of its writes.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence

import pyoxigraph as ox

from semcrm.ontology import iris
from semcrm.ontology.loader import Ontology
from semcrm.ontology.namespaces import RDF, SEMCRM
from semcrm.ontology.store import AssertedChanges, KnowledgeStore
from semcrm.reasoning.change import Change
from semcrm.reasoning.engine import Justification
from semcrm.reasoning.incremental import Derivation, IncrementalEngine, LayerState
from semcrm.reasoning.materialize import (
    INFERRED,
    JUSTIFICATIONS,
    ReasoningReport,
    justification_triples,
    materialize,
    record_meta,
    statement_triples,
)
from semcrm.reasoning.record import (
    ONTOLOGY,
    REASONED_FACTS,
    REASONED_GRAPHS,
    REASONED_WITH,
    Fingerprint,
    is_asserted_graph,
    obstacle,
    rules_digest,
)
from semcrm.reasoning.rules import Rule, load_rules
from semcrm.reasoning.terms import Fact


def _p(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{SEMCRM}{name}")


_A = ox.NamedNode(str(RDF.type))
_JUSTIFICATION = _p("Justification")
_NUMERIC = {
    ox.NamedNode(f"http://www.w3.org/2001/XMLSchema#{name}")
    for name in ("decimal", "double", "float", "integer")
}


class _Fallback(Exception):
    """The incremental path cannot be taken; the message says why."""


def reason(
    store: KnowledgeStore,
    ontology: Ontology,
    changes: AssertedChanges | None,
    rules: list[Rule] | None = None,
) -> ReasoningReport:
    """Bring the derived graphs up to date with what ``changes`` recorded (see the module doc)."""
    started = time.perf_counter()
    store.ensure_ontology(ontology)
    rules = rules if rules is not None else load_rules(ontology.graph)
    try:
        if changes is None:
            raise _Fallback("no record of what changed")
        report = _incremental(store, ontology, rules, changes)
    except _Fallback as why:
        report = full(store, ontology, rules)
        report.reason = str(why)
    report.seconds = time.perf_counter() - started
    return report


def full(store: KnowledgeStore, ontology: Ontology, rules: list[Rule]) -> ReasoningReport:
    """The full materialisation, with the before/after counts of the derived graphs."""
    derived, justifications = set(store.triples(INFERRED)), _justification_nodes(store)
    report = materialize(store, ontology, rules)
    derived_after, justifications_after = set(store.triples(INFERRED)), _justification_nodes(store)
    report.derived_added = len(derived_after - derived)
    report.derived_removed = len(derived - derived_after)
    report.justifications_added = len(justifications_after - justifications)
    report.justifications_removed = len(justifications - justifications_after)
    return report


def _justification_nodes(store: KnowledgeStore) -> set:
    found = store.oxigraph.quads_for_pattern(None, _A, _JUSTIFICATION, JUSTIFICATIONS)
    return {q.subject for q in found}


# -- the incremental path -------------------------------------------------------------


def _incremental(
    store: KnowledgeStore, ontology: Ontology, rules: list[Rule], changes: AssertedChanges
) -> ReasoningReport:
    engine = IncrementalEngine(rules)
    why = obstacle(engine.engine)
    if why:
        raise _Fallback(why)
    if store.get_meta(REASONED_WITH) != rules_digest(ontology.digest, rules):
        raise _Fallback(
            "the ontology or the rules changed since the last reasoning"
            if store.get_meta(REASONED_WITH)
            else "the derived graphs record nothing about what they were computed from"
        )
    before, add, remove, now, written = _asserted(store, engine, changes)
    derivations, nodes, sizes = _derivations(store)
    try:
        engine.restore(before, derivations)
    except ValueError as exc:
        raise _Fallback(f"the derived graphs do not fit the asserted facts ({exc})") from exc
    change = engine.update(add=add, remove=remove)
    layers = engine.layers
    removes, adds, counts = _edits(store, layers, change, written)
    sizes = (
        sizes[0] - len(removes[INFERRED]) + len(adds[INFERRED]),
        sizes[1] + counts[0] - counts[1],
        sizes[2] + counts[2] - counts[3],
    )
    store.edit_graphs(removes, adds, meta=record_meta(ontology.digest, rules, now, sizes))
    per_rule: dict[str, int] = defaultdict(int)
    derived: set[Fact] = set()
    for layer in layers:
        derived.update(map(layer.terms.term_fact, layer.confidence))
        for ways in (layer.justs[f] for f in layer.confidence):
            for key in ways:
                per_rule[layer.engine.rules[key[0]].iri] += 1
    return ReasoningReport(
        asserted=len(before) - len(remove) + len(add),
        derived=len(derived),
        justifications=sum(per_rule.values()),
        rules=len(rules),
        seconds=0.0,
        per_rule=dict(sorted(per_rule.items())),
        mode="incremental",
        work={
            "evaluations": change.evaluations + sum(x.stats.recovered_rules for x in layers),
            "firings": change.firings,
            "touched": change.touched,
            "restored_justifications": nodes,
        },
        derived_added=len(change.added),
        derived_removed=len(change.removed),
        justifications_added=counts[0],
        justifications_removed=counts[1],
    )


def _asserted(
    store: KnowledgeStore, engine: IncrementalEngine, changes: AssertedChanges
) -> tuple[set[Fact], list[Fact], list[Fact], Fingerprint, set[Fact]]:
    """The asserted facts the rules read before the recorded writes, the facts the writes
    asserted and withdrew, the fingerprint of the asserted quads now, and the facts
    the rules read whose graphs the writes changed.

    Raises :class:`_Fallback` when the state before the writes is not the one the
    derived graphs record.
    """
    reads = engine.engine.reads
    predicates = engine.engine.read_predicates
    ox_store = store.oxigraph
    facts: set[Fact] = set()
    now = Fingerprint()
    patterns = [None] if predicates is None else sorted(predicates, key=str)
    for graph in [ONTOLOGY, *store.interaction_graphs()]:
        for predicate in patterns:
            for quad in ox_store.quads_for_pattern(None, predicate, None, graph):
                fact = (quad.subject, quad.predicate, quad.object)
                facts.add(fact)  # type: ignore[arg-type]
                now.add(fact, graph)
    before = Fingerprint()
    before.count, before.total = now.count, now.total
    touched: dict[Fact, list[tuple[ox.NamedNode, bool]]] = defaultdict(list)
    for triple, graph, present in changes.changed():
        if reads(triple):
            touched[triple].append((graph, present))
            (before.remove if present else before.add)(triple, graph)
    recorded = store.get_meta(REASONED_FACTS)
    if recorded != str(before):
        raise _Fallback(
            "the derived graphs are stale: the asserted facts changed since they were computed"
            if recorded not in (None, "-")
            else "the derived graphs were not recorded by a run that can be continued"
        )
    add: list[Fact] = []
    remove: list[Fact] = []
    for fact, writes in touched.items():
        held = _holders(store, fact)
        held_before = (held - {g for g, present in writes if present}) | {
            g for g, present in writes if not present
        }
        if held and not held_before:
            add.append(fact)
        elif held_before and not held:
            remove.append(fact)
    return (facts - set(add)) | set(remove), add, remove, now, set(touched)


def _holders(store: KnowledgeStore, fact: Fact) -> set[ox.NamedNode]:
    s, p, o = fact
    return {
        q.graph_name
        for q in store.oxigraph.quads_for_pattern(s, p, o, None)
        if is_asserted_graph(q.graph_name)
    }  # type: ignore[misc]


def _derivations(
    store: KnowledgeStore,
) -> tuple[list[Derivation], int, tuple[int, int, int]]:
    """Every stored justification as (conclusion, rule, premises, base), how many
    justification nodes there are, and the sizes the record keeps. Raises
    :class:`_Fallback` when the graphs cannot seed an update (missing, edited,
    capped, or not in the current format)."""
    ox_store = store.oxigraph
    inferred = set(store.triples(INFERRED))

    def pairs(name: str) -> list[tuple]:
        found = ox_store.quads_for_pattern(None, _p(name), None, JUSTIFICATIONS)
        return [(q.subject, q.object) for q in found]

    if next(ox_store.quads_for_pattern(None, _p("justificationCount"), None, JUSTIFICATIONS), None):
        raise _Fallback("some stored justifications were capped")
    parts: dict[ox.NamedNode, list] = defaultdict(lambda: [None, None, None])
    rdf = {"subject": 0, "predicate": 1, "object": 2}
    for name, at in rdf.items():
        found = ox_store.quads_for_pattern(None, ox.NamedNode(f"{RDF}{name}"), None, JUSTIFICATIONS)
        for quad in found:
            parts[quad.subject][at] = quad.object  # type: ignore[index]
    fact_of = {iri: tuple(spo) for iri, spo in parts.items()}
    rule = dict(pairs("rule"))
    base = {j: float(value.value) for j, value in pairs("baseConfidence")}
    premises: dict[ox.NamedNode, list[Fact]] = defaultdict(list)
    try:
        for j, statement in pairs("premise"):
            premises[j].append(fact_of[statement])
        derives = [(j, fact_of[statement]) for j, statement in pairs("derives")]
    except KeyError as exc:
        raise _Fallback(f"a stored justification cites an undescribed statement {exc}") from exc
    if rule.keys() - base.keys():
        raise _Fallback("the stored justifications have no base confidences (an older format)")
    out = []
    conclusions: set[Fact] = set()
    for j, conclusion in derives:
        conclusions.add(conclusion)  # type: ignore[arg-type]
        cited = tuple(sorted(premises.get(j, ()), key=str))
        out.append(Derivation(conclusion, rule[j].value, cited, base[j]))  # type: ignore[arg-type]
    sizes = (len(inferred), len(rule), len(fact_of))
    if store.get_meta(REASONED_GRAPHS) != ":".join(map(str, sizes)):
        raise _Fallback("the derived graphs are missing or were changed since they were recorded")
    if conclusions != inferred:
        raise _Fallback("graph:inferred and graph:justifications disagree")
    return out, len(rule), sizes


# -- writing the change ----------------------------------------------------------------


def _edits(
    store: KnowledgeStore, layers: Sequence[LayerState], change: Change, written: set[Fact]
) -> tuple[dict, dict, tuple[int, int, int, int]]:
    """The triples to remove from and add to the derived graphs, and how many
    justification nodes appear and go, and statement nodes.

    Every statement and justification node the change reaches (and the statement
    of every asserted fact whose graphs changed, for ``semcrm:assertedIn``) is built
    again from the engine's new state and compared with the stored node. With
    several layers a fact is reported by the layer that derives it (an upper layer
    reads it as an input, as in a full run), and each justification belongs to the
    layer of its rule.
    """
    layer_of = {r.iri: k for k, x in enumerate(layers) for r in x.engine.rules}
    facts: set[Fact] = set(change.added) | change.removed | set(change.confidence) | written
    keys: list[set[tuple[int, frozenset]]] = [set() for _ in layers]
    for conclusion, justification in (
        *change.justifications_added,
        *change.justifications_removed,
        *change.justifications_rescored,
    ):
        facts.add(conclusion)
        facts.update(justification.premises)
        layer = layers[layer_of[justification.rule]]
        number = {r.iri: i for i, r in enumerate(layer.engine.rules)}
        cited = frozenset(layer.terms.fact(p) for p in justification.premises)
        keys[layer_of[justification.rule]].add((number[justification.rule], cited))
    removes: dict[ox.NamedNode, set[Fact]] = {INFERRED: set(change.removed), JUSTIFICATIONS: set()}
    adds: dict[ox.NamedNode, set[Fact]] = {INFERRED: set(change.added), JUSTIFICATIONS: set()}

    def write(node: ox.NamedNode, desired: list[Fact]) -> tuple[bool, bool]:
        stored = {
            _canonical((q.subject, q.predicate, q.object)): (q.subject, q.predicate, q.object)
            for q in store.oxigraph.quads_for_pattern(node, None, None, JUSTIFICATIONS)
        }
        wanted = {_canonical(t): t for t in desired}
        removes[JUSTIFICATIONS].update(t for k, t in stored.items() if k not in wanted)
        adds[JUSTIFICATIONS].update(t for k, t in wanted.items() if k not in stored)
        return bool(stored), bool(wanted)

    def statement(fact: Fact) -> list[Fact]:
        for layer in layers:
            known = layer.int_fact(fact)
            if known is not None and known in layer.confidence:
                return statement_triples(fact, layer.confidence[known])
        for layer in layers:
            known = layer.int_fact(fact)
            users = layer.users or {}
            if known is not None and any(c in layer.confidence for c, _ in users.get(known, ())):
                return statement_triples(fact, None, sorted(_holders(store, fact), key=str))
        return []

    stated = unstated = 0
    for fact in facts:
        had, has = write(iris.statement(*fact), statement(fact))
        stated += has and not had
        unstated += had and not has
    appeared = gone = 0
    for layer, layer_keys in zip(layers, keys, strict=True):
        rules = [r.iri for r in layer.engine.rules]
        term = layer.terms.term_fact
        users = layer.users or {}
        reported = layer.confidence
        for key in layer_keys:
            conclusions = {c for p in key[1] for c, k in users.get(p, ()) if k == key} or {
                c for c, ways in layer.justs.items() if key in ways
            }
            desired = []
            premises: tuple = ()
            for conclusion in conclusions:
                if conclusion not in reported:
                    continue
                ways = layer.justs[conclusion]
                base, cited = ways[key]
                score = layer.scores[conclusion][list(ways).index(key)]
                premises = tuple(map(term, cited))
                justification = Justification(rules[key[0]], premises, score)
                desired += justification_triples(justification, base, term(conclusion))
            if not premises:
                premises = tuple(map(term, key[1]))
            had, has = write(iris.justification(rules[key[0]], premises), desired)
            appeared += has and not had
            gone += had and not has
    return removes, adds, (appeared, gone, stated, unstated)


def _canonical(triple: Fact) -> tuple:
    """A triple with numeric literals by value: the store keeps 0.84 for 0.840000."""
    obj = triple[2]
    if isinstance(obj, ox.Literal) and obj.datatype in _NUMERIC:
        return (triple[0], triple[1], obj.datatype, float(obj.value))
    return triple


__all__ = ["full", "reason"]
