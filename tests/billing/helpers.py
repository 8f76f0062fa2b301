"""Arranging billing: a business (with channels chosen in a company), a subscription bought through Checkout and
reported by a signed webhook, and reading the business's plan."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import bearer, register, sql
from tests.conversations.helpers import run_jobs
from tests.fakes.stripe import FakeStripe
from tests.payments.helpers import platform_webhook

PRICES = {
    "SINGLE": "price_x8single000000000000",
    "DOUBLE": "price_x8double000000000000",
    "GROWTH": "price_x8growth000000000000",
    "SPECIAL": "price_x8special00000000000",
}


async def business(
    client: httpx.AsyncClient, email: str = "owner@example.com", *, channels: tuple[str, ...] = ()
) -> tuple[dict[str, Any], str]:
    """A registered business (on its trial) with one company that has chosen ``channels``."""
    tokens = await register(client, email)
    created = await client.post(
        "/api/v1/companies/",
        headers=bearer(tokens),
        json={"name": "Shop", "company_type": "Product", "language": "en", "channels": list(channels)},
    )
    assert created.status_code == 201, created.text
    return tokens, str(created.json()["id"])


async def active(client: httpx.AsyncClient, tokens: dict[str, Any]) -> dict[str, Any]:
    response = await client.get("/api/v1/subscriptions/active", headers=bearer(tokens))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def deliver(client: httpx.AsyncClient, app_url: str, event: dict[str, Any]) -> None:
    """Post a signed event to the platform webhook and run its job."""
    response = await platform_webhook(client, event)
    assert response.status_code == 200, response.text
    await run_jobs(app_url)


async def subscribe(
    client: httpx.AsyncClient, fake: FakeStripe, app_url: str, tokens: dict[str, Any], plan: str = "DOUBLE"
) -> dict[str, Any]:
    """Buy ``plan`` through Checkout: the customer pays, Stripe reports the completed session. Returns the
    subscription at Stripe."""
    created = await client.post("/api/v1/subscriptions/create-session", headers=bearer(tokens), json={"plan": plan})
    assert created.status_code == 200, created.text
    session = fake.complete_session(created.json()["session_id"])
    await deliver(client, app_url, fake.event("checkout.session.completed", session))
    subscription: dict[str, Any] = fake.store()[session["subscription"]]
    return subscription


def user_row(owner_url: str, email: str) -> dict[str, Any]:
    columns = ("id", "plan", "subscription_status", "stripe_customer_id", "past_due_since", "subscription_ends_at")
    [row] = sql(owner_url, f"SELECT {', '.join(columns)} FROM users WHERE email = %s", email)
    return dict(zip(columns, row, strict=True))
