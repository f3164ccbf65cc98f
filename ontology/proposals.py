"""Proposals for finer ontology concepts, as extraction recorded them in the store.

Extraction writes a ``semcrm:ConceptProposal`` into an interaction's graph when
the text names a more specific kind of business than the finest industry
concept it matched (:mod:`semcrm.ingest.extract.industry`). This module reads
them back for the curators, grouped by proposed label and broader concept, with
the interactions and evidence spans that support each; ``semcrm ontology
proposals`` prints them. Nothing here, or anywhere in extraction, edits the
ontology: a curator who accepts a proposal adds the concept to the Turtle
module, where it is reviewed like any other change.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from semcrm.ontology.store import KnowledgeStore

QUERY = """
PREFIX semcrm: <https://w3id.org/semcrm/ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?proposal ?label ?broader ?status ?interaction ?start ?end ?quote WHERE {
  GRAPH ?g {
    ?proposal a semcrm:ConceptProposal ;
        semcrm:proposedLabel ?label ;
        semcrm:proposedBroader ?broader ;
        semcrm:inInteraction ?interaction ;
        semcrm:evidence ?span .
    OPTIONAL { ?proposal semcrm:proposalStatus ?status }
    ?span semcrm:start ?start ; semcrm:end ?end ; semcrm:quote ?quote .
  }
}
"""

LABEL_QUERY = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?label WHERE { GRAPH ?g { <%s> skos:prefLabel ?label } }
"""


def list_proposals(store: KnowledgeStore, lang: str = "en") -> list[dict[str, Any]]:
    """Proposals grouped by (label, broader concept), most supported first.

    Each has ``label``, ``lang``, ``broader`` (IRI), ``broader_label``, ``status``,
    ``interactions`` (how many), ``proposals`` (the proposal node IRIs) and ``evidence``
    (``interaction``, ``start``, ``end``, ``quote``).
    """
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    evidence: dict[tuple[str, str], set[tuple[str, int, int, str]]] = defaultdict(set)
    for row in store.query(QUERY):
        key = (row["label"].value, row["broader"].value)
        group = groups.setdefault(
            key,
            {
                "label": row["label"].value,
                "lang": row["label"].language,
                "broader": row["broader"].value,
                "status": row["status"].value if row["status"] is not None else "proposed",
                "proposals": set(),
            },
        )
        group["proposals"].add(row["proposal"].value)
        evidence[key].add(
            (
                row["interaction"].value,
                int(row["start"].value),
                int(row["end"].value),
                row["quote"].value,
            )
        )
    out = []
    for key, group in groups.items():
        spans = sorted(evidence[key])
        group["evidence"] = [
            {"interaction": i, "start": s, "end": e, "quote": q} for i, s, e, q in spans
        ]
        group["interactions"] = len({i for i, _, _, _ in spans})
        group["proposals"] = sorted(group["proposals"])
        group["broader_label"] = _label(store, group["broader"], lang)
        out.append(group)
    out.sort(key=lambda g: (-g["interactions"], g["broader"], g["label"]))
    return out


def _label(store: KnowledgeStore, iri: str, lang: str) -> str:
    labels = [row["label"] for row in store.query(LABEL_QUERY % iri)]
    for label in labels:
        if label.language == lang:
            return label.value
    return labels[0].value if labels else iri.rsplit("/", 1)[-1]
