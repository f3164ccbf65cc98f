"""Sensitivity tiers of named graphs, and of derived facts through their justifications.

**A graph's tier** (:func:`graph_tiers`) is, in this order:

1. the tier governance set for it, stored as data in ``graph:meta``
   (``<graph> semcrm:sensitivity tier:confidential``, written by :func:`set_graph_tier`);
2. otherwise the most restrictive of
   * the ``semcrm:defaultSensitivity`` of the interaction's classes (the access module
     gives ``semcrm:Interaction`` internal and ``semcrm:TenderDocument`` confidential), and
   * for documents (``semcrm:Document`` and its subclasses) the tier of every
     ``semcrm:marking`` phrase found in the text ("机密", "合同", "confidential", "contract"
     put a document at confidential; "绝密", "strictly confidential" at restricted);
3. ``graph:ontology`` is public; ``graph:meta`` (bookkeeping, erasure tombstones) is the top
   tier; a graph semcrm knows nothing about is internal (the default of an interaction).

**A derived fact's tier** (:func:`statement_tiers`) follows inference, so that nobody learns
through a rule what they may not read: a justification's tier is the most restrictive tier of
its premises; an asserted premise's tier is the least restrictive tier of the graphs asserting
it (it is readable wherever one of them is); a derived fact's tier is the least restrictive
tier of its justifications (if any one way of deriving it uses only readable premises, the
fact is learnable from readable data). Recursive derivations are solved to a fixed point; a
derived fact with no stored justification, or a premise nobody asserts, is at the top tier
(fail closed).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from semcrm.api.access.policy import TIER, AccessPolicy
from semcrm.ontology.namespaces import (
    INFERRED_GRAPH,
    JUSTIFICATION_GRAPH,
    META_GRAPH,
    ONTOLOGY_GRAPH,
    SEMCRM,
    UNION_GRAPH,
)

META = ox.NamedNode(str(META_GRAPH))
SENSITIVITY = ox.NamedNode(f"{SEMCRM}sensitivity")
_J = f"<{JUSTIFICATION_GRAPH}>"


@dataclass(frozen=True)
class GraphTier:
    rank: int
    because: str


def graph_tiers(store: ox.Store, policy: AccessPolicy) -> dict[str, GraphTier]:
    """Every named graph's tier, with the reason (see the module docstring)."""
    graphs = [g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)]
    overrides: dict[str, str] = {}
    for row in store.query(
        f"SELECT ?g ?t WHERE {{ GRAPH <{META_GRAPH}> {{ ?g <{SENSITIVITY.value}> ?t }} }}"
    ):
        overrides[row["g"].value] = row["t"].value
    types: dict[str, set[str]] = defaultdict(set)
    for row in store.query("SELECT ?g ?t WHERE { GRAPH ?g { ?g a ?t } }"):
        types[row["g"].value].add(row["t"].value)

    out: dict[str, GraphTier] = {}
    internal = policy.tiers.get(TIER + "internal", policy.bottom)
    for graph in graphs:
        if graph in overrides and overrides[graph] in policy.tiers:
            tier = policy.tiers[overrides[graph]]
            out[graph] = GraphTier(tier, f"governance set {policy.tier_name(tier)} (graph:meta)")
        elif graph == str(ONTOLOGY_GRAPH):
            out[graph] = GraphTier(policy.bottom, "the ontology is public")
        elif graph == str(META_GRAPH):
            out[graph] = GraphTier(policy.top, "store bookkeeping is at the top tier")
        elif graph in (str(INFERRED_GRAPH), str(JUSTIFICATION_GRAPH), str(UNION_GRAPH)):
            out[graph] = GraphTier(policy.top, "mixed tiers: filtered statement by statement")
        else:
            out[graph] = _interaction_tier(store, graph, types.get(graph, set()), policy, internal)
    return out


