"""The FastAPI application: a thin composition root over the store and the reasoner.

``create_app(settings)`` opens the data folder for the app's lifetime and
mounts one router per resource. OpenAPI documentation is served at ``/docs``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version

from fastapi import Depends, FastAPI

from semcrm.api import errors
from semcrm.api.access.auth import authenticate
from semcrm.api.query_pool import QueryPool
from semcrm.api.routers import (
    access,
    approvals,
    customers,
    cypher,
    explain,
    export,
    health,
    ingest,
    sparql,
)
from semcrm.ontology.settings import Settings, load_settings
from semcrm.ontology.store import KnowledgeStore

VERSION = version("semcrm")  # the installed distribution's, one number for CLI and API


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.store = KnowledgeStore(settings.data)
        try:
            app.state.query_pool = QueryPool(
                app.state.store,
                settings.data,
                workers=settings.sparql_workers,
                memory_mb=settings.sparql_memory_mb,
            )
        except BaseException:
            app.state.store.close()
            raise
        try:
            yield
        finally:
            cypher.close(app)
            app.state.query_pool.close()
            app.state.store.close()

    app = FastAPI(
        title="semcrm",
        version=VERSION,
        summary="Governed customer knowledge graph: context, explanations, SPARQL and Cypher.",
        lifespan=lifespan,
        docs_url=None,  # served below from local files: many deployments have no internet
        redoc_url=None,  # ReDoc loads its script from a CDN; /docs needs no internet
    )
    _mount_docs(app)
    errors.install(app)
    # With the `auth` setting off, both dependencies return at once and nothing changes.
    app.include_router(health.router)
    # each checks its caller; customers, explain, export, sparql and cypher answer from what
    # it may read
    routers = (customers, explain, export, sparql, cypher, ingest, access, approvals)
    for router in (r.router for r in routers):
        app.include_router(router, dependencies=[Depends(authenticate)])
    return app


def _mount_docs(app: FastAPI) -> None:
    """Swagger UI at /docs from the ``swagger-ui-bundle`` package, not from a CDN."""
    import swagger_ui_bundle
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles

    app.mount("/docs-static", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs")

    @app.get("/docs", include_in_schema=False)
    async def docs():  # type: ignore[no-untyped-def]
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="semcrm API",
            swagger_js_url="/docs-static/swagger-ui-bundle.js",
            swagger_css_url="/docs-static/swagger-ui.css",
            swagger_favicon_url="/docs-static/favicon-32x32.png",
        )
