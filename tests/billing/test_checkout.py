"""Buying a plan (SPEC.md R-B1): the plan list, Checkout in subscription mode with one Stripe customer per business,
the customer portal, and what an outage or a plan that cannot be bought answers."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.billing.helpers import PRICES, active, business, subscribe, user_row
from tests.conftest import bearer, create_staff, login
from tests.fakes.stripe import FakeStripe
from x8.kit.failing import FailureWindow

CREATE = "/api/v1/subscriptions/create-session"


async def test_the_plans_and_which_can_be_bought_here(api: httpx.AsyncClient) -> None:
    tokens, _ = await business(api)
    response = await api.get("/api/v1/subscriptions/plans", headers=bearer(tokens))
    assert response.status_code == 200
    body = response.json()
    by_plan = {item["plan"]: item for item in body["items"]}
    assert body["total"] == len(body["items"]) == 7
    assert by_plan["DOUBLE"] == {
        "plan": "DOUBLE",
        "name": "Double",
        "price_usd": 19.99,
        "channels": 2,
        "purchasable": True,
    }
    assert by_plan["GROWTH"]["channels"] == 4 and by_plan["SINGLE"]["price_usd"] == 9.99
    assert by_plan["ENTERPRISE"]["channels"] is None and by_plan["ENTERPRISE"]["price_usd"] is None
    # FREE and ENTERPRISE come from an admin, TRIAL with registration; SPECIAL has no price on this server.
    assert [p for p, item in by_plan.items() if item["purchasable"]] == ["SINGLE", "DOUBLE", "GROWTH"]


async def test_a_new_business_is_on_its_trial(api: httpx.AsyncClient) -> None:
    tokens, _ = await business(api, channels=("telegram",))
    plan = await active(api, tokens)
    assert plan["plan"] == "TRIAL" and plan["status"] == "trialing"
    assert plan["channel_limit"] == 1 and plan["channels_used"] == 1
    assert plan["trial_ends_at"] is not None and plan["subscription_id"] is None
    assert plan["has_billing_account"] is False


async def test_checkout_makes_a_subscription_session_for_the_business(
    api: httpx.AsyncClient, fake: FakeStripe, owner_url: str
) -> None:
    tokens, _ = await business(api)
    response = await api.post(CREATE, headers=bearer(tokens), json={"plan": "DOUBLE"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["url"].startswith(fake.checkout_host) and body["session_id"].startswith("cs_test_")
    user = user_row(owner_url, "owner@example.com")
    [customer] = fake.of_type("customer")
    assert customer["metadata"] == {"x8_user_id": str(user["id"])} and customer["email"] == "owner@example.com"
    assert user["stripe_customer_id"] == customer["id"]

    request = fake.last("/v1/checkout/sessions")
    assert request.idempotency_key and request.idempotency_key.startswith("x8-subscription_checkout-")
    assert request.headers["authorization"].startswith("Bearer sk_test_")
    params = request.params
    assert params["mode"] == "subscription" and params["customer"] == customer["id"]
    assert params["client_reference_id"] == str(user["id"])
    assert params["line_items"] == [{"price": PRICES["DOUBLE"], "quantity": "1"}]
    assert params["metadata"]["x8_kind"] == "subscription"
    assert params["subscription_data"]["metadata"] == {"x8_user_id": str(user["id"])}
    assert params["success_url"] == "http://frontend.test/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}"
    assert params["cancel_url"] == "http://frontend.test/billing?checkout=cancel"

    # A double click: the same request again, answered with the same session; still one customer.
    again = await api.post(CREATE, headers=bearer(tokens), json={"plan": "DOUBLE"})
    assert again.json() == body
    assert fake.last("/v1/checkout/sessions").replayed and len(fake.of_type("customer")) == 1


async def test_two_first_checkouts_at_once_make_one_customer(
    api: httpx.AsyncClient, fake: FakeStripe, owner_url: str
) -> None:
    tokens, _ = await business(api)
    first, second = await asyncio.gather(
        api.post(CREATE, headers=bearer(tokens), json={"plan": "SINGLE"}),
        api.post(CREATE, headers=bearer(tokens), json={"plan": "GROWTH"}),
    )
    assert first.status_code == second.status_code == 200, (first.text, second.text)
    assert len(fake.of_type("customer")) == 1
    [customer] = fake.of_type("customer")
    assert user_row(owner_url, "owner@example.com")["stripe_customer_id"] == customer["id"]
    sessions = fake.of_type("checkout.session")
    assert {s["customer"] for s in sessions} == {customer["id"]} and len(sessions) == 2


@pytest.mark.parametrize("plan", ["FREE", "ENTERPRISE", "TRIAL", "PLATINUM", None])
async def test_plans_that_cannot_be_bought_are_422(api: httpx.AsyncClient, fake: FakeStripe, plan: str | None) -> None:
    tokens, _ = await business(api)
    response = await api.post(CREATE, headers=bearer(tokens), json={"plan": plan})
    assert response.status_code == 422
    assert fake.requests == {}  # nothing reached Stripe


async def test_a_plan_without_a_price_here_is_409(api: httpx.AsyncClient, fake: FakeStripe) -> None:
    tokens, _ = await business(api)
    response = await api.post(CREATE, headers=bearer(tokens), json={"plan": "SPECIAL"})
    assert response.status_code == 409 and "SPECIAL" in response.json()["detail"]
    assert fake.requests == {}


async def test_a_stripe_outage_is_503_and_leaves_nothing_half_made(
    api: httpx.AsyncClient, fake: FakeStripe, owner_url: str
) -> None:
    tokens, _ = await business(api)
    fake.outage = "503"
    response = await api.post(CREATE, headers=bearer(tokens), json={"plan": "DOUBLE"})
    assert response.status_code == 503
    assert response.json()["error"] == "ServiceUnavailable" and "Stripe" in response.json()["detail"]
    assert int(response.headers["retry-after"]) >= 1
    assert fake.of_type("customer") == [] and user_row(owner_url, "owner@example.com")["stripe_customer_id"] is None


async def test_an_outage_between_customer_and_session_is_retried_with_the_same_customer(
    api: httpx.AsyncClient,
    fake_stripe: tuple[FakeStripe, str],
    owner_url: str,
    stripe_failures: FailureWindow[tuple[str, str | None]],
) -> None:
    fake, url = fake_stripe
    tokens, _ = await business(api)

    def fail_sessions(path: str) -> None:
        if path == "/v1/checkout/sessions":
            fake.outage = "503"

    fake.during_request = fail_sessions
    response = await api.post(CREATE, headers=bearer(tokens), json={"plan": "DOUBLE"})
    assert response.status_code == 503
    assert fake.of_type("checkout.session") == []
    fake.during_request, fake.outage = None, None
    stripe_failures.succeeded((url, None))  # the outage is over: skip the failure window's wait
    again = await api.post(CREATE, headers=bearer(tokens), json={"plan": "DOUBLE"})
    assert again.status_code == 200, again.text
    [customer] = fake.of_type("customer")
    assert fake.of_type("checkout.session")[0]["customer"] == customer["id"]
    assert user_row(owner_url, "owner@example.com")["stripe_customer_id"] == customer["id"]


async def test_a_business_with_a_live_subscription_changes_plan_instead(
    api: httpx.AsyncClient, fake: FakeStripe, app_url: str
) -> None:
    tokens, _ = await business(api)
    await subscribe(api, fake, app_url, tokens, "SINGLE")
    response = await api.post(CREATE, headers=bearer(tokens), json={"plan": "DOUBLE"})
    assert response.status_code == 409 and "Change its plan" in response.json()["detail"]


async def test_the_portal_opens_for_a_business_with_a_customer(api: httpx.AsyncClient, fake: FakeStripe) -> None:
    tokens, _ = await business(api)
    before = await api.post("/api/v1/subscriptions/portal", headers=bearer(tokens))
    assert before.status_code == 409 and fake.requests == {}
    await api.post(CREATE, headers=bearer(tokens), json={"plan": "DOUBLE"})
    opened = await api.post("/api/v1/subscriptions/portal", headers=bearer(tokens))
    assert opened.status_code == 200, opened.text
    assert opened.json()["url"].startswith(fake.billing_host)
    request = fake.last("/v1/billing_portal/sessions")
    [customer] = fake.of_type("customer")
    assert request.params == {"customer": customer["id"], "return_url": "http://frontend.test/billing"}
    assert request.idempotency_key and request.idempotency_key.startswith("x8-billing_portal-")
    assert (await active(api, tokens))["has_billing_account"] is True


async def test_staff_have_no_plan(api: httpx.AsyncClient, app_url: str) -> None:
    await create_staff(app_url, "MANAGER", "manager@example.com")
    tokens = await login(api, "manager@example.com", "StaffPass123")
    assert (await api.get("/api/v1/subscriptions/plans", headers=bearer(tokens))).status_code == 200
    for method, path in (("GET", "/active"), ("POST", "/portal"), ("GET", "/")):
        response = await api.request(method, f"/api/v1/subscriptions{path}", headers=bearer(tokens))
        assert response.status_code == 403, path
    response = await api.post(CREATE, headers=bearer(tokens), json={"plan": "DOUBLE"})
    assert response.status_code == 403
