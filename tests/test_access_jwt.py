"""OAuth2 bearer JWTs beside API keys (issue 7): tokens signed with RSA and EC keys the test
makes now, published in a JWKS file in a temporary folder, sent to the real app over HTTP.
Every rejection (expired, not yet valid, wrong issuer or audience, unknown kid, bad
signature, alg none, an algorithm not allowed, no exp) is a 401 in the API's error shape
with a message naming the cause; a valid token's claims become the principal and roles.
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from support import serve

from semcrm.api.access.keys import KeyStore
from semcrm.ontology.settings import SettingsError, load_settings

ISSUER = "https://idp.example.test/realms/semcrm"
AUDIENCE = "semcrm-api"
P = "https://w3id.org/semcrm/id/principal/"


def _jwk(public, kid: str, alg: str) -> dict:
    to_jwk = RSAAlgorithm.to_jwk if alg.startswith("RS") else ECAlgorithm.to_jwk
    return {**to_jwk(public, as_dict=True), "kid": kid, "use": "sig", "alg": alg}


@pytest.fixture(scope="module")
def keys():
    return {
        "rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "ec": ec.generate_private_key(ec.SECP256R1()),
        "stranger": rsa.generate_private_key(public_exponent=65537, key_size=2048),
    }


def write_jwks(path: Path, keys: dict) -> None:
    document = {
        "keys": [
            _jwk(keys["rsa"].public_key(), "rsa-1", "RS256"),
            _jwk(keys["ec"].public_key(), "ec-1", "ES256"),
        ]
    }
    path.write_text(json.dumps(document), "utf-8")


def token(keys, *, key="rsa", kid="rsa-1", alg="RS256", **claims) -> str:
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "li.wei",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "roles": ["analyst"],
        **claims,
    }
    payload = {k: v for k, v in payload.items() if v is not None}
    return jwt.encode(payload, keys[key], algorithm=alg, headers={"kid": kid} if kid else None)


@pytest.fixture(scope="module")
def api(tmp_path_factory, keys):
    folder = tmp_path_factory.mktemp("jwt")
    jwks = folder / "jwks.json"
    write_jwks(jwks, keys)
    data = folder / "data"
    api_key = KeyStore(data).create("agent")[0]
    with serve(
        data,
        auth="keys+jwt",
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        jwt_jwks=str(jwks),
        jwt_principal_claim="semcrm_principal",
        sparql_workers=1,
    ) as url:
        yield {"url": url, "jwks": jwks, "api_key": api_key}


def check(api, value: str | None, header: str = "Authorization") -> httpx.Response:
    headers = {}
    if value is not None:
        headers = {header: f"Bearer {value}" if header == "Authorization" else value}
    return httpx.post(
        f"{api['url']}/access/check",
        json={"action": "read-record", "resource": "internal"},
        headers=headers,
        timeout=30,
    )


def refused(response: httpx.Response, *words: str) -> str:
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["ok"] is False and body["status"] == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    for word in words:
        assert word in body["error"], (word, body["error"])
    return body["error"]


def test_access_jwt_rsa_and_ec_tokens_map_claims_to_principal_and_roles(api, keys):
    body = check(api, token(keys)).json()
    assert body["decision"] == "permit" and body["principal"] == P + "li.wei"
    assert body["roles"] == ["analyst"]
    ec_body = check(api, token(keys, key="ec", kid="ec-1", alg="ES256", roles=["agent"])).json()
    assert ec_body["roles"] == ["agent"] and ec_body["decision"] == "permit"
    # the optional principal claim wins over sub; an agent may not read confidential data
    named = token(keys, roles="agent", semcrm_principal="https://w3id.org/semcrm/id/principal/x")
    response = httpx.post(
        f"{api['url']}/access/check",
        json={"action": "read-record", "resource": "confidential"},
        headers={"Authorization": f"Bearer {named}"},
    )
    assert response.json()["principal"] == P + "x" and response.json()["decision"] == "deny"
    # role spellings a scope claim uses; unknown items are ignored
    many = check(api, token(keys, roles=["openid", "semcrm:governance", "semcrm.agent"])).json()
    assert many["roles"] == ["agent", "governance"]


def test_access_jwt_api_keys_still_work_beside_tokens(api):
    assert check(api, api["api_key"]).json()["roles"] == ["agent"]
    assert check(api, api["api_key"], header="X-API-Key").json()["roles"] == ["agent"]
    refused(check(api, None), "API key", "bearer JWT", ISSUER)


def _unsigned(payload: dict) -> str:
    def part(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(payload)}."


def _hmac_signed(payload: dict, secret: bytes, kid: str) -> str:
    import hashlib
    import hmac

    def part(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    head = part(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    body = part(json.dumps(payload).encode())
    mac = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{part(mac)}"


def test_access_jwt_rejections_are_401_saying_why(api, keys):
    now = int(time.time())
    refused(check(api, token(keys, exp=now - 3600, iat=now - 7200, nbf=None)), "expired", "exp")
    refused(check(api, token(keys, nbf=now + 3600)), "not valid yet", "nbf")
    refused(check(api, token(keys, iat=now + 3600, nbf=None)), "not valid yet", "iat")
    refused(check(api, token(keys, iss="https://evil.example/")), "issued by", "evil", ISSUER)
    refused(check(api, token(keys, aud="another-api")), "audience", "another-api", AUDIENCE)
    refused(check(api, token(keys, kid="rsa-9")), "key id 'rsa-9'", "not in the JWKS")
    refused(check(api, token(keys, key="stranger")), "signature does not verify", "rsa-1")
    refused(check(api, token(keys, exp=None)), "no 'exp' claim")
    claims = jwt.decode(token(keys), options={"verify_signature": False})
    refused(check(api, _unsigned(claims)), "unsigned", "alg none")
    # the classic confusion: HS256 keyed with the RSA public key (which is public)
    from cryptography.hazmat.primitives import serialization

    pem = (
        keys["rsa"]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    refused(check(api, _hmac_signed(claims, pem, "rsa-1")), "HS256", "does not accept", "RS256")
    # an EC-signed token claiming the RSA key's kid
    refused(check(api, token(keys, key="ec", kid="rsa-1", alg="ES256")), "cannot verify")
    refused(check(api, "not.a.token"), "not a well-formed JWT")
    refused(check(api, "hunter2"), "neither a semcrm API key", "nor a bearer JWT")
    refused(check(api, token(keys), header="X-API-Key"), "neither a semcrm API key")


def test_access_jwt_token_without_a_semcrm_role_is_403(api, keys):
    response = check(api, token(keys, roles=["openid", "profile"]))
    assert response.status_code == 403
    assert "names no semcrm role" in response.json()["error"]


def test_access_jwt_key_rotation_reaches_the_running_server(api, keys):
    before = token(keys)
    assert check(api, before).status_code == 200
    fresh = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    original = api["jwks"].read_text("utf-8")
    try:
        api["jwks"].write_text(
            json.dumps({"keys": [_jwk(fresh.public_key(), "rsa-2", "RS256")]}), "utf-8"
        )
        refused(check(api, before), "key id 'rsa-1'", "not in the JWKS")
        rotated = jwt.encode(
            jwt.decode(before, options={"verify_signature": False}),
            fresh,
            algorithm="RS256",
            headers={"kid": "rsa-2"},
        )
        assert check(api, rotated).status_code == 200
    finally:
        api["jwks"].write_text(original, "utf-8")


def test_access_jwt_hs256_only_with_a_secret_and_scope_claim(tmp_path):
    data = tmp_path / "data"
    secret = "s" * 40
    with serve(
        data,
        auth="jwt",
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        jwt_algorithms="HS256",
        jwt_secret=secret,
        jwt_roles_claim="scope",
        sparql_workers=1,
    ) as url:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "svc", "exp": now + 60}
        good = jwt.encode({**claims, "scope": "openid semcrm:governance"}, secret, "HS256")
        body = {"action": "approve-change", "resource": "internal"}
        answer = httpx.post(
            f"{url}/access/check", json=body, headers={"Authorization": f"Bearer {good}"}
        )
        assert answer.status_code == 200 and answer.json()["roles"] == ["governance"]
        assert answer.json()["decision"] == "permit"
        wrong = jwt.encode({**claims, "scope": "semcrm:governance"}, "t" * 40, "HS256")
        refused(
            httpx.post(
                f"{url}/access/check", json=body, headers={"Authorization": f"Bearer {wrong}"}
            ),
            "signature does not verify with jwt_secret",
        )
        key = KeyStore(data).create("admin")[0]  # auth=jwt: API keys are not accepted
        refused(
            httpx.post(f"{url}/access/check", json=body, headers={"X-API-Key": key}),
            "API keys are not accepted",
        )


@pytest.mark.parametrize(
    "settings,words",
    [
        ({"auth": "jwt", "jwt_audience": AUDIENCE, "jwt_jwks": "x"}, "jwt_issuer"),
        ({"auth": "jwt", "jwt_issuer": ISSUER, "jwt_jwks": "x"}, "jwt_audience"),
        ({"auth": "keys+jwt", "jwt_issuer": ISSUER, "jwt_audience": AUDIENCE}, "jwt_jwks"),
        (
            {"auth": "jwt", "jwt_issuer": ISSUER, "jwt_audience": AUDIENCE,
             "jwt_algorithms": "HS256"},
            "jwt_secret",
        ),
        ({"jwt_algorithms": "none"}, "jwt_algorithms"),
        (
            {"auth": "jwt", "jwt_issuer": ISSUER, "jwt_audience": AUDIENCE, "jwt_jwks": "x",
             "jwt_secret": "abc"},
            "no HS algorithm",
        ),
    ],
)  # fmt: skip
def test_access_jwt_settings_are_checked(tmp_path, settings, words):
    with pytest.raises(SettingsError, match=words):
        load_settings(data=str(tmp_path), **settings)


def test_access_jwt_an_unusable_key_in_the_jwks_is_skipped_not_a_500(api, keys):
    """Regression: one key PyJWT cannot load (unknown kty) made every token a 500."""
    original = api["jwks"].read_text("utf-8")
    try:
        document = json.loads(original)
        document["keys"].append({"kty": "XYZ", "kid": "future", "use": "sig"})
        api["jwks"].write_text(json.dumps(document), "utf-8")
        assert check(api, token(keys)).status_code == 200
    finally:
        api["jwks"].write_text(original, "utf-8")


@pytest.mark.parametrize("claims", [{"nbf": 10**20}, {"exp": -(10**20)}, {"iat": 10**20}])
def test_access_jwt_times_no_calendar_holds_are_a_401(api, keys, claims):
    """Regression: an out-of-range nbf/exp/iat raised OverflowError (500) while the
    rejection message was written."""
    assert check(api, token(keys, **claims)).status_code == 401
