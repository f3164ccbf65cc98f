"""Rules as data: the :class:`Rule` model and loading rules from RDF.

A rule is one resource of type ``semcrm:Rule`` in a Turtle file under
``ontology/rules/`` (docs/rules.md shows a whole one). Its body and head are
SPARQL text in string literals; :func:`load_rules` parses them with the rule
file's own ``@prefix`` declarations (plus rdf, rdfs, owl, xsd and skos), checks
them (:mod:`semcrm.reasoning.checks`) and returns frozen :class:`Rule` values
holding both the IR and the source text.

Design decisions:

* Everything that can be wrong with a rule is found here, at load time, and
  raised as a :class:`~semcrm.reasoning.errors.RuleLoadError` that names the
  rule, the part (``body``, ``head``, ``confidenceExpression``) and the line
  and column inside it. The engine never meets a malformed rule.
* A rule needs a body, a head and a zone; label, owner and version are
  optional (empty), the weight defaults to 1.0 and must lie in (0, 1], the
  priority defaults to 0, the layer to 1.
* A rule's *layer* (``semcrm:layer``, an integer, default 1) says which
  closure it reads: the rules of a layer read the asserted facts and
  everything lower layers derive, and their conclusions are not fed back
  to lower layers. The OWL 2 RL rules are layer 0, so business rules (with
  negation and aggregates) read the OWL 2 RL closure, and can stratify
  although OWL 2 RL's variable-predicate rules could otherwise derive any
  fact (docs/rules.md, "Layers").
* :meth:`Rule.to_sparql` assembles ``CONSTRUCT { head } WHERE { body }`` with
  PREFIX lines: the rule's meaning *is* that query's (the engine is tested
  against Oxigraph running it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from semcrm.reasoning.checks import check_confidence, check_group, check_head
from semcrm.reasoning.errors import RuleLoadError
from semcrm.reasoning.lexer import SyntaxProblem
from semcrm.reasoning.parser import parse_body, parse_expression, parse_head
from semcrm.reasoning.syntax import Expr, Group, TriplePattern

SEMCRM = rdflib.Namespace("https://w3id.org/semcrm/ns#")
ZONES = ("green", "yellow", "red")

#: Prefixes every rule may use without declaring them.
STANDARD_PREFIXES: dict[str, str] = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
}
_LOCAL = re.compile(r"[^\W\d][\w\-]*")


@dataclass(frozen=True)
class RuleSource:
    """The text a rule was parsed from, kept for display and for SPARQL assembly."""

    body: str
    head: str
    confidence: str | None
    prefixes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    """One IF (body) / THEN (head) rule, parsed and checked.

    ``confidence`` is the IR of the confidence expression (None: 1.0); ``zone``
    is ``"green"``, ``"yellow"`` or ``"red"``.
    """

    iri: str
    body: Group
    head: tuple[TriplePattern, ...]
    source: RuleSource
    label: Mapping[str, str] = field(default_factory=dict)
    zone: str = "green"
    owner: str = ""
    version: str = ""
    weight: float = 1.0
    priority: int = 0
    confidence: Expr | None = None
    layer: int = 1

    @property
    def display(self) -> str:
        """The rule's name as messages print it (``rule:x``, or ``<iri>``)."""
        return compact(self.iri, self.source.prefixes)

    def to_sparql(self) -> str:
        """The rule as the SPARQL query ``CONSTRUCT { head } WHERE { body }`` it means."""
        text = self.source.head + " " + self.source.body
        lines = [
            f"PREFIX {name}: <{iri}>"
            for name, iri in sorted(self.source.prefixes.items())
            if re.search(rf"(?<![\w\-.]){re.escape(name)}:", text)
        ]
        lines.append(f"CONSTRUCT {{\n{self.source.head}\n}}\nWHERE {{\n{self.source.body}\n}}")
        return "\n".join(lines)


def compact(iri: str, prefixes: Mapping[str, str]) -> str:
    """``iri`` as a prefixed name when a prefix fits (the longest one), else ``<iri>``."""
    best, shown = "", f"<{iri}>"
    for name, namespace in prefixes.items():
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and _LOCAL.fullmatch(local) and len(namespace) > len(best):
            best, shown = namespace, f"{name}:{local}"
    return shown


