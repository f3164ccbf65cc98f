"""Tier and field filtering of every read path: customer context, explanations, exports.

The API's routers and the CLI (``--as PRINCIPAL``) share what is here:

* :func:`scoped_store` — a read-only :class:`KnowledgeStore` over the caller's view
  (:func:`~semcrm.api.access.scope.scoped_view`), so that the context builder and the
  explainer, unchanged, see only what the caller may read;
* :func:`redact_proof` — a proof tree built over the whole store, with every premise and
  every piece of evidence the caller may not read replaced by a marker
  ``{"withheld": true, "reason": "...", "tier": ...}``; the content never appears;
* :func:`aggregate_context` / :func:`aggregate_customers` — counts instead of records for
  callers that may only read aggregates;
* :func:`export_quads` — the quads an export sends, from the view.

A root statement the caller may not read is answered exactly as an unknown one (404), so
that its existence is not confirmed either.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
from fastapi import Request

from semcrm.api.access.policy import AccessPolicy
from semcrm.api.access.scope import Readable, ReadScope, ScopeCache, read_scope
from semcrm.ontology.namespaces import INFERRED_GRAPH, META_GRAPH, SEMCRM, UNION_GRAPH
from semcrm.ontology.store import KnowledgeStore
from semcrm.reasoning.explain import UnknownStatement, parse_iri

TEXT = f"{SEMCRM}text"
_UNION = ox.NamedNode(str(UNION_GRAPH))
_META = ox.NamedNode(str(META_GRAPH))


class ScopedStore(KnowledgeStore):
    """A read-only store over a caller's view; bookkeeping questions go to the real store."""

    def __init__(self, view: ox.Store, base: KnowledgeStore) -> None:
        self._changes = None
        self.read_only = True
        self.in_memory = True
        self.data_dir = base.data_dir
        self._store = view
        self._base = base

    def get_meta(self, name: str) -> str | None:
        return self._base.get_meta(name)

    def close(self) -> None:  # the view belongs to the cache
        pass


def scoped_store(
    store: KnowledgeStore, policy: AccessPolicy, scope: ReadScope, cache: ScopeCache
) -> KnowledgeStore:
    return ScopedStore(cache.view(store.oxigraph, policy, scope), store)


def scope_for_principal(policy: AccessPolicy, keys, principal: str) -> ReadScope | None:
    """The scope of a principal named on the command line (its ontology roles and keys')."""
    from semcrm.api.access.auth import Caller
    from semcrm.api.access.grants import principal_roles

    roles = tuple(policy.roles[n] for n in principal_roles(policy, keys, principal))
    return read_scope(policy, Caller(principal, "(command line)", roles, None))


# -- explanations ---------------------------------------------------------------------------


def redact_proof(tree: dict[str, Any], view: Readable) -> dict[str, Any]:
    """``tree`` (from :class:`~semcrm.reasoning.explain.Explainer` over the whole store) with
    what ``view`` may not read replaced by markers (module docstring).

    Raises:
        UnknownStatement: the root statement itself is not readable.
    """
    tree = copy.deepcopy(tree)
    if "statement" not in tree:
        evidence = [_evidence(e, view) for e in tree.get("evidence", [])]
        if not any("withheld" not in e for e in evidence):
            raise _unknown(tree["node"])
        tree["evidence"] = evidence
        return tree
    if tree["statement"]["iri"] not in view.statements:
        raise _unknown(tree["statement"]["iri"])
    return _redact(tree, view)


def _redact(tree: dict[str, Any], view: Readable) -> dict[str, Any]:
    iri = tree["statement"]["iri"]
    if iri not in view.statements:
        return view.withheld(iri)
    if "asserted_in" in tree:
        shown = [g for g in tree["asserted_in"] if g in view.graphs]
        if len(shown) < len(tree["asserted_in"]):
            tree["asserted_in_withheld"] = len(tree["asserted_in"]) - len(shown)
        tree["asserted_in"] = shown
    if "evidence" in tree:
        tree["evidence"] = [_evidence(e, view) for e in tree["evidence"]]
    for justification in tree.get("justifications", []):
        justification["premises"] = [_redact(p, view) for p in justification["premises"]]
    return tree


def _evidence(item: dict[str, Any], view: Readable) -> dict[str, Any]:
    graph = item.get("interaction")
    if graph is None or graph not in view.graphs:
        return view.withheld(graph=graph or str(META_GRAPH))
    if item.get("span") is None and TEXT in view.hidden_terms:
        # a record's first turn standing for the record: its text is a protected field
        marker = view.withheld()
        marker["reason"] = "withheld: the record's text is a protected field (read-field)"
        return marker
    return item


