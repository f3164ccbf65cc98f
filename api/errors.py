"""One JSON error shape for the whole API, and the handlers that produce it.

Every error response is::

    {"ok": false, "status": 404, "error": "no customer matches 'acme'; ...", "errors": [...]}

``errors`` lists the individual problems (for validation errors, each with
its location). Domain exceptions map to status codes here and nowhere else.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from semcrm.api.access.errors import AccessDenied, AuthenticationRequired
from semcrm.api.access.keys import KeyFileError
from semcrm.api.sparql import NotAcceptable, QueryFailed, QueryRefused, QueryTimeout, QueryTooLarge
from semcrm.ingest.errors import log_failure
from semcrm.ontology.errors import SemcrmError, StoreError
from semcrm.ontology.neo4j.errors import (
    CypherFailed,
    CypherRefused,
    CypherTimeout,
    Neo4jNotConfigured,
    Neo4jUnavailable,
)
from semcrm.reasoning.context import UnknownCustomer
from semcrm.reasoning.explain import InvalidIri, UnknownStatement

log = logging.getLogger("semcrm.api")

STATUS: tuple[tuple[type[Exception], int], ...] = (
    (AuthenticationRequired, 401),
    (AccessDenied, 403),
    (KeyFileError, 503),
    (UnknownCustomer, 404),
    (UnknownStatement, 404),
    (InvalidIri, 400),
    (QueryRefused, 403),
    (NotAcceptable, 406),
    (QueryTimeout, 503),
    (QueryTooLarge, 503),
    (QueryFailed, 400),
    (CypherRefused, 403),
    (CypherTimeout, 504),
    (CypherFailed, 400),
    (Neo4jNotConfigured, 503),
    (Neo4jUnavailable, 503),
    (StoreError, 503),
    (SemcrmError, 400),
)


def error_body(status: int, message: str, errors: list | None = None) -> dict:
    return {"ok": False, "status": status, "error": message, "errors": errors or [message]}


def install(app: FastAPI) -> None:
    @app.exception_handler(SemcrmError)
    async def semcrm_error(_: Request, exc: SemcrmError) -> JSONResponse:
        status = next(code for cls, code in STATUS if isinstance(exc, cls))
        headers = {"WWW-Authenticate": 'Bearer realm="semcrm"'} if status == 401 else None
        return JSONResponse(error_body(status, str(exc)), status_code=status, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            error_body(exc.status_code, str(exc.detail)), status_code=exc.status_code
        )

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        log_failure(log, f"internal error on {request.method} {request.url.path}", exc)
        message = f"internal error ({type(exc).__name__}); the server log has the details"
        return JSONResponse(error_body(500, message), status_code=500)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        message = "; ".join(f"{'.'.join(map(str, p['loc']))}: {p['msg']}" for p in problems)
        return JSONResponse(error_body(422, message, problems), status_code=422)
