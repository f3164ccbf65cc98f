"""``GET /customers`` and ``GET /customers/{id}/context``: what semcrm knows about a customer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from semcrm.api.dependencies import get_context_builder
from semcrm.reasoning.context import ContextBuilder

router = APIRouter(prefix="/customers", tags=["customers"])


@router.get("")
def list_customers(builder: Annotated[ContextBuilder, Depends(get_context_builder)]) -> dict:
    """Every customer with at least one interaction, most interactions first."""
    return {"customers": builder.customers()}


@router.get("/{customer_id}/context")
def customer_context(
    customer_id: str,
    builder: Annotated[ContextBuilder, Depends(get_context_builder)],
    lang: Annotated[str, Query(pattern="^(en|zh)$", description="label language")] = "en",
) -> dict:
    """The customer's industry path, decision chain, needs, objections and intents.

    Every derived fact carries ``iri`` (pass it to ``/explain``), ``confidence``
    and ``evidence``: quotes with their interaction, turn and offsets.
    """
    return builder.context(customer_id)
