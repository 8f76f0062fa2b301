"""A subscription's life through Stripe's events (SPEC.md R-B2, R-B3): started by a completed Checkout, kept from
customer.subscription.* and the invoices, past due with 3 days of grace, canceled with every channel paused and
all data kept, and resumed by a new subscription. Forged, replayed or late events change nothing; a price that
is no X8 plan is logged and ignored."""

from __future__ import annotations

import json
import logging
import uuid

import httpx
import pytest

from tests.billing.helpers import PRICES, active, business, deliver, subscribe, user_row
from tests.conftest import bearer, sql
from tests.conversations.helpers import bot_replies, run_jobs, say
from tests.conversations.helpers import history as chat_history
from tests.fakes.stripe import FakeStripe, sign_webhook
from tests.payments.conftest import CONNECT_WEBHOOK_SECRET
from x8.platform.conversations.service import forget_company_profile

EMAIL = "owner@example.com"


async def test_a_completed_checkout_starts_the_plan(
    api: httpx.AsyncClient, fake: FakeStripe, app_url: str, owner_url: str
) -> None:
    tokens, _ = await business(api, channels=("telegram",))
    subscription = await subscribe(api, fake, app_url, tokens, "DOUBLE")
    plan = await active(api, tokens)
    assert plan["plan"] == "DOUBLE" and plan["status"] == "active"
    assert plan["channel_limit"] == 2 and plan["channels_used"] == 1
    assert plan["subscription_id"] == subscription["id"] and plan["current_period_end"] is not None
    history = (await api.get("/api/v1/subscriptions/", headers=bearer(tokens))).json()
    assert [(s["id"], s["plan"], s["status"]) for s in history["items"]] == [(subscription["id"], "DOUBLE", "active")]
    assert history["total"] == 1
    # Stripe's subscription events for the same change arrive too (and later): they agree, nothing moves.
    await deliver(api, app_url, fake.event("customer.subscription.created", subscription))
    assert (await active(api, tokens))["plan"] == "DOUBLE"
    [(handled,)] = sql(owner_url, "SELECT count(*) FROM webhook_events WHERE handled_at IS NULL")
    assert handled == 0


async def test_the_subscription_event_alone_starts_the_plan(
    api: httpx.AsyncClient, fake: FakeStripe, app_url: str
) -> None:
    """Without the Checkout event (not enabled at Stripe, or still on its way) the subscription's own is enough: the
    business is found by its customer, and before that by the x8_user_id X8 put on the subscription."""
    tokens, _ = await business(api)
    created = await api.post("/api/v1/subscriptions/create-session", headers=bearer(tokens), json={"plan": "GROWTH"})
    session = fake.complete_session(created.json()["session_id"])
    subscription = fake.store()[session["subscription"]]
    await deliver(api, app_url, fake.event("customer.subscription.created", subscription))
    plan = await active(api, tokens)
    assert (plan["plan"], plan["status"], plan["channel_limit"]) == ("GROWTH", "active", 4)


async def test_forged_and_replayed_events_change_nothing(
    api: httpx.AsyncClient, fake: FakeStripe, app_url: str, owner_url: str
) -> None:
    tokens, _ = await business(api)
    subscription = await subscribe(api, fake, app_url, tokens, "SINGLE")
    canceled = fake.event("customer.subscription.deleted", {**subscription, "status": "canceled"})
    body = json.dumps(canceled).encode()
    for headers in (
        {},
        {"stripe-signature": sign_webhook(body, CONNECT_WEBHOOK_SECRET)},
        {"stripe-signature": "t=1,v1=deadbeef"},
    ):
        response = await api.post(
            "/api/v1/subscriptions/webhook/stripe",
            content=body,
            headers={"content-type": "application/json", **headers},
        )
        assert response.status_code == 400
    await run_jobs(app_url)
    assert (await active(api, tokens))["status"] == "active"

    # The real event cancels; a replay of an older "active" event (a new id, an earlier time) does not undo it.
    fake.set_subscription_status(subscription["id"], "canceled")
    await deliver(api, app_url, canceled)
    assert (await active(api, tokens))["status"] == "canceled"
    await deliver(api, app_url, canceled)  # the same event again: stored once, handled once
    [(count,)] = sql(owner_url, "SELECT count(*) FROM webhook_events WHERE external_id = %s", canceled["id"])
    assert count == 1
    late = fake.event("customer.subscription.updated", {**subscription, "status": "active"})
    late["created"] = canceled["created"] - 60
    await deliver(api, app_url, late)
    assert (await active(api, tokens))["status"] == "canceled"


