"""What endpoints receive through ``Depends``: the settings and the open store."""

from __future__ import annotations

from fastapi import Request

from semcrm.api.query_pool import QueryPool
from semcrm.ontology.settings import Settings
from semcrm.ontology.store import KnowledgeStore
from semcrm.reasoning.context import ContextBuilder


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_store(request: Request) -> KnowledgeStore:
    return request.app.state.store


def get_query_pool(request: Request) -> QueryPool:
    return request.app.state.query_pool


def get_context_builder(request: Request) -> ContextBuilder:
    lang = request.query_params.get("lang", "en")
    return ContextBuilder(request.app.state.store, lang=lang if lang in ("en", "zh") else "en")
