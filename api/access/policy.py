"""The access policy as plain data, read from the ontology's access module.

Nothing about roles, tiers or actions is written in code: ranks, clearances,
permitted actions, interaction classes' default tiers, confidentiality
markings and the tiers of described resources all come from
``ontology/access.ttl`` (and whatever ``<data>/ontology`` adds or overrides).
:class:`AccessPolicy` holds only strings, ints and tuples, so it crosses into
the SPARQL worker processes unchanged.

A decision (:func:`decide`) is permit or deny with the chain of reasons that
led to it, each reason a sentence naming the IRIs involved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from semcrm.ontology.errors import SemcrmError
from semcrm.ontology.loader import Ontology
from semcrm.ontology.namespaces import BASE, SEMCRM

TIER = BASE + "tier/"
GRAIN = BASE + "granularity/"
ACTION = BASE + "action/"
ACCESS_ROLE = BASE + "access-role/"
PRINCIPAL = BASE + "id/principal/"


class PolicyError(SemcrmError):
    """The ontology's access module cannot be used as a policy (a tier without a rank ...)."""


class UnknownAccessTerm(SemcrmError):
    """A role, action or tier that the access policy does not define."""


@dataclass(frozen=True)
class Role:
    iri: str
    name: str
    clearance: int  # rank of the most sensitive readable tier
    actions: frozenset[str]  # action IRIs


@dataclass(frozen=True)
class AccessPolicy:
    """Everything access decisions need, as plain data (see the module docstring)."""

    tiers: dict[str, int]  # tier IRI -> rank
    tier_labels: dict[str, str]  # tier IRI -> English label
    roles: dict[str, Role]  # local name ("analyst") -> role
    actions: dict[str, str]  # local name ("read-record") -> action IRI
    class_tiers: dict[str, int] = field(default_factory=dict)  # class IRI (closed) -> rank
    class_reasons: dict[str, str] = field(default_factory=dict)  # class IRI -> declaring class
    document_classes: frozenset[str] = frozenset()
    markings: tuple[tuple[str, int], ...] = ()  # (casefolded phrase, rank), finest first
    resource_tiers: dict[str, int] = field(default_factory=dict)  # resource IRI -> rank
    principal_roles: dict[str, frozenset[str]] = field(default_factory=dict)
    grains: dict[str, int] = field(default_factory=dict)  # granularity level IRI -> rank
    action_grains: dict[str, str] = field(default_factory=dict)  # action IRI -> level IRI

    def grain_name(self, level: str) -> str:
        return level.removeprefix(GRAIN)

    # -- tiers ------------------------------------------------------------------------

    @property
    def top(self) -> int:
        return max(self.tiers.values())

    @property
    def bottom(self) -> int:
        return min(self.tiers.values())

    def tier_iri(self, rank: int) -> str:
        return next(iri for iri, r in self.tiers.items() if r == rank)

    def tier_name(self, rank: int) -> str:
        return self.tier_iri(rank).removeprefix(TIER)

    def rank_of(self, tier: str) -> int:
        """The rank of a tier given by IRI or local name ("confidential")."""
        iri = tier if tier.startswith("http") else TIER + tier
        if iri not in self.tiers:
            raise UnknownAccessTerm(
                f"unknown sensitivity tier {tier!r}; the tiers are "
                + ", ".join(self.tier_name(r) for r in sorted(self.tiers.values()))
            )
        return self.tiers[iri]

    # -- roles and actions ----------------------------------------------------------------

    def role(self, name: str) -> Role:
        key = name.removeprefix(ACCESS_ROLE)
        if key not in self.roles:
            raise UnknownAccessTerm(
                f"unknown role {name!r}; the roles are {', '.join(sorted(self.roles))}"
            )
        return self.roles[key]

    def action(self, name: str) -> str:
        key = name.removeprefix(ACTION)
        if key not in self.actions:
            raise UnknownAccessTerm(
                f"unknown action {name!r}; the actions are {', '.join(sorted(self.actions))}"
            )
        return self.actions[key]


@dataclass(frozen=True)
class Decision:
    permit: bool
    because: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"decision": "permit" if self.permit else "deny", "because": list(self.because)}


def decide(
    policy: AccessPolicy,
    roles: list[Role],
    action: str,
    tier: int,
    *,
    who: str,
    what: str,
    scopes: frozenset[str] | None = None,
) -> Decision:
    """May a principal with ``roles`` perform ``action`` (IRI) on a resource of rank ``tier``?

    Permit when one role both performs the action and is cleared for the tier (and the
    key's ``scopes``, when given, include the action); the restricted tier also needs
    ``read-sensitive`` for a read. ``because`` explains the outcome either way.
    """
    act = action.removeprefix(ACTION)
    tier_name = policy.tier_name(tier)
    because: list[str] = [f"{what} is at tier {tier_name}"]
    if not roles:
        because.append(f"{who} has no access role")
        return Decision(False, tuple(because))
    if scopes is not None and action not in scopes:
        because.append(f"the key used is not scoped for {act}")
        return Decision(False, tuple(because))
    sensitive = policy.actions.get("read-sensitive")
    needs_sensitive = act.startswith("read-") and tier == policy.top and sensitive is not None
    for role in sorted(roles, key=lambda r: (-r.clearance, r.name)):
        if action not in role.actions:
            because.append(f"role {role.name} may not perform {act}")
            continue
        if role.clearance < tier:
            because.append(
                f"role {role.name} is cleared up to {policy.tier_name(role.clearance)}, "
                f"below {tier_name}"
            )
            continue
        if needs_sensitive and sensitive not in role.actions:
            because.append(
                f"role {role.name} may not perform read-sensitive, which {tier_name} needs"
            )
            continue
        because += [
            f"{who} has role {role.name}",
            f"role {role.name} may perform {act}",
            f"role {role.name} is cleared up to {policy.tier_name(role.clearance)}",
        ]
        return Decision(True, tuple(because))
    return Decision(False, tuple(because))


