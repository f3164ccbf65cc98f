"""RDF facts as neosemantics-style nodes, relationships and properties.

The mapping is n10s's, so a Neo4j user who has imported RDF before feels at
home:

* one node per resource (IRI or blank node), labelled ``Resource``, with the
  IRI as written in ``uri`` (a blank node ``_:b1`` is ``bnode://b1``);
* ``rdf:type`` with an IRI object becomes a label (:mod:`.naming`);
* a literal object becomes a property, typed (:mod:`.values`); several
  values of one property become a list (``multival="AUTO"``: a scalar when
  there is one value) or always a list (``"ARRAY"``);
* an IRI or blank-node object becomes a relationship to that resource's node
  (one relationship per distinct triple, whatever the number of graphs).

What semcrm adds, as properties whose names start with ``_`` (never a
projected RDF name, which always has a prefix or an IRI):

========================  ====================================================
``_graphs``               named graphs that state the node's triples / the
                          relationship's triple (interaction IRIs,
                          ``graph:inferred``, ``graph:ontology``)
``_sources``              the interactions it rests on: the interaction
                          graphs among ``_graphs`` plus, for derived facts,
                          the interactions that assert their premises
                          (through every derivation step)
``_sensitivity``          the most restrictive tier of those graphs
                          (:data:`TIERS`)
``_asserted``             stated by a graph other than ``graph:inferred``
``_derived``              stated by ``graph:inferred``
``_rules``                (derived relationships) IRIs of the rules that
                          derive it
``_confidence``           (derived relationships) its combined confidence
``_derivedLabels``,       (nodes) labels and keys that only
``_derivedKeys``          ``graph:inferred`` supports, when there are any
``_protectedTier``        when it holds a protected field (a property or class
                          the access policy gives a tier: ``semcrm:text``), the
                          strictest such tier; read only with ``read-field``
========================  ====================================================

A node that is only ever the object of relationships has ``uri`` alone, as
in n10s. Everything here is a pure function of its inputs; reading the store
is :mod:`.reading`.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from semcrm.ontology.neo4j.naming import MODES, Vocabulary
from semcrm.ontology.neo4j.values import homogeneous, lexical, literal_value
from semcrm.ontology.settings import SettingsError

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: Sensitivity tiers from least to most restrictive. A tier semcrm does not
#: know ranks above all of these: an unknown word is never taken as permissive.
TIERS = ("public", "internal", "confidential", "restricted")
DEFAULT_TIER = "internal"

Subject = ox.NamedNode | ox.BlankNode
Object = ox.NamedNode | ox.BlankNode | ox.Literal
#: One fact about a subject: (predicate, object, graph).
Fact = tuple[ox.NamedNode, Object, ox.NamedNode]


@dataclass(frozen=True)
class ProjectionConfig:
    """The choices n10s calls its graph config; stored in Neo4j's ``_GraphConfig`` node."""

    vocab: str = "SHORTEN"
    keep_lang_tag: bool = True
    multival: str = "AUTO"
    include_ontology: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "vocab", self.vocab.upper())
        object.__setattr__(self, "multival", self.multival.upper())
        if self.vocab not in MODES:
            raise SettingsError(
                f"setting neo4j_vocab (SEMCRM_NEO4J_VOCAB) is {self.vocab.lower()!r}, which is "
                f"not one of {', '.join(m.lower() for m in MODES)}"
            )
        if self.multival not in ("AUTO", "ARRAY"):
            raise SettingsError(f"multival {self.multival!r} is not AUTO or ARRAY")

    def fingerprint(self) -> str:
        return f"{self.vocab}/{self.keep_lang_tag}/{self.multival}/{self.include_ontology}"

    def graph_config(self) -> dict[str, Any]:
        """The ``_GraphConfig`` node's properties, named as n10s names them."""
        return {
            "_handleVocabUris": self.vocab,
            "_keepLangTag": self.keep_lang_tag,
            "_handleMultival": self.multival,
            "_handleRDFTypes": "LABELS",
            "_keepCustomDataTypes": False,
            "_classLabel": "Class",
            "_semcrmIncludeOntology": self.include_ontology,
        }


@dataclass(frozen=True)
class Derivation:
    """What the justification graph says about one derived triple."""

    rules: tuple[str, ...] = ()
    confidence: float | None = None
    sources: tuple[str, ...] = ()


_NO_DERIVATION = Derivation()


@dataclass
class NodeRow:
    uri: str
    labels: list[str]
    props: dict[str, Any]


