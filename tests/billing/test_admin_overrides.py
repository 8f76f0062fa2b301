"""Admin overrides (SPEC.md §11, "Admin overrides"): ``PATCH /api/v1/admin/clients/{id}`` grants FREE or
ENTERPRISE (the only way to get them), moves the trial's end and overrides the channel limit; admin only,
audited."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx

from tests.billing.helpers import active, business
from tests.conftest import bearer, create_staff, login, sql

ADMIN = "root@example.com"


async def _admin(api: httpx.AsyncClient, app_url: str) -> dict[str, str]:
    await create_staff(app_url, "ADMIN", ADMIN)
    return await login(api, ADMIN, "StaffPass123")


async def _client_url(api: httpx.AsyncClient, tokens: dict[str, str]) -> str:
    me = (await api.get("/api/v1/auth/me", headers=bearer(tokens))).json()
    return f"/api/v1/admin/clients/{me['id']}"


async def test_the_admin_grants_enterprise_and_free(api: httpx.AsyncClient, app_url: str, owner_url: str) -> None:
    tokens, company = await business(api, channels=("telegram",))
    admin = await _admin(api, app_url)
    url = await _client_url(api, tokens)

    response = await api.patch(url, headers=bearer(admin), json={"plan": "ENTERPRISE"})
    assert response.status_code == 200, response.text
    assert response.json()["plan"] == "ENTERPRISE" and response.json()["subscription_status"] == "active"
    plan = await active(api, tokens)
    assert (plan["plan"], plan["status"], plan["channel_limit"]) == ("ENTERPRISE", "active", None)
    many = ["telegram", "whatsapp", "instagram", "facebook", "email"]
    assert (
        await api.patch(f"/api/v1/companies/{company}", headers=bearer(tokens), json={"channels": many})
    ).status_code == 200

    response = await api.patch(url, headers=bearer(admin), json={"plan": "FREE", "channel_limit_override": 5})
    assert response.status_code == 200
    plan = await active(api, tokens)
    assert (plan["plan"], plan["status"], plan["channel_limit"]) == ("FREE", "active", 5)

    rows = sql(
        owner_url, "SELECT actor_id, action, target_id, details FROM audit_log WHERE action LIKE 'admin.%%' ORDER BY id"
    )
    details = [(action, target, d) for _, action, target, d in rows]
    client_id = url.rsplit("/", 1)[1]
    assert details == [
        ("admin.client_limits_changed", client_id, {"plan": "ENTERPRISE"}),
        ("admin.client_limits_changed", client_id, {"plan": "FREE", "channel_limit_override": 5}),
    ]


async def test_the_admin_moves_the_trial_end(api: httpx.AsyncClient, app_url: str, owner_url: str) -> None:
    tokens, _ = await business(api)
    admin = await _admin(api, app_url)
    url = await _client_url(api, tokens)
    ended = datetime.now(UTC) - timedelta(hours=1)
    response = await api.patch(url, headers=bearer(admin), json={"trial_ends_at": ended.isoformat()})
    assert response.status_code == 200
    assert (await active(api, tokens))["status"] == "expired"

    later = datetime.now(UTC) + timedelta(days=14)
    response = await api.patch(url, headers=bearer(admin), json={"trial_ends_at": later.isoformat()})
    assert response.status_code == 200
    plan = await active(api, tokens)
    assert plan["status"] == "trialing" and datetime.fromisoformat(plan["trial_ends_at"]) == later
    [(details,)] = sql(
        owner_url, "SELECT details FROM audit_log WHERE action = 'admin.client_limits_changed' ORDER BY id DESC LIMIT 1"
    )
    assert datetime.fromisoformat(details["trial_ends_at"]) == later


async def test_only_the_admin_and_only_sensible_values(api: httpx.AsyncClient, app_url: str, owner_url: str) -> None:
    tokens, _ = await business(api)
    admin = await _admin(api, app_url)
    url = await _client_url(api, tokens)
    assert (await api.patch(url, headers=bearer(tokens), json={"plan": "ENTERPRISE"})).status_code == 403
    await create_staff(app_url, "MANAGER", "manager@example.com")
    manager = await login(api, "manager@example.com", "StaffPass123")
    assert (await api.patch(url, headers=bearer(manager), json={"plan": "FREE"})).status_code == 403
    for body in (
        {"plan": "PLATINUM"},
        {"plan": None},
        {"trial_ends_at": None},
        {"trial_ends_at": "2030-01-01T00:00:00"},  # no time zone
        {"channel_limit_override": -1},
        {"stripe_customer_id": "cus_1"},
    ):
        response = await api.patch(url, headers=bearer(admin), json=body)
        assert response.status_code == 422, body
    missing = f"/api/v1/admin/clients/{uuid.uuid4()}"
    assert (await api.patch(missing, headers=bearer(admin), json={"plan": "FREE"})).status_code == 404
    assert (await active(api, tokens))["plan"] == "TRIAL"
    assert sql(owner_url, "SELECT count(*) FROM audit_log WHERE action = 'admin.client_limits_changed'") == [(0,)]
