"""A proof tree as PROV-O: who derived what from what, down to the quoted span.

:func:`proof_to_prov` turns the tree of :class:`semcrm.reasoning.explain.Explainer`
into W3C PROV-O triples:

* every statement of the tree (its IRI is the hash of its triple) is a
  ``prov:Entity`` and an ``rdf:Statement`` with ``rdf:subject``,
  ``rdf:predicate``, ``rdf:object``, and ``semcrm:confidence`` when derived;
* every justification is a rule-application activity (``semcrm:Justification``,
  a ``prov:Activity``): the derived statement ``prov:wasGeneratedBy`` it and
  ``prov:wasDerivedFrom`` each premise; the activity ``prov:used`` each
  premise and ``prov:wasAssociatedWith`` the semcrm reasoner, qualified by a
  ``prov:Association`` whose ``prov:hadPlan`` is the rule (a ``prov:Plan``);
* an asserted statement ``prov:hadPrimarySource`` each interaction graph that
  asserts it and ``prov:wasDerivedFrom`` each evidence span; a span is a
  ``prov:Entity`` and ``semcrm:EvidenceSpan`` with ``semcrm:inInteraction``,
  ``semcrm:turnIndex``, ``semcrm:start``, ``semcrm:end`` and ``semcrm:quote``
  (the de-identified text the store holds, nothing more).

Everything is named by the IRIs the store already uses; the two things the
tree has no IRI for are minted from it: an association is
``<justification>#association`` and a span without an IRI (a record's first
turn standing for the whole record) is ``<interaction>#turn-N-START-END``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox

from semcrm.ontology.namespaces import PROV, RDF, SEMCRM, XSD

Triple = tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal | ox.BlankNode]

#: The agent every rule application is associated with.
REASONER = ox.NamedNode("https://w3id.org/semcrm/id/agent/reasoner")
PREFIXES = {
    "prov": str(PROV),
    "rdf": str(RDF),
    "semcrm": str(SEMCRM),
    "xsd": str(XSD),
}


def _prov(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{PROV}{name}")


def _semcrm(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{SEMCRM}{name}")


_A = ox.NamedNode(str(RDF.type))
_ENTITY, _ACTIVITY, _PLAN, _AGENT = (_prov(n) for n in ("Entity", "Activity", "Plan", "Agent"))
_STATEMENT = ox.NamedNode(str(RDF.Statement))
_INTEGER = ox.NamedNode(str(XSD.integer))
_DECIMAL = ox.NamedNode(str(XSD.decimal))


def _term(value: dict[str, Any] | None) -> ox.NamedNode | ox.Literal | ox.BlankNode | None:
    """A term of the explanation JSON (SPARQL JSON results shape) back as an RDF term."""
    if value is None:
        return None
    if value["type"] == "uri":
        return ox.NamedNode(value["value"])
    if value["type"] == "bnode":
        return ox.BlankNode(value["value"])
    if "xml:lang" in value:
        return ox.Literal(value["value"], language=value["xml:lang"])
    if "datatype" in value:
        return ox.Literal(value["value"], datatype=ox.NamedNode(value["datatype"]))
    return ox.Literal(value["value"])


def proof_to_prov(tree: dict[str, Any]) -> list[Triple]:
    """The PROV-O triples of a proof tree (see the module doc), each once, in tree order."""
    return list(dict.fromkeys(_walk(tree)))


def _walk(tree: dict[str, Any]) -> Iterator[Triple]:
    if "statement" not in tree:  # the evidence of a node rather than of a statement
        node = ox.NamedNode(tree["node"])
        yield (node, _A, _ENTITY)
        for evidence in tree.get("evidence", []):
            span = yield from _span(evidence)
            yield (node, _prov("wasDerivedFrom"), span)
        return
    statement = tree["statement"]
    node = ox.NamedNode(statement["iri"])
    yield (node, _A, _ENTITY)
    yield (node, _A, _STATEMENT)
    for key in ("subject", "predicate", "object"):
        term = _term(statement[key])
        if term is not None:
            yield (node, ox.NamedNode(str(RDF[key])), term)
    if statement["derived"]:
        confidence = f"{statement['confidence']:.6f}"
        yield (node, _semcrm("confidence"), ox.Literal(confidence, datatype=_DECIMAL))
    for graph in tree.get("asserted_in", []):
        yield (node, _prov("hadPrimarySource"), ox.NamedNode(graph))
    for evidence in tree.get("evidence", []):
        span = yield from _span(evidence)
        yield (node, _prov("wasDerivedFrom"), span)
    for justification in tree.get("justifications", []):
        activity = ox.NamedNode(justification["iri"])
        yield (activity, _A, _ACTIVITY)
        yield (activity, _A, _semcrm("Justification"))
        yield (node, _prov("wasGeneratedBy"), activity)
        yield (activity, _prov("wasAssociatedWith"), REASONER)
        yield (REASONER, _A, _AGENT)
        rule = justification["rule"]["iri"]
        if rule:
            association = ox.NamedNode(f"{activity.value}#association")
            yield (activity, _prov("qualifiedAssociation"), association)
            yield (association, _A, _prov("Association"))
            yield (association, _prov("agent"), REASONER)
            yield (association, _prov("hadPlan"), ox.NamedNode(rule))
            yield (ox.NamedNode(rule), _A, _PLAN)
        for premise in justification["premises"]:
            if premise.get("withheld"):
                marker = yield from _withheld(premise)
                yield (activity, _prov("used"), marker)
                yield (node, _prov("wasDerivedFrom"), marker)
                continue
            premise_node = ox.NamedNode(premise["statement"]["iri"])
            yield (activity, _prov("used"), premise_node)
            yield (node, _prov("wasDerivedFrom"), premise_node)
            yield from _walk(premise)


def _span(evidence: dict[str, Any]) -> Iterator[Triple]:
    """The triples of one evidence span; returns (as the generator's value) its node."""
    if evidence.get("withheld"):
        return (yield from _withheld(evidence))
    interaction = evidence.get("interaction")
    if evidence.get("span"):
        span = ox.NamedNode(evidence["span"])
    else:
        span = ox.NamedNode(
            f"{interaction}#turn-{evidence.get('turn')}-{evidence.get('start')}-{evidence.get('end')}"
        )
    yield (span, _A, _ENTITY)
    yield (span, _A, _semcrm("EvidenceSpan"))
    if interaction:
        yield (span, _semcrm("inInteraction"), ox.NamedNode(interaction))
        yield (span, _prov("hadPrimarySource"), ox.NamedNode(interaction))
        yield (ox.NamedNode(interaction), _A, _ENTITY)
    for key, predicate in (("turn", "turnIndex"), ("start", "start"), ("end", "end")):
        if evidence.get(key) is not None:
            literal = ox.Literal(str(evidence[key]), datatype=_INTEGER)
            yield (span, _semcrm(predicate), literal)
    yield (span, _semcrm("quote"), ox.Literal(evidence.get("quote") or ""))
    return span


def _withheld(marker: dict[str, Any]) -> Iterator[Triple]:
    """A premise or span the reader may not see: a blank node saying so, and why."""
    node = ox.BlankNode()
    yield (node, _A, _ENTITY)
    yield (node, _semcrm("withheld"), ox.Literal("true", datatype=ox.NamedNode(f"{XSD}boolean")))
    yield (node, _semcrm("withheldBecause"), ox.Literal(marker.get("reason") or "withheld"))
    return node


def serialize(triples: list[Triple], mime: str = "text/turtle") -> str:
    """The triples as Turtle (default), N-Triples or RDF/XML, with the PROV prefixes."""
    kwargs: dict[str, Any] = {"format": ox.RdfFormat.from_media_type(mime)}
    if kwargs["format"] in {ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML}:
        kwargs["prefixes"] = PREFIXES
    data = ox.serialize((ox.Triple(*t) for t in triples), **kwargs)
    return data.decode("utf-8") if isinstance(data, bytes) else data
