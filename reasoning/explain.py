"""Explanations: the proof tree of a fact, down to the quoted sentence.

``explain(store, iri)`` walks from a statement back through its
justifications (rule -> premises -> ...) to asserted statements, and from
each asserted statement to the evidence spans of the interaction that
asserts it. The tree, as JSON::

    {"statement": {"iri", "subject", "predicate", "object", "derived", "confidence"},
     "justifications": [{"iri", "rule": {"iri", "label"}, "confidence",
                         "premises": [<tree>, ...]}],          # derived statements
     "asserted_in": ["<graph>", ...],                           # asserted statements
     "evidence": [{"interaction", "turn", "start", "end", "quote", "source", "via"}]}

The leaves are evidence objects: every derived fact bottoms out in quotes
with their interaction, turn and character offsets; ``via`` names the
predicate of the asserted statement the quote supports. A premise from the
ontology (a TBox axiom) has ``asserted_in: [graph:ontology]`` and no quote.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from semcrm.ontology.errors import SemcrmError
from semcrm.ontology.namespaces import JUSTIFICATION_GRAPH, ONTOLOGY_GRAPH, RDF, RDFS, SEMCRM
from semcrm.ontology.store import KnowledgeStore

JUSTIFICATIONS = ox.NamedNode(str(JUSTIFICATION_GRAPH))
ONTOLOGY = ox.NamedNode(str(ONTOLOGY_GRAPH))
MAX_DEPTH = 24


def _p(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{SEMCRM}{name}")


_SUBJECT, _PREDICATE, _OBJECT = (
    ox.NamedNode(str(RDF[n])) for n in ("subject", "predicate", "object")
)
_LABEL = ox.NamedNode(str(RDFS.label))
_PREF_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")


class UnknownStatement(SemcrmError):
    """The IRI is neither a statement semcrm derived or used, nor a node with evidence."""


class InvalidIri(SemcrmError):
    """The argument is not an absolute IRI."""


def parse_iri(value: str) -> ox.NamedNode:
    """``value`` as an IRI (angle brackets allowed), or :class:`InvalidIri` saying what is wrong."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    try:
        return ox.NamedNode(text)
    except ValueError as exc:
        shown = value if len(value) <= 200 else value[:200] + f"… ({len(value)} characters)"
        raise InvalidIri(
            f"{shown!r} is not an absolute IRI ({str(exc)[:200]}); pass a statement IRI such as "
            "https://w3id.org/semcrm/id/statement/… from `semcrm context` or `semcrm derived`"
        ) from exc


