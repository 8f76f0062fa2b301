"""Arranging a sale: a business with a catalogue and a playground conversation, a connected account, signed
Stripe webhooks, and reading what was stored."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from tests.conftest import bearer, sql
from tests.conversations.helpers import connect_web, say
from tests.fakes.stripe import FakeStripe, signed
from tests.kb_engine.helpers import business_company, upload
from tests.payments.conftest import CONNECT_WEBHOOK_SECRET, WEBHOOK_SECRET
from x8.tenancy.names import TenantNames

CATALOGUE = (
    "SKU,Name,Description,Price,Currency,Stock\n"
    "ROSE-1,Classic Rose,A red rose,24.90,USD,100\n"
    "CARD-2,Greeting card,A card with your words,3.50,USD,\n"
    "TEA-3,Matcha,Ceremonial grade,1500,JPY,\n"
    "FREE-4,Advice,Free advice,0,USD,\n"
    "NOPRICE-5,Mystery box,Ask us,,,\n"
    "FEW-6,Rare orchid,Only a few,99.00,USD,2\n"
    "YACHT-7,Yacht,A boat with a bow on it,250000.00,USD,\n"
)


@dataclass
class Shop:
    tokens: dict[str, Any]
    company_id: str
    channel_id: str
    conversation_id: str
    kb_id: str
    rows: dict[str, str]  # name → KB row id

    @property
    def company(self) -> uuid.UUID:
        return uuid.UUID(self.company_id)

    @property
    def conversation(self) -> uuid.UUID:
        return uuid.UUID(self.conversation_id)

    def row(self, name: str) -> uuid.UUID:
        return uuid.UUID(self.rows[name])


async def open_shop(
    client: httpx.AsyncClient, email: str = "florist@example.com", *, language: str = "en", text: str = "hello"
) -> Shop:
    """A business with the catalogue above, its playground channel and one customer conversation in it."""
    tokens, company = await business_company(client, email, language=language)
    uploaded = await upload(client, tokens, company["id"], CATALOGUE.encode())
    assert uploaded.status_code == 200, uploaded.text
    kb = await client.get(f"/api/v1/knowledge-base/{uploaded.json()['kb_id']}", headers=bearer(tokens))
    rows = {item["name"]: item["id"] for item in kb.json()["items"]}
    channel = await connect_web(client, tokens, company["id"])
    sent = await say(client, tokens, channel, text, visitor_id="customer-1")
    return Shop(tokens, company["id"], channel, sent["conversation_id"], uploaded.json()["kb_id"], rows)


async def connect_account(client: httpx.AsyncClient, fake: FakeStripe, tokens: dict[str, Any]) -> str:
    """Onboard the business and let Stripe enable its account (as finishing onboarding does), told by the Connect
    webhook."""
    onboarded = await client.post("/api/v1/payments/connect/onboard", headers=bearer(tokens))
    assert onboarded.status_code == 200, onboarded.text
    account_id = str(onboarded.json()["account_id"])
    account = fake.update_account(account_id, charges_enabled=True, details_submitted=True, payouts_enabled=True)
    response = await connect_webhook(client, fake.event("account.updated", account, account=account_id))
    assert response.status_code == 200, response.text
    return account_id


async def platform_webhook(client: httpx.AsyncClient, event: dict[str, Any], secret: str = WEBHOOK_SECRET) -> Any:
    body, headers = signed(event, secret)
    return await client.post("/api/v1/subscriptions/webhook/stripe", content=body, headers=headers)


async def connect_webhook(
    client: httpx.AsyncClient, event: dict[str, Any], secret: str = CONNECT_WEBHOOK_SECRET
) -> Any:
    body, headers = signed(event, secret)
    return await client.post("/api/v1/webhooks/stripe-connect", content=body, headers=headers)


def tenant_sql(owner_url: str, company_id: str | uuid.UUID, query: str, *params: Any) -> list[tuple[Any, ...]]:
    """Read a company's tenant tables as the owner: ``{schema}`` in the query is the company's schema."""
    schema = TenantNames(uuid.UUID(str(company_id))).schema
    return sql(owner_url, query.replace("{schema}", schema), *params)


def order_row(owner_url: str, company_id: str | uuid.UUID, order_id: uuid.UUID) -> dict[str, Any]:
    columns = ("status", "amount", "currency", "checkout_session_id", "checkout_url", "provider", "paid_at")
    [row] = tenant_sql(
        owner_url, company_id, f"SELECT {', '.join(columns)} FROM {{schema}}.orders WHERE id = %s", order_id
    )
    return dict(zip(columns, row, strict=True))


def payment_status(owner_url: str, shop: Shop) -> str:
    [(status,)] = tenant_sql(
        owner_url, shop.company_id, "SELECT payment_status FROM {schema}.conversations WHERE id = %s", shop.conversation
    )
    return str(status)


def bot_messages(owner_url: str, shop: Shop) -> list[tuple[str, str, str | None]]:
    """The conversation's bot messages: (body, status, message_type), oldest first."""
    rows = tenant_sql(
        owner_url,
        shop.company_id,
        "SELECT body, status, message_type FROM {schema}.messages WHERE conversation_id = %s AND sender = 'bot' "
        "ORDER BY created_at, id",
        shop.conversation,
    )
    return [(str(body), str(status), message_type) for body, status, message_type in rows]
