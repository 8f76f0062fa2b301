"""The payment port the assistant calls (x8.platform.payments.chat.payment_link), over real HTTP against the fake
Stripe: prices from the KB rows in minor units, a destination charge with the order's metadata and key, the order
and the conversation's payment status, and every way it refuses or waits."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.conftest import bearer, make_settings, sql
from tests.conversations.helpers import run_jobs
from tests.fakes.stripe import FakeStripe
from tests.payments.helpers import (
    Shop,
    bot_messages,
    connect_account,
    open_shop,
    order_row,
    payment_status,
    tenant_sql,
)
from x8.integrations.stripe import idempotency_key
from x8.kit.db import Database
from x8.kit.failing import FailureWindow
from x8.platform.payments.chat import (
    CartRejected,
    OrderLine,
    PaymentLink,
    PaymentUnavailable,
    UnknownConversation,
    payment_link,
)
from x8.settings import Settings


@pytest.fixture
async def shop(stripe_client_: httpx.AsyncClient, fake: FakeStripe, app_url: str) -> Shop:
    opened = await open_shop(stripe_client_)
    await connect_account(stripe_client_, fake, opened.tokens)
    await run_jobs(app_url)  # the account.updated event, and the assistant's answer to "hello"
    return opened


def _orders(owner_url: str, shop: Shop) -> int:
    [(count,)] = tenant_sql(owner_url, shop.company_id, "SELECT count(*) FROM {schema}.orders")
    return int(count)


async def test_a_link_is_a_destination_charge_for_the_rows_at_their_prices(
    stripe_client_: httpx.AsyncClient,
    shop: Shop,
    fake: FakeStripe,
    db: Database,
    stripe_settings: Settings,
    owner_url: str,
) -> None:
    lines = [OrderLine(shop.row("Classic Rose"), 2), OrderLine(shop.row("Greeting card"), 1)]
    link = await payment_link(db, stripe_settings, shop.company, shop.conversation, lines, language="ru")

    assert isinstance(link, PaymentLink) and not link.sandbox
    assert link.amount == "53.30" and link.currency == "USD"
    assert [(i.name, i.quantity, i.unit_amount) for i in link.items] == [
        ("Classic Rose", 2, "24.90"),
        ("Greeting card", 1, "3.50"),
    ]
    [session] = fake.of_type("checkout.session")
    assert link.url == session["url"] and session["amount_total"] == 5330
    sent = fake.last("/v1/checkout/sessions")
    assert sent.idempotency_key == idempotency_key("order_checkout", link.order_id)
    assert sent.account is None  # a destination charge lives on the platform
    params = sent.params
    assert params["mode"] == "payment" and params["locale"] == "ru"
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
    [account_id] = fake.accounts
    assert params["payment_intent_data"]["transfer_data"] == {"destination": account_id}
    assert "application_fee_amount" not in params["payment_intent_data"]  # X8_PLATFORM_FEE_PERCENT is 0
    assert params["metadata"] == {
        "x8_kind": "order",
        "x8_order_id": str(link.order_id),
        "x8_company_id": shop.company_id,
    }
    assert params["success_url"] == f"https://x8.example/pay/finished/{link.order_id}"

    order = order_row(owner_url, shop.company_id, link.order_id)
    assert order["status"] == "pending" and order["amount"] == 5330 and order["currency"] == "USD"
    assert order["checkout_session_id"] == session["id"] and order["provider"] == "stripe"
    assert payment_status(owner_url, shop) == "payment_link_sent"
    assert sql(owner_url, "SELECT company_id FROM order_refs WHERE order_id = %s", link.order_id) == [(shop.company,)]


async def test_zero_decimal_currencies_are_whole_units(
    shop: Shop, fake: FakeStripe, db: Database, stripe_settings: Settings
) -> None:
    link = await payment_link(db, stripe_settings, shop.company, shop.conversation, [OrderLine(shop.row("Matcha"), 3)])
    assert isinstance(link, PaymentLink) and link.amount == "4500" and link.currency == "JPY"
    [session] = fake.of_type("checkout.session")
    assert session["amount_total"] == 4500 and session["currency"] == "jpy"


async def test_the_platform_fee_goes_to_stripe_rounded_down(
    shop: Shop, fake: FakeStripe, db: Database, owner_url: str, fake_stripe: tuple[FakeStripe, str]
) -> None:
    from tests.fakes.stripe import API_KEY

    settings = make_settings(
        owner_url, STRIPE_SECRET_KEY=API_KEY, STRIPE_API_BASE=fake_stripe[1], X8_PLATFORM_FEE_PERCENT="2.5"
    )
    link = await payment_link(db, settings, shop.company, shop.conversation, [OrderLine(shop.row("Greeting card"), 3)])
    assert isinstance(link, PaymentLink)
    assert fake.last("/v1/checkout/sessions").params["payment_intent_data"]["application_fee_amount"] == "26"


async def test_a_row_named_twice_is_one_line(
    shop: Shop, fake: FakeStripe, db: Database, stripe_settings: Settings
) -> None:
    rose = shop.row("Classic Rose")
    link = await payment_link(
        db, stripe_settings, shop.company, shop.conversation, [OrderLine(rose, 1), OrderLine(rose, 2)]
    )
    assert isinstance(link, PaymentLink) and [(i.name, i.quantity) for i in link.items] == [("Classic Rose", 3)]


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        (lambda s: [], "empty"),
        (lambda s: [OrderLine(s.row("Classic Rose"), 0)], "bad_quantity"),
        (lambda s: [OrderLine(s.row("Classic Rose"), -2)], "bad_quantity"),
        (lambda s: [OrderLine(s.row("Classic Rose"), 10_001)], "bad_quantity"),
        (lambda s: [OrderLine(uuid.uuid4(), 1)], "unknown_item"),
        (lambda s: [OrderLine(s.row("Mystery box"), 1)], "no_price"),
        (lambda s: [OrderLine(s.row("Advice"), 1)], "free"),
        (lambda s: [OrderLine(s.row("Rare orchid"), 3)], "out_of_stock"),
        (lambda s: [OrderLine(s.row("Classic Rose"), 1), OrderLine(s.row("Matcha"), 1)], "mixed_currencies"),
        (lambda s: [OrderLine(s.row("Yacht"), 4)], "too_large"),
    ],
)
async def test_a_cart_that_cannot_be_sold_is_refused_with_why_and_stores_nothing(
    shop: Shop,
    fake: FakeStripe,
    db: Database,
    stripe_settings: Settings,
    owner_url: str,
    lines: object,
    problem: str,
) -> None:
    with pytest.raises(CartRejected) as refused:
        await payment_link(db, stripe_settings, shop.company, shop.conversation, lines(shop))  # type: ignore[operator]
    assert refused.value.problem == problem
    if problem == "out_of_stock":
        assert refused.value.available == 2 and refused.value.name == "Rare orchid"
    if problem == "mixed_currencies":
        assert set(refused.value.currencies) == {"USD", "JPY"}
    assert fake.of_type("checkout.session") == [] and _orders(owner_url, shop) == 0
    assert sql(owner_url, "SELECT count(*) FROM order_refs") == [(0,)]


async def test_another_companys_row_or_conversation_is_unknown(
    stripe_client_: httpx.AsyncClient, shop: Shop, fake: FakeStripe, db: Database, stripe_settings: Settings
) -> None:
    other = await open_shop(stripe_client_, "other@example.com")
    with pytest.raises(CartRejected) as refused:
        await payment_link(
            db, stripe_settings, shop.company, shop.conversation, [OrderLine(other.row("Classic Rose"), 1)]
        )
    assert refused.value.problem == "unknown_item"
    with pytest.raises(UnknownConversation):
        await payment_link(
            db, stripe_settings, shop.company, other.conversation, [OrderLine(shop.row("Classic Rose"), 1)]
        )


async def test_no_enabled_account_means_no_link_and_no_order(
    stripe_client_: httpx.AsyncClient, fake: FakeStripe, db: Database, stripe_settings: Settings, owner_url: str
) -> None:
    shop = await open_shop(stripe_client_)
    rose = [OrderLine(shop.row("Classic Rose"), 1)]
    assert await payment_link(db, stripe_settings, shop.company, shop.conversation, rose) == PaymentUnavailable(
        "no_account"
    )
    onboarded = await stripe_client_.post("/api/v1/payments/connect/onboard", headers=bearer(shop.tokens))
    assert onboarded.status_code == 200  # an account, but onboarding is not finished: still no link
    unfinished = await payment_link(db, stripe_settings, shop.company, shop.conversation, rose)
    assert unfinished == PaymentUnavailable("no_account")
    assert fake.of_type("checkout.session") == [] and _orders(owner_url, shop) == 0
    assert payment_status(owner_url, shop) == "no_payment_link"


async def test_production_without_stripe_takes_no_online_payments(
    shop: Shop, db: Database, owner_url: str, fake: FakeStripe
) -> None:
    production = make_settings(
        owner_url,
        X8_ENV="production",
        SECRET_KEY="a-very-random-secret-key-0123456789-abcdefghij",
        X8_VAULT_KEY="MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=",
        X8_DB_APP_PASSWORD="not-the-default",
        SMTP_HOST="smtp.example.com",
    )
    result = await payment_link(db, production, shop.company, shop.conversation, [OrderLine(shop.row("Matcha"), 1)])
    assert result == PaymentUnavailable("not_configured")


async def test_stripe_refusing_the_destination_fails_the_order_and_says_no_account(
    shop: Shop, fake: FakeStripe, db: Database, stripe_settings: Settings, owner_url: str
) -> None:
    """The account lost its transfers capability since the last webhook: Stripe refuses; no dead link is sent."""
    [account_id] = fake.accounts
    fake.accounts[account_id]["capabilities"]["transfers"] = "inactive"
    result = await payment_link(
        db, stripe_settings, shop.company, shop.conversation, [OrderLine(shop.row("Matcha"), 1)]
    )
    assert isinstance(result, PaymentUnavailable) and result.reason == "no_account" and not result.retry
    assert result.order_id is not None
    assert order_row(owner_url, shop.company_id, result.order_id)["status"] == "failed"
    assert payment_status(owner_url, shop) == "no_payment_link"


async def test_a_lost_answer_is_replayed_with_the_same_key(
    shop: Shop, fake: FakeStripe, db: Database, stripe_settings: Settings
) -> None:
    fake.fail_next = ["lost-answer"]
    link = await payment_link(db, stripe_settings, shop.company, shop.conversation, [OrderLine(shop.row("Matcha"), 1)])
    assert isinstance(link, PaymentLink)
    assert len(fake.of_type("checkout.session")) == 1 and fake.requests["/v1/checkout/sessions"] == 2
    assert fake.last("/v1/checkout/sessions").replayed


async def test_stripe_down_tells_the_customer_to_wait_and_the_link_follows_once(
    stripe_client_: httpx.AsyncClient,
    shop: Shop,
    fake_stripe: tuple[FakeStripe, str],
    db: Database,
    stripe_settings: Settings,
    owner_url: str,
    app_url: str,
    stripe_failures: FailureWindow[tuple[str, str | None]],
) -> None:
    fake, url = fake_stripe
    fake.outage = "503"
    result = await payment_link(
        db, stripe_settings, shop.company, shop.conversation, [OrderLine(shop.row("Classic Rose"), 2)], language="en"
    )
    assert isinstance(result, PaymentUnavailable)
    assert result.reason == "provider_unavailable" and result.retry and result.order_id is not None
    order_id = result.order_id
    assert fake.requests["/v1/checkout/sessions"] == 3  # the first try and the SDK's two retries, one key
    assert order_row(owner_url, shop.company_id, order_id)["status"] == "pending"
    assert payment_status(owner_url, shop) == "no_payment_link"

    # Still down when the job first tries: it tries again later, with the same key.
    stripe_failures.succeeded((url, None))
    _due_now(owner_url, "payments:deliver_late_link")
    await run_jobs(app_url)
    assert fake.of_type("checkout.session") == []
    fake.outage = None
    stripe_failures.succeeded((url, None))
    _due_now(owner_url, "payments:deliver_late_link")
    await run_jobs(app_url)

    [session] = fake.of_type("checkout.session")
    keys = {r.idempotency_key for r in fake.log if r.path == "/v1/checkout/sessions"}
    assert keys == {idempotency_key("order_checkout", order_id)}
    assert order_row(owner_url, shop.company_id, order_id)["checkout_url"] == session["url"]
    assert payment_status(owner_url, shop) == "payment_link_sent"
    links = [m for m in bot_messages(owner_url, shop) if session["url"] in m[0]]
    assert len(links) == 1 and links[0][0].startswith("Here is the link to pay") and links[0][1] == "sent"

    # The job run again (a dead worker's retry): no second session, no second message.
    from x8.platform.payments import tasks

    await tasks.deliver_late_link.defer_async(company_id=shop.company_id, order_id=str(order_id))
    await run_jobs(app_url)
    assert len(fake.of_type("checkout.session")) == 1
    assert len([m for m in bot_messages(owner_url, shop) if session["url"] in m[0]]) == 1


async def test_when_stripe_never_answers_the_order_fails_and_a_person_takes_over(
    stripe_client_: httpx.AsyncClient,
    shop: Shop,
    fake_stripe: tuple[FakeStripe, str],
    db: Database,
    stripe_settings: Settings,
    owner_url: str,
    app_url: str,
) -> None:
    from x8.platform.payments import late_links

    fake, _ = fake_stripe
    fake.outage = "500"
    result = await payment_link(
        db, stripe_settings, shop.company, shop.conversation, [OrderLine(shop.row("Matcha"), 1)]
    )
    assert isinstance(result, PaymentUnavailable) and result.order_id is not None
    await late_links.give_up(db, shop.company, result.order_id)
    assert order_row(owner_url, shop.company_id, result.order_id)["status"] == "failed"
    sorry = [m for m in bot_messages(owner_url, shop) if "could not prepare the payment link" in m[0]]
    assert len(sorry) == 1
    assert tenant_sql(
        owner_url,
        shop.company_id,
        "SELECT handover_at IS NOT NULL FROM {schema}.conversations WHERE id = %s",
        shop.conversation,
    ) == [(True,)]
    await late_links.give_up(db, shop.company, result.order_id)  # again: nothing more
    assert len([m for m in bot_messages(owner_url, shop) if "could not prepare" in m[0]]) == 1


async def test_no_transaction_is_open_while_stripe_makes_the_session(
    shop: Shop, fake: FakeStripe, db: Database, stripe_settings: Settings, owner_url: str
) -> None:
    """R-R1 / decisions: the order is committed before Stripe is called, and nothing of ours waits on Stripe."""
    seen: list[int] = []

    def probe(path: str) -> None:
        if path == "/v1/checkout/sessions":
            [(open_,)] = sql(
                owner_url,
                "SELECT count(*) FROM pg_stat_activity WHERE usename = %s AND state LIKE 'idle in transaction%%'",
                stripe_settings.db_app_role,
            )
            seen.append(int(open_))

    fake.during_request = probe
    link = await payment_link(db, stripe_settings, shop.company, shop.conversation, [OrderLine(shop.row("Matcha"), 1)])
    assert isinstance(link, PaymentLink)
    assert seen == [0]


def _due_now(owner_url: str, task: str) -> None:
    sql(owner_url, "UPDATE procrastinate_jobs SET scheduled_at = now() WHERE task_name = %s AND status = 'todo'", task)


async def test_a_late_link_that_stripe_then_refuses_tells_the_customer_and_hands_over(
    stripe_client_: httpx.AsyncClient,
    shop: Shop,
    fake_stripe: tuple[FakeStripe, str],
    db: Database,
    stripe_settings: Settings,
    owner_url: str,
    app_url: str,
    stripe_failures: FailureWindow[tuple[str, str | None]],
) -> None:
    fake, url = fake_stripe
    fake.outage = "503"
    result = await payment_link(
        db, stripe_settings, shop.company, shop.conversation, [OrderLine(shop.row("Matcha"), 1)]
    )
    assert isinstance(result, PaymentUnavailable) and result.retry and result.order_id is not None
    fake.outage = None
    [account_id] = fake.accounts
    fake.accounts[account_id]["capabilities"]["transfers"] = "inactive"  # meanwhile the account lost transfers
    stripe_failures.succeeded((url, None))
    _due_now(owner_url, "payments:deliver_late_link")
    await run_jobs(app_url)
    assert order_row(owner_url, shop.company_id, result.order_id)["status"] == "failed"
    sorry = [m for m in bot_messages(owner_url, shop) if "could not prepare the payment link" in m[0]]
    assert len(sorry) == 1 and sorry[0][1] == "sent"
    assert sql(
        owner_url, "SELECT count(*) FROM procrastinate_jobs WHERE task_name = %s", "payments:deliver_late_link"
    ) == [(1,)]  # no retries of a refusal