# -- reading the policy from the ontology ---------------------------------------------------


def load_policy(ontology: Ontology) -> AccessPolicy:
    """The access policy of a loaded ontology.

    Raises:
        PolicyError: the access module is missing or a tier has no integer rank.
    """
    return policy_from_graph(ontology.graph)


def policy_from_graph(graph: Graph) -> AccessPolicy:
    tiers: dict[str, int] = {}
    labels: dict[str, str] = {}
    for tier in graph.subjects(RDF.type, SEMCRM.SensitivityTier):
        rank = graph.value(tier, SEMCRM.rank)
        if not isinstance(rank, Literal) or not isinstance(rank.toPython(), int):
            raise PolicyError(f"sensitivity tier {tier} has no integer semcrm:rank; give it one")
        tiers[str(tier)] = int(rank.toPython())
        labels[str(tier)] = _label(graph, tier)
    if not tiers:
        raise PolicyError("the ontology defines no semcrm:SensitivityTier; is access.ttl loaded?")
    if len(set(tiers.values())) != len(tiers):
        raise PolicyError("two sensitivity tiers share a rank; the tiers must be totally ordered")

    def rank(node) -> int | None:
        return tiers.get(str(node)) if node is not None else None

    actions = {
        str(a).removeprefix(ACTION): str(a)
        for a in graph.subjects(RDF.type, SEMCRM.AccessAction)
        if isinstance(a, URIRef)
    }
    roles: dict[str, Role] = {}
    for role in graph.subjects(RDF.type, SEMCRM.AccessRole):
        clearance = rank(graph.value(role, SEMCRM.clearance))
        name = str(role).removeprefix(ACCESS_ROLE)
        roles[name] = Role(
            iri=str(role),
            name=name,
            clearance=min(tiers.values()) if clearance is None else clearance,
            actions=frozenset(str(a) for a in graph.objects(role, SEMCRM.mayPerform)),
        )

    declared = {
        str(c): r
        for c, t in graph.subject_objects(SEMCRM.defaultSensitivity)
        if (r := rank(t)) is not None
    }
    class_tiers: dict[str, int] = {}
    class_reasons: dict[str, str] = {}
    for cls in set(graph.subjects(RDFS.subClassOf)) | {URIRef(c) for c in declared}:
        for ancestor in graph.transitive_objects(cls, RDFS.subClassOf):
            r = declared.get(str(ancestor))
            if r is not None and r >= class_tiers.get(str(cls), -1):
                class_tiers[str(cls)] = r
                class_reasons[str(cls)] = str(ancestor)
    documents = frozenset(
        str(c) for c in graph.transitive_subjects(RDFS.subClassOf, SEMCRM.Document)
    )
    markings = sorted(
        {
            (str(phrase).casefold(), r)
            for tier, phrase in graph.subject_objects(SEMCRM.marking)
            if (r := rank(tier)) is not None and str(phrase).strip()
        },
        key=lambda m: (-m[1], m[0]),
    )
    resources = {
        str(s): r
        for s, t in graph.subject_objects(SEMCRM.sensitivity)
        if isinstance(s, URIRef) and (r := rank(t)) is not None
    }
    grains = {
        str(level): int(r.toPython())
        for level in graph.subjects(RDF.type, SEMCRM.GranularityLevel)
        if isinstance(r := graph.value(level, SEMCRM.rank), Literal)
        and isinstance(r.toPython(), int)
    }
    action_grains = {
        str(a): str(level)
        for a, level in graph.subject_objects(SEMCRM.granularity)
        if str(a) in actions.values() and str(level) in grains
    }
    principal_roles: dict[str, set[str]] = {}
    for principal, role in graph.subject_objects(SEMCRM.hasAccessRole):
        principal_roles.setdefault(str(principal), set()).add(str(role).removeprefix(ACCESS_ROLE))
    return AccessPolicy(
        tiers=tiers,
        tier_labels=labels,
        roles=roles,
        actions=actions,
        class_tiers=class_tiers,
        class_reasons=class_reasons,
        document_classes=documents,
        markings=tuple(markings),
        resource_tiers=resources,
        principal_roles={p: frozenset(r) for p, r in principal_roles.items()},
        grains=grains,
        action_grains=action_grains,
    )


def _label(graph: Graph, node) -> str:
    for label in graph.objects(node, SKOS.prefLabel):
        if isinstance(label, Literal) and label.language == "en":
            return str(label)
    return str(node).rsplit("/", 1)[-1]
