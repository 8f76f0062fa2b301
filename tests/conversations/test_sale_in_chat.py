"""A sale in chat end to end (SPEC.md §11 "A sale in chat", R-P2, R-E5), through the playground API and the reply
pipeline with the retrieval responder: the customer asks to buy, the reply lists the items, quantities and total and
holds the payment link, and paying (in the sandbox, or at the fake Stripe) pays the order and thanks the customer in
the chat. Without a payment account, an unknown item, a quantity that does not fit: an honest reply, no order."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import app_client, bearer, make_settings, sql
from tests.conversations.helpers import bot_replies, connect_web, history, run_jobs, say
from tests.fakes.server import serve_in_thread
from tests.fakes.stripe import API_KEY, FakeStripe, stripe_app
from tests.kb_engine.helpers import business_company, upload
from tests.payments.conftest import CONNECT_WEBHOOK_SECRET, WEBHOOK_SECRET
from tests.payments.helpers import Shop, connect_account, open_shop, order_row, platform_webhook, tenant_sql
from x8.integrations.stripe import client as stripe_client
from x8.integrations.stripe import idempotency_key
from x8.kit.failing import FailureWindow
from x8.settings import Settings

BASE = "https://x8.example"
SANDBOX_LINK = re.compile(re.escape(BASE) + r"/sandbox/pay/([0-9a-f-]{36})")
BUY = "I'd like to order two Classic Roses and a greeting card"


@pytest.fixture
def fake_stripe() -> Iterator[tuple[FakeStripe, str]]:
    state = FakeStripe()
    with serve_in_thread(stripe_app(state)) as url:
        yield state, url


@pytest.fixture(autouse=True)
def stripe_failures(monkeypatch: pytest.MonkeyPatch) -> FailureWindow[tuple[str, str | None]]:
    window: FailureWindow[tuple[str, str | None]] = FailureWindow(seconds=30.0)
    monkeypatch.setattr(stripe_client, "STRIPE_FAILURES", window)
    return window


@pytest.fixture
async def sandbox(owner_url: str, app_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A development server without Stripe: chat orders are paid in the sandbox."""
    async with app_client(make_settings(owner_url, PUBLIC_BASE_URL=BASE), app_url) as client:
        yield client


@pytest.fixture
def stripe_settings(owner_url: str, fake_stripe: tuple[FakeStripe, str]) -> Settings:
    return make_settings(
        owner_url,
        STRIPE_SECRET_KEY=API_KEY,
        STRIPE_API_BASE=fake_stripe[1],
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_CONNECT_WEBHOOK_SECRET=CONNECT_WEBHOOK_SECRET,
        PUBLIC_BASE_URL=BASE,
    )