def parse_rule(
    iri: str,
    body: str,
    head: str,
    prefixes: Mapping[str, str] | None = None,
    *,
    confidence: str | None = None,
    label: Mapping[str, str] | None = None,
    zone: str = "green",
    owner: str = "",
    version: str = "",
    weight: float = 1.0,
    priority: int = 0,
    layer: int = 1,
) -> Rule:
    """Parse and check one rule from its parts; RuleLoadError if any part is wrong."""
    names = {**STANDARD_PREFIXES, **(prefixes or {})}
    display = compact(iri, names)

    def load_error(part: str | None, problem: SyntaxProblem | str) -> RuleLoadError:
        if isinstance(problem, str):
            return RuleLoadError(iri, problem, part=part, display=display)
        return RuleLoadError(
            iri, problem.message, problem.line, problem.column, part=part, display=display
        )

    if zone not in ZONES:
        raise load_error(None, f"unknown zone '{zone}'; use semcrm:green, semcrm:yellow or red")
    if not 0.0 < weight <= 1.0:
        raise load_error(None, f"weight {weight} is outside (0, 1]")
    part = "body"
    try:
        body_ir = parse_body(body, names)
        check_group(body_ir)
        part = "head"
        head_ir = parse_head(head, names)
        if not head_ir:
            raise SyntaxProblem("the head has no triple template", 1, 1)
        check_head(head_ir, body_ir)
        confidence_ir = None
        if confidence is not None:
            part = "confidenceExpression"
            confidence_ir = parse_expression(confidence, names, "confidence expression")
            check_confidence(confidence_ir, body_ir)
    except SyntaxProblem as problem:
        raise load_error(part, problem) from None
    return Rule(
        iri=iri,
        body=body_ir,
        head=head_ir,
        source=RuleSource(body, head, confidence, names),
        label=dict(label or {}),
        zone=zone,
        owner=owner,
        version=version,
        weight=weight,
        priority=priority,
        confidence=confidence_ir,
        layer=layer,
    )


def _one(
    graph: rdflib.Graph, rule: rdflib.URIRef, prop: rdflib.URIRef, display: str
) -> rdflib.term.Node | None:
    """The single value of ``prop`` on ``rule`` (None if absent); a load error if several."""
    values = list(graph.objects(rule, prop))
    if len(values) > 1:
        name = graph.namespace_manager.normalizeUri(prop)
        raise RuleLoadError(
            str(rule), f"has {len(values)} values of {name}; give one", display=display
        )
    return values[0] if values else None


def _rule_from_graph(graph: rdflib.Graph, node: rdflib.URIRef, prefixes: dict[str, str]) -> Rule:
    iri = str(node)
    display = compact(iri, prefixes)

    def fail(message: str) -> RuleLoadError:
        return RuleLoadError(iri, message, display=display)

    body = _one(graph, node, SEMCRM.body, display)
    head = _one(graph, node, SEMCRM.head, display)
    if body is None:
        raise fail("has no semcrm:body; give the IF part as a SPARQL group pattern")
    if head is None:
        raise fail("has no semcrm:head; give the THEN part as triple templates")
    zone_node = _one(graph, node, SEMCRM.zone, display)
    zone = str(zone_node)[len(str(SEMCRM)) :] if zone_node is not None else ""
    if zone_node is None or not str(zone_node).startswith(str(SEMCRM)) or zone not in ZONES:
        shown = "none" if zone_node is None else f"<{zone_node}>"
        raise fail(f"unknown zone {shown}; use semcrm:green, semcrm:yellow or semcrm:red")
    weight_node = _one(graph, node, SEMCRM.weight, display)
    priority_node = _one(graph, node, SEMCRM.priority, display)
    layer_node = _one(graph, node, SEMCRM.layer, display)
    try:
        weight = float(weight_node) if weight_node is not None else 1.0
        priority = int(priority_node) if priority_node is not None else 0
        layer = int(layer_node) if layer_node is not None else 1
    except (TypeError, ValueError):
        raise fail(
            "semcrm:weight must be a number, semcrm:priority and semcrm:layer integers"
        ) from None
    confidence = _one(graph, node, SEMCRM.confidenceExpression, display)
    labels = {
        (lit.language or ""): str(lit)
        for lit in graph.objects(node, RDFS.label)
        if isinstance(lit, rdflib.Literal)
    }
    owner = _one(graph, node, SEMCRM.owner, display)
    version = _one(graph, node, OWL.versionInfo, display)
    return parse_rule(
        iri,
        str(body),
        str(head),
        prefixes,
        confidence=str(confidence) if confidence is not None else None,
        label=labels,
        zone=zone,
        owner=str(owner) if owner is not None else "",
        version=str(version) if version is not None else "",
        weight=weight,
        priority=priority,
        layer=layer,
    )


def load_rules(graph: rdflib.Graph) -> list[Rule]:
    """Every ``semcrm:Rule`` in ``graph``, parsed and checked, in IRI order."""
    prefixes = {**STANDARD_PREFIXES}
    prefixes.update({name: str(ns) for name, ns in graph.namespaces()})
    nodes = sorted(set(graph.subjects(RDF.type, SEMCRM.Rule)), key=str)
    for node in nodes:
        if not isinstance(node, rdflib.URIRef):
            raise RuleLoadError(f"_:{node}", "a rule must be named by an IRI, not a blank node")
    return [_rule_from_graph(graph, node, prefixes) for node in nodes]  # type: ignore[arg-type]


__all__ = [
    "STANDARD_PREFIXES",
    "ZONES",
    "Rule",
    "RuleSource",
    "compact",
    "load_rules",
    "parse_rule",
]
