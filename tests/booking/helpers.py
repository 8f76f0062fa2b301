"""Shared steps of the booking tests: a business with a company, its availability, and far-future dates."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx

from tests.conftest import bearer, create_staff, login, sql
from tests.kb_engine.helpers import business_company
from x8.tenancy.names import TenantNames

BOOKINGS = "/api/v1/bookings"


def next_weekday(weekday: int, *, weeks_ahead: int = 2) -> date:
    """A date ``weeks_ahead`` weeks or so from today that falls on ``weekday`` (0 is Monday): never in the past."""
    day = date.today() + timedelta(weeks=weeks_ahead)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


async def company_with_hours(
    client: httpx.AsyncClient,
    email: str,
    *,
    company_type: str = "Service",
    **availability: Any,
) -> tuple[dict[str, str], str]:
    """A business's company with ``availability`` set (Monday to Friday 09:00–12:00 in Berlin unless told)."""
    tokens, company = await business_company(client, email, company_type=company_type)
    body = {
        "timezone": "Europe/Berlin",
        "slot_minutes": 60,
        "capacity": 1,
        "buffer_minutes": 0,
        "weekly": [{"weekday": d, "start": "09:00", "end": "12:00"} for d in range(5)],
    } | availability
    r = await client.put(f"/api/v1/companies/{company['id']}/availability", json=body, headers=bearer(tokens))
    assert r.status_code == 200, r.text
    return tokens, str(company["id"])


async def slots(client: httpx.AsyncClient, tokens: dict[str, str], company_id: str, **params: Any) -> Any:
    r = await client.get(f"/api/v1/companies/{company_id}/slots", params=params, headers=bearer(tokens))
    assert r.status_code == 200, r.text
    return r.json()["items"]


def add_service(owner_url: str, company_id: str, name: str, duration_minutes: int | None) -> str:
    """A KB row of the company (written as the owner, as an import would), for ``service_id``."""
    schema = TenantNames(uuid.UUID(company_id)).schema
    [(row_id,)] = sql(
        owner_url,
        f"INSERT INTO {schema}.kb_items (tenant_id, kb_id, name, duration_minutes)"
        " VALUES (%s, %s, %s, %s) RETURNING id",
        company_id,
        uuid.uuid4(),
        name,
        duration_minutes,
    )
    return str(row_id)


async def assigned_manager(client: httpx.AsyncClient, app_url: str, business: dict[str, str]) -> dict[str, Any]:
    """A manager (made by a new admin) assigned to ``business``; their tokens."""
    await create_staff(app_url, "ADMIN", "admin@example.com")
    admin = await login(client, "admin@example.com", "StaffPass123")
    made = await client.post(
        "/api/v1/admin/managers",
        headers=bearer(admin),
        json={"email": "manager@example.com", "password": "Manag3rPass", "full_name": "Manager"},
    )
    assert made.status_code == 201, made.text
    business_id = (await client.get("/api/v1/auth/me", headers=bearer(business))).json()["id"]
    assigned = await client.post(
        "/api/v1/admin/assignments",
        headers=bearer(admin),
        json={"manager_id": made.json()["id"], "client_id": business_id},
    )
    assert assigned.status_code == 200, assigned.text
    return await login(client, "manager@example.com", "Manag3rPass")
