"""Shared steps of the n8n bridge's tests: a shop with a connected Telegram bot, provisioning, reading bindings."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import bearer
from tests.conversations.helpers import run_jobs, shop_with_catalogue
from tests.fakes.n8n import FakeN8n

BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
PUBLIC = "https://x8.example"


async def shop_with_telegram(
    client: httpx.AsyncClient, email: str = "shop@example.com"
) -> tuple[dict[str, str], str, str]:
    """A shop with a catalogue and a connected Telegram bot: (tokens, company id, channel id)."""
    tokens, company = await shop_with_catalogue(client, email)
    r = await client.post(
        "/api/v1/integrations/telegram/connect",
        headers=bearer(tokens),
        json={"company_id": company["id"], "bot_token": BOT_TOKEN},
    )
    assert r.status_code == 200, r.text
    return tokens, str(company["id"]), str(r.json()["channel_id"])


async def provision(client: httpx.AsyncClient, tokens: dict[str, str], company_id: str, app_url: str) -> None:
    r = await client.post("/api/v1/n8n/provision", headers=bearer(tokens), json={"company_id": company_id})
    assert r.status_code == 202, r.text
    assert r.json() == {"company_id": company_id, "status": "queued"}
    await run_jobs(app_url)


async def bindings(client: httpx.AsyncClient, tokens: dict[str, str], company_id: str) -> dict[str, dict[str, Any]]:
    """The company's bindings by role: its tenant-key ``credential``, its bot's ``bot`` credential (telegramApi) and
    its ``workflow`` (one Telegram ingress in these tests)."""
    r = await client.get("/api/v1/n8n/bindings", headers=bearer(tokens), params={"company_id": company_id})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(body["items"])
    by_role: dict[str, dict[str, Any]] = {}
    for item in body["items"]:
        role = "bot" if item["kind"] == "credential" and "Telegram bot" in item["name"] else item["kind"]
        assert role not in by_role, body
        by_role[role] = item
    return by_role


MAIN_GENERATION = "X8 · Main Generation"


def tenant_workflows(fake: FakeN8n) -> dict[str, dict[str, Any]]:
    """The fake n8n's workflows but the instance's shared Main Generation."""
    return {key: w for key, w in fake.workflows.items() if w["name"] != MAIN_GENERATION}


def tenant_key_credentials(fake: FakeN8n) -> dict[str, dict[str, Any]]:
    """The fake n8n's httpHeaderAuth credentials (tenant keys), not the bots' telegramApi ones."""
    return {key: c for key, c in fake.credentials.items() if c["type"] == "httpHeaderAuth"}


def telegram_update(update_id: int, text: str, *, chat: int = 555001) -> dict[str, Any]:
    sender = {"id": chat, "is_bot": False, "first_name": "Jane", "username": "janesmith", "language_code": "en"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "from": sender,
            "chat": {"id": chat, "first_name": "Jane", "username": "janesmith", "type": "private"},
            "date": 1746268800,
            "text": text,
        },
    }


async def conversation_of(client: httpx.AsyncClient, tokens: dict[str, str], company_id: str) -> dict[str, Any]:
    r = await client.get("/api/v1/conversations", params={"company_id": company_id}, headers=bearer(tokens))
    assert r.status_code == 200, r.text
    [conversation] = r.json()["items"]
    return dict(conversation)


async def tenant_key(client: httpx.AsyncClient, tokens: dict[str, str], company_id: str) -> str:
    r = await client.post(f"/api/v1/companies/{company_id}/n8n-key", headers=bearer(tokens))
    assert r.status_code == 200, r.text
    return str(r.json()["key"])
