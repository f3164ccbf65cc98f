"""``GET /explain?iri=...``: the proof tree of a fact, down to the source quotes.

``format=json`` (the default) returns the tree; ``format=turtle``, ``ntriples`` or
``jsonld`` return the same proof as PROV-O (:mod:`semcrm.reasoning.provenance`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from semcrm.api.dependencies import get_store
from semcrm.ontology.store import KnowledgeStore
from semcrm.reasoning.explain import Explainer
from semcrm.reasoning.provenance import proof_to_prov, serialize

router = APIRouter(tags=["explain"])

PROV_MEDIA_TYPES = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
}


@router.get(
    "/explain",
    response_model=None,
    responses={
        200: {"content": {media: {} for media in PROV_MEDIA_TYPES.values()}},
    },
)
def explain(
    store: Annotated[KnowledgeStore, Depends(get_store)],
    iri: Annotated[str, Query(description="a statement IRI from /customers/{id}/context")],
    format: Annotated[
        Literal["json", "turtle", "ntriples", "jsonld"],
        Query(description="json: the proof tree; turtle, ntriples, jsonld: the proof as PROV-O"),
    ] = "json",
) -> dict | Response:
    """Derived fact -> rule -> premises -> ... -> asserted facts -> evidence quotes."""
    tree = Explainer(store).explain(iri)
    if format == "json":
        return tree
    media = PROV_MEDIA_TYPES[format]
    body = serialize(proof_to_prov(tree), media)
    return Response(body, media_type=f"{media}; charset=utf-8" if format != "jsonld" else media)
