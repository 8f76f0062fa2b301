"""Arranging the admin's world: staff, businesses in every billing state, and what billing would have stored
(``billing_subscriptions``, ``billing_invoices``, the plan on ``users``) written as billing writes it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from tests.conftest import create_staff, login, sql

ADMIN = "root@example.com"
PASSWORD = "StaffPass123"


async def admin_tokens(client: httpx.AsyncClient, app_url: str) -> dict[str, Any]:
    await create_staff(app_url, "ADMIN", ADMIN)
    return await login(client, ADMIN, PASSWORD)


async def manager(client: httpx.AsyncClient, app_url: str, email: str) -> tuple[str, dict[str, Any]]:
    manager_id = await create_staff(app_url, "MANAGER", email)
    return manager_id, await login(client, email, PASSWORD)


async def business(
    app_url: str,
    owner_url: str,
    email: str,
    *,
    plan: str = "TRIAL",
    status: str = "trialing",
    trial_ends_at: datetime | None = None,
    subscription_ends_at: datetime | None = None,
    manager_id: str | None = None,
    name: str = "Owner",
) -> str:
    business_id = await create_staff(app_url, "CLIENT", email)
    sql(
        owner_url,
        "UPDATE users SET plan = %s, subscription_status = %s, trial_ends_at = %s, subscription_ends_at = %s,"
        " manager_id = %s, full_name = %s WHERE id = %s",
        plan,
        status,
        trial_ends_at,
        subscription_ends_at,
        manager_id,
        name,
        business_id,
    )
    return business_id


def stored_subscription(
    owner_url: str,
    business_id: str,
    subscription_id: str,
    *,
    plan: str,
    status: str,
    started_at: datetime,
    as_of: datetime,
) -> None:
    sql(
        owner_url,
        "INSERT INTO billing_subscriptions (id, business_id, plan, price_id, status, cancel_at_period_end,"
        " started_at, state_as_of) VALUES (%s, %s, %s, %s, %s, false, %s, %s)",
        subscription_id,
        business_id,
        plan,
        f"price_{plan.lower()}",
        status,
        started_at,
        as_of,
    )


def stored_invoice(
    owner_url: str,
    business_id: str,
    invoice_id: str,
    *,
    cents: int,
    issued_at: datetime,
    status: str = "paid",
    currency: str = "usd",
) -> None:
    sql(
        owner_url,
        "INSERT INTO billing_invoices (id, business_id, status, amount_due, amount_paid, currency, issued_at,"
        " state_as_of) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        invoice_id,
        business_id,
        status,
        cents,
        cents if status == "paid" else 0,
        currency,
        issued_at,
        issued_at,
    )
