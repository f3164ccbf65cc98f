"""OAuth2 bearer JWTs: verified against the issuer's keys, mapped to a principal and roles.

With the ``auth`` setting ``jwt`` or ``keys+jwt``, ``Authorization: Bearer <token>`` may
carry a JSON Web Token (RFC 7519) issued by the deployment's identity provider. A token is
accepted only when all of this holds, and each failure is a 401 that says which:

* it is a well-formed JWS; its header's ``alg`` is one of ``jwt_algorithms`` (``none`` is
  never accepted, and HS256/384/512 only when ``jwt_secret`` is set);
* for public-key algorithms, its ``kid`` names a key of the JWKS file ``jwt_jwks`` (a token
  without ``kid`` is accepted only when the file has exactly one key), whose type fits the
  algorithm (RSA for RS/PS, EC of the matching curve for ES, OKP for EdDSA) and whose own
  ``alg``, when the JWK states one, is the token's;
* the signature verifies; ``exp`` and ``sub`` are present; ``exp``, ``nbf`` and ``iat``
  hold within ``jwt_leeway`` seconds; ``iss`` is ``jwt_issuer``; ``aud`` holds
  ``jwt_audience``.

The JWKS file is re-read when it changes on disk, so a key rotation reaches a running
server at its next request.

**Claims to principal and roles.** The principal is the IRI in the ``jwt_principal_claim``
claim when that setting is set and the token carries an absolute IRI there; otherwise it
is ``https://w3id.org/semcrm/id/principal/`` + the percent-encoded ``sub``. The roles are the
items of the ``jwt_roles_claim`` claim (default ``roles``; a JSON list, or a space-separated
string as OAuth2's ``scope``) that name a role of the access policy, written ``analyst``,
``semcrm:analyst``, ``semcrm.analyst``, ``semcrm/analyst`` or as the role's IRI; other items
are ignored (a ``scope`` claim also carries the identity provider's own scopes). A valid
token that names no semcrm role is a 403: the caller is known, but may do nothing.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import jwt
from jwt.exceptions import (
    ExpiredSignatureError,
    ImmatureSignatureError,
    InvalidAudienceError,
    InvalidIssuerError,
    InvalidKeyError,
    InvalidSignatureError,
    InvalidTokenError,
    MissingRequiredClaimError,
    PyJWKError,
)

from semcrm.api.access.errors import AccessDenied, AuthenticationRequired
from semcrm.api.access.keys import KeyFileError
from semcrm.api.access.policy import ACCESS_ROLE, PRINCIPAL, AccessPolicy, Role
from semcrm.ontology.settings import Settings

#: key type (and curve) each algorithm needs
_FAMILY = {
    **{a: ("RSA", None) for a in ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512")},
    "ES256": ("EC", "P-256"),
    "ES384": ("EC", "P-384"),
    "ES512": ("EC", "P-521"),
    "EdDSA": ("OKP", None),
}
_ROLE_PREFIXES = ("semcrm:", "semcrm.", "semcrm/")


class InvalidToken(AuthenticationRequired):
    """A bearer JWT that semcrm does not accept (the message says why)."""


class JwksError(KeyFileError):
    """The JWKS file cannot be read or holds no usable key (a server fault: 503)."""


class JwtVerifier:
    """Verifies bearer JWTs with the settings of one app (see the module docstring)."""

    def __init__(self, settings: Settings) -> None:
        self.issuer = settings.jwt_issuer
        self.audience = settings.jwt_audience
        self.algorithms = tuple(settings.jwt_algorithms)
        self.secret = settings.jwt_secret
        self.leeway = settings.jwt_leeway
        self.roles_claim = settings.jwt_roles_claim
        self.principal_claim = settings.jwt_principal_claim
        self.jwks_path = Path(settings.jwt_jwks).expanduser() if settings.jwt_jwks else None
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._keys: dict[str | None, jwt.PyJWK] = {}

    # -- keys --------------------------------------------------------------------------

    def keys(self) -> dict[str | None, jwt.PyJWK]:
        """The JWKS file's signing keys by ``kid`` (re-read when the file changed).

        Raises:
            JwksError: the file is missing, not JSON, or holds no usable signing key.
        """
        if self.jwks_path is None:
            return {}
        with self._lock:
            try:
                stat = self.jwks_path.stat()
            except OSError as exc:
                raise JwksError(
                    f"the JWKS file {self.jwks_path} (setting jwt_jwks) cannot be read: "
                    f"{exc.strerror or exc}"
                ) from exc
            stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
            if stamp != self._stamp:
                self._keys = self._read_jwks()
                self._stamp = stamp
            return self._keys

    def _read_jwks(self) -> dict[str | None, jwt.PyJWK]:
        assert self.jwks_path is not None
        try:
            document = json.loads(self.jwks_path.read_text("utf-8"))
            entries = document["keys"]
            if not isinstance(entries, list):
                raise TypeError("keys is not a list")
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise JwksError(
                f"the JWKS file {self.jwks_path} (setting jwt_jwks) is not a JSON Web Key Set "
                f'({type(exc).__name__}: {exc}); it must be {{"keys": [JWK, ...]}}'
            ) from exc
        keys: dict[str | None, jwt.PyJWK] = {}
        problems = []
        for entry in entries:
            if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
                continue
            if entry.get("kty") == "oct":
                problems.append(f"kid {entry.get('kid')!r}: symmetric keys belong in jwt_secret")
                continue
            try:
                key = jwt.PyJWK(entry)
            except (PyJWKError, InvalidKeyError, ValueError, TypeError) as exc:
                problems.append(f"kid {entry.get('kid')!r}: {exc}")
                continue
            keys[entry.get("kid")] = key
        if not keys:
            raise JwksError(
                f"the JWKS file {self.jwks_path} holds no usable signing key"
                + (f" ({'; '.join(problems)})" if problems else "")
            )
        return keys

    # -- tokens ------------------------------------------------------------------------

    def verify(self, token: str) -> dict:
        """The claims of an accepted token.

        Raises:
            InvalidToken: the token is not accepted; the message says why.
            JwksError: the JWKS file is unusable.
        """
        try:
            header = jwt.get_unverified_header(token)
        except InvalidTokenError as exc:
            raise InvalidToken(f"the bearer token is not a well-formed JWT ({exc})") from exc
        alg = header.get("alg")
        if not isinstance(alg, str) or alg.lower() == "none":
            raise InvalidToken(
                "the bearer token is unsigned (alg none); semcrm accepts only "
                + ", ".join(self.algorithms)
            )
        if alg not in self.algorithms:
            raise InvalidToken(
                f"the bearer token is signed with {alg}, which semcrm does not accept; "
                f"accepted: {', '.join(self.algorithms)} (setting jwt_algorithms)"
            )
        key = self.secret if alg.startswith("HS") else self._key_for(header, alg)
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[alg],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "sub"], "verify_iat": True},
            )
        except ExpiredSignatureError as exc:
            raise InvalidToken(f"the bearer token expired at {_when(token, 'exp')} (exp)") from exc
        except ImmatureSignatureError as exc:
            which = "nbf" if "nbf" in _claims(token) else "iat"
            raise InvalidToken(
                f"the bearer token is not valid yet: not before {_when(token, which)} ({which})"
            ) from exc
        except InvalidAudienceError as exc:
            raise InvalidToken(
                f"the bearer token is for audience {_claims(token).get('aud')!r}, "
                f"not {self.audience!r} (setting jwt_audience)"
            ) from exc
        except InvalidIssuerError as exc:
            raise InvalidToken(
                f"the bearer token was issued by {_claims(token).get('iss')!r}, "
                f"not {self.issuer!r} (setting jwt_issuer)"
            ) from exc
        except InvalidSignatureError as exc:
            which = "jwt_secret" if alg.startswith("HS") else f"key {header.get('kid')!r}"
            raise InvalidToken(
                f"the bearer token's signature does not verify with {which}"
            ) from exc
        except MissingRequiredClaimError as exc:
            raise InvalidToken(f"the bearer token has no {exc.claim!r} claim") from exc
        except InvalidTokenError as exc:
            raise InvalidToken(f"the bearer token is not accepted: {exc}") from exc

    def _key_for(self, header: dict, alg: str):
        keys = self.keys()
        kid = header.get("kid")
        known = ", ".join(repr(k) for k in sorted(keys, key=str)) or "none"
        if kid is None:
            if len(keys) != 1:
                raise InvalidToken(
                    f"the bearer token names no key (no kid) and the JWKS has {len(keys)} keys "
                    f"({known}); the token's header must carry the kid of its signing key"
                )
            jwk = next(iter(keys.values()))
        elif kid not in keys:
            raise InvalidToken(
                f"the bearer token's key id {kid!r} is not in the JWKS (known: {known}); "
                "an unknown or retired key"
            )
        else:
            jwk = keys[kid]
        kty, curve = _FAMILY[alg]
        if jwk.key_type != kty or (curve and _curve(jwk) != curve):
            raise InvalidToken(
                f"the bearer token is signed with {alg}, which key {kid!r} "
                f"({jwk.key_type}{' ' + _curve(jwk) if _curve(jwk) else ''}) cannot verify"
            )
        stated = jwk._jwk_data.get("alg")
        if stated and stated != alg:
            raise InvalidToken(
                f"the bearer token is signed with {alg}, but key {kid!r} is for {stated} only"
            )
        return jwk.key

    # -- claims to caller --------------------------------------------------------------

    def principal(self, claims: dict) -> str:
        if self.principal_claim:
            named = claims.get(self.principal_claim)
            if isinstance(named, str) and named.startswith(("http://", "https://", "urn:")):
                return named
        return PRINCIPAL + quote(str(claims["sub"]), safe="")

    def roles(self, policy: AccessPolicy, claims: dict) -> tuple[Role, ...]:
        raw = claims.get(self.roles_claim, [])
        items = raw.split() if isinstance(raw, str) else raw if isinstance(raw, list) else []
        names: set[str] = set()
        for item in items:
            if not isinstance(item, str):
                continue
            name = item.removeprefix(ACCESS_ROLE)
            for prefix in _ROLE_PREFIXES:
                name = name.removeprefix(prefix)
            if name in policy.roles:
                names.add(name)
        if not names:
            raise AccessDenied(
                f"the bearer token for {self.principal(claims)} names no semcrm role in its "
                f"{self.roles_claim!r} claim (setting jwt_roles_claim); the roles are "
                + ", ".join(sorted(policy.roles))
            )
        return tuple(policy.roles[n] for n in sorted(names))


def _claims(token: str) -> dict:
    try:
        return jwt.decode(token, options={"verify_signature": False})
    except InvalidTokenError:
        return {}


def _when(token: str, claim: str) -> str:
    value = _claims(token).get(claim)
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        except (OverflowError, OSError, ValueError):
            return repr(value)  # a time no calendar holds (nbf 1e20): say the number
    return repr(value)


def _curve(jwk: jwt.PyJWK) -> str | None:
    return jwk._jwk_data.get("crv")
