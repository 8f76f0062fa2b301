"""``GET /api/v1/admin/stats`` and ``GET /api/v1/managers/stats`` (SPEC.md §12 "Admin", R-X2) computed from what
billing stored: subscriptions in every state, paid and unpaid invoices, trials running and ended."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from tests.admin.helpers import admin_tokens, business, manager, stored_invoice, stored_subscription
from tests.conftest import bearer, create_staff, login
from x8.platform.admin.stats import month_start


async def _world(client: httpx.AsyncClient, app_url: str, owner_url: str) -> dict[str, Any]:
    """Eight businesses, two managers: who pays, who left, whose trial runs or ended (see each line)."""
    now = datetime.now(UTC)
    start = month_start(now)
    last_month = start - timedelta(days=3)
    m1, m1_tokens = await manager(client, app_url, "m1@example.com")
    m2, m2_tokens = await manager(client, app_url, "m2@example.com")

    # Pays SINGLE since its trial ended 10 days ago; a stray older DOUBLE subscription is not counted twice.
    paying = await business(
        app_url, owner_url, "paying@example.com", plan="SINGLE", status="active",
        trial_ends_at=now - timedelta(days=10), manager_id=m1,
    )  # fmt: skip
    stored_subscription(
        owner_url, paying, "sub_a", plan="SINGLE", status="active", started_at=now - timedelta(days=9), as_of=now
    )
    stored_subscription(
        owner_url, paying, "sub_a_old", plan="DOUBLE", status="active", started_at=now - timedelta(days=40), as_of=now
    )
    stored_invoice(owner_url, paying, "in_a_now", cents=999, issued_at=start)
    stored_invoice(owner_url, paying, "in_a_before", cents=999, issued_at=last_month)
    stored_invoice(owner_url, paying, "in_a_open", cents=1999, issued_at=start, status="open")
    # Past due on GROWTH: still billed (MRR); its EUR invoice is not USD revenue.
    past_due = await business(
        app_url, owner_url, "pastdue@example.com", plan="GROWTH", status="past_due",
        trial_ends_at=now - timedelta(days=40),
    )  # fmt: skip
    stored_subscription(
        owner_url, past_due, "sub_b", plan="GROWTH", status="past_due", started_at=now - timedelta(days=39), as_of=now
    )
    stored_invoice(owner_url, past_due, "in_b", cents=4999, issued_at=start, currency="eur")
    # Canceled this month: churned.
    churned = await business(
        app_url, owner_url, "churned@example.com", plan="SINGLE", status="canceled",
        trial_ends_at=now - timedelta(days=60),
    )  # fmt: skip
    stored_subscription(
        owner_url, churned, "sub_c", plan="SINGLE", status="canceled", started_at=now - timedelta(days=59), as_of=start
    )
    stored_invoice(owner_url, churned, "in_c", cents=999, issued_at=last_month)
    # Canceled last month: not this month's churn.
    left = await business(app_url, owner_url, "left@example.com", plan="SINGLE", status="canceled")
    stored_subscription(
        owner_url, left, "sub_d", plan="SINGLE", status="unpaid", started_at=now - timedelta(days=90), as_of=last_month
    )
    # Ended one subscription this month but pays for another: not churn; converted from a trial 20 days ago.
    switched = await business(
        app_url, owner_url, "switched@example.com", plan="DOUBLE", status="active",
        trial_ends_at=now - timedelta(days=20),
    )  # fmt: skip
    stored_subscription(
        owner_url,
        switched,
        "sub_g_old",
        plan="SINGLE",
        status="canceled",
        started_at=now - timedelta(days=19),
        as_of=now,
    )
    stored_subscription(
        owner_url, switched, "sub_g", plan="DOUBLE", status="active", started_at=now - timedelta(days=2), as_of=now
    )
    stored_invoice(owner_url, switched, "in_g", cents=1999, issued_at=start)
    # Trial ended 5 days ago (the daily sweep has not marked it yet), never paid.
    await business(app_url, owner_url, "lapsed@example.com", trial_ends_at=now - timedelta(days=5), manager_id=m1)
    # Trials still running.
    await business(app_url, owner_url, "trying@example.com", trial_ends_at=now + timedelta(days=3))
    await business(app_url, owner_url, "other@example.com", trial_ends_at=now + timedelta(days=5), manager_id=m2)
    return {"m1": m1_tokens, "m2": m2_tokens}


def _money(body: dict[str, Any]) -> tuple[Decimal, Decimal]:
    return Decimal(body["mrr"]), Decimal(body["monthly_revenue"])


async def test_admin_stats_from_stored_subscriptions_and_invoices(
    client: httpx.AsyncClient, app_url: str, owner_url: str
) -> None:
    admin = await admin_tokens(client, app_url)
    await _world(client, app_url, owner_url)

    response = await client.get("/api/v1/admin/stats", headers=bearer(admin))
    assert response.status_code == 200, response.text
    body = response.json()
    assert {k: body[k] for k in ("total_users", "clients", "managers")} == {
        "total_users": 11,  # 8 businesses, 2 managers, the admin
        "clients": 8,
        "managers": 2,
    }
    assert body["active_subscriptions"] == 3  # paying, past due, switched
    assert _money(body) == (Decimal("79.97"), Decimal("29.98"))  # 9.99 + 49.99 + 19.99; 9.99 + 19.99 this month
    assert body["trial_users"] == 2
    assert body["churned_this_month"] == 1
    assert body["trial_conversion_rate"] == round(2 / 3, 4)  # paying and switched of paying, switched, lapsed


async def test_manager_stats_cover_only_their_businesses(
    client: httpx.AsyncClient, app_url: str, owner_url: str
) -> None:
    tokens = await _world(client, app_url, owner_url)

    mine = (await client.get("/api/v1/managers/stats", headers=bearer(tokens["m1"]))).json()
    assert mine == {
        "total_users": 2,
        "clients": 2,
        "managers": 1,
        "active_subscriptions": 1,
        "trial_users": 0,
        "mrr": "9.99",
        "monthly_revenue": "9.99",
        "churned_this_month": 0,
        "trial_conversion_rate": 0.5,
    }
    other = (await client.get("/api/v1/managers/stats", headers=bearer(tokens["m2"]))).json()
    assert (other["clients"], other["trial_users"], other["trial_conversion_rate"]) == (1, 1, None)
    assert _money(other) == (Decimal(0), Decimal(0))


async def test_stats_on_an_empty_platform(client: httpx.AsyncClient, app_url: str) -> None:
    admin = await admin_tokens(client, app_url)
    body = (await client.get("/api/v1/admin/stats", headers=bearer(admin))).json()
    assert (body["total_users"], body["clients"], body["active_subscriptions"]) == (1, 0, 0)
    assert _money(body) == (Decimal(0), Decimal(0))
    assert body["trial_conversion_rate"] is None


async def test_only_the_admin_reads_platform_stats(client: httpx.AsyncClient, app_url: str) -> None:
    await create_staff(app_url, "CLIENT", "biz@example.com")
    biz = await login(client, "biz@example.com", "StaffPass123")
    _, staff = await manager(client, app_url, "m@example.com")
    for tokens in (biz, staff):
        response = await client.get("/api/v1/admin/stats", headers=bearer(tokens))
        assert response.status_code == 403
        assert response.json()["error"] == "Forbidden"
    assert (await client.get("/api/v1/managers/stats", headers=bearer(biz))).status_code == 403
    assert (await client.get("/api/v1/admin/stats")).status_code == 401
