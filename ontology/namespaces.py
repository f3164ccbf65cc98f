"""The IRIs semcrm mints and the vocabularies it reuses.

Ontology terms live in ``semcrm:`` (``https://w3id.org/semcrm/ns#``); concept
schemes have their own namespaces so a concept's IRI reads as what it is
(``intent:price_negotiation``, ``role:economic_buyer``). Instance data lives
under ``https://w3id.org/semcrm/id/`` and named graphs under
``https://w3id.org/semcrm/graph/``; both are minted by :mod:`semcrm.ontology.iris`.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/semcrm/"

SEMCRM = Namespace(BASE + "ns#")
INTENT = Namespace(BASE + "intent/")
ROLE = Namespace(BASE + "role/")
EMOTION = Namespace(BASE + "emotion/")
OBJECTION = Namespace(BASE + "objection/")
NEED = Namespace(BASE + "need/")
INDUSTRY = Namespace(BASE + "industry/")
QUALIFICATION = Namespace(BASE + "qualification/")
PRODUCT = Namespace(BASE + "product/")
RULE = Namespace(BASE + "rule/")
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")

PROV = Namespace("http://www.w3.org/ns/prov#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
PD = Namespace("https://w3id.org/dpv/pd#")

#: Prefixes used when semcrm prints or parses IRIs (SPARQL, rules, CLI output).
PREFIXES: dict[str, str] = {
    "semcrm": str(SEMCRM),
    "intent": str(INTENT),
    "role": str(ROLE),
    "emotion": str(EMOTION),
    "objection": str(OBJECTION),
    "need": str(NEED),
    "industry": str(INDUSTRY),
    "qualification": str(QUALIFICATION),
    "product": str(PRODUCT),
    "rule": str(RULE),
    "id": str(ID),
    "graph": str(GRAPH),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "prov": str(PROV),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "vcard": str(VCARD),
    "dcterms": str(DCTERMS),
    "pd": str(PD),
}

#: Named graphs with a fixed role. Each interaction is stored in a graph of
#: its own, named by the interaction's IRI.
ONTOLOGY_GRAPH = GRAPH["ontology"]
INFERRED_GRAPH = GRAPH["inferred"]
JUSTIFICATION_GRAPH = GRAPH["justifications"]
META_GRAPH = GRAPH["meta"]
#: The set union of every other graph except meta: the default graph of queries.
UNION_GRAPH = GRAPH["union"]

__all__ = [
    "BASE",
    "DCTERMS",
    "EMOTION",
    "GRAPH",
    "ID",
    "INDUSTRY",
    "INFERRED_GRAPH",
    "INTENT",
    "JUSTIFICATION_GRAPH",
    "META_GRAPH",
    "NEED",
    "OBJECTION",
    "ONTOLOGY_GRAPH",
    "ORG",
    "OWL",
    "PD",
    "PREFIXES",
    "PRODUCT",
    "PROV",
    "QUALIFICATION",
    "RDF",
    "RDFS",
    "ROLE",
    "RULE",
    "SCHEMA",
    "SEMCRM",
    "SKOS",
    "UNION_GRAPH",
    "VCARD",
    "XSD",
]
