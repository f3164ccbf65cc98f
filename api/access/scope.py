"""What one caller may read (its :class:`ReadScope`), and that part of the store.

A scope has three parts, all read from the caller's roles and key in the access policy:

* **clearance**: the most sensitive tier it reads (the restricted tier also needs
  ``read-sensitive``, as :func:`~semcrm.api.access.policy.decide` has it);
* **fields**: whether it performs ``read-field``. Ontology terms that the policy gives a
  ``semcrm:sensitivity`` (``semcrm:text``, the whole text of a record or turn, as shipped)
  are *protected fields*: their values are read only with ``read-field`` and a clearance
  of the term's tier. Everything else is an ordinary field of a record;
* **records**: whether it performs ``read-record``; without it (a key scoped to
  ``read-aggregate``) the caller gets counts, never records.

:func:`readable` answers which graphs, statements and justifications a scope reads. The
rule for derived facts is the one of :mod:`.tiers`, extended to fields so that nobody
learns through inference what they may not read: an asserted statement is readable when a
readable graph asserts it and its predicate (or, for ``rdf:type``, its class) is not a
field withheld from the scope; a justification is readable when all its premises are; a
derived fact when one of its justifications is and its own field is readable. Statements
the justification graph knows nothing about are readable only at the top clearance (fail
closed, as in :func:`~semcrm.api.access.tiers.statement_tiers`).

:func:`scoped_view` copies the readable part into an in-memory Oxigraph store (readable
graphs without withheld fields, readable derived triples and justification nodes, and
``graph:union`` rebuilt from them), which context, explanations' evidence, exports and
SPARQL run over. :class:`ScopeCache` keeps one :class:`Readable` and one view per scope
until the store changes (any change of ``graph:meta``: an ingest, a reasoning run, an
erasure, a tier set by governance).
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from semcrm.api.access.errors import AccessDenied
from semcrm.api.access.policy import AccessPolicy
from semcrm.api.access.tiers import GraphTier, graph_tiers, statement_tiers
from semcrm.ontology import iris
from semcrm.ontology.namespaces import (
    INFERRED_GRAPH,
    JUSTIFICATION_GRAPH,
    META_GRAPH,
    ONTOLOGY_GRAPH,
    SEMCRM,
    UNION_GRAPH,
)

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
INFERRED = ox.NamedNode(str(INFERRED_GRAPH))
JUSTIFICATIONS = ox.NamedNode(str(JUSTIFICATION_GRAPH))
UNION = ox.NamedNode(str(UNION_GRAPH))
META = ox.NamedNode(str(META_GRAPH))
_MIXED = {INFERRED.value, JUSTIFICATIONS.value, UNION.value}
_J = f"<{JUSTIFICATION_GRAPH}>"
_TERM_TYPES = (
    "http://www.w3.org/2002/07/owl#DatatypeProperty",
    "http://www.w3.org/2002/07/owl#ObjectProperty",
    "http://www.w3.org/2002/07/owl#AnnotationProperty",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property",
    "http://www.w3.org/2002/07/owl#Class",
    f"{SEMCRM}TermResource",
)


@dataclass(frozen=True)
class ReadScope:
    """What a caller below full access reads (see the module docstring)."""

    clearance: int  # tier rank
    fields: bool  # read-field: protected terms up to the clearance
    records: bool  # read-record; False: aggregates only
    principal: str

    @property
    def key(self) -> tuple[int, bool]:
        return (self.clearance, self.fields)


def read_scope(policy: AccessPolicy, caller) -> ReadScope | None:
    """The scope of ``caller`` (an :class:`~semcrm.api.access.auth.Caller`); ``None`` when
    nothing is withheld from it (no caller: auth off; or every tier, field and record).

    Raises:
        AccessDenied: the caller may read neither records nor aggregates.
    """
    if caller is None:
        return None
    names = ("read-record", "read-aggregate")
    reads = [policy.actions[n] for n in names if n in policy.actions]
    if not any(caller.may(a) for a in reads):
        raise AccessDenied(
            f"{caller.principal} (key {caller.key_id}) may perform neither read-record "
            "nor read-aggregate"
        )
    clearance = max(
        (r.clearance for r in caller.roles if any(a in r.actions for a in reads)), default=-1
    )
    sensitive = policy.actions.get("read-sensitive")
    if clearance >= policy.top and sensitive is not None and not caller.may(sensitive):
        clearance = max(r for r in policy.tiers.values() if r < policy.top)
    fields = "read-field" in policy.actions and caller.may(policy.actions["read-field"])
    records = caller.may(policy.actions["read-record"])
    if clearance >= policy.top and fields and records:
        return None
    return ReadScope(clearance, fields, records, caller.principal)


def protected_terms(store: ox.Store, policy: AccessPolicy) -> dict[str, int]:
    """Ontology terms (classes, properties) the policy gives a tier: IRI -> tier rank."""
    if not policy.resource_tiers:
        return {}
    graph = ox.NamedNode(str(ONTOLOGY_GRAPH))
    kinds = {ox.NamedNode(t) for t in _TERM_TYPES}
    out = {}
    for iri, rank in policy.resource_tiers.items():
        node = ox.NamedNode(iri)
        if any(q.object in kinds for q in store.quads_for_pattern(node, _type(), None, graph)):
            out[iri] = rank
    return out


def _type() -> ox.NamedNode:
    return ox.NamedNode(RDF_TYPE)


@dataclass
class Readable:
    """The readable part of one store for one scope (see :func:`readable`)."""

    scope: ReadScope
    policy: AccessPolicy
    tiers: dict[str, GraphTier]
    graphs: frozenset[str]
    statements: frozenset[str]
    justifications: frozenset[str]
    hidden_terms: dict[str, int]  # protected terms withheld from the scope -> tier rank
    _store: ox.Store
    _ranks: dict[str, int] | None = field(default=None, repr=False)

    def term_ok(self, predicate: str, obj: str | None = None) -> bool:
        if predicate in self.hidden_terms:
            return False
        return not (predicate == RDF_TYPE and obj is not None and obj in self.hidden_terms)

    def graph_ok(self, graph: str) -> bool:
        return graph in self.graphs

    def withheld(self, statement: str | None = None, *, graph: str | None = None) -> dict:
        """The marker standing for something the scope may not read, with the reason."""
        policy, scope = self.policy, self.scope
        mine = policy.tier_name(scope.clearance) if scope.clearance >= 0 else "no tier"
        reason = f"withheld: above the caller's clearance ({mine})"
        tier = None
        if graph is not None:
            rank = self.tiers[graph].rank if graph in self.tiers else policy.top
            tier = policy.tier_name(rank)
            reason = f"withheld: evidence at tier {tier}, above the caller's clearance ({mine})"
        elif statement is not None:
            if self._ranks is None:
                self._ranks = statement_tiers(self._store, self.tiers, policy)[0]
            rank = min(self._ranks.get(statement, policy.top), policy.top)
            if rank <= scope.clearance:
                reason = "withheld: it rests on a protected field, which needs read-field"
                if not scope.fields:
                    reason += f" ({', '.join(sorted(self.hidden_terms))})"
            else:
                tier = policy.tier_name(rank)
                reason = f"withheld: a fact at tier {tier}, above the caller's clearance ({mine})"
        return {"withheld": True, "reason": reason, "tier": tier}


def readable(store: ox.Store, policy: AccessPolicy, scope: ReadScope) -> Readable:
    """Which graphs, statements and justifications ``scope`` reads (module docstring)."""
    tiers = graph_tiers(store, policy)
    clearance = scope.clearance
    at_top = clearance >= policy.top
    hidden = {
        t: r for t, r in protected_terms(store, policy).items() if not scope.fields or r > clearance
    }
    graphs = frozenset(g for g, t in tiers.items() if t.rank <= clearance and g not in _MIXED)

    triple: dict[str, tuple[str, str | None]] = {}
    for row in store.query(
        f"SELECT ?s ?p ?o WHERE {{ GRAPH {_J} {{ ?s <{_RDF}predicate> ?p ; <{_RDF}object> ?o }} }}"
    ):
        p = row["p"].value
        triple[row["s"].value] = (p, row["o"].value if p == RDF_TYPE else None)

    def term_ok(s: str) -> bool:
        p, o = triple.get(s, ("", None))
        return p not in hidden and not (o is not None and o in hidden)

    known: set[str] = set(triple)
    ok: set[str] = set()
    for row in store.query(f"SELECT ?s ?g WHERE {{ GRAPH {_J} {{ ?s <{SEMCRM}assertedIn> ?g }} }}"):
        s = row["s"].value
        if row["g"].value in graphs and term_ok(s):
            ok.add(s)
    premises: dict[str, set[str]] = defaultdict(set)
    conclusions: dict[str, set[str]] = defaultdict(set)
    for row in store.query(
        f"SELECT ?j ?c ?p WHERE {{ GRAPH {_J} {{ ?j <{SEMCRM}derives> ?c . "
        f"OPTIONAL {{ ?j <{SEMCRM}premise> ?p }} }} }}"
    ):
        j = row["j"].value
        conclusions[j].add(row["c"].value)
        if row["p"] is not None:
            premises[j].add(row["p"].value)
    derived = {c for cs in conclusions.values() for c in cs}
    if at_top:  # statements nobody asserts or derives are at the top tier
        ok |= {s for s in known - derived if term_ok(s) and s not in ok}

    def premise_ok(p: str) -> bool:
        return p in ok or (at_top and p not in known and p not in derived)

    justified: set[str] = set()
    changed = True
    while changed:
        changed = False
        for j, cs in conclusions.items():
            if j in justified or not all(premise_ok(p) for p in premises[j]):
                continue
            justified.add(j)
            changed = True
            ok.update(c for c in cs if term_ok(c))
    return Readable(
        scope=scope,
        policy=policy,
        tiers=tiers,
        graphs=graphs,
        statements=frozenset(ok),
        justifications=frozenset(j for j in justified if all(term_ok(c) for c in conclusions[j])),
        hidden_terms=hidden,
        _store=store,
    )


def scoped_view(store: ox.Store, view: Readable) -> ox.Store:
    """An in-memory store of exactly what ``view`` allows, ``graph:union`` rebuilt."""
    hidden = {ox.NamedNode(t) for t in view.hidden_terms}
    rdf_type = _type()

    def field_ok(quad: ox.Quad) -> bool:
        return quad.predicate not in hidden and not (
            quad.predicate == rdf_type and quad.object in hidden
        )

    quads: list[ox.Quad] = []
    for graph in sorted(view.graphs):
        quads += (q for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
    quads = [q for q in quads if field_ok(q)] if hidden else quads
    for quad in store.quads_for_pattern(None, None, None, INFERRED):
        statement = iris.statement(quad.subject, quad.predicate, quad.object).value
        if statement in view.statements:
            quads.append(quad)
    asserted_in = ox.NamedNode(f"{SEMCRM}assertedIn")
    premise = ox.NamedNode(f"{SEMCRM}premise")
    for quad in store.quads_for_pattern(None, None, None, JUSTIFICATIONS):
        node = quad.subject.value
        if node not in view.statements and node not in view.justifications:
            continue
        if quad.predicate == asserted_in and quad.object.value not in view.graphs:
            continue
        if quad.predicate == premise and quad.object.value not in view.statements:
            continue
        quads.append(quad)
    out = ox.Store()
    out.bulk_extend(quads)
    out.bulk_extend(dict.fromkeys(ox.Quad(q.subject, q.predicate, q.object, UNION) for q in quads))
    return out


def store_state(store: ox.Store) -> str:
    """A fingerprint of the store's state: ``graph:meta`` changes with every ingest, reasoning
    run, erasure and tier set by governance."""
    lines = sorted(str(q) for q in store.quads_for_pattern(None, None, None, META))
    return hashlib.blake2b("\n".join(lines).encode("utf-8"), digest_size=16).hexdigest()


class ScopeCache:
    """One :class:`Readable` and one view per scope, until the store's state changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: str | None = None
        self._readable: dict[tuple[int, bool], Readable] = {}
        self._views: dict[tuple[int, bool], ox.Store] = {}

    def _fresh(self, store: ox.Store) -> None:
        state = store_state(store)
        if state != self._state:
            self._state, self._readable, self._views = state, {}, {}

    def readable(self, store: ox.Store, policy: AccessPolicy, scope: ReadScope) -> Readable:
        with self._lock:
            self._fresh(store)
            found = self._readable.get(scope.key)
            if found is None:
                found = self._readable[scope.key] = readable(store, policy, scope)
            # the same sets serve every principal of this scope; the marker names none
            return found if found.scope == scope else _rescoped(found, scope)

    def view(self, store: ox.Store, policy: AccessPolicy, scope: ReadScope) -> ox.Store:
        found = self.readable(store, policy, scope)
        with self._lock:
            view = self._views.get(scope.key)
            if view is None:
                view = self._views[scope.key] = scoped_view(store, found)
            return view


def _rescoped(found: Readable, scope: ReadScope) -> Readable:
    return dataclasses.replace(found, scope=scope)
