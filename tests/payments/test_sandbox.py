"""The sandbox checkout (SPEC.md R-E5): a development server without Stripe sells through a page marked SANDBOX whose
Pay button pays the order through the webhook's own fulfilment; it is 404 in production, with Stripe, and for any
order that is not a sandbox order."""

from __future__ import annotations

import uuid

import httpx

from tests.conftest import app_client, make_settings
from tests.conversations.helpers import run_jobs
from tests.fakes.stripe import API_KEY
from tests.payments.helpers import Shop, bot_messages, open_shop, order_row, payment_status, tenant_sql
from x8.kit.db import Database
from x8.platform.payments.chat import OrderLine, PaymentLink, payment_link
from x8.settings import Settings

PRODUCTION = {
    "X8_ENV": "production",
    "SECRET_KEY": "a-very-random-secret-key-0123456789-abcdefghij",
    "X8_VAULT_KEY": "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=",
    "X8_DB_APP_PASSWORD": "not-the-default",
    "SMTP_HOST": "smtp.example.com",
}


async def _sandbox_order(
    client: httpx.AsyncClient, db: Database, settings: Settings, **shop: str
) -> tuple[Shop, PaymentLink]:
    opened = await open_shop(client, **shop)
    lines = [OrderLine(opened.row("Classic Rose"), 2), OrderLine(opened.row("Greeting card"), 1)]
    link = await payment_link(db, settings, opened.company, opened.conversation, lines)
    assert isinstance(link, PaymentLink)
    return opened, link


async def test_without_stripe_the_link_is_the_sandbox_and_paying_there_pays_the_order(
    sandbox_client: httpx.AsyncClient, db: Database, sandbox_settings: Settings, owner_url: str, app_url: str
) -> None:
    client = sandbox_client
    shop, link = await _sandbox_order(client, db, sandbox_settings)
    assert link.sandbox and link.url == f"https://x8.example/sandbox/pay/{link.order_id}"
    assert payment_status(owner_url, shop) == "payment_link_sent"
    assert order_row(owner_url, shop.company_id, link.order_id)["provider"] == "sandbox"

    page = await client.get(f"/sandbox/pay/{link.order_id}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "SANDBOX" in page.text and "Classic Rose" in page.text and "53.30 USD" in page.text
    assert f"/api/v1/sandbox/payments/{link.order_id}/pay" in page.text

    paid = await client.post(f"/api/v1/sandbox/payments/{link.order_id}/pay")
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "paid" and paid.json()["order_id"] == str(link.order_id)
    await run_jobs(app_url)
    assert order_row(owner_url, shop.company_id, link.order_id)["status"] == "paid"
    assert payment_status(owner_url, shop) == "paid"
    thanks = [m for m in bot_messages(owner_url, shop) if m[2] == "TYPE3"]
    assert len(thanks) == 1 and thanks[0][0].startswith("Thank you! We have received your payment of 53.30 USD")

    again = await client.post(f"/api/v1/sandbox/payments/{link.order_id}/pay")
    assert again.status_code == 200 and again.json()["paid_at"] == paid.json()["paid_at"]
    await run_jobs(app_url)
    assert len([m for m in bot_messages(owner_url, shop) if m[2] == "TYPE3"]) == 1
    assert "Paid. Thank you!" in (await client.get(f"/sandbox/pay/{link.order_id}")).text
    assert "<button" not in (await client.get(f"/sandbox/pay/{link.order_id}")).text


async def test_the_page_speaks_the_customers_language_and_escapes_the_catalogue(
    sandbox_client: httpx.AsyncClient, db: Database, sandbox_settings: Settings, owner_url: str
) -> None:
    client = sandbox_client
    shop = await open_shop(client, language="ru")
    hostile = await client.patch(
        f"/api/v1/knowledge-base/{shop.kb_id}/rows/{shop.row('Classic Rose')}",
        headers={"Authorization": f"Bearer {shop.tokens['access_token']}"},
        json={"name": "<script>alert(1)</script> Rose"},
    )
    assert hostile.status_code == 200, hostile.text
    link = await payment_link(
        db, sandbox_settings, shop.company, shop.conversation, [OrderLine(shop.row("Classic Rose"), 1)]
    )
    assert isinstance(link, PaymentLink)
    page = (await client.get(f"/sandbox/pay/{link.order_id}")).text  # the company's language: Russian
    assert "ПЕСОЧНИЦА" in page and "Оплатить 24,90 USD" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; Rose" in page
    english = await client.get(f"/sandbox/pay/{link.order_id}", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "SANDBOX: no real payment is made" in english.text

    chosen = await payment_link(
        db, sandbox_settings, shop.company, shop.conversation, [OrderLine(shop.row("Greeting card"), 1)], language="en"
    )
    assert isinstance(chosen, PaymentLink)
    page = await client.get(f"/sandbox/pay/{chosen.order_id}", headers={"Accept-Language": "ru"})
    assert "SANDBOX: no real payment is made" in page.text  # the language the chat was in wins


async def test_unknown_orders_are_404_and_an_expired_one_cannot_be_paid(
    sandbox_client: httpx.AsyncClient, db: Database, sandbox_settings: Settings, owner_url: str
) -> None:
    client = sandbox_client
    for path in (f"/sandbox/pay/{uuid.uuid4()}", "/sandbox/pay/not-a-uuid"):
        assert (await client.get(path)).status_code in (404, 422)
    assert (await client.post(f"/api/v1/sandbox/payments/{uuid.uuid4()}/pay")).status_code == 404

    shop, link = await _sandbox_order(client, db, sandbox_settings)
    tenant_sql(owner_url, shop.company_id, "UPDATE {schema}.orders SET status = 'expired' WHERE id = %s", link.order_id)
    refused = await client.post(f"/api/v1/sandbox/payments/{link.order_id}/pay")
    assert refused.status_code == 409 and refused.json()["error"] == "Conflict"
    assert order_row(owner_url, shop.company_id, link.order_id)["status"] == "expired"
    assert "no longer be paid" in (await client.get(f"/sandbox/pay/{link.order_id}")).text


async def test_the_sandbox_is_404_in_production_and_with_stripe(
    sandbox_client: httpx.AsyncClient, db: Database, sandbox_settings: Settings, owner_url: str, app_url: str
) -> None:
    shop, link = await _sandbox_order(sandbox_client, db, sandbox_settings)
    for overrides in (PRODUCTION, {"STRIPE_SECRET_KEY": API_KEY}):
        async with app_client(make_settings(owner_url, **overrides), app_url) as other:
            assert (await other.get(f"/sandbox/pay/{link.order_id}")).status_code == 404
            assert (await other.post(f"/api/v1/sandbox/payments/{link.order_id}/pay")).status_code == 404
    assert order_row(owner_url, shop.company_id, link.order_id)["status"] == "pending"


async def test_stripes_return_page_sends_the_customer_back_to_the_chat(sandbox_client: httpx.AsyncClient) -> None:
    order_id = uuid.uuid4()
    done = await sandbox_client.get(f"/pay/finished/{order_id}", headers={"Accept-Language": "ru"})
    assert done.status_code == 200 and "вы получите сообщение в чате" in done.text
    cancelled = await sandbox_client.get(f"/pay/finished/{order_id}", params={"cancelled": "1"})
    assert "The payment was cancelled" in cancelled.text
