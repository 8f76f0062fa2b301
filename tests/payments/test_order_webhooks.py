"""A chat order's Checkout Session events at the platform webhook: paid (checked against the order), the customer
thanked once in their language, expired, failed; every one handled once however often it arrives."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.conftest import bearer, sql
from tests.conversations.helpers import run_jobs
from tests.fakes.stripe import FakeStripe
from tests.payments.helpers import (
    Shop,
    bot_messages,
    connect_account,
    open_shop,
    order_row,
    payment_status,
    platform_webhook,
)
from x8.kit.db import Database
from x8.platform.payments.chat import OrderLine, PaymentLink, payment_link
from x8.settings import Settings


@pytest.fixture
async def shop(stripe_client_: httpx.AsyncClient, fake: FakeStripe, app_url: str) -> Shop:
    opened = await open_shop(stripe_client_, text="здравствуйте")
    await connect_account(stripe_client_, fake, opened.tokens)
    await run_jobs(app_url)
    return opened


async def _order(db: Database, settings: Settings, shop: Shop, language: str | None = "ru") -> PaymentLink:
    lines = [OrderLine(shop.row("Classic Rose"), 2)]
    link = await payment_link(db, settings, shop.company, shop.conversation, lines, language=language)
    assert isinstance(link, PaymentLink)
    return link


def _session(fake: FakeStripe, link: PaymentLink) -> dict[str, Any]:
    [session] = [s for s in fake.of_type("checkout.session") if s["metadata"]["x8_order_id"] == str(link.order_id)]
    return session


def _thanks(owner_url: str, shop: Shop) -> list[tuple[str, str, str | None]]:
    return [m for m in bot_messages(owner_url, shop) if m[2] == "TYPE3"]


async def test_a_paid_session_pays_the_order_and_thanks_the_customer_once(
    stripe_client_: httpx.AsyncClient,
    shop: Shop,
    fake: FakeStripe,
    db: Database,
    stripe_settings: Settings,
    owner_url: str,
    app_url: str,
) -> None:
    client = stripe_client_
    link = await _order(db, stripe_settings, shop)
    session = fake.complete_session(_session(fake, link)["id"])
    event = fake.event("checkout.session.completed", session)
    assert (await platform_webhook(client, event)).status_code == 200
    await run_jobs(app_url)

    order = order_row(owner_url, shop.company_id, link.order_id)
    assert order["status"] == "paid" and order["paid_at"] is not None
    assert payment_status(owner_url, shop) == "paid"
    [(body, status, _)] = _thanks(owner_url, shop)
    assert body.startswith("Спасибо! Мы получили вашу оплату 49,80 USD") and status == "sent"
    listed = await client.get(
        "/api/v1/conversations", params={"company_id": shop.company_id}, headers=bearer(shop.tokens)
    )
    assert listed.json()["items"][0]["payment_status"] == "paid"
    [(type3_paid,)] = sql(owner_url, "SELECT type3_paid FROM companies WHERE id = %s", shop.company)
    assert type3_paid == 1

    # Stripe delivers it again (a new delivery of the same event, or the job re-run): nothing changes.
    assert (await platform_webhook(client, event)).status_code == 200
    [(event_row_id,)] = sql(owner_url, "SELECT id FROM webhook_events WHERE external_id = %s", event["id"])
    from x8.platform.inbox import tasks as inbox_tasks

    sql(owner_url, "UPDATE webhook_events SET handled_at = NULL WHERE id = %s", event_row_id)
    await inbox_tasks.handle_event.defer_async(event_id=event_row_id)
    await run_jobs(app_url)
    assert len(_thanks(owner_url, shop)) == 1
    assert sql(owner_url, "SELECT type3_paid FROM companies WHERE id = %s", shop.company) == [(1,)]


async def test_a_payment_of_another_amount_does_not_pay_the_order(
    stripe_client_: httpx.AsyncClient,
    shop: Shop,
    fake: FakeStripe,
    db: Database,
    stripe_settings: Settings,
    owner_url: str,
    app_url: str,
) -> None:
    link = await _order(db, stripe_settings, shop)
    session = {**fake.complete_session(_session(fake, link)["id"]), "amount_total": 100}
    await platform_webhook(stripe_client_, fake.event("checkout.session.completed", session))
    await run_jobs(app_url)
    assert order_row(owner_url, shop.company_id, link.order_id)["status"] == "failed"
    assert payment_status(owner_url, shop) == "no_payment_link" and _thanks(owner_url, shop) == []


async def test_metadata_naming_no_order_of_ours_changes_nothing(
    stripe_client_: httpx.AsyncClient, shop: Shop, fake: FakeStripe, owner_url: str, app_url: str
) -> None:
    strangers = [
        {"x8_kind": "order"},
        {"x8_kind": "order", "x8_order_id": "not-a-uuid", "x8_company_id": shop.company_id},
        {"x8_kind": "order", "x8_order_id": str(uuid.uuid4()), "x8_company_id": shop.company_id},
        {"x8_kind": "order", "x8_order_id": str(uuid.uuid4()), "x8_company_id": str(uuid.uuid4())},
    ]
    for metadata in strangers:
        session = {
            "id": f"cs_test_{uuid.uuid4().hex}",
            "object": "checkout.session",
            "payment_status": "paid",
            "amount_total": 100,
            "currency": "usd",
            "metadata": metadata,
        }
        await platform_webhook(stripe_client_, fake.event("checkout.session.completed", session))
    await run_jobs(app_url)
    handled = "SELECT count(*) FROM webhook_events WHERE source = 'stripe' AND handled_at IS NOT NULL AND error IS NULL"
    assert sql(owner_url, handled) == [(len(strangers),)]  # handled: nothing to do, and no retries


async def test_an_expired_session_expires_the_order_and_a_stale_one_does_not(
    stripe_client_: httpx.AsyncClient,
    shop: Shop,
    fake: FakeStripe,
    db: Database,
    stripe_settings: Settings,
    owner_url: str,
    app_url: str,
) -> None:
    link = await _order(db, stripe_settings, shop)
    stale = {**_session(fake, link), "id": "cs_test_not_this_orders", "status": "expired"}
    await platform_webhook(stripe_client_, fake.event("checkout.session.expired", stale))
    await run_jobs(app_url)
    assert order_row(owner_url, shop.company_id, link.order_id)["status"] == "pending"

    expired = fake.expire_session(_session(fake, link)["id"])
    await platform_webhook(stripe_client_, fake.event("checkout.session.expired", expired))
    await run_jobs(app_url)
    assert order_row(owner_url, shop.company_id, link.order_id)["status"] == "expired"
    assert payment_status(owner_url, shop) == "no_payment_link"


async def test_a_bank_debit_is_paid_when_it_succeeds_and_failed_when_it_fails(
    stripe_client_: httpx.AsyncClient,
    shop: Shop,
    fake: FakeStripe,
    db: Database,
    stripe_settings: Settings,
    owner_url: str,
    app_url: str,
) -> None:
    first = await _order(db, stripe_settings, shop)
    processing = {**fake.complete_session(_session(fake, first)["id"]), "payment_status": "unpaid"}
    await platform_webhook(stripe_client_, fake.event("checkout.session.completed", processing))
    await run_jobs(app_url)
    assert order_row(owner_url, shop.company_id, first.order_id)["status"] == "pending"  # not paid yet
    succeeded = {**processing, "payment_status": "paid"}
    await platform_webhook(stripe_client_, fake.event("checkout.session.async_payment_succeeded", succeeded))
    await run_jobs(app_url)
    assert order_row(owner_url, shop.company_id, first.order_id)["status"] == "paid"

    second = await _order(db, stripe_settings, shop)
    failed = {**fake.complete_session(_session(fake, second)["id"]), "payment_status": "unpaid"}
    await platform_webhook(stripe_client_, fake.event("checkout.session.async_payment_failed", failed))
    await run_jobs(app_url)
    assert order_row(owner_url, shop.company_id, second.order_id)["status"] == "failed"


async def test_a_new_order_starts_the_payment_status_again_and_an_old_ones_payment_does_not_undo_it(
    stripe_client_: httpx.AsyncClient,
    shop: Shop,
    fake: FakeStripe,
    db: Database,
    stripe_settings: Settings,
    owner_url: str,
    app_url: str,
) -> None:
    first = await _order(db, stripe_settings, shop)
    second = await _order(db, stripe_settings, shop)
    assert payment_status(owner_url, shop) == "payment_link_sent"
    paid_first = fake.complete_session(_session(fake, first)["id"])
    await platform_webhook(stripe_client_, fake.event("checkout.session.completed", paid_first))
    await run_jobs(app_url)
    assert order_row(owner_url, shop.company_id, first.order_id)["status"] == "paid"
    assert payment_status(owner_url, shop) == "payment_link_sent"  # the newest order is still unpaid
    paid_second = fake.complete_session(_session(fake, second)["id"])
    await platform_webhook(stripe_client_, fake.event("checkout.session.completed", paid_second))
    await run_jobs(app_url)
    assert payment_status(owner_url, shop) == "paid"


async def test_the_thank_you_follows_the_scenario_switch(
    stripe_client_: httpx.AsyncClient,
    shop: Shop,
    fake: FakeStripe,
    db: Database,
    stripe_settings: Settings,
    owner_url: str,
    app_url: str,
) -> None:
    """A business that switched the after_payment scenario off sends no thank-you; the order is paid all the same."""
    off = await stripe_client_.put(
        f"/api/v1/companies/{shop.company_id}/assistant/scenarios/after_payment",
        headers=bearer(shop.tokens),
        json={"enabled": False},
    )
    assert off.status_code == 200, off.text
    link = await _order(db, stripe_settings, shop)
    session = fake.complete_session(_session(fake, link)["id"])
    await platform_webhook(stripe_client_, fake.event("checkout.session.completed", session))
    await run_jobs(app_url)
    assert order_row(owner_url, shop.company_id, link.order_id)["status"] == "paid"
    assert _thanks(owner_url, shop) == []


async def test_a_full_refund_in_stripe_marks_the_order_refunded_and_a_partial_one_does_not(
    stripe_client_: httpx.AsyncClient,
    shop: Shop,
    fake: FakeStripe,
    db: Database,
    stripe_settings: Settings,
    owner_url: str,
    app_url: str,
) -> None:
    client = stripe_client_
    link = await _order(db, stripe_settings, shop)
    session = fake.complete_session(_session(fake, link)["id"])
    await platform_webhook(client, fake.event("checkout.session.completed", session))
    await run_jobs(app_url)
    intent = session["payment_intent"]  # the order keeps it once paid
    [(account,)] = sql(owner_url, "SELECT account_id FROM connected_accounts")
    charge = {
        "id": "ch_refund_1",
        "object": "charge",
        "payment_intent": intent,
        "amount": 4980,
        "amount_refunded": 1000,
        "refunded": False,
        "transfer_data": {"destination": account},  # a destination charge: the business's account
        "metadata": {},
    }
    await platform_webhook(client, fake.event("charge.refunded", charge))
    await run_jobs(app_url)
    assert order_row(owner_url, shop.company_id, link.order_id)["status"] == "paid"  # partly: a person's call

    charge |= {"amount_refunded": 4980, "refunded": True}
    await platform_webhook(client, fake.event("charge.refunded", charge))
    await platform_webhook(client, fake.event("charge.refunded", charge))  # a second delivery: nothing more
    await run_jobs(app_url)
    assert order_row(owner_url, shop.company_id, link.order_id)["status"] == "refunded"
    listed = await client.get(
        "/api/v1/purchases", params={"company_id": shop.company_id, "status": "refunded"}, headers=bearer(shop.tokens)
    )
    assert [item["id"] for item in listed.json()["items"]] == [str(link.order_id)]

    stranger = charge | {"id": "ch_other", "payment_intent": "pi_not_ours", "transfer_data": {"destination": "acct_x"}}
    assert (await platform_webhook(client, fake.event("charge.refunded", stranger))).status_code == 200
    await run_jobs(app_url)  # a charge of no order of ours changes nothing and fails nothing
