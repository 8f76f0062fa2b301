"""Arranging a TikTok set-up: a business (with room for two channels) whose WhatsApp session is logged in, its
TikTok channel, links, and WAHA's webhooks for what customers write."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from tests.conftest import bearer, sql
from tests.conversations.helpers import run_jobs
from tests.fakes.waha import FakeWaha, signed
from tests.kb_engine.helpers import business_company, upload
from tests.payments.helpers import CATALOGUE
from tests.tiktok.conftest import WAHA_HMAC_KEY


@dataclass
class Business:
    tokens: dict[str, Any]
    company_id: str
    whatsapp_id: str
    session: str
    rows: dict[str, str]  # catalogue name → KB row id


async def emit(client: httpx.AsyncClient, fake: FakeWaha, session: str, event: str, payload: dict[str, Any]) -> None:
    body, headers = signed(fake.event(session, event, payload), WAHA_HMAC_KEY)
    r = await client.post("/api/v1/webhooks/waha", content=body, headers=headers)
    assert r.status_code == 200, r.text


async def business_on_whatsapp(
    client: httpx.AsyncClient,
    fake: FakeWaha,
    owner_url: str,
    app_url: str,
    email: str = "tiktok@example.com",
    *,
    language: str = "en",
    logged_in: bool = True,
) -> Business:
    tokens, company = await business_company(client, email, language=language)
    uploaded = await upload(client, tokens, company["id"], CATALOGUE.encode())
    assert uploaded.status_code == 200, uploaded.text
    kb = await client.get(f"/api/v1/knowledge-base/{uploaded.json()['kb_id']}", headers=bearer(tokens))
    rows = {item["name"]: item["id"] for item in kb.json()["items"]}
    sql(owner_url, "UPDATE users SET channel_limit_override = 5 WHERE email = %s", email)
    r = await client.post(
        "/api/v1/integrations/whatsapp/connect", headers=bearer(tokens), json={"company_id": company["id"]}
    )
    assert r.status_code == 200, r.text
    whatsapp_id = str(r.json()["channel_id"])
    session = "x8_" + whatsapp_id.replace("-", "")
    if logged_in:
        fake.sessions[session]["status"] = "WORKING"
        await emit(client, fake, session, "session.status", {"status": "WORKING"})
        await run_jobs(app_url)
    return Business(tokens, company["id"], whatsapp_id, session, rows)


async def connect_tiktok(client: httpx.AsyncClient, business: Business) -> str:
    r = await client.post(
        "/api/v1/integrations/tiktok/connect",
        headers=bearer(business.tokens),
        json={"company_id": business.company_id, "whatsapp_channel_id": business.whatsapp_id},
    )
    assert r.status_code == 200, r.text
    assert r.json()["platform"] == "tiktok" and r.json()["status"] == "CONNECTED"
    return str(r.json()["channel_id"])


async def new_link(client: httpx.AsyncClient, business: Business, channel_id: str, **body: Any) -> dict[str, Any]:
    r = await client.post(
        "/api/v1/integrations/tiktok/links",
        headers=bearer(business.tokens),
        json={"channel_id": channel_id, "name": "Spring video", **body},
    )
    assert r.status_code == 201, r.text
    link: dict[str, Any] = r.json()
    return link


async def links(client: httpx.AsyncClient, business: Business, channel_id: str) -> list[dict[str, Any]]:
    r = await client.get(
        "/api/v1/integrations/tiktok/links", params={"channel_id": channel_id}, headers=bearer(business.tokens)
    )
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def whatsapp_message(message_id: str, text: str, customer: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": message_id,
        "timestamp": 1667561485,
        "from": customer,
        "to": "4930123456789@c.us",
        "fromMe": False,
        "body": text,
        "hasMedia": False,
        **extra,
    }
