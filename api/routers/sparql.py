"""``GET|POST /sparql``: the SPARQL 1.1 Protocol, read-only.

Query by ``GET /sparql?query=...``, by ``POST`` of a form with ``query``, or
by ``POST`` of ``application/sparql-query``. ``default-graph-uri`` and
``named-graph-uri`` select the dataset (default: the union of all graphs).
Results follow the ``Accept`` header: SPARQL JSON (default), XML, CSV, TSV;
CONSTRUCT/DESCRIBE give Turtle (default), N-Triples, RDF/XML or JSON-LD.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from semcrm.api.dependencies import get_settings, get_store
from semcrm.api.sparql import (
    QueryFailed,
    QueryRefused,
    QueryResult,
    run_query,
    to_delimited,
    to_json,
    to_xml,
    triples_as,
)
from semcrm.ontology.settings import Settings
from semcrm.ontology.store import KnowledgeStore

router = APIRouter(tags=["sparql"])

_SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
_GRAPH_TYPES = (
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
    "application/ld+json",
)


def _answer(result: QueryResult, accept: str) -> Response:
    accepted = [part.split(";")[0].strip() for part in accept.split(",") if part.strip()]
    headers = {"X-SPARQL-Truncated": "true"} if result.truncated else {}
    if result.kind == "graph":
        media = next((m for m in accepted if m in _GRAPH_TYPES), "text/turtle")
        return Response(triples_as(result, media), media_type=media, headers=headers)
    media = next((m for m in accepted if m in _SELECT_TYPES), "application/sparql-results+json")
    kind = _SELECT_TYPES[media]
    if kind == "xml":
        body = to_xml(result)
    elif kind in ("csv", "tsv"):
        body = to_delimited(result, kind == "tsv")
    else:
        body = json.dumps(to_json(result), ensure_ascii=False)
    return Response(body, media_type=media, headers=headers)


def _run(store, settings, query, defaults, named, accept) -> Response:
    result = run_query(
        store,
        query,
        default_graphs=defaults,
        named_graphs=named,
        limit=settings.sparql_limit,
        timeout=settings.sparql_timeout,
    )
    return _answer(result, accept)


@router.get("/sparql")
def sparql_get(
    request: Request,
    store: Annotated[KnowledgeStore, Depends(get_store)],
    settings: Annotated[Settings, Depends(get_settings)],
    query: Annotated[
        str, Query(description="a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE)")
    ],
    default_graph_uri: Annotated[list[str] | None, Query(alias="default-graph-uri")] = None,
    named_graph_uri: Annotated[list[str] | None, Query(alias="named-graph-uri")] = None,
) -> Response:
    """Run a read-only SPARQL query given in the URL."""
    return _run(
        store,
        settings,
        query,
        default_graph_uri,
        named_graph_uri,
        request.headers.get("accept", ""),
    )


@router.post("/sparql")
async def sparql_post(
    request: Request,
    store: Annotated[KnowledgeStore, Depends(get_store)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> Response:
    """Run a read-only SPARQL query sent as a form (``query=``) or as ``application/sparql-query``."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    params = request.query_params
    defaults = params.getlist("default-graph-uri") or None
    named = params.getlist("named-graph-uri") or None
    if content_type == "application/sparql-update" or "update" in params:
        raise QueryRefused("SPARQL Update is not accepted: this endpoint is read-only")
    if content_type == "application/sparql-query":
        query = (await request.body()).decode("utf-8", errors="replace")
    else:
        form = await request.form()
        if "update" in form:
            raise QueryRefused("SPARQL Update is not accepted: this endpoint is read-only")
        if "query" not in form:
            raise QueryFailed(
                "send the query as the form field 'query' or as application/sparql-query"
            )
        query = str(form["query"])
        defaults = [str(v) for v in form.getlist("default-graph-uri")] or defaults
        named = [str(v) for v in form.getlist("named-graph-uri")] or named
    return _run(store, settings, query, defaults, named, request.headers.get("accept", ""))
