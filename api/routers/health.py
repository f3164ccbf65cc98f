"""``GET /health``: is the store open, and how much is in it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from semcrm.api.dependencies import get_store
from semcrm.ontology.store import KnowledgeStore

router = APIRouter(tags=["health"])


@router.get("/health")
def health(store: Annotated[KnowledgeStore, Depends(get_store)]) -> dict:
    """Liveness and the store's size."""
    return {
        "ok": True,
        "triples": len(store),
        "interactions": len(store.interaction_graphs()),
        "ontology_digest": store.ontology_digest(),
        "last_ingest": store.get_meta("lastIngest"),
        "last_reasoned": store.get_meta("lastReasoned"),
        "derived_facts_stale": store.derived_facts_stale(),
    }
