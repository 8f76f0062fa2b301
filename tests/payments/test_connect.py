"""Stripe Connect for a business (SPEC.md R-P1) over real HTTP against the fake Stripe: one Express account per
business, a new Account Link per call, the status from account.updated, disconnect, and who may do it."""

from __future__ import annotations

import httpx

from tests.conftest import bearer, create_staff, login, register, sql
from tests.fakes.stripe import FakeStripe
from tests.payments.helpers import connect_account, connect_webhook
from x8.integrations.stripe import idempotency_key
from x8.kit.failing import FailureWindow

ONBOARD = "/api/v1/payments/connect/onboard"
STATUS = "/api/v1/payments/connect/status"
DISCONNECT = "/api/v1/payments/connect/disconnect"


async def test_onboarding_makes_one_express_account_and_a_new_link_each_time(
    stripe_client_: httpx.AsyncClient, fake: FakeStripe
) -> None:
    client = stripe_client_
    tokens = await register(client, "shop@example.com")
    first = await client.post(ONBOARD, headers=bearer(tokens))
    again = await client.post(ONBOARD, headers=bearer(tokens))

    assert first.status_code == again.status_code == 200, first.text
    assert first.json()["account_id"] == again.json()["account_id"]
    assert first.json()["url"] != again.json()["url"]  # links are single use
    [account] = fake.accounts.values()
    assert account["id"] == first.json()["account_id"] and account["type"] == "express"
    assert account["email"] == "shop@example.com"
    created = fake.last("/v1/accounts")
    assert created.params["capabilities"] == {
        "card_payments": {"requested": "true"},
        "transfers": {"requested": "true"},
    }
    links = [r for r in fake.log if r.path == "/v1/account_links"]
    assert len(links) == 2 and links[0].idempotency_key != links[1].idempotency_key
    assert links[0].params["type"] == "account_onboarding"
    assert links[0].params["return_url"].startswith("http://frontend.test/billing")

    status = (await client.get(STATUS, headers=bearer(tokens))).json()
    assert status["account_id"] == account["id"]
    assert status["status"] == "pending" and status["charges_enabled"] is False
    assert "external_account" in status["requirements"]
    assert status["checkout"] == "stripe"


async def test_a_lost_answer_and_a_second_click_still_make_one_account(
    stripe_client_: httpx.AsyncClient, fake: FakeStripe
) -> None:
    """Stripe made the account but the answer was lost: the SDK retries with the same key and gets the replay."""
    client = stripe_client_
    tokens = await register(client, "shop@example.com")
    fake.fail_next = ["lost-answer"]
    first = await client.post(ONBOARD, headers=bearer(tokens))
    assert first.status_code == 200, first.text
    assert len(fake.accounts) == 1 and fake.requests["/v1/accounts"] == 2
    again = await client.post(ONBOARD, headers=bearer(tokens))
    assert again.json()["account_id"] == first.json()["account_id"] and len(fake.accounts) == 1


async def test_account_updated_enables_the_account_and_late_events_change_nothing(
    stripe_client_: httpx.AsyncClient, fake: FakeStripe, app_url: str
) -> None:
    from tests.conversations.helpers import run_jobs

    client = stripe_client_
    tokens = await register(client, "shop@example.com")
    account_id = await connect_account(client, fake, tokens)
    await run_jobs(app_url)
    status = (await client.get(STATUS, headers=bearer(tokens))).json()
    assert status == {
        "account_id": account_id,
        "charges_enabled": True,
        "payouts_enabled": True,
        "requirements": [],
        "status": "enabled",
        "checkout": "stripe",
    }
    # An older event (Stripe does not promise order) arriving now changes nothing.
    old = fake.event("account.updated", {**fake.accounts[account_id], "charges_enabled": False}, account=account_id)
    old["created"] -= 3600
    assert (await connect_webhook(client, old)).status_code == 200
    await run_jobs(app_url)
    assert (await client.get(STATUS, headers=bearer(tokens))).json()["status"] == "enabled"

    # Stripe later needs more: restricted, with what it needs.
    restricted = fake.update_account(account_id, charges_enabled=False)
    await connect_webhook(client, fake.event("account.updated", restricted, account=account_id))
    await run_jobs(app_url)
    status = (await client.get(STATUS, headers=bearer(tokens))).json()
    assert status["status"] == "restricted" and "external_account" in status["requirements"]


async def test_status_asks_stripe_when_the_webhook_has_not_come(
    stripe_client_: httpx.AsyncClient, fake: FakeStripe
) -> None:
    client = stripe_client_
    tokens = await register(client, "shop@example.com")
    account_id = (await client.post(ONBOARD, headers=bearer(tokens))).json()["account_id"]
    fake.update_account(account_id, charges_enabled=True, details_submitted=True, payouts_enabled=True)
    status = (await client.get(STATUS, headers=bearer(tokens))).json()
    assert status["status"] == "enabled"
    asked = fake.requests[f"/v1/accounts/{account_id}"]
    await client.get(STATUS, headers=bearer(tokens))
    assert fake.requests[f"/v1/accounts/{account_id}"] == asked  # enabled: the stored state is the answer

    fake.outage = "503"  # Stripe down: the stored state, not an error
    assert (await client.get(STATUS, headers=bearer(tokens))).json()["status"] == "enabled"


