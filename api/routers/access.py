"""``POST /access/check``: may a principal perform an action on a resource, and why.

The answer comes from the access policy (roles, clearances and actions in
``ontology/access.ttl``) and the resource's tier (:mod:`semcrm.api.access.resources`):
``{"decision": "permit"|"deny", "because": [...], "principal", "roles", "action",
"resource", "tier"}``. Without ``principal`` the check is for the caller's own key
(auth on); checking another principal needs the approve-change action (governance, admin).
A principal's roles are those the ontology gives it (``semcrm:hasAccessRole``) plus the
roles of its unrevoked keys.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from semcrm.api.access.auth import CallerDep, get_access
from semcrm.api.access.errors import AccessDenied
from semcrm.api.access.policy import decide
from semcrm.api.access.resources import resolve
from semcrm.api.dependencies import get_store
from semcrm.ontology.errors import SemcrmError
from semcrm.ontology.store import KnowledgeStore

router = APIRouter(tags=["access"])


class CheckRequest(BaseModel):
    principal: str | None = Field(
        None, description="principal IRI; default: the principal of the caller's key"
    )
    action: str = Field(description="an access action: read-record, read-aggregate, write ...")
    resource: str = Field(description="a tier name, a graph, statement or resource IRI")


class CheckRefused(SemcrmError):
    """The check itself cannot be answered (no principal given while auth is off)."""


@router.post(
    "/access/check",
    responses={401: {"description": "no valid API key"}, 403: {"description": "not allowed"}},
)
def access_check(
    body: CheckRequest,
    request: Request,
    caller: CallerDep,
    store: Annotated[KnowledgeStore, Depends(get_store)],
) -> dict:
    """Permit or deny, with the chain of reasons."""
    access = get_access(request)
    policy = access.policy
    action = policy.action(body.action)
    principal = body.principal or (caller.principal if caller else None)
    if principal is None:
        raise CheckRefused(
            "name the principal to check: authentication is off, so there is no caller"
        )
    scopes = None
    if caller is not None and principal == caller.principal and body.principal is None:
        roles, scopes, who = list(caller.roles), caller.scopes, f"{principal} (key {caller.key_id})"
    else:
        another = caller is not None and principal != caller.principal
        if another and not caller.may(policy.action("approve-change")):
            raise AccessDenied(
                "checking another principal's access needs approve-change, which "
                f"{caller.principal} may not perform"
            )
        names = set(policy.principal_roles.get(principal, ()))
        names |= {
            r.role for r in access.keys.records() if r.principal == principal and not r.revoked
        }
        roles = [policy.roles[n] for n in sorted(names) if n in policy.roles]
        who = principal
    target = resolve(store.oxigraph, policy, body.resource)
    if target.rank is None:
        decision = {"decision": "deny", "because": [target.because, "unknown resources are denied"]}
    else:
        what = f"{target.iri} ({target.because})"
        decision = decide(
            policy, roles, action, target.rank, who=who, what=what, scopes=scopes
        ).to_dict()
    return {
        **decision,
        "principal": principal,
        "roles": [r.name for r in roles],
        "action": body.action,
        "resource": target.iri,
        "kind": target.kind,
        "tier": policy.tier_name(target.rank) if target.rank is not None else None,
    }
