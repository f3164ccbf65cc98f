"""``GET /explain?iri=...``: the proof tree of a fact, down to the source quotes.

``format=json`` (the default) returns the tree; ``format=turtle``, ``ntriples`` or
``jsonld`` return the same proof as PROV-O (:mod:`semcrm.reasoning.provenance`).

With auth on, premises and evidence above the caller's clearance (or resting on a
protected field it may not read) are replaced by ``{"withheld": true, "reason", "tier"}``
in every format (:func:`semcrm.api.access.enforce.redact_proof`); a fact the caller may not
read at all is a 404, as an unknown one.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from semcrm.api.access.enforce import Reader, get_reader, redact_proof
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
    reader: Annotated[Reader, Depends(get_reader)],
    iri: Annotated[str, Query(description="a statement IRI from /customers/{id}/context")],
    format: Annotated[
        Literal["json", "turtle", "ntriples", "jsonld"],
        Query(description="json: the proof tree; turtle, ntriples, jsonld: the proof as PROV-O"),
    ] = "json",
) -> dict | Response:
    """Derived fact -> rule -> premises -> ... -> asserted facts -> evidence quotes."""
    reader.require_records("GET /explain")
    tree = Explainer(reader.store).explain(iri)
    view = reader.readable()
    if view is not None:
        tree = redact_proof(tree, view)
    if format == "json":
        return tree
    media = PROV_MEDIA_TYPES[format]
    body = serialize(proof_to_prov(tree), media)
    return Response(body, media_type=f"{media}; charset=utf-8" if format != "jsonld" else media)