async def test_disconnect_deletes_the_account_and_a_new_onboarding_makes_another(
    stripe_client_: httpx.AsyncClient, fake: FakeStripe, app_url: str
) -> None:
    client = stripe_client_
    tokens = await register(client, "shop@example.com")
    first = await connect_account(client, fake, tokens)
    gone = await client.post(DISCONNECT, headers=bearer(tokens))
    assert gone.status_code == 200, gone.text
    assert gone.json()["status"] == "not_connected" and gone.json()["account_id"] is None
    assert first not in fake.accounts
    assert (await client.post(DISCONNECT, headers=bearer(tokens))).status_code == 200  # nothing left: fine

    second = (await client.post(ONBOARD, headers=bearer(tokens))).json()["account_id"]
    assert second != first and second in fake.accounts


async def test_disconnect_while_stripe_is_down_or_refuses_changes_nothing(
    stripe_client_: httpx.AsyncClient,
    fake_stripe: tuple[FakeStripe, str],
    owner_url: str,
    stripe_failures: FailureWindow[tuple[str, str | None]],
) -> None:
    fake = fake_stripe[0]
    client = stripe_client_
    tokens = await register(client, "shop@example.com")
    account_id = await connect_account(client, fake, tokens)

    fake.outage = "500"
    down = await client.post(DISCONNECT, headers=bearer(tokens))
    assert down.status_code == 503 and int(down.headers["retry-after"]) >= 1
    fake.outage = None
    stripe_failures.succeeded((fake_stripe[1], None))  # the failure window has passed

    fake.balances[account_id] = 1200
    refused = await client.post(DISCONNECT, headers=bearer(tokens))
    assert refused.status_code == 409 and "stays connected" in refused.json()["detail"]
    assert sql(owner_url, "SELECT account_id FROM connected_accounts") == [(account_id,)]


async def test_a_deauthorized_account_is_forgotten(
    stripe_client_: httpx.AsyncClient, fake: FakeStripe, app_url: str
) -> None:
    from tests.conversations.helpers import run_jobs

    client = stripe_client_
    tokens = await register(client, "shop@example.com")
    account_id = await connect_account(client, fake, tokens)
    await run_jobs(app_url)
    application = {"id": "ca_x8test", "object": "application", "name": "X8 Network"}
    event = fake.event("account.application.deauthorized", application, account=account_id)
    assert (await connect_webhook(client, event)).status_code == 200
    await run_jobs(app_url)
    status = (await client.get(STATUS, headers=bearer(tokens))).json()
    assert status["status"] == "not_connected" and status["account_id"] is None


async def test_only_a_business_has_a_connected_account(
    stripe_client_: httpx.AsyncClient, app_url: str, fake: FakeStripe
) -> None:
    client = stripe_client_
    await create_staff(app_url, "MANAGER", "manager@example.com")
    await create_staff(app_url, "ADMIN", "admin@example.com")
    for email in ("manager@example.com", "admin@example.com"):
        tokens = await login(client, email, "StaffPass123")
        for method, path in (("POST", ONBOARD), ("GET", STATUS), ("POST", DISCONNECT)):
            response = await client.request(method, path, headers=bearer(tokens))
            assert response.status_code == 403, (email, path, response.text)
            assert response.json()["error"] == "Forbidden"
    assert (await client.get(STATUS)).status_code == 401
    assert fake.accounts == {}


async def test_without_a_stripe_key_onboarding_says_so(sandbox_client: httpx.AsyncClient) -> None:
    tokens = await register(sandbox_client, "shop@example.com")
    response = await sandbox_client.post(ONBOARD, headers=bearer(tokens))
    assert response.status_code == 409 and "sandbox" in response.json()["detail"]
    ru = await sandbox_client.post(ONBOARD, headers={**bearer(tokens), "Accept-Language": "ru"})
    assert "песочниц" in ru.json()["detail"]
    status = (await sandbox_client.get(STATUS, headers=bearer(tokens))).json()
    assert status["status"] == "not_connected" and status["checkout"] == "sandbox"


async def test_a_stripe_outage_on_onboarding_is_503_and_the_retry_makes_the_same_account(
    stripe_client_: httpx.AsyncClient,
    fake_stripe: tuple[FakeStripe, str],
    stripe_failures: FailureWindow[tuple[str, str | None]],
) -> None:
    fake = fake_stripe[0]
    client = stripe_client_
    user = await register(client, "shop@example.com")
    fake.outage = "503"
    down = await client.post(ONBOARD, headers=bearer(user))
    assert down.status_code == 503 and down.json()["error"] == "ServiceUnavailable"
    fake.outage = None
    stripe_failures.succeeded((fake_stripe[1], None))  # the failure window has passed
    up = await client.post(ONBOARD, headers=bearer(user))
    assert up.status_code == 200, up.text
    keys = {r.idempotency_key for r in fake.log if r.path == "/v1/accounts"}
    assert len(keys) == 1 and next(iter(keys)).startswith("x8-connect_account-")
    assert idempotency_key("connect_account", "x", 0) != idempotency_key("connect_account", "x", 1)
