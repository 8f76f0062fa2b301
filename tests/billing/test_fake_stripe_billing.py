"""The fake Stripe's billing parts, driven by the official SDK with no X8 code in between: subscription Checkout
(with subscription_data), prices, subscriptions moving on, invoices and the portal. If the fake drifted from
Stripe's protocol, the SDK would fail here."""

from __future__ import annotations

import pytest
import stripe
import stripe.params.checkout

from tests.billing.helpers import PRICES
from tests.fakes.stripe import API_KEY, FakeStripe
from x8.integrations.stripe import API_VERSION

ONE_TIME: stripe.params.checkout.SessionCreateParamsLineItem = {
    "price_data": {"currency": "usd", "unit_amount": 100, "product_data": {"name": "A"}},
    "quantity": 1,
}


@pytest.fixture
def sdk(fake_stripe: tuple[FakeStripe, str]) -> stripe.StripeClient:
    return stripe.StripeClient(API_KEY, base_addresses={"api": fake_stripe[1]}, stripe_version=API_VERSION)


def test_a_subscription_from_checkout_to_invoices(sdk: stripe.StripeClient, fake: FakeStripe) -> None:
    price = sdk.v1.prices.retrieve(PRICES["DOUBLE"])
    assert price.unit_amount == 1999 and price.recurring is not None and price.recurring.interval == "month"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        sdk.v1.prices.retrieve("price_nothere")
    assert missing.value.http_status == 404 and missing.value.code == "resource_missing"

    customer = sdk.v1.customers.create({"email": "a@example.com", "metadata": {"x8_user_id": "u1"}})
    session = sdk.v1.checkout.sessions.create(
        {
            "mode": "subscription",
            "customer": customer.id,
            "client_reference_id": "u1",
            "line_items": [{"price": price.id, "quantity": 1}],
            "success_url": "https://x8.test/billing?session_id={CHECKOUT_SESSION_ID}",
            "metadata": {"x8_kind": "subscription"},
            "subscription_data": {"metadata": {"x8_user_id": "u1"}},
        },
        {"idempotency_key": "checkout-1"},
    )
    assert session.mode == "subscription" and session.url and session.client_reference_id == "u1"
    assert fake.last("/v1/checkout/sessions").idempotency_key == "checkout-1"
    completed = fake.complete_session(session.id)
    subscription = sdk.v1.subscriptions.retrieve(completed["subscription"])
    assert subscription.customer == customer.id and subscription.metadata.to_dict() == {"x8_user_id": "u1"}
    assert subscription["items"]["data"][0]["price"]["id"] == price.id

    fake.set_subscription_status(subscription.id, "past_due")
    assert sdk.v1.subscriptions.retrieve(subscription.id).status == "past_due"
    failed = fake.add_invoice(subscription.id, paid=False)
    invoice = sdk.v1.invoices.retrieve(failed["id"])
    assert invoice.status == "open" and invoice.amount_due == 1999 and invoice.amount_paid == 0
    assert invoice.parent is not None and invoice.parent.subscription_details is not None
    assert invoice.parent.subscription_details.subscription == subscription.id
    paid = sdk.v1.invoices.retrieve(fake.add_invoice(subscription.id)["id"])
    assert paid.status == "paid" and paid.amount_paid == 1999

    portal = sdk.v1.billing_portal.sessions.create({"customer": customer.id, "return_url": "https://x8.test/billing"})
    assert portal.url.startswith(fake.billing_host)
    with pytest.raises(stripe.InvalidRequestError):
        sdk.v1.billing_portal.sessions.create({"customer": "cus_nothere"})


def test_subscription_data_only_in_subscription_mode(sdk: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        sdk.v1.checkout.sessions.create(
            {
                "mode": "payment",
                "line_items": [
                    {
                        "price_data": {"currency": "usd", "unit_amount": 100, "product_data": {"name": "A"}},
                        "quantity": 1,
                    }
                ],
                "subscription_data": {"metadata": {"a": "b"}},
            }
        )
    assert refused.value.param == "subscription_data"
    with pytest.raises(stripe.InvalidRequestError) as one_time:
        sdk.v1.checkout.sessions.create(
            {
                "mode": "subscription",
                "line_items": [
                    {
                        "price_data": {"currency": "usd", "unit_amount": 100, "product_data": {"name": "A"}},
                        "quantity": 1,
                    }
                ],
            }
        )
    assert "recurring" in str(one_time.value.user_message)


def test_a_changed_request_under_the_same_key_is_refused(sdk: stripe.StripeClient, fake: FakeStripe) -> None:
    customer = sdk.v1.customers.create({"email": "a@example.com"})
    subscription = fake.add_subscription(customer.id, PRICES["SINGLE"])
    item = subscription["items"]["data"][0]["id"]
    sdk.v1.subscriptions.update(
        subscription["id"], {"items": [{"id": item, "price": PRICES["DOUBLE"]}]}, {"idempotency_key": "change-1"}
    )
    with pytest.raises(stripe.IdempotencyError):
        sdk.v1.subscriptions.update(
            subscription["id"], {"items": [{"id": item, "price": PRICES["GROWTH"]}]}, {"idempotency_key": "change-1"}
        )
    assert fake.store()[subscription["id"]]["items"]["data"][0]["price"]["id"] == PRICES["DOUBLE"]
