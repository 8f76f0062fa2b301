"""Stripe's two webhooks through the inbox (SPEC.md §11): verified with stripe.Webhook.construct_event, stored once
by event id with their job in one statement, and handled once; forged or replayed events change nothing."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from tests.conftest import sql
from tests.conversations.helpers import run_jobs
from tests.fakes.stripe import FakeStripe, sign_webhook, signed
from tests.payments.conftest import CONNECT_WEBHOOK_SECRET, WEBHOOK_SECRET
from tests.payments.helpers import connect_webhook, platform_webhook

PLATFORM = "/api/v1/subscriptions/webhook/stripe"
CONNECT = "/api/v1/webhooks/stripe-connect"


def _stored(owner_url: str) -> list[tuple[str, str]]:
    return [(str(s), str(e)) for s, e in sql(owner_url, "SELECT source, external_id FROM webhook_events ORDER BY id")]


def _jobs(owner_url: str) -> int:
    [(count,)] = sql(owner_url, "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'inbox:handle_event'")
    return int(count)


@pytest.mark.parametrize(("path", "secret"), [(PLATFORM, WEBHOOK_SECRET), (CONNECT, CONNECT_WEBHOOK_SECRET)])
async def test_bad_or_missing_signatures_are_400_and_store_nothing(
    stripe_client_: httpx.AsyncClient, fake: FakeStripe, owner_url: str, path: str, secret: str
) -> None:
    client = stripe_client_
    event = fake.event("checkout.session.expired", {"id": "cs_test_1", "object": "checkout.session"})
    body = json.dumps(event).encode()
    other = CONNECT_WEBHOOK_SECRET if secret == WEBHOOK_SECRET else WEBHOOK_SECRET
    attempts = {
        "missing": {},
        "garbage": {"stripe-signature": "nonsense"},
        "other endpoint's secret": {"stripe-signature": sign_webhook(body, other)},
        "too old": {"stripe-signature": sign_webhook(body, secret, int(time.time()) - 3600)},
    }
    for name, headers in attempts.items():
        response = await client.post(path, content=body, headers={"content-type": "application/json", **headers})
        assert response.status_code == 400, name
        assert response.json()["error"] == "BadRequest" and "signature" in response.json()["detail"]
    # A body changed after signing.
    _, headers = signed(event, secret)
    tampered = json.dumps({**event, "type": "checkout.session.completed"}).encode()
    assert (await client.post(path, content=tampered, headers=headers)).status_code == 400
    # Signed, but not an event.
    not_event = b'["a list"]'
    headers = {"content-type": "application/json", "stripe-signature": sign_webhook(not_event, secret)}
    assert (await client.post(path, content=not_event, headers=headers)).status_code == 400
    assert _stored(owner_url) == [] and _jobs(owner_url) == 0


async def test_an_event_is_stored_once_and_a_replay_changes_nothing(
    stripe_client_: httpx.AsyncClient, fake: FakeStripe, owner_url: str
) -> None:
    client = stripe_client_
    event = fake.event("payment_intent.created", {"id": "pi_1", "object": "payment_intent"})
    first = await platform_webhook(client, event)
    again = await platform_webhook(client, event)  # Stripe retries, or someone replays a captured request
    assert first.status_code == again.status_code == 200
    assert first.json() == {"ok": True}
    assert _stored(owner_url) == [("stripe", event["id"])] and _jobs(owner_url) == 1

    connect_event = fake.event("account.updated", {"id": "acct_1", "object": "account"}, account="acct_1")
    await connect_webhook(client, connect_event)
    await connect_webhook(client, connect_event)
    assert _stored(owner_url)[1:] == [("stripe_connect", connect_event["id"])] and _jobs(owner_url) == 2


async def test_events_nothing_acts_on_are_handled_and_billing_ones_go_to_billing(
    stripe_client_: httpx.AsyncClient, fake: FakeStripe, owner_url: str, app_url: str
) -> None:
    """An event type X8 ignores is handled (nothing to do). A subscription's checkout and billing's events go to
    billing's handlers (tests/billing); for no known business they are handled with nothing to do, not retried."""
    client = stripe_client_
    ignored = fake.event("payment_intent.created", {"id": "pi_1", "object": "payment_intent"})
    subscription = fake.event(
        "checkout.session.completed",
        {"id": "cs_test_sub", "object": "checkout.session", "metadata": {"x8_kind": "subscription"}},
    )
    invoice = fake.event("invoice.paid", {"id": "in_1", "object": "invoice"})
    for event in (ignored, subscription, invoice):
        assert (await platform_webhook(client, event)).status_code == 200
    await run_jobs(app_url)
    rows = sql(owner_url, "SELECT external_id, handled_at IS NOT NULL, attempts, error FROM webhook_events ORDER BY id")
    by_id = {row[0]: row[1:] for row in rows}
    for event in (ignored, subscription, invoice):
        assert by_id[event["id"]] == (True, 1, None)
    assert sql(owner_url, "SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'") == [(0,)]  # no retries


async def test_the_platform_webhook_takes_a_body_the_json_guard_would_rewrite(
    stripe_client_: httpx.AsyncClient, fake: FakeStripe, owner_url: str
) -> None:
    """The signature is over the bytes as sent: a NUL escaped in a customer's name must reach the check unchanged."""
    client = stripe_client_
    event = fake.event("payment_intent.created", {"id": "pi_2", "object": "payment_intent", "description": "a\u0000b"})
    assert (await platform_webhook(client, event)).status_code == 200
    [(payload,)] = sql(owner_url, "SELECT payload FROM webhook_events")
    assert payload["data"]["object"]["description"] == "ab"  # stored without what PostgreSQL cannot hold
