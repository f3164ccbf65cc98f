"""The traffic light on derived grants: ``GET /approvals``, ``GET /grants``,
``POST /approvals/{id}/approve|reject``.

Grants derived by yellow rules wait here for a decision (:mod:`semcrm.api.access.grants`).
With auth on, every endpoint needs a caller whose role performs approve-change (governance,
admin), who is the actor recorded in the audit log. With auth off there is no caller, so a
decision names its actor in the body (``{"as": PRINCIPAL}``), who must hold such a role in
the policy or through a key, as for ``semcrm approvals approve ID --as PRINCIPAL``.
The audit log has no route: nothing over HTTP writes, edits or deletes it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, HTTPException, Request
from pydantic import BaseModel, Field

from semcrm.api.access.auth import CallerDep, get_access
from semcrm.api.access.grants import (
    ChangeNotPending,
    GrantBook,
    UnknownChange,
    principal_roles,
    require_approver,
)
from semcrm.api.dependencies import get_store
from semcrm.ontology.store import KnowledgeStore

router = APIRouter(tags=["approvals"])
StoreDep = Annotated[KnowledgeStore, Depends(get_store)]


class Decision(BaseModel):
    as_: str | None = Field(
        None, alias="as", description="the deciding principal (only when auth is off)"
    )
    because: str = Field("", description="why, recorded in the audit log")


def _actor(request: Request, caller, named: str | None) -> str:
    access = get_access(request)
    if caller is not None:
        require_approver(access.policy, caller.principal, [r.name for r in caller.roles])
        return caller.principal
    if not named:
        raise HTTPException(
            422, 'authentication is off: name the deciding principal as {"as": "<IRI>"}'
        )
    require_approver(access.policy, named, principal_roles(access.policy, access.keys, named))
    return named


def _book(request: Request) -> GrantBook:
    return GrantBook(request.app.state.settings.data)


@router.get("/approvals", responses={403: {"description": "no approve-change"}})
def approvals(
    request: Request, caller: CallerDep, store: StoreDep, status: str | None = None
) -> dict:
    """Every change to derived grants (``status=pending`` for what waits for a decision)."""
    if caller is not None:
        _actor(request, caller, None)
    changes = _book(request).changes(store.oxigraph)
    return {"changes": [c.public() for c in changes if status in (None, c.status)]}


@router.get("/grants", responses={403: {"description": "no approve-change"}})
def grants(request: Request, caller: CallerDep, store: StoreDep) -> dict:
    """Derived grants in force: green ones, and yellow ones approved, still derived."""
    if caller is not None:
        _actor(request, caller, None)
    return {"grants": [c.public() for c in _book(request).effective(store.oxigraph)]}


def _decide(request, caller, store, change_id: str, body: Decision | None, approve: bool):
    body = body or Decision()
    actor = _actor(request, caller, body.as_)
    try:
        change = _book(request).decide(
            store.oxigraph, change_id, approve=approve, actor=actor, because=body.because
        )
    except UnknownChange as exc:
        raise HTTPException(404, str(exc)) from exc
    except ChangeNotPending as exc:
        raise HTTPException(409, str(exc)) from exc
    return change.public()


@router.post("/approvals/{change_id}/approve", responses={404: {}, 409: {}})
def approve(
    change_id: str,
    request: Request,
    caller: CallerDep,
    store: StoreDep,
    body: Annotated[Decision | None, Body()] = None,
) -> dict:
    """Approve a pending change: its grant is in force while the rule derives it."""
    return _decide(request, caller, store, change_id, body, True)


@router.post("/approvals/{change_id}/reject", responses={404: {}, 409: {}})
def reject(
    change_id: str,
    request: Request,
    caller: CallerDep,
    store: StoreDep,
    body: Annotated[Decision | None, Body()] = None,
) -> dict:
    """Reject a pending change: its grant stays out of force."""
    return _decide(request, caller, store, change_id, body, False)
