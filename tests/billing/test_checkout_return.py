"""Back from Stripe Checkout (``?checkout=success&session_id=…``), the billing page asks X8 to confirm the session:
X8 reads it from Stripe and, once paid, starts the plan at once, without waiting for the webhook's job. The
webhook, whenever it comes, changes nothing more. Someone else's session, an unknown or malformed id, an unpaid
session and a Stripe outage change nothing, each with its own answer."""

from __future__ import annotations

import asyncio

import httpx

from tests.billing.helpers import active, business, deliver
from tests.conftest import bearer, sql
from tests.fakes.stripe import FakeStripe
from x8.kit.failing import FailureWindow

CREATE = "/api/v1/subscriptions/create-session"
CONFIRM = "/api/v1/subscriptions/checkout/confirm"


async def _checkout(api: httpx.AsyncClient, tokens: dict[str, str], plan: str = "DOUBLE") -> str:
    created = await api.post(CREATE, headers=bearer(tokens), json={"plan": plan})
    assert created.status_code == 200, created.text
    return str(created.json()["session_id"])


async def test_a_paid_checkout_starts_the_plan_on_return_and_the_webhook_changes_nothing_more(
    api: httpx.AsyncClient, fake: FakeStripe, app_url: str, owner_url: str
) -> None:
    tokens, _ = await business(api, channels=("telegram",))
    session = fake.complete_session(await _checkout(api, tokens))

    confirmed = await api.post(CONFIRM, headers=bearer(tokens), json={"session_id": session["id"]})
    assert confirmed.status_code == 200, confirmed.text
    plan = confirmed.json()
    assert (plan["plan"], plan["status"], plan["channel_limit"]) == ("DOUBLE", "active", 2)
    assert plan["subscription_id"] == session["subscription"]
    assert sql(owner_url, "SELECT count(*) FROM webhook_events") == [(0,)]  # no webhook was needed

    # A second return (a reload) and then Stripe's event: the same plan, one subscription.
    again = await api.post(CONFIRM, headers=bearer(tokens), json={"session_id": session["id"]})
    assert again.status_code == 200 and again.json()["plan"] == "DOUBLE"
    await deliver(api, app_url, fake.event("checkout.session.completed", session))
    assert (await active(api, tokens))["plan"] == "DOUBLE"
    assert sql(owner_url, "SELECT id, plan FROM billing_subscriptions") == [(session["subscription"], "DOUBLE")]
    assert sql(owner_url, "SELECT count(*) FROM webhook_events WHERE handled_at IS NULL") == [(0,)]


async def test_an_unpaid_session_starts_nothing_and_the_page_keeps_waiting(
    api: httpx.AsyncClient, fake: FakeStripe, owner_url: str
) -> None:
    tokens, _ = await business(api)
    session_id = await _checkout(api, tokens)
    confirmed = await api.post(CONFIRM, headers=bearer(tokens), json={"session_id": session_id})
    assert confirmed.status_code == 200, confirmed.text
    assert (confirmed.json()["plan"], confirmed.json()["status"]) == ("TRIAL", "trialing")
    assert fake.last(f"/v1/checkout/sessions/{session_id}").method == "GET"  # it did ask Stripe
    assert sql(owner_url, "SELECT count(*) FROM billing_subscriptions") == [(0,)]


async def test_someone_elses_unknown_or_malformed_sessions_are_refused(
    api: httpx.AsyncClient, fake: FakeStripe, owner_url: str
) -> None:
    owner, _ = await business(api, "owner@example.com")
    other, _ = await business(api, "other@example.com")
    session = fake.complete_session(await _checkout(api, owner))

    stolen = await api.post(CONFIRM, headers=bearer(other), json={"session_id": session["id"]})
    assert stolen.status_code == 404 and stolen.json()["error"] == "NotFound"
    assert (await active(api, other))["plan"] == "TRIAL" and (await active(api, owner))["plan"] == "TRIAL"

    unknown = await api.post(CONFIRM, headers=bearer(owner), json={"session_id": "cs_test_nosuchsession"})
    assert unknown.status_code == 404 and unknown.json()["error"] == "NotFound"

    requests_before = sum(fake.requests.values())
    for bad in ("", "sub_123", "cs_test/../v1/customers", "cs_" + "a" * 300):
        malformed = await api.post(CONFIRM, headers=bearer(owner), json={"session_id": bad})
        assert malformed.status_code == 422, bad
    extra = await api.post(CONFIRM, headers=bearer(owner), json={"session_id": session["id"], "plan": "GROWTH"})
    assert extra.status_code == 422
    assert sum(fake.requests.values()) == requests_before  # none of them reached Stripe
    assert sql(owner_url, "SELECT count(*) FROM billing_subscriptions") == [(0,)]


async def test_a_stripe_outage_on_return_is_503_and_the_webhook_still_starts_the_plan(
    api: httpx.AsyncClient,
    fake_stripe: tuple[FakeStripe, str],
    stripe_failures: FailureWindow[tuple[str, str | None]],
    app_url: str,
) -> None:
    fake, stripe_url = fake_stripe
    tokens, _ = await business(api)
    session = fake.complete_session(await _checkout(api, tokens))
    fake.outage = "503"
    confirmed = await api.post(CONFIRM, headers=bearer(tokens), json={"session_id": session["id"]})
    assert confirmed.status_code == 503 and confirmed.json()["error"] == "ServiceUnavailable"
    assert int(confirmed.headers["retry-after"]) >= 1
    fake.outage = None
    stripe_failures.succeeded((stripe_url, None))  # the outage's back-off is over when Stripe's event comes
    assert (await active(api, tokens))["plan"] == "TRIAL"
    await deliver(api, app_url, fake.event("checkout.session.completed", session))
    assert (await active(api, tokens))["plan"] == "DOUBLE"


async def test_returns_in_several_tabs_at_once_start_one_plan(
    api: httpx.AsyncClient, fake: FakeStripe, owner_url: str
) -> None:
    tokens, _ = await business(api)
    session = fake.complete_session(await _checkout(api, tokens, "GROWTH"))
    answers = await asyncio.gather(
        *(api.post(CONFIRM, headers=bearer(tokens), json={"session_id": session["id"]}) for _ in range(4))
    )
    assert [a.status_code for a in answers] == [200] * 4, [a.text for a in answers]
    assert [a.json()["plan"] for a in answers] == ["GROWTH"] * 4  # each answers after the plan is stored
    assert (await active(api, tokens))["plan"] == "GROWTH"
    assert sql(owner_url, "SELECT id, plan FROM billing_subscriptions") == [(session["subscription"], "GROWTH")]
