"""What a resource named in an access check is, and its tier, with the reason.

A resource is named by IRI (or a tier by its local name): a sensitivity tier (the
collection of everything at that tier), a named graph of the store, a statement or
justification of ``graph:justifications`` (its tier follows inference), a resource the
policy gives a ``semcrm:sensitivity`` (an external system such as the BOM database, or a
protected ontology term), or another ontology term (public, like the whole TBox).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from semcrm.api.access.policy import TIER, AccessPolicy
from semcrm.api.access.tiers import graph_tiers, statement_tiers
from semcrm.ontology.namespaces import ID, ONTOLOGY_GRAPH


@dataclass(frozen=True)
class ResourceTier:
    iri: str
    kind: str  # tier, graph, statement, justification, described, term, unknown
    rank: int | None  # None: semcrm knows no such resource
    because: str


def resolve(
    store: ox.Store,
    policy: AccessPolicy,
    resource: str,
    *,
    tiers_of: Callable[[], dict] | None = None,
    statements_of: Callable[[], tuple[dict, dict]] | None = None,
) -> ResourceTier:
    """What ``resource`` is and its tier. ``tiers_of`` and ``statements_of`` may supply the
    graph and statement tiers (a cache); by default they are computed from ``store``."""
    name = resource.strip()
    if not name.startswith(("http://", "https://", "urn:")):
        iri = TIER + name
        if iri in policy.tiers:
            return ResourceTier(iri, "tier", policy.tiers[iri], f"the tier {name} itself")
        return ResourceTier(name, "unknown", None, f"{name!r} is not an IRI or a tier name")
    if name in policy.tiers:
        return ResourceTier(name, "tier", policy.tiers[name], "a sensitivity tier itself")
    if name in policy.resource_tiers:
        rank = policy.resource_tiers[name]
        return ResourceTier(
            name,
            "described",
            rank,
            f"the policy gives it semcrm:sensitivity {policy.tier_name(rank)}",
        )
    try:
        node = ox.NamedNode(name)
    except ValueError as exc:  # a space or a control character: no IRI at all
        return ResourceTier(name, "unknown", None, f"{name!r} is not a valid IRI ({exc})")
    tiers = tiers_of() if tiers_of else graph_tiers(store, policy)
    if name in tiers:
        tier = tiers[name]
        return ResourceTier(name, "graph", tier.rank, f"named graph: {tier.because}")
    if name.startswith((f"{ID}statement/", f"{ID}justification/")):
        statements, justifications = (
            statements_of() if statements_of else statement_tiers(store, tiers, policy)
        )
        kind = "statement" if name in statements else "justification"
        rank = statements.get(name, justifications.get(name))
        if rank is not None:
            return ResourceTier(
                name,
                kind,
                rank,
                f"a {'derived or asserted fact' if kind == 'statement' else 'justification'} "
                "whose tier follows its premises (the most restrictive premise of each "
                "justification, the least restrictive justification)",
            )
    if any(store.quads_for_pattern(node, None, None, ox.NamedNode(str(ONTOLOGY_GRAPH)))):
        return ResourceTier(
            name, "term", policy.bottom, f"an ontology term, {policy.tier_name(policy.bottom)}"
        )
    return ResourceTier(name, "unknown", None, f"semcrm knows no resource {name}")
