"""Shared steps of the support tests: businesses, an admin, managers and assignments, through the API."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import bearer, create_staff, login, register

CHAT = "/api/v1/support/chat"


async def admin(client: httpx.AsyncClient, app_url: str) -> dict[str, Any]:
    await create_staff(app_url, "ADMIN", "admin@example.com")
    return await login(client, "admin@example.com", "StaffPass123")


async def manager(client: httpx.AsyncClient, admin_tokens: dict[str, Any], email: str) -> tuple[dict[str, Any], str]:
    """A manager made by the admin: their tokens and id."""
    made = await client.post(
        "/api/v1/admin/managers",
        headers=bearer(admin_tokens),
        json={"email": email, "password": "Manag3rPass", "full_name": email.split("@")[0].title()},
    )
    assert made.status_code == 201, made.text
    return await login(client, email, "Manag3rPass"), str(made.json()["id"])


async def business(client: httpx.AsyncClient, email: str) -> tuple[dict[str, Any], str]:
    tokens = await register(client, email)
    me = await client.get("/api/v1/auth/me", headers=bearer(tokens))
    return tokens, str(me.json()["id"])


async def assign(client: httpx.AsyncClient, admin_tokens: dict[str, Any], manager_id: str, client_id: str) -> None:
    r = await client.post(
        "/api/v1/admin/assignments",
        headers=bearer(admin_tokens),
        json={"manager_id": manager_id, "client_id": client_id},
    )
    assert r.status_code == 200, r.text


async def write(client: httpx.AsyncClient, tokens: dict[str, Any], text: str, client_id: str | None = None) -> Any:
    body: dict[str, Any] = {"text": text} | ({"client_id": client_id} if client_id else {})
    r = await client.post(CHAT, headers=bearer(tokens), json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def thread(client: httpx.AsyncClient, tokens: dict[str, Any], client_id: str | None = None, **params: Any) -> Any:
    query = params | ({"client_id": client_id} if client_id else {})
    r = await client.get(CHAT, headers=bearer(tokens), params=query)
    assert r.status_code == 200, r.text
    return r.json()