def _interaction_tier(
    store: ox.Store, graph: str, types: set[str], policy: AccessPolicy, internal: int
) -> GraphTier:
    rank, because = internal, "the default tier of an interaction"
    for cls in sorted(types):
        tier = policy.class_tiers.get(cls)
        if tier is not None and tier > rank:
            declared = policy.class_reasons.get(cls, cls)
            rank, because = (
                tier,
                f"a {_local(cls)} ({_local(declared)} defaults to {policy.tier_name(tier)})",
            )
    if types & policy.document_classes and policy.markings:
        text = " ".join(
            row["x"].value
            for row in store.query(
                f"SELECT ?x WHERE {{ GRAPH <{graph}> {{ <{graph}> <{SEMCRM}text> ?x }} }}"
            )
        ).casefold()
        for phrase, tier in policy.markings:  # most restrictive first
            if tier > rank and phrase in text:
                rank = tier
                because = f"a document marked {phrase!r} ({policy.tier_name(tier)})"
                break
    return GraphTier(rank, because)


def set_graph_tier(store: ox.Store, graph: str, tier: str, policy: AccessPolicy) -> None:
    """Record governance's tier for ``graph`` in ``graph:meta`` (replacing an earlier one).

    ``store`` is the writable Oxigraph store (``KnowledgeStore.oxigraph``); graph:meta is not
    part of the union graph, so nothing else needs maintaining. The API's query workers see
    the change after their next snapshot.
    """
    iri = TIER + tier.removeprefix(TIER) if not tier.startswith("http") else tier
    policy.rank_of(iri)
    node = ox.NamedNode(graph)
    store.update(
        f"DELETE WHERE {{ GRAPH {META} {{ {node} {SENSITIVITY} ?t }} }} ;\n"
        f"INSERT DATA {{ GRAPH {META} {{ {node} {SENSITIVITY} {ox.NamedNode(iri)} }} }}"
    )


def statement_tiers(
    store: ox.Store, graph_tier: dict[str, GraphTier], policy: AccessPolicy
) -> tuple[dict[str, int], dict[str, int]]:
    """(statement IRI -> rank, justification IRI -> rank) over ``graph:justifications``."""
    top = policy.top
    statements: dict[str, int] = {}
    derived: set[str] = set()
    for row in store.query(
        f"SELECT ?s ?d WHERE {{ GRAPH {_J} {{ ?s a <{SEMCRM}Statement> ; <{SEMCRM}derived> ?d }} }}"
    ):
        if row["d"].value == "true":
            derived.add(row["s"].value)
    for row in store.query(f"SELECT ?s ?g WHERE {{ GRAPH {_J} {{ ?s <{SEMCRM}assertedIn> ?g }} }}"):
        tier = graph_tier.get(row["g"].value)
        rank = tier.rank if tier is not None else top
        s = row["s"].value
        statements[s] = min(statements.get(s, top), rank)
    premises: dict[str, list[str]] = defaultdict(list)
    conclusions: dict[str, set[str]] = defaultdict(set)  # one justification may derive many
    for row in store.query(
        f"SELECT ?j ?c ?p WHERE {{ GRAPH {_J} {{ ?j <{SEMCRM}derives> ?c . "
        f"OPTIONAL {{ ?j <{SEMCRM}premise> ?p }} }} }}"
    ):
        j = row["j"].value
        conclusions[j].add(row["c"].value)
        if row["p"] is not None and row["p"].value not in premises[j]:
            premises[j].append(row["p"].value)

    unknown = top + 1  # not derivable from anything known yet
    for s in derived:
        statements[s] = unknown
    justification: dict[str, int] = {}
    changed = True
    while changed:  # ranks only decrease, at most top+1 times per statement
        changed = False
        for j, derives in conclusions.items():
            rank = max((statements.get(p, top) for p in premises[j]), default=policy.bottom)
            justification[j] = rank
            for c in derives:
                if rank < statements.get(c, unknown):
                    statements[c] = rank
                    changed = True
    for s, rank in statements.items():
        if rank > top:
            statements[s] = top
    for j, rank in justification.items():
        justification[j] = min(rank, top)
    return statements, justification


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
