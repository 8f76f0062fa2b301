"""R-A2: login, refresh rotation, logout; forged, expired and alg:none tokens."""

from __future__ import annotations

import ast
import base64
import json
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

import x8
from tests.conftest import bearer, register
from x8.kit.clock import utcnow
from x8.kit.security import InvalidToken, decode_token, encode_token
from x8.settings import Settings

KEY = "k" * 64


def _claims(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


async def test_login_with_wrong_password_or_unknown_email_is_401(client: httpx.AsyncClient) -> None:
    await register(client, "l@example.com", "Sup3rSecret")
    for body in (
        {"email": "l@example.com", "password": "Wrong1234"},
        {"email": "nobody@example.com", "password": "x"},
    ):
        r = await client.post("/api/v1/auth/login", json=body)
        assert r.status_code == 401
        assert r.json() == {"error": "Unauthorized", "detail": "Incorrect email or password."}
    r = await client.post("/api/v1/auth/login", json={"email": "L@EXAMPLE.COM", "password": "Sup3rSecret"})
    assert r.status_code == 200


async def test_refresh_rotates_and_the_old_token_stops_working(client: httpx.AsyncClient) -> None:
    tokens = await register(client, "r@example.com")
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 200
    rotated = r.json()
    assert rotated["refresh_token"] != tokens["refresh_token"]
    assert (await client.get("/api/v1/auth/me", headers=bearer(rotated))).status_code == 200
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 401


async def test_reusing_a_rotated_refresh_token_signs_the_whole_session_out(client: httpx.AsyncClient) -> None:
    tokens = await register(client, "theft@example.com")
    rotated = (await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})).json()
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 401
    assert "already used" in r.json()["detail"]
    # The thief's reuse also ends the legitimate holder's session.
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert r.status_code == 401
    assert (await client.get("/api/v1/auth/me", headers=bearer(rotated))).status_code == 401


async def test_logout_revokes_access_and_refresh_tokens(client: httpx.AsyncClient) -> None:
    tokens = await register(client, "out@example.com")
    r = await client.post("/api/v1/auth/logout", headers=bearer(tokens))
    assert r.status_code == 200
    assert (await client.get("/api/v1/auth/me", headers=bearer(tokens))).status_code == 401
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 401


async def test_logout_ends_only_that_session(client: httpx.AsyncClient) -> None:
    first = await register(client, "two@example.com", "Sup3rSecret")
    second = (
        await client.post("/api/v1/auth/login", json={"email": "two@example.com", "password": "Sup3rSecret"})
    ).json()
    await client.post("/api/v1/auth/logout", headers=bearer(first))
    assert (await client.get("/api/v1/auth/me", headers=bearer(second))).status_code == 200


async def test_missing_or_malformed_bearer_is_401(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/auth/me")
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.json()["error"] == "Unauthorized"
    r = await client.get("/api/v1/auth/me", headers={"Authorization": "Bearer not.a.jwt"})
    assert r.status_code == 401


async def test_token_signed_with_another_key_is_401(client: httpx.AsyncClient, settings: Settings) -> None:
    tokens = await register(client, "forge@example.com")
    claims = _claims(tokens["access_token"])
    forged = jwt.encode(claims, "not-the-server-key-but-just-as-long", algorithm="HS256")
    assert (await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {forged}"})).status_code == 401


async def test_expired_token_is_401(client: httpx.AsyncClient, settings: Settings) -> None:
    tokens = await register(client, "exp@example.com")
    claims = _claims(tokens["access_token"])
    expired = encode_token(
        settings.secret_key,
        subject=claims["sub"],
        token_type="access",
        ttl=timedelta(seconds=-10),
        claims={"sid": claims["sid"], "role": "CLIENT"},
    )
    r = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_alg_none_token_is_401(client: httpx.AsyncClient) -> None:
    tokens = await register(client, "none@example.com")
    claims = _claims(tokens["access_token"])
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    r = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {unsigned}"})
    assert r.status_code == 401


async def test_refresh_token_is_not_an_access_token(client: httpx.AsyncClient) -> None:
    tokens = await register(client, "kind@example.com")
    r = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {tokens['refresh_token']}"})
    assert r.status_code == 401
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["access_token"]})
    assert r.status_code == 401