@dataclass
class EdgeRow:
    source: str
    type: str
    target: str
    props: dict[str, Any]


@dataclass
class Context:
    """Everything a projection needs besides the facts."""

    config: ProjectionConfig
    vocabulary: Vocabulary
    inferred: str
    system_graphs: frozenset[str]
    tiers: Mapping[str, str] = field(default_factory=dict)
    #: statement IRI -> Derivation (a dict, or reading.LazyDerivations: anything with .get)
    derivations: Any = field(default_factory=dict)
    statement_iri: Any = None  # (s, p, o) -> statement IRI; semcrm.ontology.iris.statement
    ontology: str | None = None  # graph:ontology when it is projected
    #: protected fields: term IRI -> tier name (read only with read-field; see _protectedTier)
    protected: Mapping[str, str] = field(default_factory=dict)

    def projects(self, graph: str) -> bool:
        """Whether facts of ``graph`` belong in the projection."""
        return graph not in self.system_graphs or graph in (self.inferred, self.ontology)

    def tier(self, graph: str) -> str:
        return self.tiers.get(graph, DEFAULT_TIER)

    def field_tier(self, predicate: str, obj: Object) -> str | None:
        """The tier of the protected field a fact states, if it states one."""
        found = self.protected.get(predicate)
        if found is None and predicate == RDF_TYPE and isinstance(obj, ox.NamedNode):
            found = self.protected.get(obj.value)
        return found

    def derivation(self, subject: Subject, predicate: ox.NamedNode, obj: Object) -> Derivation:
        """What the justifications say about a triple of ``graph:inferred``."""
        if self.statement_iri is None:
            return _NO_DERIVATION
        key = self.statement_iri(subject, predicate, obj).value
        return self.derivations.get(key, _NO_DERIVATION) or _NO_DERIVATION


@dataclass
class Projection:
    nodes: dict[str, NodeRow] = field(default_factory=dict)
    edges: list[EdgeRow] = field(default_factory=list)
    skipped: int = 0  # facts with an object that is a quoted triple (RDF 1.2)


def uri_of(term: Subject) -> str:
    """The ``uri`` property of a resource's node."""
    return f"bnode://{term.value}" if isinstance(term, ox.BlankNode) else term.value


def strictest(tiers: Iterable[str]) -> str:
    """The most restrictive of ``tiers`` (unknown tiers outrank the known ones)."""
    ranked = [(TIERS.index(t) if t in TIERS else len(TIERS), t) for t in tiers]
    return max(ranked)[1] if ranked else DEFAULT_TIER


def project_subject(
    subject: Subject, facts: Sequence[Fact], context: Context
) -> tuple[NodeRow, list[EdgeRow], int]:
    """The node of ``subject`` and its outgoing relationships, from all its facts."""
    uri = uri_of(subject)
    if not facts:
        return NodeRow(uri, [], {"uri": uri}), [], 0
    vocabulary = context.vocabulary
    label_graphs: dict[str, set[str]] = defaultdict(set)
    literal_graphs: dict[str, dict[ox.Literal, set[str]]] = defaultdict(dict)
    edge_graphs: dict[tuple[str, Subject], set[str]] = defaultdict(set)
    edge_predicates: dict[tuple[str, Subject], ox.NamedNode] = {}
    node_graphs: set[str] = set()
    node_sources: set[str] = set()
    node_fields: set[str] = set()
    skipped = 0
    for predicate, obj, graph in facts:
        g = graph.value
        node_graphs.add(g)
        protected = context.field_tier(predicate.value, obj) if context.protected else None
        if protected is not None and (isinstance(obj, ox.Literal) or predicate.value == RDF_TYPE):
            node_fields.add(protected)
        if g == context.inferred:
            node_sources.update(context.derivation(subject, predicate, obj).sources)
        if isinstance(obj, ox.Literal):
            key = _property_key(predicate.value, vocabulary)
            literal_graphs[key].setdefault(obj, set()).add(g)
        elif isinstance(obj, ox.NamedNode) and predicate.value == RDF_TYPE:
            label_graphs[vocabulary.name(obj.value)].add(g)
        elif isinstance(obj, ox.NamedNode | ox.BlankNode):
            key = (vocabulary.name(predicate.value), obj)
            edge_graphs[key].add(g)
            edge_predicates[key] = predicate
        else:
            skipped += 1
    node_sources.update(g for g in node_graphs if g not in context.system_graphs)

    props: dict[str, Any] = {"uri": uri}
    for key in sorted(literal_graphs):
        props[key] = _values(literal_graphs[key], context.config)
    props.update(_metadata(node_graphs, node_sources, context))
    if node_fields:
        props["_protectedTier"] = strictest(node_fields)
    only_derived = {context.inferred}
    derived_labels = sorted(k for k, gs in label_graphs.items() if gs == only_derived)
    derived_keys = sorted(
        k for k, lits in literal_graphs.items() if any(gs == only_derived for gs in lits.values())
    )
    if derived_labels:
        props["_derivedLabels"] = derived_labels
    if derived_keys:
        props["_derivedKeys"] = derived_keys

    edges = []
    for (rel_type, target), graphs in sorted(
        edge_graphs.items(), key=lambda i: (i[0][0], str(i[0][1]))
    ):
        derived = context.inferred in graphs
        derivation = (
            context.derivation(subject, edge_predicates[(rel_type, target)], target)
            if derived
            else Derivation()
        )
        sources = {g for g in graphs if g not in context.system_graphs} | set(derivation.sources)
        edge_props = _metadata(graphs, sources, context)
        protected = context.field_tier(edge_predicates[(rel_type, target)].value, target)
        if protected is not None:
            edge_props["_protectedTier"] = protected
        if derived:
            edge_props["_rules"] = list(derivation.rules)
            if derivation.confidence is not None:
                edge_props["_confidence"] = derivation.confidence
        edges.append(EdgeRow(uri, rel_type, uri_of(target), edge_props))
    return NodeRow(uri, sorted(label_graphs), props), edges, skipped


