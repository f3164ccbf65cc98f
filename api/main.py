"""The FastAPI application: a thin composition root over the store and the reasoner.

``create_app(settings)`` opens the data folder for the app's lifetime and
mounts one router per resource. OpenAPI documentation is served at ``/docs``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from semcrm.api import errors
from semcrm.api.routers import customers, explain, health, sparql
from semcrm.ontology.settings import Settings, load_settings
from semcrm.ontology.store import KnowledgeStore

VERSION = "0.1.0"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.store = KnowledgeStore(settings.data)
        try:
            yield
        finally:
            app.state.store.close()

    app = FastAPI(
        title="semcrm",
        version=VERSION,
        summary="Governed customer knowledge graph: context, explanations and SPARQL.",
        lifespan=lifespan,
    )
    errors.install(app)
    for router in (health.router, customers.router, explain.router, sparql.router):
        app.include_router(router)
    return app