@dataclass(frozen=True)
class Explainer:
    store: KnowledgeStore
    max_evidence: int = 8

    def _one(self, s: object, p: ox.NamedNode, graph: ox.NamedNode | None = None):
        for quad in self.store.oxigraph.quads_for_pattern(s, p, None, graph):
            return quad.object
        return None

    def _all(self, s: object, p: ox.NamedNode, graph: ox.NamedNode | None = None) -> list:
        return [q.object for q in self.store.oxigraph.quads_for_pattern(s, p, None, graph)]

    def explain(self, iri: str) -> dict[str, Any]:
        node = parse_iri(iri)
        iri = node.value
        if self._one(node, _SUBJECT, JUSTIFICATIONS) is None:
            evidence = self.node_evidence(node, None)
            if evidence:
                return {"node": iri, "evidence": evidence}
            raise UnknownStatement(
                f"{iri} is not a statement semcrm derived or used as a premise; "
                "list derived facts with `semcrm derived`, or pass a signal, mention or "
                "participation IRI to see its evidence"
            )
        return self._tree(node, depth=0, path=frozenset())

    def _tree(self, node: ox.NamedNode, depth: int, path: frozenset[str]) -> dict[str, Any]:
        s = self._one(node, _SUBJECT, JUSTIFICATIONS)
        p = self._one(node, _PREDICATE, JUSTIFICATIONS)
        o = self._one(node, _OBJECT, JUSTIFICATIONS)
        derived_flag = self._one(node, _p("derived"), JUSTIFICATIONS)
        derived = derived_flag is not None and derived_flag.value == "true"
        confidence = self._one(node, _p("confidence"), JUSTIFICATIONS)
        tree: dict[str, Any] = {
            "statement": {
                "iri": node.value,
                "subject": _term(s),
                "predicate": _term(p),
                "object": _term(o),
                "derived": derived,
                "confidence": float(confidence.value) if confidence is not None else 1.0,
            }
        }
        if not derived:
            graphs = [
                g
                for g in self._all(node, _p("assertedIn"), JUSTIFICATIONS)
                if isinstance(g, ox.NamedNode)
            ]
            tree["asserted_in"] = [g.value for g in graphs]
            evidence: list[dict[str, Any]] = []
            for graph in graphs:
                if graph == ONTOLOGY:
                    continue
                evidence += self.triple_evidence(s, o, graph)
            for item in evidence:
                item["via"] = p.value if p is not None else None
            tree["evidence"] = dedupe_evidence(evidence)[: self.max_evidence]
            return tree
        justifications = []
        if depth >= MAX_DEPTH or node.value in path:
            tree["truncated"] = True
            tree["justifications"] = []
            return tree
        for quad in self.store.oxigraph.quads_for_pattern(
            None, _p("derives"), node, JUSTIFICATIONS
        ):
            j = quad.subject
            rule = self._one(j, _p("rule"), JUSTIFICATIONS)
            jconf = self._one(j, _p("confidence"), JUSTIFICATIONS)
            premises = sorted(self._all(j, _p("premise"), JUSTIFICATIONS), key=lambda t: t.value)
            justifications.append(
                {
                    "iri": j.value,
                    "rule": {"iri": rule.value if rule else None, "label": self.label(rule)},
                    "confidence": float(jconf.value) if jconf is not None else None,
                    "premises": [self._tree(pr, depth + 1, path | {node.value}) for pr in premises],
                }
            )
        justifications.sort(key=lambda j: (-(j["confidence"] or 0), j["iri"]))
        tree["justifications"] = justifications
        return tree

    # -- evidence ---------------------------------------------------------------------

    def triple_evidence(self, s: object, o: object, graph: ox.NamedNode) -> list[dict[str, Any]]:
        """Quotes that support a triple asserted in ``graph``: the evidence of its nodes."""
        for node in (s, o):
            if isinstance(node, ox.NamedNode):
                found = self.node_evidence(node, graph)
                if found:
                    return found
        for node in (o, s):
            if isinstance(node, ox.NamedNode):
                mentions = [
                    q.subject
                    for q in self.store.oxigraph.quads_for_pattern(
                        None, _p("refersTo"), node, graph
                    )
                ]
                found = [e for m in mentions for e in self.node_evidence(m, graph)]
                if found:
                    return found
        return self.source_evidence(graph)

    def node_evidence(self, node: ox.NamedNode, graph: ox.NamedNode | None) -> list[dict[str, Any]]:
        spans = self._all(node, _p("evidence"), graph)
        return [self.span(span) for span in spans if isinstance(span, ox.NamedNode)]

    def span(self, span: ox.NamedNode) -> dict[str, Any]:
        interaction = self._one(span, _p("inInteraction"))
        turn = self._one(span, _p("inTurn"))
        index = self._one(turn, _p("index")) if turn is not None else None
        start = self._one(span, _p("start"))
        end = self._one(span, _p("end"))
        quote = self._one(span, _p("quote"))
        return {
            "span": span.value,
            "interaction": interaction.value if interaction is not None else None,
            "turn": int(index.value) if index is not None else None,
            "start": int(start.value) if start is not None else None,
            "end": int(end.value) if end is not None else None,
            "quote": quote.value if quote is not None else "",
            "source": self.source_name(interaction),
        }

    def source_evidence(self, graph: ox.NamedNode) -> list[dict[str, Any]]:
        """The record itself, as a leaf: its first turn."""
        turn = next(
            (
                q.subject
                for q in self.store.oxigraph.quads_for_pattern(None, _p("index"), None, graph)
                if q.object.value == "0"
            ),
            None,
        )
        if turn is None:
            return []
        start = self._one(turn, _p("start"), graph)
        end = self._one(turn, _p("end"), graph)
        text = self._one(turn, _p("text"), graph)
        if start is None or end is None or text is None:
            return []
        return [
            {
                "span": None,
                "interaction": graph.value,
                "turn": 0,
                "start": int(start.value),
                "end": int(end.value),
                "quote": text.value,
                "source": self.source_name(graph),
            }
        ]

    def source_name(self, interaction: object) -> str | None:
        if not isinstance(interaction, ox.NamedNode):
            return None
        name = self._one(interaction, _p("sourceName"), interaction)
        return name.value if name is not None else None

    def label(self, node: object, lang: str = "en") -> str | None:
        """The node's skos:prefLabel (else rdfs:label) in ``lang``, else any label."""
        if not isinstance(node, ox.NamedNode):
            return None
        labels = self._all(node, _PREF_LABEL) + self._all(node, _LABEL)
        for label in labels:
            if isinstance(label, ox.Literal) and label.language == lang:
                return label.value
        return labels[0].value if labels else None


def evidence_leaves(tree: dict[str, Any], *, dedupe: bool = True) -> list[dict[str, Any]]:
    """Every evidence object at the leaves of a proof tree, in tree order.

    With ``dedupe`` each span appears once (first occurrence wins); without it a span
    that supports several premises appears once per premise, each with its ``via``.
    """
    out: list[dict[str, Any]] = list(tree.get("evidence", []))
    for justification in tree.get("justifications", []):
        for premise in justification["premises"]:
            out += evidence_leaves(premise, dedupe=False)
    return dedupe_evidence(out) if dedupe else out


def dedupe_evidence(evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[tuple] = set()
    out = []
    for item in evidence:
        key = (item.get("interaction"), item.get("start"), item.get("end"))
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _term(term: object) -> dict[str, Any] | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    assert isinstance(term, ox.Literal)
    out: dict[str, Any] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out
