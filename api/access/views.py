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
from semcrm.api.access.scope import ReadScope, readable, scoped_view
from semcrm.api.access.tiers import graph_tiers
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


def readable_view(
    store: ox.Store, policy: AccessPolicy, clearance: int, *, fields: bool = True
) -> ox.Store:
    """An in-memory store of what ``clearance`` (a tier rank) may read (module docstring).

    With ``fields`` false (a caller without read-field) the protected fields and what is
    derived from them are left out too; the sets come from
    :func:`semcrm.api.access.scope.readable`, which context and exports use as well.
    """
    scope = ReadScope(clearance, fields, True, "")
    return scoped_view(store, readable(store, policy, scope))
