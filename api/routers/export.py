"""``GET /export``: the dataset the caller may read, or one customer's part of it, as RDF.

``format=nquads`` (the default, streamed; every named graph under its name), ``turtle``
(streamed; the triples of those graphs, each once) or ``jsonld`` (one document with the
named graphs). ``customer=`` (an id, IRI or name, as for ``/customers/{id}/context``)
exports the graphs of that customer's interactions and the derived facts about the customer
and about what those graphs describe; without it everything readable is exported.

With auth on the export comes from the caller's view (:mod:`semcrm.api.access.scope`):
graphs above its clearance, derived facts resting on them and protected fields it may not
read are not in it. Exports are records: a caller that may read aggregates only is refused.
``graph:union`` (a copy of the rest) is never exported; ``graph:meta`` only to callers who
read everything.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response, StreamingResponse

from semcrm.api.access.enforce import Reader, export_quads, get_reader
from semcrm.reasoning.context import ContextBuilder

router = APIRouter(tags=["export"])

MEDIA = {
    "nquads": "application/n-quads",
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
}
CHUNK = 2000


@router.get(
    "/export",
    response_model=None,
    responses={200: {"content": {media: {} for media in MEDIA.values()}}},
)
def export(
    reader: Annotated[Reader, Depends(get_reader)],
    customer: Annotated[str | None, Query(description="customer id, IRI or name")] = None,
    format: Annotated[Literal["nquads", "turtle", "jsonld"], Query()] = "nquads",
) -> Response:
    """Everything the caller may read (or one customer's part) as N-Quads, Turtle or JSON-LD."""
    reader.require_records("GET /export")
    store = reader.readable_store()
    iri = ContextBuilder(store).resolve(customer) if customer else None
    quads = export_quads(store.oxigraph, iri, include_meta=reader.scope is None)
    name = f"semcrm-{iri.rsplit('/', 1)[-1] if iri else 'export'}"
    if format == "jsonld":
        body = ox.serialize(quads, format=ox.RdfFormat.JSON_LD)
        return Response(body, media_type=MEDIA[format], headers=_attachment(name, "jsonld"))
    chunks = serialize_chunks(quads, format)
    media = f"{MEDIA[format]}; charset=utf-8"
    return StreamingResponse(
        chunks, media_type=media, headers=_attachment(name, "nq" if format == "nquads" else "ttl")
    )


def serialize_chunks(quads: Iterator[ox.Quad], format: str) -> Iterator[bytes]:
    """N-Quads or Turtle in pieces of :data:`CHUNK` statements (Turtle: each triple once)."""
    batch: list = []
    seen: set[ox.Triple] = set()
    for quad in quads:
        if format == "turtle":
            triple = ox.Triple(quad.subject, quad.predicate, quad.object)
            if triple in seen:
                continue
            seen.add(triple)
            batch.append(triple)
        else:
            batch.append(quad)
        if len(batch) >= CHUNK:
            yield _serialize(batch, format)
            batch = []
    if batch:
        yield _serialize(batch, format)


def _serialize(batch: list, format: str) -> bytes:
    rdf = ox.RdfFormat.TURTLE if format == "turtle" else ox.RdfFormat.N_QUADS
    return ox.serialize(batch, format=rdf)


def _attachment(name: str, extension: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}.{extension}"'}
