"""``POST /access/check`` and ``GET /access/explain``: may a principal perform an action on a
resource, and why (or why not).

Both answer from the access policy (roles, clearances and actions in ``ontology/access.ttl``),
the resource's tier (:mod:`semcrm.api.access.resources`) and the principal's derived grants
on the resource under the traffic light (:mod:`semcrm.api.access.decisions`), with the
justification chain of every grant: rule, premises, status and approval record.

Without ``principal`` the question is about the caller (auth on), with the roles and
scopes of its own key or token; asking about another principal needs the approve-change
action (governance, admin), and the principal's roles are then those the ontology gives it
(``semcrm:hasAccessRole``) plus the roles of its unrevoked keys.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from semcrm.api.access.auth import Caller, CallerDep, get_access
from semcrm.api.access.decisions import (
    Decider,
    NotAnIri,
    Subject,
    UnknownPrincipal,
    UnknownResource,
    require_iri,
)
from semcrm.api.access.errors import AccessDenied
from semcrm.api.dependencies import get_store
from semcrm.ontology.errors import SemcrmError
from semcrm.ontology.store import KnowledgeStore

router = APIRouter(tags=["access"])
#: seconds the server trusts its reading of the store's stamp (the grant book is checked
#: on every request): a tier override or an ingest reaches checks within this time
STORE_TTL = 0.05
StoreDep = Annotated[KnowledgeStore, Depends(get_store)]


class CheckRequest(BaseModel):
    principal: str | None = Field(
        None, description="principal IRI; default: the principal of the caller's key or token"
    )
    action: str = Field(description="an access action: read-record, read-aggregate, write ...")
    resource: str = Field(description="a tier name, a graph, statement or resource IRI")


class CheckRefused(SemcrmError):
    """The check itself cannot be answered (no principal given while auth is off)."""


async def get_decider(request: Request) -> Decider:
    """The app's :class:`Decider` (async: it runs on the event loop, no thread hop)."""
    state = request.app.state
    decider = getattr(state, "access_decider", None)
    if decider is None:
        access = get_access(request)
        policy = await run_in_threadpool(lambda: access.policy)  # loads the ontology once
        decider = state.access_decider = Decider(
            policy, access.keys, state.settings.data, store_ttl=STORE_TTL
        )
    return decider


DeciderDep = Annotated[Decider, Depends(get_decider)]


def _subject(request: Request, decider: Decider, caller: Caller | None, named: str | None):
    """Whose access is asked about, and whether that is the caller itself."""
    may_approve = caller is not None and caller.may(decider.policy.action("approve-change"))
    if caller is not None and named == caller.principal and not may_approve:
        # Naming oneself is asking about oneself: with this key's or token's roles and
        # scopes, not with every role the principal's other keys hold (a scoped key, or
        # a token whose sub matches another key's principal, would see more than it has).
        named = None
    if named is None:
        if caller is None:
            raise CheckRefused(
                "name the principal to check: authentication is off, so there is no caller"
            )
        how = "token" if caller.key_id.startswith("jwt:") else f"key {caller.key_id}"
        return Subject(
            caller.principal,
            tuple(caller.roles),
            {r.name: (how,) for r in caller.roles},
            caller.scopes,
            f"{caller.principal} ({how})",
        ), True
    other = caller is not None and named != caller.principal
    if other and not may_approve:
        raise AccessDenied(
            "checking another principal's access needs approve-change, which "
            f"{caller.principal} may not perform"
        )
    return decider.subject(named), caller is not None and named == caller.principal


@router.post(
    "/access/check",
    response_model=None,
    responses={401: {"description": "no valid API key"}, 403: {"description": "not allowed"}},
)
async def access_check(
    body: CheckRequest, request: Request, caller: CallerDep, decider: DeciderDep
) -> JSONResponse:
    """Permit or deny, with the chain of reasons and of every grant involved."""
    raw = request.app.state.store.oxigraph
    subject, _ = _subject(request, decider, caller, body.principal)
    answer = decider.try_check(raw, subject, body.action, body.resource)  # look-ups only
    if answer is None:  # the store or the grant book changed: refill on a worker thread
        answer = await run_in_threadpool(decider.check, raw, subject, body.action, body.resource)
    return JSONResponse(answer)  # plain JSON already: no response-model pass


@router.get(
    "/access/explain",
    responses={
        401: {"description": "no valid API key"},
        403: {"description": "explaining another principal needs approve-change"},
        404: {"description": "unknown principal or resource"},
        422: {"description": "not an IRI"},
    },
)
def access_explain(
    request: Request,
    caller: CallerDep,
    store: StoreDep,
    decider: DeciderDep,
    resource: Annotated[str, Query(description="a tier name or a graph, statement, resource IRI")],
    principal: Annotated[
        str | None, Query(description="principal IRI; default: the caller")
    ] = None,
) -> dict:
    """Why can a principal see a resource (or why not): its roles and their sources, its
    tier clearance against the resource's tier, the decision for each read action, and each
    derived grant with its justification chain."""
    try:
        named = require_iri(principal, "principal") if principal is not None else None
        subject, is_caller = _subject(request, decider, caller, named)
        if not is_caller and not decider.known(store.oxigraph, subject.principal):
            raise UnknownPrincipal(
                f"semcrm knows no principal {subject.principal}: no policy fact or principal "
                "fact in the ontology, no API key and no derived grant names it"
            )
        return decider.explain(store.oxigraph, subject, resource)
    except NotAnIri as exc:
        raise HTTPException(422, str(exc)) from exc
    except (UnknownPrincipal, UnknownResource) as exc:
        raise HTTPException(404, str(exc)) from exc