@pytest.fixture
async def with_stripe(stripe_settings: Settings, app_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(stripe_settings, app_url) as client:
        yield client


async def _ask(client: httpx.AsyncClient, shop: Shop, app_url: str, text: str) -> dict[str, Any]:
    """The customer writes ``text`` in the playground; the bot's reply to it."""
    await say(client, shop.tokens, shop.channel_id, text, visitor_id="customer-1")
    await run_jobs(app_url)
    reply: dict[str, Any] = bot_replies(await history(client, shop.tokens, shop.conversation_id))[-1]
    return reply


async def _conversation(client: httpx.AsyncClient, shop: Shop) -> dict[str, Any]:
    r = await client.get(f"/api/v1/conversations/{shop.conversation_id}", headers=bearer(shop.tokens))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _orders(owner_url: str, shop: Shop) -> list[tuple[Any, ...]]:
    return tenant_sql(owner_url, shop.company_id, "SELECT id, status, amount, currency FROM {schema}.orders")


def _items(owner_url: str, shop: Shop, order_id: str) -> list[tuple[Any, ...]]:
    return tenant_sql(
        owner_url,
        shop.company_id,
        "SELECT name, quantity, unit_amount, currency FROM {schema}.order_items WHERE order_id = %s ORDER BY name",
        uuid.UUID(order_id),
    )


async def test_a_sale_in_the_playground_is_paid_in_the_sandbox_and_thanked_in_the_chat(
    sandbox: httpx.AsyncClient, owner_url: str, app_url: str
) -> None:
    shop = await open_shop(sandbox)
    await run_jobs(app_url)  # the greeting
    reply = await _ask(sandbox, shop, app_url, BUY)

    body = reply["body"]
    assert reply["intent"] == "buy" and reply["message_type"] == "TYPE2" and reply["status"] == "sent"
    assert "• Classic Rose (24.90 USD) × 2" in body and "• Greeting card (3.50 USD) × 1" in body
    assert "Total: 53.30 USD" in body and "test checkout" in body
    link = SANDBOX_LINK.search(body)
    assert link is not None, body
    order_id = link.group(1)
    [(stored_id, status, amount, currency)] = _orders(owner_url, shop)
    assert (str(stored_id), status, amount, currency) == (order_id, "pending", 5330, "USD")
    assert _items(owner_url, shop, order_id) == [("Classic Rose", 2, 2490, "USD"), ("Greeting card", 1, 350, "USD")]
    assert (await _conversation(sandbox, shop))["payment_status"] == "payment_link_sent"

    page = await sandbox.get(f"/sandbox/pay/{order_id}")
    assert page.status_code == 200 and "SANDBOX" in page.text and "53.30" in page.text
    paid = await sandbox.post(f"/api/v1/sandbox/payments/{order_id}/pay")
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    await run_jobs(app_url)

    assert order_row(owner_url, shop.company_id, uuid.UUID(order_id))["status"] == "paid"
    assert (await _conversation(sandbox, shop))["payment_status"] == "paid"
    thanks = bot_replies(await history(sandbox, shop.tokens, shop.conversation_id))[-1]
    assert thanks["body"].startswith("Thank you! We have received your payment of 53.30 USD")
    assert thanks["message_type"] == "TYPE3" and thanks["status"] == "sent"  # what the playground shows
    stats = (await sandbox.get(f"/api/v1/companies/{shop.company_id}/stats", headers=bearer(shop.tokens))).json()
    assert stats["type2_count"] == 1 and stats["type3_paid"] == 1 and stats["type2_unpaid"] == 0


RU_CATALOGUE = (
    "Артикул,Название,Описание,Цена,Валюта,Остаток\n"
    "N-1,Букет «Нежность»,Пионовидные розы и эустома.,2490,RUB,10\n"
    "C-2,Открытка,Открытка с вашим текстом.,150,RUB,\n"
)


async def test_a_russian_customer_buys_in_russian(sandbox: httpx.AsyncClient, owner_url: str, app_url: str) -> None:
    tokens, company = await business_company(sandbox, "cvety@example.com", language="ru")
    assert (await upload(sandbox, tokens, company["id"], RU_CATALOGUE.encode())).status_code == 200
    channel = await connect_web(sandbox, tokens, company["id"])
    sent = await say(sandbox, tokens, channel, "Здравствуйте! Хочу купить 2 букета Нежность и открытку")
    await run_jobs(app_url)
    [reply] = bot_replies(await history(sandbox, tokens, sent["conversation_id"]))
    body = reply["body"]
    assert body.startswith("Ваш заказ:") and "• Букет «Нежность» (2490.00 RUB) × 2" in body
    assert "• Открытка (150.00 RUB) × 1" in body and "Итого: 5130.00 RUB" in body
    link = SANDBOX_LINK.search(body)
    assert link is not None and reply["message_type"] == "TYPE2"

    assert (await sandbox.post(f"/api/v1/sandbox/payments/{link.group(1)}/pay")).status_code == 200
    await run_jobs(app_url)
    thanks = bot_replies(await history(sandbox, tokens, sent["conversation_id"]))[-1]
    assert thanks["body"].startswith("Спасибо! Мы получили вашу оплату 5130,00 RUB"), thanks["body"]


async def test_with_stripe_the_link_is_a_checkout_session_for_the_rows_and_quantities(
    with_stripe: httpx.AsyncClient, fake_stripe: tuple[FakeStripe, str], owner_url: str, app_url: str
) -> None:
    fake, _ = fake_stripe
    shop = await open_shop(with_stripe)
    account_id = await connect_account(with_stripe, fake, shop.tokens)
    await run_jobs(app_url)
    reply = await _ask(with_stripe, shop, app_url, BUY)

    [session] = fake.of_type("checkout.session")
    assert f"Your secure payment link: {session['url']}" in reply["body"] and "Total: 53.30 USD" in reply["body"]
    assert "test checkout" not in reply["body"] and reply["message_type"] == "TYPE2"
    [(order_id, status, amount, _)] = _orders(owner_url, shop)
    assert status == "pending" and amount == 5330 == session["amount_total"]
    sent = fake.last("/v1/checkout/sessions")
    assert sent.idempotency_key == idempotency_key("order_checkout", order_id)
    params = sent.params
    assert params["mode"] == "payment" and params["locale"] == "en"
    assert params["line_items"] == [
        {
            "price_data": {"currency": "usd", "unit_amount": "2490", "product_data": {"name": "Classic Rose"}},
            "quantity": "2",
        },
        {
            "price_data": {"currency": "usd", "unit_amount": "350", "product_data": {"name": "Greeting card"}},
            "quantity": "1",
        },
    ]
    assert params["payment_intent_data"]["transfer_data"] == {"destination": account_id}
    assert params["metadata"] == {"x8_kind": "order", "x8_order_id": str(order_id), "x8_company_id": shop.company_id}
    assert (await _conversation(with_stripe, shop))["payment_status"] == "payment_link_sent"

    # The customer pays at Stripe; its webhook pays the order, and the thank-you is in the chat.
    event = fake.event("checkout.session.completed", fake.complete_session(session["id"]))
    assert (await platform_webhook(with_stripe, event)).status_code == 200
    await run_jobs(app_url)
    assert (await _conversation(with_stripe, shop))["payment_status"] == "paid"
    thanks = bot_replies(await history(with_stripe, shop.tokens, shop.conversation_id))[-1]
    assert thanks["body"].startswith("Thank you! We have received your payment of 53.30 USD")


async def test_without_a_payment_account_the_customer_is_told_and_a_person_takes_over(
    with_stripe: httpx.AsyncClient, fake_stripe: tuple[FakeStripe, str], owner_url: str, app_url: str
) -> None:
    fake, _ = fake_stripe
    shop = await open_shop(with_stripe)
    await run_jobs(app_url)
    reply = await _ask(with_stripe, shop, app_url, BUY)

    body = reply["body"]
    assert "online payment isn't available yet" in body and "member of our team" in body
    assert "Total: 53.30 USD" in body and "http" not in body  # the order as understood, and never a dead link
    assert reply["message_type"] == "TYPE1"
    assert _orders(owner_url, shop) == [] and fake.of_type("checkout.session") == []
    conversation = await _conversation(with_stripe, shop)
    assert conversation["handover"] is True and conversation["payment_status"] == "no_payment_link"


async def test_stripe_not_answering_asks_the_customer_to_wait_and_the_link_follows(
    with_stripe: httpx.AsyncClient,
    fake_stripe: tuple[FakeStripe, str],
    stripe_failures: FailureWindow[tuple[str, str | None]],
    owner_url: str,
    app_url: str,
) -> None:
    fake, url = fake_stripe
    shop = await open_shop(with_stripe)
    await connect_account(with_stripe, fake, shop.tokens)
    await run_jobs(app_url)
    fake.outage = "503"
    reply = await _ask(with_stripe, shop, app_url, BUY)

    assert "Please wait a moment" in reply["body"] and "Total: 53.30 USD" in reply["body"]
    assert "http" not in reply["body"] and reply["message_type"] == "TYPE1"
    [(order_id, status, _, _)] = _orders(owner_url, shop)
    assert status == "pending"

    fake.outage = None
    stripe_failures.succeeded((url, None))
    sql(
        owner_url,
        "UPDATE procrastinate_jobs SET scheduled_at = now() WHERE task_name = 'payments:deliver_late_link'",
    )
    await run_jobs(app_url)
    [session] = fake.of_type("checkout.session")
    assert {r.idempotency_key for r in fake.log if r.path == "/v1/checkout/sessions"} == {
        idempotency_key("order_checkout", order_id)
    }
    late = bot_replies(await history(with_stripe, shop.tokens, shop.conversation_id))[-1]
    assert session["url"] in late["body"] and late["status"] == "sent" and late["message_type"] == "TYPE2"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'd like to order a unicorn", "we don't have “unicorn”"),
        ("I'd like to order a unicorn and two Classic Roses", "• Classic Rose (24.90 USD) × 2"),
        ("I'd like to order 0 Classic Roses", "Please tell me how many you'd like: Classic Rose (24.90 USD)."),
        ("I want to buy 3 rare orchids", "We have only 2 of Rare orchid (99.00 USD) in stock."),
        ("I want to buy 500 greeting cards", "500 × Greeting card (3.50 USD) is more than I can order in the chat."),
        ("I'd like to buy the mystery box", "Mystery box has no fixed price"),
    ],
)
async def test_what_is_unclear_is_asked_and_nothing_is_ordered(
    sandbox: httpx.AsyncClient, owner_url: str, app_url: str, text: str, expected: str
) -> None:
    shop = await open_shop(sandbox)
    await run_jobs(app_url)
    reply = await _ask(sandbox, shop, app_url, text)
    assert expected in reply["body"], reply["body"]
    assert "sandbox/pay" not in reply["body"] and reply["message_type"] == "TYPE1"
    assert _orders(owner_url, shop) == []
    assert (await _conversation(sandbox, shop))["payment_status"] == "no_payment_link"


