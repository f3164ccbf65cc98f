"""``POST /cypher``: read-only Cypher over the Neo4j projection, for analysts.

With auth on, a caller below full access runs its query confined to the tiers it may read
(every node and relationship pattern guarded by ``_sensitivity`` and ``_protectedTier``;
:mod:`semcrm.ontology.neo4j.confine`).

Body::

    {"query": "MATCH (o:semcrm__Organization)-[r:semcrm__hasIntent]->(i) "
              "WHERE r._confidence >= $min RETURN o.uri, i.uri, r._confidence",
     "parameters": {"min": 0.8}, "limit": 100, "timeout": 10}

Answer: ``{"columns": [...], "rows": [{column: value}], "count", "truncated",
"seconds"}``. ``limit`` and ``timeout`` may lower the server's settings
(``cypher_limit``, ``cypher_timeout``), never raise them. A query that writes
is refused with 403 before it is sent; without ``SEMCRM_NEO4J_URI`` the
endpoint answers 503 saying how to configure it, and every other endpoint
works as before.

The driver is opened on first use and kept for the app's lifetime (it holds
the connection pool; :func:`close` is called at shutdown); each request
gets its own session, closed when the request ends.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from pydantic import BaseModel, Field

from semcrm.api.access.enforce import Reader, get_reader
from semcrm.api.dependencies import get_settings
from semcrm.ontology.neo4j.client import Neo4jClient, Neo4jTarget
from semcrm.ontology.neo4j.confine import confine
from semcrm.ontology.neo4j.query import check_read_only, run_cypher
from semcrm.ontology.settings import Settings

router = APIRouter(tags=["cypher"])
_LOCK = threading.Lock()


class CypherRequest(BaseModel):
    query: str = Field(description="a read-only Cypher query")
    parameters: dict[str, Any] = Field(default_factory=dict, description="query parameters")
    limit: int | None = Field(default=None, ge=1, description="most rows to return")
    timeout: float | None = Field(default=None, gt=0, description="seconds before it is stopped")


def get_neo4j(request: Request) -> Neo4jClient:
    """The app's Neo4j client, connected on first use (503 when none is configured)."""
    state = request.app.state
    client = getattr(state, "neo4j", None)
    if client is not None:
        return client
    with _LOCK:
        client = getattr(state, "neo4j", None)
        if client is None:
            target = Neo4jTarget.from_settings(state.settings, what="POST /cypher")
            client = state.neo4j = Neo4jClient.connect(target)
    return client


def close(app: FastAPI) -> None:
    """Close the driver, if one was opened (called when the app shuts down)."""
    client = getattr(app.state, "neo4j", None)
    if client is not None:
        client.close()
        app.state.neo4j = None


def confined(reader: Reader, query: str, parameters: dict) -> tuple[str, dict]:
    """The query and parameters to run for this reader: unchanged for one who reads
    everything; else confined to its readable tiers (:mod:`semcrm.ontology.neo4j.confine`).

    Raises:
        AccessDenied: the reader may read aggregates only.
    """
    if reader.scope is None:
        return query, parameters
    reader.require_records("POST /cypher")
    policy, scope = reader.policy, reader.scope
    tiers = [policy.tier_name(r) for r in sorted(policy.tiers.values()) if r <= scope.clearance]
    check_read_only(query)
    return confine(query, tiers, tiers if scope.fields else [], parameters)


@router.post("/cypher")
def cypher(
    body: CypherRequest,
    reader: Annotated[Reader, Depends(get_reader)],
    client: Annotated[Neo4jClient, Depends(get_neo4j)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> dict:
    """Run read-only Cypher with parameters, a timeout and a row limit; rows as JSON.

    With auth on, a caller below full access matches only nodes and relationships of the
    tiers it may read (and protected fields only with read-field); constructs that cannot
    be confined are a 403."""
    limit = min(body.limit or settings.cypher_limit, settings.cypher_limit)
    timeout = min(body.timeout or settings.cypher_timeout, settings.cypher_timeout)
    query, parameters = confined(reader, body.query, body.parameters)
    result = run_cypher(client, query, parameters, limit=limit, timeout=timeout)
    return result.to_dict()
