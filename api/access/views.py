"""What a caller of a given clearance may read, as a store of its own.

``graph:inferred``, ``graph:justifications`` and ``graph:union`` mix facts of every tier,
so a SPARQL dataset of whole graphs cannot express "the derived facts up to
confidential". :func:`readable_view` therefore copies into an in-memory Oxigraph store
exactly what the clearance allows:

* every named graph whose tier (:func:`~semcrm.api.access.tiers.graph_tiers`) is at or
  below the clearance, under its own name;
* the derived triples of ``graph:inferred`` whose tier (through their justifications) is
  at or below it;
* the statement and justification nodes of ``graph:justifications`` at or below it, with
  ``semcrm:assertedIn`` links only to readable graphs;
* ``graph:union``, rebuilt as the set union of all of the above.

A query then runs over the view with the same dataset rules as without access control,
so ``GRAPH ?g``, ``FROM``/``FROM NAMED``, protocol datasets and property paths can only
reach what is in the view: a forbidden graph is not there to be named.
"""

from __future__ import annotations

import pyoxigraph as ox

from semcrm.api.access.policy import AccessPolicy
from semcrm.api.access.tiers import graph_tiers, statement_tiers
from semcrm.ontology import iris
from semcrm.ontology.namespaces import INFERRED_GRAPH, JUSTIFICATION_GRAPH, SEMCRM, UNION_GRAPH

INFERRED = ox.NamedNode(str(INFERRED_GRAPH))
JUSTIFICATIONS = ox.NamedNode(str(JUSTIFICATION_GRAPH))
UNION = ox.NamedNode(str(UNION_GRAPH))
_ASSERTED_IN = ox.NamedNode(f"{SEMCRM}assertedIn")
_MIXED = {INFERRED.value, JUSTIFICATIONS.value, UNION.value}


def readable_graphs(store: ox.Store, policy: AccessPolicy, clearance: int) -> set[str]:
    """Named graphs (other than the mixed derived ones) a clearance reads whole."""
    return {
        g
        for g, tier in graph_tiers(store, policy).items()
        if tier.rank <= clearance and g not in _MIXED
    }


def readable_view(store: ox.Store, policy: AccessPolicy, clearance: int) -> ox.Store:
    """An in-memory store of what ``clearance`` (a tier rank) may read (module docstring)."""
    tiers = graph_tiers(store, policy)
    statements, justifications = statement_tiers(store, tiers, policy)
    readable = {g for g, t in tiers.items() if t.rank <= clearance and g not in _MIXED}
    quads: list[ox.Quad] = []
    for graph in sorted(readable):
        quads += store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    top = policy.top
    for quad in store.quads_for_pattern(None, None, None, INFERRED):
        statement = iris.statement(quad.subject, quad.predicate, quad.object).value
        if statements.get(statement, top) <= clearance:
            quads.append(quad)
    for quad in store.quads_for_pattern(None, None, None, JUSTIFICATIONS):
        node = quad.subject.value
        rank = statements.get(node, justifications.get(node, top))
        if rank > clearance:
            continue
        if quad.predicate == _ASSERTED_IN and quad.object.value not in readable:
            continue
        quads.append(quad)
    view = ox.Store()
    view.bulk_extend(quads)
    view.bulk_extend(dict.fromkeys(ox.Quad(q.subject, q.predicate, q.object, UNION) for q in quads))
    return view
