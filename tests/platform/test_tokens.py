"""R-A2: login, refresh rotation, logout; forged, expired and alg:none tokens."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import httpx
from jose import jwt

from tests.conftest import bearer, register
from x8.kit.security import encode_token
from x8.settings import Settings


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
    claims = jwt.get_unverified_claims(tokens["access_token"])
    forged = jwt.encode(claims, "not-the-server-key", algorithm="HS256")
    assert (await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {forged}"})).status_code == 401


async def test_expired_token_is_401(client: httpx.AsyncClient, settings: Settings) -> None:
    tokens = await register(client, "exp@example.com")
    claims = jwt.get_unverified_claims(tokens["access_token"])
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
    claims = jwt.get_unverified_claims(tokens["access_token"])
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
