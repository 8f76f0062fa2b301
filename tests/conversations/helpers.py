from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import bearer
from tests.kb_engine.helpers import PRODUCT_CSV, business_company, upload
from x8.worker import build_app


async def run_jobs(app_url: str) -> None:
    """Run every job that is due now, in this process, then return (what a worker would do)."""
    await build_app(app_url).run_worker_async(wait=False, install_signal_handlers=False, listen_notify=False)


async def shop_with_catalogue(
    client: httpx.AsyncClient, email: str = "shop@example.com", **company: Any
) -> tuple[dict[str, str], dict[str, Any]]:
    tokens, created = await business_company(client, email, **company)
    await upload(client, tokens, created["id"], PRODUCT_CSV.encode())
    return tokens, created


async def connect_web(client: httpx.AsyncClient, tokens: dict[str, str], company_id: str) -> str:
    r = await client.post("/api/v1/integrations/web/connect", headers=bearer(tokens), json={"company_id": company_id})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "CONNECTED"
    return str(r.json()["channel_id"])


async def say(
    client: httpx.AsyncClient, tokens: dict[str, str], channel_id: str, text: str, **extra: Any
) -> dict[str, Any]:
    r = await client.post(f"/api/v1/webhooks/web/{channel_id}", headers=bearer(tokens), json={"text": text, **extra})
    assert r.status_code == 202, r.text
    body: dict[str, Any] = r.json()
    return body


async def history(client: httpx.AsyncClient, tokens: dict[str, str], conversation_id: str) -> list[dict[str, Any]]:
    r = await client.get(f"/api/v1/conversations/{conversation_id}/messages", headers=bearer(tokens))
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def bot_replies(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages if m["sender"] == "bot"]
