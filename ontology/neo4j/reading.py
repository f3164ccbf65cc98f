"""What the projection reads from the store, and how it notices change.

**Which graphs.** Every interaction graph, ``graph:inferred`` and (unless
turned off) ``graph:ontology``, so concepts arrive with their zh/en labels.
``graph:justifications`` is not projected as nodes: it is reification (a
``semcrm:Statement`` per premise), and what an analyst needs from it, the
rules, confidence and source interactions of each derived triple, is put on
the derived relationships instead (:func:`read_derivations`). ``graph:meta``
is bookkeeping; only the sensitivity tiers are read from it
(:func:`read_tiers`: ``<graph> semcrm:sensitivity "confidential"`` or an IRI
whose local name is the tier), over the tiers the access policy stored in
``graph:ontology`` gives interaction graphs; :func:`read_protected` lists the
protected fields (terms with a tier), which the projection marks.

**Change.** A graph is summarised as a digest per subject
(:func:`~semcrm.ontology.neo4j.projection.facts_digest`); the sync keeps the
digests it pushed and re-projects exactly the subjects whose digest changed,
appeared or disappeared in some graph. Reading a graph is the cost of change
detection: Oxigraph's on-disk store decodes every term, so checking all
graphs reads the whole store, while checking named graphs reads only those.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import pyoxigraph as ox

from semcrm.ontology.namespaces import (
    INFERRED_GRAPH,
    JUSTIFICATION_GRAPH,
    META_GRAPH,
    ONTOLOGY_GRAPH,
    SEMCRM,
)
from semcrm.ontology.neo4j.naming import split_iri
from semcrm.ontology.neo4j.projection import Derivation, Fact, Subject
from semcrm.ontology.store import SYSTEM_GRAPHS, KnowledgeStore

INFERRED = ox.NamedNode(str(INFERRED_GRAPH))
ONTOLOGY = ox.NamedNode(str(ONTOLOGY_GRAPH))
JUSTIFICATIONS = ox.NamedNode(str(JUSTIFICATION_GRAPH))
META = ox.NamedNode(str(META_GRAPH))
SYSTEM = frozenset(g.value for g in SYSTEM_GRAPHS)

_SENSITIVITY = ox.NamedNode(f"{SEMCRM}sensitivity")
_DERIVES = ox.NamedNode(f"{SEMCRM}derives")
_RULE = ox.NamedNode(f"{SEMCRM}rule")
_PREMISE = ox.NamedNode(f"{SEMCRM}premise")
_ASSERTED_IN = ox.NamedNode(f"{SEMCRM}assertedIn")
_CONFIDENCE = ox.NamedNode(f"{SEMCRM}confidence")


def projected_graphs(store: KnowledgeStore, *, include_ontology: bool = True) -> list[ox.NamedNode]:
    """The graphs the projection mirrors, sorted: the interaction graphs (every named graph
    that is not a system graph, as :meth:`KnowledgeStore.interaction_graphs` counts them),
    then ``graph:inferred`` and ``graph:ontology`` when present."""
    wanted = {INFERRED.value, ONTOLOGY.value} if include_ontology else {INFERRED.value}
    names = sorted(
        g.value
        for g in store.oxigraph.named_graphs()
        if isinstance(g, ox.NamedNode) and (g.value not in SYSTEM or g.value in wanted)
    )
    special = [n for n in (INFERRED.value, ONTOLOGY.value) if n in names]
    return [ox.NamedNode(n) for n in names if n not in special] + [ox.NamedNode(n) for n in special]


def read_tiers(store: KnowledgeStore) -> dict[str, str]:
    """Sensitivity tier per interaction graph: the one governance set in ``graph:meta``, else
    the one the access policy in ``graph:ontology`` gives it (its class's default tier, a
    confidentiality marking in a document's text: :func:`semcrm.api.access.tiers.graph_tiers`).
    Graphs with neither are not listed (the projection's default applies)."""
    tiers: dict[str, str] = {}
    policy = stored_policy(store)
    if policy is not None:
        from semcrm.api.access.tiers import graph_tiers

        for graph, tier in graph_tiers(store.oxigraph, policy).items():
            if graph not in SYSTEM:
                tiers[graph] = policy.tier_name(tier.rank)
    for quad in store.oxigraph.quads_for_pattern(None, _SENSITIVITY, None, META):
        if not isinstance(quad.subject, ox.NamedNode):
            continue
        value = quad.object
        word = split_iri(value.value)[1] if isinstance(value, ox.NamedNode) else value.value
        tiers[quad.subject.value] = word.strip().lower() or "restricted"
    return tiers


_POLICIES: dict[str, Any] = {}


def stored_policy(store: KnowledgeStore) -> Any:
    """The access policy of the ontology stored in ``graph:ontology`` (kept per ontology
    digest), or ``None`` when it has no access module."""
    digest = store.ontology_digest()
    if digest is not None and digest in _POLICIES:
        return _POLICIES[digest]
    from rdflib import Graph

    from semcrm.api.access.policy import PolicyError, policy_from_graph

    quads = store.oxigraph.quads_for_pattern(None, None, None, ONTOLOGY)
    text = ox.serialize(
        (ox.Triple(q.subject, q.predicate, q.object) for q in quads), format=ox.RdfFormat.N_TRIPLES
    )
    graph = Graph()
    if text:
        graph.parse(data=text.decode("utf-8"), format="nt")
    try:
        policy = policy_from_graph(graph)
    except PolicyError:
        policy = None
    if digest is not None:
        _POLICIES[digest] = policy
    return policy


def read_protected(store: KnowledgeStore) -> dict[str, str]:
    """Protected fields: ontology terms the access policy gives a tier (IRI -> tier name)."""
    policy = stored_policy(store)
    if policy is None or not policy.resource_tiers:
        return {}
    from semcrm.api.access.scope import protected_terms

    return {t: policy.tier_name(r) for t, r in protected_terms(store.oxigraph, policy).items()}


def read_derivations(store: KnowledgeStore) -> dict[str, Derivation]:
    """Rules, confidence and source interactions of every derived statement, by statement IRI.

    A derived statement's sources are the interaction graphs asserting its
    premises, followed through derived premises to a fixed point (derivations
    can be recursive, so the walk iterates rather than recursing).
    """
    store_ox = store.oxigraph

    def pairs(predicate: ox.NamedNode) -> Iterable[tuple[str, ox.NamedNode | ox.Literal]]:
        for quad in store_ox.quads_for_pattern(None, predicate, None, JUSTIFICATIONS):
            yield quad.subject.value, quad.object  # type: ignore[misc]

    derivers: dict[str, list[str]] = defaultdict(list)  # statement -> justifications
    for justification, conclusion in pairs(_DERIVES):
        derivers[conclusion.value].append(justification)
    if not derivers:
        return {}
    rules: dict[str, str] = {j: r.value for j, r in pairs(_RULE)}
    premises: dict[str, list[str]] = defaultdict(list)
    for justification, premise in pairs(_PREMISE):
        premises[justification].append(premise.value)
    asserted_in: dict[str, set[str]] = defaultdict(set)
    for statement, graph in pairs(_ASSERTED_IN):
        if graph.value not in SYSTEM:
            asserted_in[statement].add(graph.value)
    confidence: dict[str, float] = {}
    for statement, value in pairs(_CONFIDENCE):
        if statement in derivers:
            try:
                confidence[statement] = float(value.value)
            except ValueError:
                continue

    inputs = {
        statement: {p for j in justifications for p in premises.get(j, ())}
        for statement, justifications in derivers.items()
    }
    sources: dict[str, set[str]] = {
        statement: set().union(*(asserted_in.get(p, set()) for p in inputs[statement]))
        for statement in derivers
    }
    changed = True
    while changed:
        changed = False
        for statement, used in inputs.items():
            merged = sources[statement].union(*(sources[p] for p in used if p in sources))
            if len(merged) != len(sources[statement]):
                sources[statement] = merged
                changed = True
    return {
        statement: Derivation(
            rules=tuple(sorted({rules[j] for j in justifications if j in rules})),
            confidence=confidence.get(statement),
            sources=tuple(sorted(sources[statement])),
        )
        for statement, justifications in derivers.items()
    }


class LazyDerivations:
    """Derivations looked up one statement at a time, for syncs that re-project a few
    subjects; gives the same answers as :func:`read_derivations`."""

    def __init__(self, store: KnowledgeStore) -> None:
        self._quads = store.oxigraph.quads_for_pattern
        self._memo: dict[str, Derivation | None] = {}

    def get(self, statement: str, default: Derivation | None = None) -> Derivation | None:
        if statement not in self._memo:
            self._memo[statement] = self._lookup(ox.NamedNode(statement))
        found = self._memo[statement]
        return default if found is None else found

    def _lookup(self, node: ox.NamedNode) -> Derivation | None:
        justifications = [q.subject for q in self._quads(None, _DERIVES, node, JUSTIFICATIONS)]
        if not justifications:
            return None
        rules = {
            q.object.value
            for j in justifications
            for q in self._quads(j, _RULE, None, JUSTIFICATIONS)
        }
        confidence = None
        for quad in self._quads(node, _CONFIDENCE, None, JUSTIFICATIONS):
            try:
                confidence = float(quad.object.value)
            except ValueError:
                continue
        return Derivation(tuple(sorted(rules)), confidence, self._sources(justifications))

    def _sources(self, justifications: list) -> tuple[str, ...]:
        """Interaction graphs asserting any premise reachable through the derivations."""
        graphs: set[str] = set()
        seen: set = set()
        stack = list(justifications)
        while stack:
            justification = stack.pop()
            for quad in self._quads(justification, _PREMISE, None, JUSTIFICATIONS):
                premise = quad.object
                if premise in seen:
                    continue
                seen.add(premise)
                for where in self._quads(premise, _ASSERTED_IN, None, JUSTIFICATIONS):
                    if where.object.value not in SYSTEM:
                        graphs.add(where.object.value)
                stack.extend(
                    q.subject for q in self._quads(None, _DERIVES, premise, JUSTIFICATIONS)
                )
        return tuple(sorted(graphs))


def graph_facts(store: KnowledgeStore, graph: ox.NamedNode) -> dict[Subject, list[Fact]]:
    """One graph's facts, grouped by subject."""
    facts: dict[Subject, list[Fact]] = defaultdict(list)
    for quad in store.oxigraph.quads_for_pattern(None, None, None, graph):
        facts[quad.subject].append((quad.predicate, quad.object, graph))  # type: ignore[index, arg-type]
    return facts


def subject_facts(
    store: KnowledgeStore, subject: Subject, projects: Callable[[str], bool]
) -> list[Fact]:
    """Every fact about ``subject`` in the graphs for which ``projects`` is true."""
    return [
        (quad.predicate, quad.object, quad.graph_name)  # type: ignore[misc]
        for quad in store.oxigraph.quads_for_pattern(subject, None, None, None)
        if isinstance(quad.graph_name, ox.NamedNode) and projects(quad.graph_name.value)
    ]


def subject_term(key: str) -> Subject:
    """The term of a subject key (its N-Triples form, as :func:`str` gives it)."""
    if key.startswith("_:"):
        return ox.BlankNode(key[2:])
    return named(key[1:-1])


def named(iri: str) -> ox.NamedNode:
    """A NamedNode for ``iri``, also for IRIs the strict constructor refuses (a space, a bare
    %): the store holds such IRIs when they were parsed leniently, so build them the same way."""
    try:
        return ox.NamedNode(iri)
    except ValueError:
        line = f"<{iri}> <urn:x:p> <urn:x:o> .".encode()
        return next(iter(ox.parse(line, format=ox.RdfFormat.N_TRIPLES, lenient=True))).subject  # type: ignore[return-value]


__all__ = [
    "INFERRED",
    "JUSTIFICATIONS",
    "META",
    "ONTOLOGY",
    "SYSTEM",
    "LazyDerivations",
    "graph_facts",
    "named",
    "projected_graphs",
    "read_derivations",
    "read_protected",
    "read_tiers",
    "stored_policy",
    "subject_facts",
    "subject_term",
]