def project(quads: Iterable[ox.Quad], context: Context) -> Projection:
    """Project a set of quads whole: every subject's node, every relationship, and a bare
    node for each resource that is only an object."""
    facts: dict[Subject, list[Fact]] = defaultdict(list)
    for quad in quads:
        facts[quad.subject].append((quad.predicate, quad.object, quad.graph_name))  # type: ignore[index, arg-type]
    result = Projection()
    for subject in sorted(facts, key=str):
        node, edges, skipped = project_subject(subject, facts[subject], context)
        result.nodes[node.uri] = node
        result.edges.extend(edges)
        result.skipped += skipped
    for edge in result.edges:
        if edge.target not in result.nodes:
            result.nodes[edge.target] = NodeRow(edge.target, [], {"uri": edge.target})
    return result


def facts_digest(facts: Iterable[Fact], subject: Subject, context: Context, graph: str) -> str:
    """A digest of one subject's facts in one graph, with what else its node depends on:
    the graph's tier and, for derived facts, their rules, confidence and sources' tiers."""
    lines = [f"tier {context.tier(graph)}"]
    for predicate, obj, _ in facts:
        line = f"{predicate} {obj}"
        if context.protected and (protected := context.field_tier(predicate.value, obj)):
            line += f" | protected {protected}"
        if graph == context.inferred:
            d = context.derivation(subject, predicate, obj)
            tiers = ",".join(f"{s}={context.tier(s)}" for s in d.sources)
            line += f" | {','.join(d.rules)} | {d.confidence} | {tiers}"
        lines.append(line)
    lines.sort()
    return hashlib.blake2b("\n".join(lines).encode("utf-8"), digest_size=16).hexdigest()


def _property_key(iri: str, vocabulary: Vocabulary) -> str:
    key = vocabulary.name(iri)
    return iri if key == "uri" or key.startswith("_") else key


def _values(literals: dict[ox.Literal, set[str]], config: ProjectionConfig) -> Any:
    ordered = sorted(literals, key=str)
    values = [literal_value(lit, keep_lang_tag=config.keep_lang_tag) for lit in ordered]
    if len(values) == 1 and config.multival == "AUTO":
        return values[0]
    texts = [lexical(lit, keep_lang_tag=config.keep_lang_tag) for lit in ordered]
    return homogeneous(values, texts)


def _metadata(graphs: set[str], sources: set[str], context: Context) -> dict[str, Any]:
    return {
        "_graphs": sorted(graphs),
        "_sources": sorted(sources),
        "_sensitivity": strictest(context.tier(g) for g in graphs | sources),
        "_asserted": any(g != context.inferred for g in graphs),
        "_derived": context.inferred in graphs,
    }


__all__ = [
    "DEFAULT_TIER",
    "TIERS",
    "Context",
    "Derivation",
    "EdgeRow",
    "Fact",
    "NodeRow",
    "Projection",
    "ProjectionConfig",
    "facts_digest",
    "project",
    "project_subject",
    "strictest",
    "uri_of",
]