def _unknown(iri: str) -> UnknownStatement:
    """The very error an unknown IRI gets (see :meth:`Explainer.explain`)."""
    iri = parse_iri(iri).value
    return UnknownStatement(
        f"{iri} is not a statement semcrm derived or used as a premise; "
        "list derived facts with `semcrm derived`, or pass a signal, mention or "
        "participation IRI to see its evidence"
    )


# -- aggregates -----------------------------------------------------------------------------

_COUNTED = (
    "people",
    "qualifications",
    "intents",
    "stated_needs",
    "unstated_needs",
    "objections",
    "hidden_decision_makers",
    "interactions",
)


def aggregate_customers(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What an aggregate-only caller gets for the customer list: counts."""
    return {
        "granularity": "aggregate",
        "customers": len(rows),
        "interactions": sum(r["interactions"] for r in rows),
        "by_kind": {
            kind: sum(1 for r in rows if r["kind"] == kind)
            for kind in sorted({r["kind"] for r in rows})
        },
    }


def aggregate_context(context: dict[str, Any]) -> dict[str, Any]:
    """What an aggregate-only caller gets for a customer: how many of each, no record."""
    return {
        "id": context["id"],
        "granularity": "aggregate",
        "counts": {name: len(context.get(name) or []) for name in _COUNTED},
        "derived_facts_stale": context.get("derived_facts_stale"),
    }


# -- exports --------------------------------------------------------------------------------


def export_quads(
    store: ox.Store, customer: str | None = None, *, include_meta: bool = False
) -> Iterator[ox.Quad]:
    """The quads an export sends from ``store`` (a caller's view, or the whole store):
    every graph but the ``graph:union`` copy (and ``graph:meta`` unless asked), or, for one
    customer, the graphs of its interactions and the derived facts about the customer and
    about the resources of those graphs."""
    if customer is None:
        for quad in store.quads_for_pattern(None, None, None, None):
            if quad.graph_name == _UNION or (quad.graph_name == _META and not include_meta):
                continue
            yield quad
        return
    node = ox.NamedNode(customer)
    graphs = sorted(
        {
            q.subject.value
            for q in store.quads_for_pattern(None, ox.NamedNode(f"{SEMCRM}customer"), node, None)
            if q.graph_name == q.subject
        }
    )
    subjects: set = {node}
    for graph in graphs:
        for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            subjects.add(quad.subject)
            yield quad
    inferred = ox.NamedNode(str(INFERRED_GRAPH))
    for subject in sorted(subjects, key=str):
        yield from store.quads_for_pattern(subject, None, None, inferred)


# -- the FastAPI dependency ---------------------------------------------------------------


class Reader:
    """What one request may read: its scope (``None``: everything) over the app's store."""

    def __init__(
        self,
        store: KnowledgeStore,
        scope: ReadScope | None,
        policy: AccessPolicy | None,
        cache: ScopeCache,
    ) -> None:
        self.store, self.scope, self.policy, self.cache = store, scope, policy, cache

    @property
    def aggregates_only(self) -> bool:
        return self.scope is not None and not self.scope.records

    def require_records(self, what: str) -> None:
        """Raises AccessDenied when the caller may read aggregates only."""
        from semcrm.api.access.errors import AccessDenied

        if self.aggregates_only:
            raise AccessDenied(
                f"{what} returns records, and {self.scope.principal} may read aggregates only "
                "(read-aggregate without read-record)"
            )

    def readable_store(self) -> KnowledgeStore:
        if self.scope is None:
            return self.store
        return scoped_store(self.store, self.policy, self.scope, self.cache)

    def readable(self) -> Readable | None:
        if self.scope is None:
            return None
        return self.cache.readable(self.store.oxigraph, self.policy, self.scope)


def scope_cache(app_state) -> ScopeCache:
    cache = getattr(app_state, "scope_cache", None)
    if cache is None:
        cache = app_state.scope_cache = ScopeCache()
    return cache


def get_reader(request: Request) -> Reader:
    """FastAPI dependency: the request's :class:`Reader` (authenticates the caller)."""
    from semcrm.api.access.auth import authenticate, get_access

    caller = authenticate(request)
    store = request.app.state.store
    cache = scope_cache(request.app.state)
    if caller is None:
        return Reader(store, None, None, cache)
    policy = get_access(request).policy
    return Reader(store, read_scope(policy, caller), policy, cache)
