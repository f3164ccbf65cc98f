"""``GET|POST /sparql``: the SPARQL 1.1 Protocol, read-only.

Query by ``GET /sparql?query=...``, by ``POST`` of a form with ``query``, or
by ``POST`` of ``application/sparql-query``. ``default-graph-uri`` and
``named-graph-uri`` select the dataset (default: the set union of all graphs
as the default graph, every graph as a named graph). Results follow the
``Accept`` header (q-values honoured; 406 when nothing acceptable fits):
SELECT as SPARQL JSON (default), XML, CSV or TSV; ASK as JSON or XML;
CONSTRUCT/DESCRIBE as Turtle (default), N-Triples, RDF/XML or JSON-LD.
Queries run in worker processes with a timeout and a memory cap.
"""

from __future__ import annotations

import json
import math
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from semcrm.api.access.auth import CallerDep, get_access, sparql_clearance
from semcrm.api.dependencies import get_query_pool, get_settings
from semcrm.api.query_pool import QueryPool, QueryRequest
from semcrm.api.sparql import (
    ASK_TYPES,
    GRAPH_TYPES,
    SELECT_TYPES,
    QueryFailed,
    QueryRefused,
    QueryResult,
    check_read_only,
    negotiate,
    to_delimited,
    to_json,
    to_xml,
    triples_as,
)
from semcrm.ontology.settings import Settings

router = APIRouter(tags=["sparql"])

_REQUEST_BODY = {
    "requestBody": {
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "query": {"type": "string"},
                        "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                        "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                    },
                    "required": ["query"],
                }
            },
            "application/sparql-query": {"schema": {"type": "string"}},
        },
        "required": True,
    }
}
_RESPONSES = {
    400: {"description": "not a valid query, or it failed"},
    403: {"description": "an update, LOAD or SERVICE: refused"},
    406: {"description": "no acceptable result format"},
    503: {"description": "the query ran out of time or memory and was stopped"},
}


def _answer(result: QueryResult, accept: str) -> Response:
    headers = {"X-SPARQL-Truncated": "true"} if result.truncated else {}
    if result.kind == "graph":
        media = negotiate(accept, GRAPH_TYPES, "text/turtle")
        return Response(triples_as(result, media), media_type=media, headers=headers)
    offered = ASK_TYPES if result.kind == "ask" else SELECT_TYPES
    media = negotiate(accept, offered, "application/sparql-results+json")
    kind = offered[media]
    if kind == "xml":
        body = to_xml(result)
    elif kind in ("csv", "tsv"):
        body = to_delimited(result, kind == "tsv")
    else:
        body = json.dumps(to_json(result), ensure_ascii=False)
    return Response(body, media_type=media, headers=headers)


def _timeout(settings: Settings, asked: str | None) -> float:
    """The request's ``timeout`` (seconds), never above the configured one."""
    if asked in (None, ""):
        return settings.sparql_timeout
    try:
        value = float(asked)
    except ValueError:
        raise QueryFailed(f"timeout must be a number of seconds, not {asked!r}") from None
    if math.isnan(value) or value <= 0:
        raise QueryFailed("timeout must be a positive number of seconds")
    return min(value, settings.sparql_timeout)


def _run(
    pool: QueryPool,
    settings: Settings,
    query: str,
    defaults,
    named,
    accept: str,
    timeout: float,
    clearance: int | None = None,
    policy=None,
    fields: bool = True,
) -> Response:
    check_read_only(query)
    request = QueryRequest(query, defaults, named, settings.sparql_limit, clearance, policy, fields)
    return _answer(pool.run(request, timeout=timeout), accept)


def _confinement(request: Request, caller) -> tuple:
    """(clearance, policy, fields) a query is confined to; (None, None, True): none."""
    if caller is None:
        return None, None, True
    clearance = sparql_clearance(request, caller)
    policy = get_access(request).policy
    fields = caller is None or caller.may(policy.actions.get("read-field", ""))
    if clearance is None and fields:
        return None, None, True
    return (policy.top if clearance is None else clearance), policy, fields


@router.get("/sparql", responses=_RESPONSES)
def sparql_get(
    request: Request,
    pool: Annotated[QueryPool, Depends(get_query_pool)],
    settings: Annotated[Settings, Depends(get_settings)],
    caller: CallerDep,
    query: Annotated[
        str, Query(description="a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE)")
    ],
    default_graph_uri: Annotated[list[str] | None, Query(alias="default-graph-uri")] = None,
    named_graph_uri: Annotated[list[str] | None, Query(alias="named-graph-uri")] = None,
    timeout: Annotated[
        str | None, Query(description="seconds before the query is stopped (at most the server's)")
    ] = None,
) -> Response:
    """Run a read-only SPARQL query given in the URL."""
    if len(request.query_params.getlist("query")) > 1:
        raise QueryFailed("send exactly one 'query' parameter (the SPARQL protocol allows one)")
    accept = request.headers.get("accept", "")
    seconds = _timeout(settings, timeout)
    clearance, policy, fields = _confinement(request, caller)
    dataset = (default_graph_uri, named_graph_uri)
    return _run(pool, settings, query, *dataset, accept, seconds, clearance, policy, fields)


@router.post("/sparql", responses=_RESPONSES, openapi_extra=_REQUEST_BODY)
async def sparql_post(
    request: Request,
    pool: Annotated[QueryPool, Depends(get_query_pool)],
    settings: Annotated[Settings, Depends(get_settings)],
    caller: CallerDep,
) -> Response:
    """Run a read-only SPARQL query sent as a form (``query=``) or as ``application/sparql-query``."""
    from starlette.concurrency import run_in_threadpool

    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    params = request.query_params
    asked_timeout = params.get("timeout")
    defaults = params.getlist("default-graph-uri") or None
    named = params.getlist("named-graph-uri") or None
    if content_type == "application/sparql-update" or "update" in params:
        raise QueryRefused("SPARQL Update is not accepted: this endpoint is read-only")
    if content_type == "application/sparql-query":
        query = (await request.body()).decode("utf-8", errors="replace")
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form()
        if "update" in form:
            raise QueryRefused("SPARQL Update is not accepted: this endpoint is read-only")
        if "query" not in form:
            raise QueryFailed(
                "send the query as the form field 'query' or as application/sparql-query"
            )
        if len(form.getlist("query")) > 1:
            raise QueryFailed("send exactly one 'query' field (the SPARQL protocol allows one)")
        query = str(form["query"])
        if "timeout" in form:
            asked_timeout = str(form["timeout"])
        defaults = [str(v) for v in form.getlist("default-graph-uri")] or defaults
        named = [str(v) for v in form.getlist("named-graph-uri")] or named
    else:
        raise QueryFailed(
            f"unsupported content type {content_type or '(none)'}: send "
            "application/x-www-form-urlencoded with 'query', or application/sparql-query"
        )
    accept = request.headers.get("accept", "")
    seconds = _timeout(settings, asked_timeout)
    clearance, policy, fields = _confinement(request, caller)
    return await run_in_threadpool(
        _run, pool, settings, query, defaults, named, accept, seconds, clearance, policy, fields
    )
