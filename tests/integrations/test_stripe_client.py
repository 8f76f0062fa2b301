"""The Stripe client against the fake Stripe over real HTTP, through the official SDK."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
import stripe

from tests.fakes.server import serve_in_thread
from tests.fakes.stripe import API_KEY, FakeStripe, sign_webhook, signed, stripe_app
from x8.integrations.stripe import (
    API_VERSION,
    BadSignature,
    StripeApi,
    StripeNotConfigured,
    StripeRefused,
    StripeUnavailable,
    idempotency_key,
    verify_event,
)
from x8.integrations.stripe import client as stripe_client
from x8.kit.failing import FailureWindow
from x8.settings import Settings

WEBHOOK_SECRET = "whsec_test_platform"


@pytest.fixture
def fake_stripe() -> Iterator[tuple[FakeStripe, str]]:
    state = FakeStripe()
    with serve_in_thread(stripe_app(state)) as url:
        yield state, url


@pytest.fixture
def fake(fake_stripe: tuple[FakeStripe, str]) -> FakeStripe:
    return fake_stripe[0]


@pytest.fixture(autouse=True)
def failures(monkeypatch: pytest.MonkeyPatch) -> FailureWindow[tuple[str, str | None]]:
    """A fresh failure window per test (it is per process otherwise)."""
    window: FailureWindow[tuple[str, str | None]] = FailureWindow(seconds=30.0)
    monkeypatch.setattr(stripe_client, "STRIPE_FAILURES", window)
    return window


def settings_for(url: str, key: str | None = API_KEY) -> Settings:
    values = {"X8_ENV": "test", "STRIPE_API_BASE": url, "STRIPE_SECRET_KEY": key}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
async def api(fake_stripe: tuple[FakeStripe, str]) -> AsyncIterator[StripeApi]:
    async with StripeApi(settings_for(fake_stripe[1])) as client:
        yield client


async def enabled_account(api: StripeApi, fake: FakeStripe) -> str:
    account = await api.create_express_account(
        {"capabilities": {"card_payments": {"requested": True}, "transfers": {"requested": True}}},
        idempotency_key=idempotency_key("connect_account", uuid.uuid4()),
    )
    fake.update_account(account.id, charges_enabled=True, details_submitted=True, payouts_enabled=True)
    return account.id


# --- customers and idempotency ---


async def test_creates_a_customer_with_the_pinned_version_and_the_key(api: StripeApi, fake: FakeStripe) -> None:
    user_id = uuid.uuid4()
    key = idempotency_key("customer", user_id)
    customer = await api.create_customer(
        {"email": "owner@example.com", "metadata": {"x8_user_id": str(user_id)}}, idempotency_key=key
    )

    assert customer.id.startswith("cus_")
    assert customer.email == "owner@example.com"
    assert customer.metadata["x8_user_id"] == str(user_id)
    assert [c["id"] for c in fake.of_type("customer")] == [customer.id]
    sent = fake.last("/v1/customers")
    assert sent.headers["authorization"] == f"Bearer {API_KEY}"
    assert sent.headers["stripe-version"] == API_VERSION
    assert sent.headers["idempotency-key"] == key
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert sent.params == {"email": "owner@example.com", "metadata": {"x8_user_id": str(user_id)}}


async def test_the_same_key_twice_returns_the_first_customer(api: StripeApi, fake: FakeStripe) -> None:
    key = idempotency_key("customer", uuid.uuid4())
    first = await api.create_customer({"email": "a@example.com"}, idempotency_key=key)
    again = await api.create_customer({"email": "a@example.com"}, idempotency_key=key)

    assert again.id == first.id
    assert len(fake.of_type("customer")) == 1
    assert [r.replayed for r in fake.log] == [False, True]


async def test_a_lost_answer_is_retried_with_the_same_key_and_replayed(api: StripeApi, fake: FakeStripe) -> None:
    """Stripe did the work but the answer never arrived: the SDK's retry sends the same key and gets the first
    result, so there is still one customer."""
    fake.fail_next = ["lost-answer"]
    customer = await api.create_customer({"email": "a@example.com"}, idempotency_key=idempotency_key("customer", 1))

    assert fake.requests["/v1/customers"] == 2
    assert [c["id"] for c in fake.of_type("customer")] == [customer.id]
    assert fake.log[-1].replayed
    assert len({r.idempotency_key for r in fake.log}) == 1


async def test_the_same_key_with_other_params_is_refused(api: StripeApi, fake: FakeStripe) -> None:
    key = idempotency_key("customer", uuid.uuid4())
    await api.create_customer({"email": "a@example.com"}, idempotency_key=key)
    with pytest.raises(StripeRefused) as refused:
        await api.create_customer({"email": "b@example.com"}, idempotency_key=key)

    assert refused.value.code == "idempotency_error"
    assert refused.value.http_status == 400
    assert len(fake.of_type("customer")) == 1


async def test_a_wrong_secret_key_is_refused_without_showing_it(fake_stripe: tuple[FakeStripe, str]) -> None:
    fake, url = fake_stripe
    async with StripeApi(settings_for(url, key="sk_test_not_the_right_one_1234")) as api:
        with pytest.raises(StripeRefused) as refused:
            await api.create_customer({}, idempotency_key=idempotency_key("customer", 2))

    assert refused.value.code == "authentication_error"
    assert refused.value.http_status == 401
    assert "sk_test" not in refused.value.message
    assert fake.of_type("customer") == []


def test_no_secret_key_is_not_configured() -> None:
    with pytest.raises(StripeNotConfigured):
        StripeApi(settings_for("http://127.0.0.1:9", key=None))


# --- outages and the failure window ---


async def test_an_outage_opens_the_window_and_a_success_closes_it(
    api: StripeApi, fake: FakeStripe, failures: FailureWindow[tuple[str, str | None]]
) -> None:
    failures.seconds = 0.3
    fake.outage = "503"
    with pytest.raises(StripeUnavailable):
        await api.create_customer({}, idempotency_key=idempotency_key("customer", 3))
    assert fake.requests["/v1/customers"] == 1 + stripe_client.MAX_NETWORK_RETRIES  # the SDK retried a 503

    fake.outage = None
    with pytest.raises(StripeUnavailable) as fast:
        await api.create_customer({}, idempotency_key=idempotency_key("customer", 3))
    assert fake.requests["/v1/customers"] == 3  # the window answered, not the fake
    assert 0 < fast.value.retry_after <= 0.3
    # the window is per account: a call on a connected account still goes out
    with pytest.raises(StripeRefused):
        await api.retrieve_checkout_session("cs_test_missing", stripe_account="acct_unknown")

    await asyncio.sleep(0.35)
    customer = await api.create_customer({}, idempotency_key=idempotency_key("customer", 3))
    assert customer.id.startswith("cus_")
    assert fake.requests["/v1/customers"] == 4
    assert not failures.is_open((api.api_base, None))


@pytest.mark.parametrize("outage", ["500", "503", "429", "close"])
async def test_every_kind_of_outage_is_unavailable(
    fake_stripe: tuple[FakeStripe, str], failures: FailureWindow[tuple[str, str | None]], outage: str
) -> None:
    fake, url = fake_stripe
    fake.outage = outage
    async with StripeApi(settings_for(url), max_network_retries=0) as api:
        with pytest.raises(StripeUnavailable):
            await api.retrieve_account("acct_whatever")
        assert failures.is_open((api.api_base, None))
    assert fake.requests["/v1/accounts/acct_whatever"] == 1


# --- Checkout Sessions ---


async def test_a_chat_order_session_arrives_decoded(api: StripeApi, fake: FakeStripe) -> None:
    account = await enabled_account(api, fake)
    order_id, company_id = uuid.uuid4(), uuid.uuid4()
    session = await api.create_checkout_session(
        {
            "mode": "payment",
            "line_items": [
                {
                    "price_data": {"currency": "usd", "unit_amount": 2490, "product_data": {"name": "Нежность"}},
                    "quantity": 2,
                },
                {
                    "price_data": {"currency": "usd", "unit_amount": 500, "product_data": {"name": "Card"}},
                    "quantity": 1,
                },
            ],
            "payment_intent_data": {"transfer_data": {"destination": account}},
            "metadata": {"x8_kind": "order", "x8_order_id": str(order_id), "x8_company_id": str(company_id)},
            "success_url": "https://x8.example/paid",
        },
        idempotency_key=idempotency_key("order_checkout", order_id),
    )

    assert session.id.startswith("cs_test_")
    assert session.url is not None and session.url.startswith(f"{fake.checkout_host}/c/pay/{session.id}")
    assert session.status == "open"
    assert session.amount_total == 2 * 2490 + 500
    assert session.metadata is not None and session.metadata["x8_kind"] == "order"
    sent = fake.last("/v1/checkout/sessions")
    assert sent.account is None  # a destination charge lives on the platform
    assert "stripe-account" not in sent.headers
    assert sent.params == {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {"currency": "usd", "unit_amount": "2490", "product_data": {"name": "Нежность"}},
                "quantity": "2",
            },
            {
                "price_data": {"currency": "usd", "unit_amount": "500", "product_data": {"name": "Card"}},
                "quantity": "1",
            },
        ],
        "payment_intent_data": {"transfer_data": {"destination": account}},
        "metadata": {"x8_kind": "order", "x8_order_id": str(order_id), "x8_company_id": str(company_id)},
        "success_url": "https://x8.example/paid",
    }


async def test_a_destination_that_cannot_take_transfers_is_refused(api: StripeApi, fake: FakeStripe) -> None:
    account = await api.create_express_account(idempotency_key=idempotency_key("connect_account", uuid.uuid4()))
    with pytest.raises(StripeRefused) as refused:
        await api.create_checkout_session(
            {
                "mode": "payment",
                "line_items": [
                    {
                        "price_data": {"currency": "usd", "unit_amount": 100, "product_data": {"name": "A"}},
                        "quantity": 1,
                    }
                ],
                "payment_intent_data": {"transfer_data": {"destination": account.id}},
            },
            idempotency_key=idempotency_key("order_checkout", uuid.uuid4()),
        )
    assert refused.value.code == "insufficient_capabilities_for_transfer"
    assert refused.value.param == "payment_intent_data[transfer_data][destination]"
    assert "setup" in refused.value.message


async def test_a_connected_account_call_sends_stripe_account_and_keys_are_per_account(
    api: StripeApi, fake: FakeStripe
) -> None:
    first, second = await enabled_account(api, fake), await enabled_account(api, fake)
    params: stripe.params.checkout.SessionCreateParams = {
        "mode": "payment",
        "line_items": [
            {"price_data": {"currency": "eur", "unit_amount": 900, "product_data": {"name": "A"}}, "quantity": 1}
        ],
    }
    key = idempotency_key("direct_checkout", "same")
    on_first = await api.create_checkout_session(params, idempotency_key=key, stripe_account=first)
    on_second = await api.create_checkout_session(params, idempotency_key=key, stripe_account=second)

    assert on_first.id != on_second.id
    assert fake.last("/v1/checkout/sessions").headers["stripe-account"] == second
    assert [s["id"] for s in fake.of_type("checkout.session", first)] == [on_first.id]
    assert [s["id"] for s in fake.of_type("checkout.session", second)] == [on_second.id]
    assert fake.of_type("checkout.session") == []
    retrieved = await api.retrieve_checkout_session(on_first.id, stripe_account=first)
    assert retrieved.id == on_first.id
    with pytest.raises(StripeRefused) as refused:
        await api.retrieve_checkout_session(on_first.id)  # not on the platform
    assert refused.value.code == "resource_missing"


async def test_expiring_a_session(api: StripeApi, fake: FakeStripe) -> None:
    price = fake.add_price(999, recurring=True)
    session = await api.create_checkout_session(
        {
            "mode": "subscription",
            "line_items": [{"price": price, "quantity": 1}],
            "metadata": {"x8_kind": "subscription"},
        },
        idempotency_key=idempotency_key("subscription_checkout", uuid.uuid4()),
    )
    expired = await api.expire_checkout_session(session.id, idempotency_key=idempotency_key("expire", session.id))
    assert expired.status == "expired"
    assert (await api.retrieve_checkout_session(session.id)).status == "expired"
    with pytest.raises(StripeRefused) as refused:
        await api.expire_checkout_session(session.id, idempotency_key=idempotency_key("expire", session.id, 2))
    assert refused.value.code == "invalid_request_error"
    assert refused.value.http_status == 400


async def test_an_unknown_price_is_refused(api: StripeApi) -> None:
    with pytest.raises(StripeRefused) as refused:
        await api.create_checkout_session(
            {"mode": "subscription", "line_items": [{"price": "price_missing", "quantity": 1}]},
            idempotency_key=idempotency_key("subscription_checkout", uuid.uuid4()),
        )
    assert refused.value.code == "resource_missing"
    assert refused.value.param == "line_items[0][price]"


# --- Connect, the portal, subscriptions ---


async def test_an_express_account_from_onboarding_to_deletion(api: StripeApi, fake: FakeStripe) -> None:
    account = await api.create_express_account(
        {"email": "shop@example.com", "metadata": {"x8_user_id": "u1"}},
        idempotency_key=idempotency_key("connect_account", "u1"),
    )
    assert account.id.startswith("acct_")
    assert fake.last("/v1/accounts").params["type"] == "express"
    assert account.charges_enabled is False and account.details_submitted is False

    link = await api.create_account_link(
        {
            "account": account.id,
            "type": "account_onboarding",
            "refresh_url": "https://x8.example/connect/refresh",
            "return_url": "https://x8.example/connect/return",
        },
        idempotency_key=idempotency_key("account_link", account.id, uuid.uuid4()),
    )
    assert link.url.startswith(f"{fake.connect_host}/setup/e/{account.id}/")
    assert link.expires_at > time.time()

    fake.update_account(account.id, charges_enabled=True, details_submitted=True)
    again = await api.retrieve_account(account.id)
    assert again.charges_enabled is True and again.details_submitted is True
    assert again.requirements is not None and again.requirements.currently_due == []

    deleted = await api.delete_account(account.id)
    assert deleted.id == account.id and deleted["deleted"] is True
    with pytest.raises(StripeRefused) as refused:
        await api.retrieve_account(account.id)
    assert refused.value.code == "account_invalid"
    assert refused.value.http_status == 403


async def test_the_portal_and_a_subscription(api: StripeApi, fake: FakeStripe) -> None:
    customer = await api.create_customer({"email": "owner@example.com"}, idempotency_key=idempotency_key("customer", 9))
    portal = await api.create_billing_portal_session(
        {"customer": customer.id, "return_url": "https://x8.example/billing"},
        idempotency_key=idempotency_key("portal", customer.id, uuid.uuid4()),
    )
    assert portal.id.startswith("bps_") and portal.url.startswith(fake.billing_host)

    single, double = fake.add_price(999), fake.add_price(1999)
    created = fake.add_subscription(customer.id, single)
    subscription = await api.retrieve_subscription(created["id"])
    assert subscription.id.startswith("sub_") and subscription.status == "active"
    item = subscription["items"]["data"][0]
    assert item.price.id == single
    assert item.current_period_end > time.time()  # on the item since API 2025-03-31, not on the subscription

    changed = await api.update_subscription(
        subscription.id,
        {"items": [{"id": item.id, "price": double}], "proration_behavior": "create_prorations"},
        idempotency_key=idempotency_key("change_plan", subscription.id, double),
    )
    assert [i.price.id for i in changed["items"]["data"]] == [double]
    assert fake.last(f"/v1/subscriptions/{subscription.id}").params["items"] == [{"id": item.id, "price": double}]

    canceled = await api.cancel_subscription(subscription.id)
    assert canceled.status == "canceled"
    assert "idempotency-key" not in fake.log[-1].headers  # DELETE: Stripe ignores keys
    with pytest.raises(StripeRefused) as refused:
        await api.cancel_subscription(subscription.id)
    assert refused.value.code == "resource_missing"


# --- webhooks ---


def test_verify_event_accepts_a_signed_event_and_rejects_the_rest(fake: FakeStripe) -> None:
    event = fake.event(
        "account.updated", {"id": "acct_1", "object": "account", "charges_enabled": True}, account="acct_1"
    )
    body, headers = signed(event, WEBHOOK_SECRET)

    verified = verify_event(body, headers["stripe-signature"], WEBHOOK_SECRET)
    assert verified.id == event["id"] and verified.type == "account.updated"
    assert verified.account == "acct_1"
    assert verified.data.object["charges_enabled"] is True

    tampered = body.replace(b'"charges_enabled": true', b'"charges_enabled": false')
    assert tampered != body
    for payload, header, secret in [
        (tampered, headers["stripe-signature"], WEBHOOK_SECRET),
        (body, headers["stripe-signature"], "whsec_someone_else"),
        (body, None, WEBHOOK_SECRET),
        (body, "", WEBHOOK_SECRET),
        (body, "garbage", WEBHOOK_SECRET),
        (body, sign_webhook(body, WEBHOOK_SECRET, int(time.time()) - 301), WEBHOOK_SECRET),
        (body, headers["stripe-signature"], ""),
    ]:
        with pytest.raises(BadSignature):
            verify_event(payload, header, secret)

    recent = sign_webhook(body, WEBHOOK_SECRET, int(time.time()) - 200)
    assert verify_event(body, recent, WEBHOOK_SECRET).id == event["id"]


@pytest.mark.parametrize("payload", [b"not json", b"[1, 2]", b'{"id": "x"}', b"\xff\xfe"])
def test_verify_event_rejects_a_signed_body_that_is_not_an_event(payload: bytes) -> None:
    with pytest.raises(BadSignature):
        verify_event(payload, sign_webhook(payload, WEBHOOK_SECRET), WEBHOOK_SECRET)


# --- idempotency keys ---


def test_idempotency_keys_are_deterministic_and_distinct() -> None:
    order = uuid.uuid4()
    key = idempotency_key("order_checkout", order)
    assert key == idempotency_key("order_checkout", order) == idempotency_key("order_checkout", str(order))
    assert key.startswith("x8-order_checkout-") and len(key) <= 255
    assert key != idempotency_key("order_checkout", uuid.uuid4())
    assert key != idempotency_key("order_expire", order)
    assert idempotency_key("x", "a-b") != idempotency_key("x", "a", "b")
    assert idempotency_key("x", 1) == idempotency_key("x", "1")
    with pytest.raises(ValueError):
        idempotency_key("order_checkout")
    with pytest.raises(ValueError):
        idempotency_key("Order Checkout", order)


# --- the fake against the plain SDK ---


def test_the_plain_sdk_speaks_to_the_fake(fake_stripe: tuple[FakeStripe, str]) -> None:
    """The official SDK on its default (sync, requests) transport, without our wrapper: if the fake drifted from
    Stripe's protocol, this would fail."""
    fake, url = fake_stripe
    sdk = stripe.StripeClient(API_KEY, base_addresses={"api": url}, stripe_version=API_VERSION)

    customer = sdk.v1.customers.create({"email": "a@example.com", "metadata": {"k": "v"}}, {"idempotency_key": "k1"})
    again = sdk.v1.customers.create({"email": "a@example.com", "metadata": {"k": "v"}}, {"idempotency_key": "k1"})
    assert again.id == customer.id
    assert again.last_response is not None and again.last_response.headers["Idempotent-Replayed"] == "true"
    assert sdk.v1.customers.retrieve(customer.id).email == "a@example.com"

    with pytest.raises(stripe.IdempotencyError):
        sdk.v1.customers.create({"email": "b@example.com"}, {"idempotency_key": "k1"})
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        sdk.raw_request("post", "/v1/customers", emial="typo@example.com")
    assert unknown.value.code == "parameter_unknown" and unknown.value.param == "emial"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        sdk.v1.customers.retrieve("cus_nothere")
    assert missing.value.code == "resource_missing" and missing.value.http_status == 404

    account = sdk.v1.accounts.create({"type": "express", "capabilities": {"transfers": {"requested": True}}})
    assert account.capabilities is not None and account.capabilities.transfers == "inactive"
    session = sdk.v1.checkout.sessions.create(
        {
            "mode": "payment",
            "line_items": [
                {"price_data": {"currency": "usd", "unit_amount": 100, "product_data": {"name": "A"}}, "quantity": 3}
            ],
        },
        {"stripe_account": account.id},
    )
    assert session.amount_total == 300
    assert fake.last("/v1/checkout/sessions").headers["stripe-account"] == account.id
    assert fake.last("/v1/checkout/sessions").idempotency_key  # the SDK sends one on every POST
    assert sdk.v1.checkout.sessions.retrieve(session.id, options={"stripe_account": account.id}).status == "open"
    assert sdk.v1.checkout.sessions.expire(session.id, options={"stripe_account": account.id}).status == "expired"

    with pytest.raises(stripe.AuthenticationError):
        stripe.StripeClient("sk_test_wrong", base_addresses={"api": url}).v1.customers.create({})
    with pytest.raises(stripe.InvalidRequestError):
        stripe.StripeClient(API_KEY, base_addresses={"api": url}, stripe_version="2024-06-20").v1.customers.create()
    with pytest.raises(stripe.PermissionError):
        sdk.v1.customers.create({}, {"stripe_account": "acct_not_connected"})

    # the fake's signatures are Stripe's
    paid = sdk.v1.checkout.sessions.create(
        {
            "mode": "payment",
            "line_items": [
                {"price_data": {"currency": "usd", "unit_amount": 100, "product_data": {"name": "A"}}, "quantity": 1}
            ],
        }
    )
    payload = json.dumps(fake.event("checkout.session.completed", fake.complete_session(paid.id))).encode()
    stamp = int(time.time())
    assert sign_webhook(payload, WEBHOOK_SECRET, stamp) == stripe.WebhookSignature.generate_signature_header(
        payload.decode(), WEBHOOK_SECRET, stamp
    )
    event = stripe.Webhook.construct_event(payload, sign_webhook(payload, WEBHOOK_SECRET), WEBHOOK_SECRET)
    assert event.type == "checkout.session.completed" and event.data.object["payment_status"] == "paid"


def test_the_pinned_version_belongs_to_the_installed_sdk() -> None:
    """Upgrading the SDK past this API release must be a decision: re-pin API_VERSION and read the changelog."""
    assert API_VERSION.split(".")[1] == stripe.api_version.split(".")[1]
