"""Steps shared by the vault tests, through the API."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import bearer
from tests.kb_engine.helpers import business_company

SECRETS = "/api/v1/vault/secrets"
AUDIT = "/api/v1/vault/audit"


async def business_with_bot(
    client: httpx.AsyncClient, email: str, token: str
) -> tuple[dict[str, str], dict[str, Any], str]:
    """A business with a company whose Telegram bot is connected: tokens, company, the business's id."""
    tokens, company = await business_company(client, email)
    r = await client.post(
        "/api/v1/integrations/telegram/connect",
        headers=bearer(tokens),
        json={"company_id": company["id"], "bot_token": token},
    )
    assert r.status_code == 200, r.text
    me = await client.get("/api/v1/auth/me", headers=bearer(tokens))
    return tokens, company, str(me.json()["id"])


async def secrets(client: httpx.AsyncClient, tokens: dict[str, Any], **params: str) -> httpx.Response:
    return await client.get(SECRETS, headers=bearer(tokens), params=params)


async def reveal(client: httpx.AsyncClient, tokens: dict[str, Any], secret_id: str) -> httpx.Response:
    return await client.post(f"{SECRETS}/{secret_id}/reveal", headers=bearer(tokens))


async def audit(client: httpx.AsyncClient, tokens: dict[str, Any], **params: str) -> dict[str, Any]:
    r = await client.get(AUDIT, headers=bearer(tokens), params=params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body