async def test_an_unknown_price_is_logged_and_ignored(
    api: httpx.AsyncClient, fake: FakeStripe, app_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    tokens, _ = await business(api)
    await subscribe(api, fake, app_url, tokens, "SINGLE")
    [customer] = fake.of_type("customer")
    other_price = fake.add_price(777)
    odd = fake.add_subscription(customer["id"], other_price)
    with caplog.at_level(logging.WARNING, logger="x8.platform.billing.sync"):
        await deliver(api, app_url, fake.event("customer.subscription.created", odd))
    assert any(other_price in record.getMessage() for record in caplog.records)
    plan = await active(api, tokens)
    assert (plan["plan"], plan["status"]) == ("SINGLE", "active")
    history = (await api.get("/api/v1/subscriptions/", headers=bearer(tokens))).json()
    assert odd["id"] not in [s["id"] for s in history["items"]]


async def test_invoices_are_kept_and_listed(api: httpx.AsyncClient, fake: FakeStripe, app_url: str) -> None:
    tokens, _ = await business(api)
    subscription = await subscribe(api, fake, app_url, tokens, "DOUBLE")
    first = fake.add_invoice(subscription["id"])
    await deliver(api, app_url, fake.event("invoice.paid", first))
    second = fake.add_invoice(subscription["id"], paid=False)
    await deliver(api, app_url, fake.event("invoice.payment_failed", second))
    history = (await api.get("/api/v1/subscriptions/", headers=bearer(tokens))).json()
    assert history["invoices_total"] == 2
    by_id = {invoice["id"]: invoice for invoice in history["invoices"]}
    assert by_id[first["id"]]["status"] == "paid" and by_id[first["id"]]["amount_paid"] == "19.99"
    assert by_id[first["id"]]["subscription_id"] == subscription["id"]
    assert by_id[first["id"]]["hosted_invoice_url"] == first["hosted_invoice_url"]
    assert by_id[second["id"]]["status"] == "open" and by_id[second["id"]]["amount_paid"] == "0.00"
    paged = (await api.get("/api/v1/subscriptions/?limit=1", headers=bearer(tokens))).json()
    assert len(paged["invoices"]) == 1 and paged["invoices_total"] == 2


async def test_past_due_keeps_working_for_3_days_then_pauses_until_paid(
    api: httpx.AsyncClient, fake: FakeStripe, app_url: str, owner_url: str
) -> None:
    tokens, company = await business(api, channels=("telegram",))
    subscription = await subscribe(api, fake, app_url, tokens, "DOUBLE")
    failed = fake.add_invoice(subscription["id"], paid=False)
    await deliver(api, app_url, fake.event("invoice.payment_failed", failed))
    plan = await active(api, tokens)
    assert plan["status"] == "past_due" and plan["past_due_until"] is not None
    # Within the grace period channels still connect.
    ok = await api.patch(
        f"/api/v1/companies/{company}", headers=bearer(tokens), json={"channels": ["telegram", "whatsapp"]}
    )
    assert ok.status_code == 200, ok.text
    # A second failure does not restart the grace period.
    since = user_row(owner_url, EMAIL)["past_due_since"]
    await deliver(api, app_url, fake.event("invoice.payment_failed", fake.add_invoice(subscription["id"], paid=False)))
    assert user_row(owner_url, EMAIL)["past_due_since"] == since

    sql(
        owner_url,
        "UPDATE users SET past_due_since = past_due_since - interval '3 days 1 minute' WHERE email = %s",
        EMAIL,
    )
    assert (await active(api, tokens))["status"] == "expired"
    refused = await api.patch(
        f"/api/v1/companies/{company}", headers=bearer(tokens), json={"channels": ["telegram", "whatsapp", "instagram"]}
    )
    assert refused.status_code == 402

    fake.set_subscription_status(subscription["id"], "active")
    await deliver(api, app_url, fake.event("invoice.paid", fake.add_invoice(subscription["id"])))
    plan = await active(api, tokens)
    assert plan["status"] == "active" and plan["past_due_until"] is None
    assert user_row(owner_url, EMAIL)["past_due_since"] is None


async def test_canceled_pauses_every_channel_keeps_data_and_a_new_subscription_resumes(
    api: httpx.AsyncClient, fake: FakeStripe, app_url: str, owner_url: str
) -> None:
    tokens, company = await business(api, channels=("telegram",))
    web = await api.post("/api/v1/integrations/web/connect", headers=bearer(tokens), json={"company_id": company})
    assert web.status_code == 200
    subscription = await subscribe(api, fake, app_url, tokens, "SINGLE")
    fake.set_subscription_status(subscription["id"], "canceled")
    await deliver(api, app_url, fake.event("customer.subscription.deleted", fake.store()[subscription["id"]]))
    plan = await active(api, tokens)
    assert plan["status"] == "canceled" and plan["subscription_id"] is None

    # Connecting is 402, choosing more channels too; the company and its choices are kept.
    connect = await api.post(
        "/api/v1/integrations/telegram/connect",
        headers=bearer(tokens),
        json={"company_id": company, "bot_token": "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi"},
    )
    assert connect.status_code == 402 and connect.json()["error"] == "PaymentRequired"
    shown = await api.get(f"/api/v1/companies/{company}", headers=bearer(tokens))
    assert shown.status_code == 200 and shown.json()["channels"] == ["telegram"]
    # A customer's message is stored and shown; the assistant does not answer it.
    sent = await say(api, tokens, web.json()["channel_id"], "hello, are you open?", visitor_id="visitor-1")
    await run_jobs(app_url)
    messages = await chat_history(api, tokens, sent["conversation_id"])
    assert [m["body"] for m in messages if m["sender"] == "customer"] == ["hello, are you open?"]
    assert bot_replies(messages) == []

    # A new subscription resumes everything.
    await subscribe(api, fake, app_url, tokens, "DOUBLE")
    plan = await active(api, tokens)
    assert (plan["plan"], plan["status"], plan["channel_limit"]) == ("DOUBLE", "active", 2)
    again = await api.patch(
        f"/api/v1/companies/{company}", headers=bearer(tokens), json={"channels": ["telegram", "whatsapp"]}
    )
    assert again.status_code == 200, again.text
    forget_company_profile(uuid.UUID(company))  # the assistant reads the plan at most 2 seconds late
    await say(api, tokens, web.json()["channel_id"], "hello again", visitor_id="visitor-1")
    await run_jobs(app_url)
    assert bot_replies(await chat_history(api, tokens, sent["conversation_id"])) != []
    history = (await api.get("/api/v1/subscriptions/", headers=bearer(tokens))).json()
    assert [s["status"] for s in history["items"]] == ["active", "canceled"]


async def test_an_old_subscription_ending_late_does_not_cancel_the_new_one(
    api: httpx.AsyncClient, fake: FakeStripe, app_url: str
) -> None:
    tokens, _ = await business(api)
    old = await subscribe(api, fake, app_url, tokens, "SINGLE")
    fake.set_subscription_status(old["id"], "canceled")
    ended = fake.event("customer.subscription.deleted", fake.store()[old["id"]])
    await deliver(api, app_url, ended)
    await subscribe(api, fake, app_url, tokens, "GROWTH")
    updated = fake.event("customer.subscription.updated", fake.store()[old["id"]])  # Stripe re-sends the old one
    await deliver(api, app_url, updated)
    plan = await active(api, tokens)
    assert (plan["plan"], plan["status"]) == ("GROWTH", "active")


async def test_unknown_businesses_and_bodies_are_ignored(
    api: httpx.AsyncClient, fake: FakeStripe, app_url: str, owner_url: str
) -> None:
    stranger = fake.add_subscription("cus_nobody", PRICES["SINGLE"])
    for event in (
        fake.event("customer.subscription.updated", stranger),
        fake.event("invoice.paid", {"id": "in_nobody", "object": "invoice", "customer": "cus_nobody"}),
        fake.event("invoice.paid", {"object": "invoice"}),
        fake.event("customer.subscription.updated", {"object": "subscription", "id": "sub_x", "items": "no"}),
        fake.event(
            "checkout.session.completed",
            {"id": "cs_1", "object": "checkout.session", "metadata": {"x8_kind": "subscription"}},
        ),
    ):
        await deliver(api, app_url, event)
    rows = sql(owner_url, "SELECT handled_at IS NOT NULL, error FROM webhook_events")
    assert rows and all(handled and error is None for handled, error in rows)
    assert sql(owner_url, "SELECT count(*) FROM billing_subscriptions") == [(0,)]


async def test_a_paid_checkout_whose_subscription_stripe_will_not_show_starts_the_plan_from_its_metadata(
    api: httpx.AsyncClient, fake: FakeStripe, app_url: str
) -> None:
    tokens, _ = await business(api)
    created = await api.post("/api/v1/subscriptions/create-session", headers=bearer(tokens), json={"plan": "DOUBLE"})
    session = fake.complete_session(created.json()["session_id"])
    del fake.store()[session["subscription"]]  # Stripe answers "No such subscription"
    unpaid = {**session, "id": "cs_test_unpaid", "payment_status": "unpaid", "subscription": "sub_unpaid"}
    await deliver(api, app_url, fake.event("checkout.session.completed", unpaid))
    assert (await active(api, tokens))["plan"] == "TRIAL"
    await deliver(api, app_url, fake.event("checkout.session.completed", session))
    plan = await active(api, tokens)
    assert (plan["plan"], plan["status"], plan["subscription_id"]) == ("DOUBLE", "active", session["subscription"])
