"""Grants derived from facts about principals, under the traffic light of their rules.

The reasoner derives ``semcrm:DerivedGrant`` nodes (``ontology/rules/access.ttl``) into
``graph:inferred`` with their justifications; it does not decide whether a grant is in
force. :class:`GrantBook` does, per *change*: one derivation of a grant by one rule.

* green rule: the change is ``applied`` at once;
* yellow rule: the change is ``pending`` until a principal with ``approve-change``
  (governance, admin) approves it (``approved``) or rejects it (``rejected``);
* red rule: the change is ``refused``: a rule never grants at a red zone; only a person
  with the right role changes the policy itself;
* when the reasoner no longer derives it (the facts changed), a change is ``withdrawn``,
  whatever its status was; a later derivation starts a new change (a new approval).

A grant is *effective* while one of its changes is ``applied`` or ``approved``.
:meth:`GrantBook.reconcile` compares what the store derives now with
``<data>/access/grants.json`` and records each transition; every transition and decision
is one line of the audit log (:mod:`.audit`) with the actor, the time, the status before
and after, the rule, the justification IRI and its premises. Reconciling is idempotent and
runs before every read or decision, so the book follows ``semcrm reason`` without a hook
in the reasoner. A file lock serialises the CLI and a running server.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from semcrm.api.access.audit import AuditLog, now
from semcrm.api.access.errors import AccessDenied
from semcrm.api.access.policy import ACTION, AccessPolicy
from semcrm.ontology.errors import SemcrmError
from semcrm.ontology.namespaces import INFERRED_GRAPH, JUSTIFICATION_GRAPH, SEMCRM

VERSION = 1
REASONER = "semcrm reasoner"
LIVE = ("applied", "pending", "approved", "rejected", "refused")
EFFECTIVE = ("applied", "approved")
_ON_DERIVATION = {"green": "applied", "yellow": "pending", "red": "refused"}


class GrantBookError(SemcrmError):
    """The grant book cannot be read or written."""


class UnknownChange(SemcrmError):
    """No change has this id."""


class ChangeNotPending(SemcrmError):
    """The change is not waiting for a decision (already decided, withdrawn, or red)."""


@dataclass
class Change:
    id: str
    grant: str
    principal: str
    resource: str
    granularity: str
    rule: str
    rule_label: str
    zone: str
    owner: str
    justification: str
    premises: list[list[str]]
    status: str
    seq: int
    created: str
    decided_by: str | None = None
    decided_at: str | None = None
    history: list[dict] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        return (self.grant, self.rule)

    def public(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Derivation:
    grant: str
    principal: str
    resource: str
    granularity: str
    rule: str
    rule_label: str
    zone: str
    owner: str
    justification: str
    premises: tuple[tuple[str, str, str], ...]


_DERIVATIONS = f"""
PREFIX semcrm: <{SEMCRM}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?grant ?p ?res ?level ?rule ?j ?zone ?owner ?label WHERE {{
  GRAPH <{INFERRED_GRAPH}> {{
    ?grant a semcrm:DerivedGrant ; semcrm:grantee ?p ; semcrm:grantTarget ?res ;
           semcrm:grantGranularity ?level .
  }}
  GRAPH <{JUSTIFICATION_GRAPH}> {{
    ?st rdf:subject ?grant ; rdf:predicate semcrm:grantGranularity ; rdf:object ?level .
    ?j semcrm:derives ?st ; semcrm:rule ?rule .
  }}
  OPTIONAL {{ GRAPH ?o1 {{ ?rule semcrm:zone ?zone }} }}
  OPTIONAL {{ GRAPH ?o2 {{ ?rule semcrm:owner ?owner }} }}
  OPTIONAL {{ GRAPH ?o3 {{ ?rule rdfs:label ?label FILTER (LANGMATCHES(LANG(?label), "en")) }} }}
}}
"""

_PREMISES = f"""
PREFIX semcrm: <{SEMCRM}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?j ?s ?p ?o WHERE {{
  GRAPH <{JUSTIFICATION_GRAPH}> {{
    ?j a semcrm:Justification ; semcrm:premise ?st .
    ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  }}
}}
"""


def _term(term) -> str:
    return term.value if term is not None else ""


def derivations(raw: ox.Store) -> dict[tuple[str, str], Derivation]:
    """Every (grant, rule) the store derives now, with one justification each (the first by
    IRI, so the choice is stable). A rule without a zone counts as red."""
    premises: dict[str, list[tuple[str, str, str]]] = {}
    rows = list(raw.query(_DERIVATIONS))
    wanted = {row["j"].value for row in rows}
    if wanted:
        for row in raw.query(_PREMISES):
            if row["j"].value in wanted:
                premises.setdefault(row["j"].value, []).append(
                    (row["s"].value, row["p"].value, _literal(row["o"]))
                )
    out: dict[tuple[str, str], Derivation] = {}
    for row in sorted(rows, key=lambda r: r["j"].value):
        key = (row["grant"].value, row["rule"].value)
        if key in out:
            continue
        zone = _term(row["zone"]).removeprefix(str(SEMCRM)) or "red"
        out[key] = Derivation(
            grant=key[0],
            principal=row["p"].value,
            resource=row["res"].value,
            granularity=row["level"].value,
            rule=key[1],
            rule_label=_term(row["label"]),
            zone=zone if zone in _ON_DERIVATION else "red",
            owner=_term(row["owner"]),
            justification=row["j"].value,
            premises=tuple(sorted(premises.get(row["j"].value, []))),
        )
    return out


def _literal(term) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.BlankNode) else str(term)


class GrantBook:
    """The changes of one data folder (``<data>/access/grants.json``) and their audit log."""

    def __init__(self, data_dir: Path | str) -> None:
        self.path = Path(data_dir) / "access" / "grants.json"
        self.audit = AuditLog(data_dir)

    # -- reading ---------------------------------------------------------------------

    def changes(self, raw: ox.Store) -> list[Change]:
        """Every change, after reconciling with what ``raw`` derives now."""
        with self._locked():
            return self._reconcile(raw)

    def effective(self, raw: ox.Store) -> list[Change]:
        """Changes in force: applied (green) or approved (yellow), still derived."""
        return [c for c in self.changes(raw) if c.status in EFFECTIVE]

    def reconcile(self, raw: ox.Store) -> list[Change]:
        return self.changes(raw)

    # -- deciding --------------------------------------------------------------------

    def decide(
        self, raw: ox.Store, change_id: str, *, approve: bool, actor: str, because: str = ""
    ) -> Change:
        """Approve or reject a pending change as ``actor`` (whose right to decide the caller
        checked with :func:`require_approver`).

        Raises:
            UnknownChange: no change has this id.
            ChangeNotPending: it is not pending; an attempt on a red change is audited.
        """
        with self._locked():
            changes = self._reconcile(raw)
            change = next((c for c in changes if c.id == change_id), None)
            if change is None:
                raise UnknownChange(
                    f"no change has id {change_id!r}; `semcrm approvals list` shows the ids"
                )
            verb = "approve" if approve else "reject"
            if change.status != "pending":
                if change.zone == "red":
                    self._log(
                        change,
                        "approval.refused",
                        actor,
                        change.status,
                        change.status,
                        f"{actor} tried to {verb} a grant derived by red rule {change.rule}; "
                        "red grants are never applied from a rule, only by a policy change",
                    )
                    raise ChangeNotPending(
                        f"change {change.id} comes from a red rule ({change.rule}): a rule's "
                        "red grant is never applied; a person with the right role changes "
                        "the policy instead"
                    )
                raise ChangeNotPending(
                    f"change {change.id} is {change.status}, not pending; only pending "
                    "changes are approved or rejected"
                )
            if approve and actor == change.principal:
                self._log(
                    change, "approval.refused", actor, "pending", "pending",
                    f"{actor} tried to approve a grant to themself; another approver decides",
                )  # fmt: skip
                raise AccessDenied(
                    f"{actor} may not approve change {change.id}: it grants them access; "
                    "another principal with approve-change decides it"
                )
            after = "approved" if approve else "rejected"
            change.status, change.decided_by, change.decided_at = after, actor, now()
            self._log(change, f"grant.{after}", actor, "pending", after, because)
            self._write(changes)
            return change

    # -- internals -------------------------------------------------------------------

    def _reconcile(self, raw: ox.Store) -> list[Change]:
        changes = self._read()
        current = derivations(raw)
        live = {c.key: c for c in changes if c.status in LIVE}
        dirty = False
        for key, change in live.items():
            if key not in current:
                before = change.status
                change.status = "withdrawn"
                self._log(
                    change,
                    "grant.withdrawn",
                    REASONER,
                    before,
                    "withdrawn",
                    "the rule no longer derives this grant from the current facts",
                )
                dirty = True
        for key, d in sorted(current.items()):
            if key in live:
                continue
            seq = 1 + max((c.seq for c in changes if c.key == key), default=0)
            change = Change(
                id=hashlib.sha256(f"{d.grant} {d.rule} {seq}".encode()).hexdigest()[:12],
                grant=d.grant,
                principal=d.principal,
                resource=d.resource,
                granularity=d.granularity,
                rule=d.rule,
                rule_label=d.rule_label,
                zone=d.zone,
                owner=d.owner,
                justification=d.justification,
                premises=[list(p) for p in d.premises],
                status=_ON_DERIVATION[d.zone],
                seq=seq,
                created=now(),
            )
            changes.append(change)
            reason = {
                "green": "green rule: applied at once",
                "yellow": f"yellow rule: waits for approval by {d.owner or 'governance'}",
                "red": "red rule: a rule may not make this change; refused",
            }[d.zone]
            self._log(change, f"grant.{change.status}", REASONER, None, change.status, reason)
            dirty = True
        if dirty:
            self._write(changes)
        return changes

    def _log(self, change: Change, event: str, actor: str, before, after, because: str) -> None:
        entry = self.audit.append(
            {
                "event": event,
                "actor": actor,
                "change": change.id,
                "grant": change.grant,
                "principal": change.principal,
                "resource": change.resource,
                "granularity": change.granularity,
                "rule": change.rule,
                "zone": change.zone,
                "owner": change.owner,
                "justification": change.justification,
                "premises": change.premises,
                "before": before,
                "after": after,
                "because": because,
            }
        )
        change.history.append({"time": entry["time"], "event": event, "actor": actor})

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.parent / ".grants.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _read(self) -> list[Change]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
            return [Change(**c) for c in data.get("changes", [])]
        except FileNotFoundError:
            return []
        except (OSError, ValueError, TypeError) as exc:
            raise GrantBookError(
                f"{self.path}: not a semcrm grant book ({type(exc).__name__}); the audit "
                "log (<data>/audit/access.jsonl) records every change it held"
            ) from exc

    def _write(self, changes: list[Change]) -> None:
        payload = {"version": VERSION, "changes": [asdict(c) for c in changes]}
        fd, temp = tempfile.mkstemp(prefix=".grants-", suffix=".json", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(payload, handle, indent=2, ensure_ascii=False)
                handle.write("\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


def require_approver(policy: AccessPolicy, principal: str, roles: list[str]) -> None:
    """``principal`` may decide changes: one of its roles performs approve-change.

    Raises:
        AccessDenied: no role of the principal may approve changes.
    """
    approve = ACTION + "approve-change"
    if any(approve in policy.roles[r].actions for r in roles if r in policy.roles):
        return
    shown = ", ".join(sorted(roles)) or "no access role"
    raise AccessDenied(
        f"{principal} ({shown}) may not approve or reject changes; that needs a role with "
        "approve-change (governance or admin)"
    )


def principal_roles(policy: AccessPolicy, keys, principal: str) -> list[str]:
    """A principal's roles: ``semcrm:hasAccessRole`` in the ontology plus its unrevoked keys'."""
    names = set(policy.principal_roles.get(principal, ()))
    names |= {r.role for r in keys.records() if r.principal == principal and not r.revoked}
    return sorted(names)