async def test_disabled_account_cannot_use_its_tokens(client: httpx.AsyncClient, owner_url: str) -> None:
    from tests.conftest import sql

    tokens = await register(client, "off@example.com", "Sup3rSecret")
    sql(owner_url, "UPDATE users SET is_active = false WHERE email = %s", "off@example.com")
    assert (await client.get("/api/v1/auth/me", headers=bearer(tokens))).status_code == 401
    r = await client.post("/api/v1/auth/login", json={"email": "off@example.com", "password": "Sup3rSecret"})
    assert r.status_code == 401


# decode_token on its own: the rules above, without a server.


def test_a_token_round_trips_with_its_claims_and_type() -> None:
    token = encode_token(KEY, subject="u1", token_type="stream", ttl=timedelta(minutes=1), claims={"company": "c1"})
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    claims = decode_token(KEY, token, expected_type="stream")
    assert claims["sub"] == "u1" and claims["type"] == "stream" and claims["company"] == "c1"
    assert claims["exp"] - claims["iat"] == 60 and isinstance(claims["jti"], str)
    with pytest.raises(InvalidToken, match="wrong token type"):
        decode_token(KEY, token, expected_type="access")


@pytest.mark.parametrize("algorithm", ["HS384", "HS512"])
def test_other_algorithms_are_refused_even_with_the_right_key(algorithm: str) -> None:
    token = jwt.encode({"sub": "u1", "type": "access", "exp": int(time.time()) + 60}, KEY, algorithm=algorithm)
    with pytest.raises(InvalidToken, match="algorithm"):
        decode_token(KEY, token, expected_type="access")


@pytest.mark.parametrize(
    "token",
    [
        "not.a.jwt",
        "",
        f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64({'sub': 'u1', 'type': 'access'})}.",
        f"{_b64({'alg': 'HS256', 'typ': 'JWT'})}.{_b64({'sub': 'u1', 'type': 'access'})}.c2ln",
    ],
)
def test_malformed_unsigned_and_forged_tokens_raise_invalid_token(token: str) -> None:
    with pytest.raises(InvalidToken):
        decode_token(KEY, token, expected_type="access")


def test_expired_and_expiry_less_tokens_are_refused() -> None:
    expired = encode_token(KEY, subject="u1", token_type="access", ttl=timedelta(seconds=-1))
    with pytest.raises(InvalidToken, match="expired"):
        decode_token(KEY, expired, expected_type="access")
    forever = jwt.encode({"sub": "u1", "type": "access"}, KEY, algorithm="HS256")
    with pytest.raises(InvalidToken, match="exp"):
        decode_token(KEY, forever, expected_type="access")


def test_a_token_issued_a_moment_in_the_future_is_accepted() -> None:
    # Another host's clock may run a few seconds ahead: python-jose accepted such a token, and so do we.
    ahead = encode_token(
        KEY, subject="u1", token_type="access", ttl=timedelta(minutes=30), now=utcnow() + timedelta(seconds=30)
    )
    assert decode_token(KEY, ahead, expected_type="access")["sub"] == "u1"


def test_a_token_without_a_string_subject_is_refused() -> None:
    exp = int(time.time()) + 60
    for claims in ({"sub": 42, "type": "access", "exp": exp}, {"type": "access", "exp": exp}):
        with pytest.raises(InvalidToken):
            decode_token(KEY, jwt.encode(claims, KEY, algorithm="HS256"), expected_type="access")


def test_the_platform_no_longer_imports_python_jose() -> None:
    # python-jose is unmaintained: PyJWT signs and checks the tokens.
    package = Path(x8.__file__).parent
    for source in package.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            assert not any(n == "jose" or n.startswith("jose.") for n in names), source
