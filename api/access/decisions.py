"""Access decisions with their justification chains: ``POST /access/check`` and
``GET /access/explain`` (and ``semcrm access check|explain``).

A decision combines two sources, both data:

* **the roles** (``ontology/access.ttl``): a role performs the action and is cleared for the
  resource's tier (:func:`~semcrm.api.access.policy.decide`);
* **the derived grants** of the principal on that very resource
  (:mod:`~semcrm.api.access.grants`): what the rules of ``ontology/rules/access.ttl``
  derived from facts about the principal (its metrics, trainings, job role), under the
  traffic light. For a read action, a grant *in force* (green ``applied``, yellow
  ``approved``) decides: it permits reads up to its granularity (coarser reads too) and
  denies finer ones — a grant is the governed, per-resource answer, so it lifts a role's
  answer (a field engineer reads BOM records) and caps it (a new support agent reads BOM
  aggregates only). Grants never open the top tier (``restricted`` needs a role with
  ``read-sensitive``) and never widen a key's scopes. A grant not in force (``pending``,
  ``rejected``, ``refused`` by a red rule) changes nothing, and the answer says so.

Every grant in an answer carries its chain: the rule (IRI, label, zone, owner), the
justification IRI and its premises (the metric facts, as subject/predicate/object), the
change's traffic-light status and, when decided, who approved or rejected it and when.

**Caches.** Graph and statement tiers and the grant book are recomputed only when the store
or ``<data>/access/grants.json`` changed: the store's stamp is its bookkeeping in
``graph:meta`` (last ingest, last reasoning, ontology digest, governance's tier overrides),
which every write that can change a tier or a derivation updates; the API reads it at most
every ``store_ttl`` seconds (0.05), the book's file on every check. Within a stamp a check
is a few dictionary look-ups.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from semcrm.api.access.grants import EFFECTIVE, Change, GrantBook
from semcrm.api.access.keys import KeyStore
from semcrm.api.access.policy import ACTION, AccessPolicy, Role, decide
from semcrm.api.access.resources import ResourceTier, resolve
from semcrm.api.access.tiers import graph_tiers, statement_tiers
from semcrm.ontology.errors import SemcrmError
from semcrm.ontology.namespaces import META_GRAPH, ONTOLOGY_GRAPH, SEMCRM

_META = ox.NamedNode(str(META_GRAPH))
_ONTOLOGY = ox.NamedNode(str(ONTOLOGY_GRAPH))
_ERASED = ox.NamedNode(f"{SEMCRM}erasedInteraction")
_STAMPED = tuple(
    ox.NamedNode(f"{SEMCRM}{name}")
    for name in ("lastIngest", "lastReasoned", "ontologyDigest", "reasonedFacts")
)
_SENSITIVITY = ox.NamedNode(f"{SEMCRM}sensitivity")
_IRI_SCHEMES = ("http://", "https://", "urn:")


class UnknownPrincipal(SemcrmError):
    """No policy fact, key, grant or token names this principal (404 over HTTP)."""


class UnknownResource(SemcrmError):
    """semcrm knows no resource by this IRI (404 over HTTP)."""


class NotAnIri(SemcrmError):
    """A principal or resource that is not an IRI (nor a tier name) (422 over HTTP)."""


@dataclass(frozen=True)
class _State:
    tiers: dict
    statements: tuple[dict, dict]
    changes: list[Change]


@dataclass(frozen=True)
class Subject:
    """Whose access is decided: the principal, its roles and where each comes from."""

    principal: str
    roles: tuple[Role, ...]
    sources: dict[str, tuple[str, ...]]  # role name -> ("policy", "key 3f2a...", "token")
    scopes: frozenset[str] | None = None
    who: str = ""

    @property
    def name(self) -> str:
        return self.who or self.principal


class Decider:
    """Checks and explanations over one data folder (one per app, or per CLI command)."""

    def __init__(
        self, policy: AccessPolicy, keys: KeyStore, data_dir: Path | str, *, store_ttl: float = 0
    ) -> None:
        """``store_ttl``: seconds a reading of the store's stamp is trusted (0: read it on
        every call; the API uses a few hundredths of a second)."""
        self.policy = policy
        self.store_ttl = store_ttl
        self._stamp_read = -1.0
        self.keys = keys
        self.book = GrantBook(data_dir)
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._tiers: dict | None = None
        self._statements: tuple[dict, dict] | None = None
        self._book_stamp: tuple | None = None
        self._changes: list[Change] | None = None

    # -- caches --------------------------------------------------------------------------

    def _store_stamp(self, raw: ox.Store) -> tuple:
        stamp = [
            str(q.object)
            for predicate in _STAMPED
            for q in raw.quads_for_pattern(_META, predicate, None, _META)
        ]
        stamp += sorted(
            f"{q.subject} {q.object}"
            for q in raw.quads_for_pattern(None, _SENSITIVITY, None, _META)
        )
        return tuple(stamp)

    def _current(self, raw: ox.Store, *, fill: bool = True) -> _State | None:
        """The caches as of now (the store's stamp read once): graph tiers, statement tiers
        and the reconciled grant book. With ``fill`` off, ``None`` when one of them would
        have to be computed (nothing is computed then)."""
        with self._lock:
            now = time.monotonic()
            if self._stamp is None or now - self._stamp_read >= self.store_ttl:
                stamp, self._stamp_read = self._store_stamp(raw), now
            else:
                stamp = self._stamp
            if stamp != self._stamp:
                self._stamp, self._tiers, self._statements, self._changes = stamp, None, None, None
            book = self._book_file()
            stale = self._changes is None or book != self._book_stamp
            if self._tiers is None or self._statements is None or stale:
                if not fill:
                    return None
                if self._tiers is None:
                    self._tiers = graph_tiers(raw, self.policy)
                if self._statements is None:
                    self._statements = statement_tiers(raw, self._tiers, self.policy)
                if stale:
                    self._changes = self.book.changes(raw)
                    self._book_stamp = self._book_file()  # after the write a reconcile made
            return _State(self._tiers, self._statements, self._changes)

    def ready(self, raw: ox.Store) -> bool:
        """Are the caches current, so that a check is only dictionary look-ups?"""
        return self._current(raw, fill=False) is not None

    def warm(self, raw: ox.Store) -> None:
        """Fill every cache (graph and statement tiers, the grant book)."""
        self._current(raw)

    def tiers(self, raw: ox.Store) -> dict:
        return self._current(raw).tiers

    def statements(self, raw: ox.Store) -> tuple[dict, dict]:
        return self._current(raw).statements

    def changes(self, raw: ox.Store) -> list[Change]:
        """Every change of the grant book, reconciled with the store (cached while neither
        the store nor the book's file changed; reconciling is idempotent)."""
        return self._current(raw).changes

    def _book_file(self) -> tuple | None:
        try:
            st = self.book.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def resolve(self, raw: ox.Store, resource: str, state: _State | None = None) -> ResourceTier:
        state = state or self._current(raw)
        return resolve(
            raw,
            self.policy,
            resource,
            tiers_of=lambda: state.tiers,
            statements_of=lambda: state.statements,
        )

    # -- who -----------------------------------------------------------------------------

    def subject(self, principal: str) -> Subject:
        """A principal as the policy and the key store know it (not a caller's own key)."""
        sources: dict[str, list[str]] = {}
        for name in self.policy.principal_roles.get(principal, ()):
            sources.setdefault(name, []).append("policy (semcrm:hasAccessRole)")
        for record in self.keys.records():
            if record.principal == principal and not record.revoked:
                sources.setdefault(record.role, []).append(f"key {record.id}")
        roles = tuple(self.policy.roles[n] for n in sorted(sources) if n in self.policy.roles)
        return Subject(principal, roles, {n: tuple(s) for n, s in sorted(sources.items())})

    def known(self, raw: ox.Store, principal: str) -> bool:
        """Does anything describe ``principal``: the ontology (policy or principal facts),
        a key, or the grant book?"""
        if principal in self.policy.principal_roles:
            return True
        node = ox.NamedNode(principal)
        if next(raw.quads_for_pattern(node, None, None, _ONTOLOGY), None) is not None:
            return True
        if any(r.principal == principal for r in self.keys.records()):
            return True
        return any(c.principal == principal for c in self.changes(raw))

    # -- deciding ------------------------------------------------------------------------

    def try_check(self, raw: ox.Store, subject: Subject, action: str, resource: str) -> dict | None:
        """:meth:`check` when the caches are current (look-ups only: the API answers on its
        event loop), else ``None`` (the caller runs :meth:`check` on a worker thread)."""
        state = self._current(raw, fill=False)
        return None if state is None else self.check(raw, subject, action, resource, state)

    def check(
        self,
        raw: ox.Store,
        subject: Subject,
        action: str,
        resource: str,
        state: _State | None = None,
    ) -> dict:
        """Permit or deny ``action`` (a name or IRI) on ``resource`` for ``subject``, with
        the reasons and the chain of every grant of the principal on the resource."""
        action_iri = self.policy.action(action)
        state = state or self._current(raw)
        target = self.resolve(raw, resource, state)
        grants = [
            c
            for c in state.changes
            if c.principal == subject.principal
            and c.resource == target.iri
            and c.status != "withdrawn"
        ]
        out = {
            "principal": subject.principal,
            "roles": [r.name for r in subject.roles],
            "action": action_iri.removeprefix(ACTION),
            "resource": target.iri,
            "kind": target.kind,
            "tier": self.policy.tier_name(target.rank) if target.rank is not None else None,
        }
        if target.rank is None:
            return {
                "decision": "deny",
                "because": [target.because, "unknown resources are denied"],
                "basis": "unknown resource",
                **out,
                "grants": [],
            }
        permit, because, basis = self._decide(subject, action_iri, target, grants)
        return {
            "decision": "permit" if permit else "deny",
            "because": because,
            "basis": basis,
            **out,
            "grants": [self._chain(c) for c in grants],
        }

    def _decide(
        self, subject: Subject, action: str, target: ResourceTier, grants: list[Change]
    ) -> tuple[bool, list[str], str]:
        policy = self.policy
        what = f"{target.iri} ({target.because})"
        by_role = decide(
            policy,
            list(subject.roles),
            action,
            target.rank,
            who=subject.name,
            what=what,
            scopes=subject.scopes,
        )
        because = list(by_role.because)
        tier_line, role_lines = because[0], because[1:]
        level = policy.action_grains.get(action)
        act = action.removeprefix(ACTION)
        idle = [c for c in grants if c.status not in EFFECTIVE]
        for change in idle:
            because.append(f"derived {self._sentence(change)}: not applied")
        effective = [c for c in grants if c.status in EFFECTIVE]
        if level is None or not effective:
            return by_role.permit, because, "role"
        if target.rank == policy.top:
            because.append(
                f"derived grants never open {policy.tier_name(policy.top)} data; that needs a "
                "role with read-sensitive, so the role decides"
            )
            return by_role.permit, because, "role"
        if subject.scopes is not None and action not in subject.scopes:
            return False, because, "role"
        finest = max(effective, key=lambda c: policy.grains.get(c.granularity, -1))
        allowed = policy.grains.get(finest.granularity, -1)
        needed = policy.grains.get(level, 99)
        grain = policy.grain_name(finest.granularity)
        # a grant in force decides reads of its resource; the roles' answer is kept as context
        because = [
            tier_line,
            f"by its roles alone: {'permit' if by_role.permit else 'deny'} ("
            + "; ".join(role_lines)
            + ")",
            *(b for b in because[len(by_role.because) :]),
        ]
        because.append(f"derived {self._sentence(finest)}: in force")
        if needed <= allowed:
            because.append(
                f"{act} reads at {policy.grain_name(level)} granularity, within the grant's "
                f"{grain}; a grant in force decides reads of its resource"
            )
            return True, because, "grant"
        because.append(
            f"{act} reads at {policy.grain_name(level)} granularity, finer than the grant's "
            f"{grain}: the grant caps reads of {target.iri} at {grain}"
        )
        return False, because, "grant"

    def _sentence(self, change: Change) -> str:
        status = change.status
        if status == "pending":
            status = f"pending approval by {change.owner or 'governance'}"
        elif change.decided_by:
            status = f"{status} by {change.decided_by} at {change.decided_at}"
        return (
            f"grant {change.grant} ({self.policy.grain_name(change.granularity)} reads of "
            f"{change.resource}) from {change.zone} rule {change.rule}, {status}"
        )

    def _chain(self, change: Change) -> dict:
        """A grant's justification chain: rule, premises, traffic light, approval record."""
        decided = None
        if change.decided_by:
            decided = {
                "decision": change.status,
                "by": change.decided_by,
                "at": change.decided_at,
            }
        return {
            "change": change.id,
            "grant": change.grant,
            "granularity": self.policy.grain_name(change.granularity),
            "in_force": change.status in EFFECTIVE,
            "status": change.status,
            "zone": change.zone,
            "rule": change.rule,
            "rule_label": change.rule_label,
            "owner": change.owner,
            "justification": change.justification,
            "premises": [
                {"subject": s, "predicate": p, "object": o} for s, p, o in change.premises
            ],
            "approval": decided,
            "history": change.history,
        }

    # -- explaining ----------------------------------------------------------------------

    def explain(self, raw: ox.Store, subject: Subject, resource: str) -> dict:
        """Why can the principal see the resource, or why not: roles, clearance, the
        decision for every read action with its reasons, and every grant's chain
        (withdrawn ones included, as history).

        Raises:
            NotAnIri: the resource is neither an IRI nor a tier name.
            UnknownResource: semcrm knows no such resource.
        """
        policy = self.policy
        target = self.resolve(raw, resource)
        if target.kind == "unknown":
            if not resource.strip().startswith(_IRI_SCHEMES):
                raise NotAnIri(
                    f"resource {resource!r} is not an IRI or a tier name (the tiers are "
                    + ", ".join(policy.tier_name(r) for r in sorted(policy.tiers.values()))
                    + ")"
                )
            raise UnknownResource(
                f"semcrm knows no resource {target.iri}: it is not a tier, a named graph, a "
                "statement or justification, a resource the policy describes, or an ontology "
                "term"
            )
        assert target.rank is not None
        reads = sorted(policy.action_grains, key=lambda a: policy.grains[policy.action_grains[a]])
        decisions = {}
        for action in reads:
            answer = self.check(raw, subject, action, target.iri)
            decisions[action.removeprefix(ACTION)] = {
                k: answer[k] for k in ("decision", "basis", "because")
            }
        finest = None
        for action in reads:
            if decisions[action.removeprefix(ACTION)]["decision"] == "permit" and action != (
                ACTION + "read-sensitive"
            ):
                finest = policy.grain_name(policy.action_grains[action])
        clearance = max((r.clearance for r in subject.roles), default=None)
        within = clearance is not None and clearance >= target.rank
        tier_name = policy.tier_name(target.rank)
        if clearance is None:
            tier_line = f"{subject.principal} has no access role, so no tier clearance"
        else:
            tier_line = (
                f"{subject.principal} is cleared up to {policy.tier_name(clearance)}; "
                f"{target.iri} is at {tier_name}: "
                + ("within the clearance" if within else "above the clearance")
            )
        all_grants = [
            c
            for c in self.changes(raw)
            if c.principal == subject.principal and c.resource == target.iri
        ]
        if finest:
            answer = f"{subject.principal} can see {target.iri} at {finest} granularity"
        else:
            answer = f"{subject.principal} cannot read {target.iri}"
        basis = {d["basis"] for d in decisions.values() if d["decision"] == "permit"}
        answer += (
            " through a derived grant"
            if basis == {"grant"}
            else " through its roles"
            if basis
            else ""
        )
        return {
            "principal": subject.principal,
            "resource": {
                "iri": target.iri,
                "kind": target.kind,
                "tier": tier_name,
                "because": target.because,
            },
            "answer": answer,
            "can_read_at": finest,
            "roles": [
                {
                    "name": r.name,
                    "iri": r.iri,
                    "clearance": policy.tier_name(r.clearance),
                    "actions": sorted(a.removeprefix(ACTION) for a in r.actions),
                    "from": list(subject.sources.get(r.name, ())),
                }
                for r in subject.roles
            ],
            "clearance": {
                "tier": policy.tier_name(clearance) if clearance is not None else None,
                "resource_tier": tier_name,
                "within": within,
                "because": tier_line,
            },
            "decisions": decisions,
            "grants": [self._chain(c) for c in all_grants],
        }


def require_iri(value: str, what: str) -> str:
    """``value`` stripped, when it is an absolute IRI.

    Raises:
        NotAnIri: it is not.
    """
    text = value.strip()
    if not text.startswith(_IRI_SCHEMES) or any(ch in text for ch in ' <>"{}|\\^`'):
        raise NotAnIri(f"{what} {value!r} is not an IRI (http://, https:// or urn:)")
    return text
