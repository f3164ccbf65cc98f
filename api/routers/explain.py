"""``GET /explain?iri=...``: the proof tree of a fact, down to the source quotes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from semcrm.api.dependencies import get_store
from semcrm.ontology.store import KnowledgeStore
from semcrm.reasoning.explain import Explainer

router = APIRouter(tags=["explain"])


@router.get("/explain")
def explain(
    store: Annotated[KnowledgeStore, Depends(get_store)],
    iri: Annotated[str, Query(description="a statement IRI from /customers/{id}/context")],
) -> dict:
    """Derived fact -> rule -> premises -> ... -> asserted facts -> evidence quotes."""
    return Explainer(store).explain(iri)
