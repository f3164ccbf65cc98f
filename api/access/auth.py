"""Who is calling: the FastAPI dependencies that authenticate a request and gate endpoints.

With the ``auth`` setting ``off`` (the default) every dependency here returns ``None`` and
the API behaves as it did before access control existed. With ``keys``, a request carries
``Authorization: Bearer <key>`` or ``X-API-Key: <key>``; :func:`authenticate` verifies it
(:class:`~semcrm.api.access.keys.KeyStore`) and resolves the key's role in the access policy
into a :class:`Caller`. Missing, malformed, unknown and revoked keys are answered 401 in the
API's error shape. With ``jwt`` or ``keys+jwt``, a bearer value that is a JWT is verified by
:class:`~semcrm.api.access.tokens.JwtVerifier` instead (issuer, audience, JWKS keys, expiry)
and its claims give the principal and roles.

Read paths that do not yet filter by sensitivity tier (customers, context, explanations,
Cypher) are open only to callers cleared for every tier (:func:`require_full_clearance`),
so no caller reads above its tier through them; ``/sparql`` filters (:func:`sparql_clearance`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from semcrm.api.access.errors import AccessDenied, AuthenticationRequired
from semcrm.api.access.keys import KeyRecord, KeyStore
from semcrm.api.access.policy import AccessPolicy, Role, load_policy
from semcrm.ontology.settings import Settings

READ_RECORD = "read-record"


@dataclass(frozen=True)
class Caller:
    """An authenticated principal: who, through which key, with which roles and scopes."""

    principal: str
    key_id: str
    roles: tuple[Role, ...]
    scopes: frozenset[str] | None  # action IRIs the key is limited to; None: the roles' own

    @property
    def clearance(self) -> int:
        return max((r.clearance for r in self.roles), default=-1)

    def may(self, action_iri: str) -> bool:
        if self.scopes is not None and action_iri not in self.scopes:
            return False
        return any(action_iri in r.actions for r in self.roles)


class Access:
    """The policy and the key store of one app (built at first use, then kept)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.keys = KeyStore(settings.data)
        self._policy: AccessPolicy | None = None
        self._tokens = None
        self._lock = threading.Lock()

    @property
    def policy(self) -> AccessPolicy:
        if self._policy is None:
            with self._lock:
                if self._policy is None:
                    from semcrm.ontology.loader import load_ontology

                    self._policy = load_policy(load_ontology(self.settings.ontology_dirs))
        return self._policy

    def caller(self, record: KeyRecord) -> Caller:
        policy = self.policy
        roles = tuple(policy.roles[r] for r in [record.role] if r in policy.roles)
        scopes = None
        if "*" not in record.scopes:
            scopes = frozenset(policy.actions[s] for s in record.scopes if s in policy.actions)
        return Caller(record.principal, record.id, roles, scopes)

    def token_caller(self, token: str) -> Caller:
        """The caller a bearer JWT stands for (:mod:`.tokens`)."""
        from semcrm.api.access.tokens import JwtVerifier

        if self._tokens is None:
            self._tokens = JwtVerifier(self.settings)
        claims = self._tokens.verify(token)
        principal = self._tokens.principal(claims)
        roles = self._tokens.roles(self.policy, claims)
        token_id = claims.get("jti") or claims.get("sub")
        return Caller(principal, f"jwt:{token_id}", roles, None)


def get_access(request: Request) -> Access:
    state = request.app.state
    access = getattr(state, "access", None)
    if access is None:
        access = state.access = Access(state.settings)
    return access


def _presented_key(request: Request) -> str | None:
    presented = _presented(request)
    return presented[1] if presented else None


def _presented(request: Request) -> tuple[str, str] | None:
    """("bearer" or "x-api-key", the value) of the credential the request carries."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return "bearer", value.strip()
    key = request.headers.get("x-api-key", "").strip()
    return ("x-api-key", key) if key else None


def authenticate(request: Request) -> Caller | None:
    """The caller of this request; ``None`` when authentication is off.

    Raises:
        AuthenticationRequired: auth is on and the request has no valid, unrevoked key.
    """
    settings: Settings = request.app.state.settings
    if settings.auth == "off":
        return None
    cached = getattr(request.state, "caller", None)
    if cached is not None:
        return cached
    presented = _presented(request)
    if presented is None:
        if settings.auth == "jwt":
            raise AuthenticationRequired(
                "this endpoint needs a bearer token: send `Authorization: Bearer <JWT>` "
                "issued by " + settings.jwt_issuer
            )
        raise AuthenticationRequired(
            "this endpoint needs an API key: send `Authorization: Bearer <key>` or "
            "`X-API-Key: <key>` (create one with `semcrm keys create --role ROLE`)"
            + (
                f", or a bearer JWT issued by {settings.jwt_issuer}"
                if "jwt" in settings.auth
                else ""
            )
        )
    access = get_access(request)
    how, key = presented
    jwt_shaped = key.count(".") == 2 and not key.startswith("semcrm_")
    if how == "bearer" and (settings.auth == "jwt" or (settings.auth == "keys+jwt" and jwt_shaped)):
        caller = access.token_caller(key)
    elif settings.auth == "keys+jwt" and not key.startswith("semcrm_"):
        raise AuthenticationRequired(
            "the credential is neither a semcrm API key (semcrm_<id>_<secret>) nor a bearer "
            "JWT (three dot-separated parts in `Authorization: Bearer`)"
        )
    elif settings.auth == "jwt":
        raise AuthenticationRequired(
            "API keys are not accepted (the auth setting is jwt): send "
            "`Authorization: Bearer <JWT>` issued by " + settings.jwt_issuer
        )
    else:
        caller = access.caller(access.keys.verify(key))
    request.state.caller = caller
    return caller


CallerDep = Annotated[Caller | None, Depends(authenticate)]


def require_full_clearance(request: Request, caller: CallerDep) -> None:
    """Gate for read paths that do not filter by tier yet: only callers cleared for every
    tier, with read-record, pass."""
    if caller is None:
        return
    policy = get_access(request).policy
    if not caller.may(policy.action(READ_RECORD)):
        raise AccessDenied(f"{caller.principal} (key {caller.key_id}) may not perform read-record")
    if caller.clearance < policy.top:
        raise AccessDenied(
            f"{request.url.path} does not filter by sensitivity tier yet, so it is open only "
            f"to roles cleared for {policy.tier_name(policy.top)} data; "
            f"{caller.principal} is cleared up to {policy.tier_name(caller.clearance)} "
            "(use /sparql, which returns only what the caller may read)"
        )


def sparql_clearance(request: Request, caller: Caller | None) -> int | None:
    """The tier rank a SPARQL query must be confined to; ``None``: no confinement (auth off,
    or a caller cleared for every tier).

    Raises:
        AccessDenied: the caller may not read records at all.
    """
    if caller is None:
        return None
    policy = get_access(request).policy
    if not caller.may(policy.action(READ_RECORD)):
        raise AccessDenied(f"{caller.principal} (key {caller.key_id}) may not perform read-record")
    return None if caller.clearance >= policy.top else caller.clearance
