"""``GET /customers`` and ``GET /customers/{id}/context``: what semcrm knows about a customer.

With auth on, both answer from what the caller may read (:mod:`semcrm.api.access.enforce`):
customers, facts and evidence of graphs above its clearance are not there, nor protected
fields it may not read; a caller that may read aggregates only gets counts.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from semcrm.api.access.enforce import Reader, aggregate_context, aggregate_customers, get_reader
from semcrm.reasoning.context import ContextBuilder

router = APIRouter(prefix="/customers", tags=["customers"])
ReaderDep = Annotated[Reader, Depends(get_reader)]
Lang = Annotated[str, Query(pattern="^(en|zh)$", description="label language")]


@router.get("")
def list_customers(reader: ReaderDep, lang: Lang = "en") -> dict:
    """Every customer with at least one interaction, most interactions first."""
    rows = ContextBuilder(reader.readable_store(), lang=lang).customers()
    if reader.aggregates_only:
        return aggregate_customers(rows)
    return {"customers": rows}


@router.get("/{customer_id}/context")
def customer_context(customer_id: str, reader: ReaderDep, lang: Lang = "en") -> dict:
    """The customer's industry path, decision chain, needs, objections and intents.

    Every derived fact carries ``iri`` (pass it to ``/explain``), ``confidence``
    and ``evidence``: quotes with their interaction, turn and offsets.
    """
    context = ContextBuilder(reader.readable_store(), lang=lang).context(customer_id)
    if reader.aggregates_only:
        return aggregate_context(context)
    return context