SERVICES = (
    "SKU,Service Name,Description,Price,Currency,Duration\n"
    "CLN,Teeth cleaning,Scaling and polishing.,90,EUR,45\n"
    "CNS,Online consultation,A video call with a dentist.,0,EUR,20\n"
)


async def test_a_paid_service_is_prepaid_and_a_free_one_goes_to_a_person(
    sandbox: httpx.AsyncClient, owner_url: str, app_url: str
) -> None:
    tokens, company = await business_company(sandbox, "dentist@example.com", company_type="Service")
    assert (await upload(sandbox, tokens, company["id"], SERVICES.encode())).status_code == 200
    channel = await connect_web(sandbox, tokens, company["id"])
    paid = await say(sandbox, tokens, channel, "I'd like to pay for a teeth cleaning", visitor_id="patient-1")
    await run_jobs(app_url)
    [reply] = bot_replies(await history(sandbox, tokens, paid["conversation_id"]))
    assert "• Teeth cleaning (90.00 EUR) × 1" in reply["body"] and SANDBOX_LINK.search(reply["body"])
    assert "agree the time of your appointment" in reply["body"]

    free = await say(sandbox, tokens, channel, "I'd like to pay for an online consultation", visitor_id="patient-2")
    await run_jobs(app_url)
    [reply] = bot_replies(await history(sandbox, tokens, free["conversation_id"]))
    assert "Online consultation (0.00 EUR)" in reply["body"] and "nothing to pay" in reply["body"]
    assert "sandbox/pay" not in reply["body"]
    state = await sandbox.get(f"/api/v1/conversations/{free['conversation_id']}", headers=bearer(tokens))
    assert state.json()["handover"] is True and state.json()["payment_status"] == "no_payment_link"
    [(orders,)] = tenant_sql(owner_url, company["id"], "SELECT count(*) FROM {schema}.orders")
    assert orders == 1  # the cleaning's only


async def test_a_business_that_switched_purchases_off_sells_by_hand(
    sandbox: httpx.AsyncClient, owner_url: str, app_url: str
) -> None:
    shop = await open_shop(sandbox)
    off = await sandbox.put(
        f"/api/v1/companies/{shop.company_id}/assistant/scenarios/purchase",
        headers=bearer(shop.tokens),
        json={"enabled": False},
    )
    assert off.status_code == 200, off.text
    await run_jobs(app_url)
    reply = await _ask(sandbox, shop, app_url, "I'd like to order a Classic Rose")
    assert "a member of our team will send you a secure payment link" in reply["body"]
    assert _orders(owner_url, shop) == []
