"""Changing plan (SPEC.md §11, "Changing plan"): the live subscription's item moves to the new price at Stripe and
the limit here moves at once; a downgrade below the channels in use is 409 TooManyChannels listing them, and
nothing is sent to Stripe."""

from __future__ import annotations

import httpx

from tests.billing.helpers import PRICES, active, business, subscribe
from tests.conftest import bearer
from tests.fakes.stripe import FakeStripe

CHANGE = "/api/v1/subscriptions/change"


async def test_an_upgrade_opens_channels_at_once(api: httpx.AsyncClient, fake: FakeStripe, app_url: str) -> None:
    tokens, company = await business(api, channels=("telegram",))
    subscription = await subscribe(api, fake, app_url, tokens, "SINGLE")
    refused = await api.patch(
        f"/api/v1/companies/{company}", headers=bearer(tokens), json={"channels": ["telegram", "whatsapp"]}
    )
    assert refused.status_code == 402

    response = await api.post(CHANGE, headers=bearer(tokens), json={"plan": "GROWTH"})
    assert response.status_code == 200, response.text
    assert (response.json()["plan"], response.json()["channel_limit"]) == ("GROWTH", 4)
    request = fake.last(f"/v1/subscriptions/{subscription['id']}")
    item = subscription["items"]["data"][0]
    assert request.method == "POST" and request.params["items"] == [{"id": item["id"], "price": PRICES["GROWTH"]}]
    assert request.params["proration_behavior"] == "create_prorations"
    assert request.idempotency_key and request.idempotency_key.startswith("x8-subscription_change-")
    assert fake.store()[subscription["id"]]["items"]["data"][0]["price"]["id"] == PRICES["GROWTH"]

    opened = await api.patch(
        f"/api/v1/companies/{company}", headers=bearer(tokens), json={"channels": ["telegram", "whatsapp"]}
    )
    assert opened.status_code == 200, opened.text
    # Stripe's event about the same change arrives later and agrees.
    assert (await active(api, tokens))["plan"] == "GROWTH"


async def test_a_downgrade_below_the_channels_in_use_is_409_with_the_list(
    api: httpx.AsyncClient, fake: FakeStripe, app_url: str
) -> None:
    tokens, company = await business(api)
    await subscribe(api, fake, app_url, tokens, "DOUBLE")
    chosen = await api.patch(
        f"/api/v1/companies/{company}", headers=bearer(tokens), json={"channels": ["telegram", "whatsapp"]}
    )
    assert chosen.status_code == 200, chosen.text
    web = await api.post("/api/v1/integrations/web/connect", headers=bearer(tokens), json={"company_id": company})
    assert web.status_code == 200  # the playground is never counted
    posts_before = [r for r in fake.log if r.method == "POST"]

    response = await api.post(CHANGE, headers=bearer(tokens), json={"plan": "SINGLE"})
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "TooManyChannels" and "SINGLE" in body["detail"]
    assert sorted(c["platform"] for c in body["channels"]) == ["telegram", "whatsapp"]
    assert {c["company_id"] for c in body["channels"]} == {company}
    assert all(c["id"] is None for c in body["channels"])  # chosen, never connected
    assert [r for r in fake.log if r.method == "POST"] == posts_before  # nothing sent to Stripe
    assert (await active(api, tokens))["plan"] == "DOUBLE"

    # In Russian too, with the same list.
    ru = await api.post(CHANGE, headers={**bearer(tokens), "Accept-Language": "ru"}, json={"plan": "SINGLE"})
    assert ru.status_code == 409 and "Тариф SINGLE" in ru.json()["detail"] and len(ru.json()["channels"]) == 2

    # After removing a channel the downgrade goes through, without a refund (no proration).
    removed = await api.patch(f"/api/v1/companies/{company}", headers=bearer(tokens), json={"channels": ["telegram"]})
    assert removed.status_code == 200
    response = await api.post(CHANGE, headers=bearer(tokens), json={"plan": "SINGLE"})
    assert response.status_code == 200, response.text
    assert (response.json()["plan"], response.json()["channel_limit"], response.json()["channels_used"]) == (
        "SINGLE",
        1,
        1,
    )
    assert fake.log[-1].params["proration_behavior"] == "none"


async def test_changing_back_and_forth_sends_a_new_request_each_time(
    api: httpx.AsyncClient, fake: FakeStripe, app_url: str
) -> None:
    tokens, _ = await business(api)
    subscription = await subscribe(api, fake, app_url, tokens, "SINGLE")
    for plan in ("DOUBLE", "SINGLE", "DOUBLE"):
        response = await api.post(CHANGE, headers=bearer(tokens), json={"plan": plan})
        assert response.status_code == 200, response.text
        assert not fake.last(f"/v1/subscriptions/{subscription['id']}").replayed
        assert fake.store()[subscription["id"]]["items"]["data"][0]["price"]["id"] == PRICES[plan]
    same = await api.post(CHANGE, headers=bearer(tokens), json={"plan": "DOUBLE"})
    assert same.status_code == 200 and same.json()["plan"] == "DOUBLE"


async def test_no_subscription_to_change_is_409_and_bad_plans_422(api: httpx.AsyncClient, fake: FakeStripe) -> None:
    tokens, _ = await business(api)
    response = await api.post(CHANGE, headers=bearer(tokens), json={"plan": "DOUBLE"})
    assert response.status_code == 409 and response.json()["error"] == "Conflict"
    for plan in ("FREE", "ENTERPRISE", "TRIAL"):
        assert (await api.post(CHANGE, headers=bearer(tokens), json={"plan": plan})).status_code == 422
    assert fake.requests == {}


async def test_an_outage_on_change_is_503_and_changes_nothing(
    api: httpx.AsyncClient, fake: FakeStripe, app_url: str
) -> None:
    tokens, _ = await business(api)
    await subscribe(api, fake, app_url, tokens, "SINGLE")
    fake.outage = "500"
    response = await api.post(CHANGE, headers=bearer(tokens), json={"plan": "DOUBLE"})
    assert response.status_code == 503
    assert (await active(api, tokens))["plan"] == "SINGLE"
