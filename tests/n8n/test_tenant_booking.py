"""n8n's booking routes (SPEC §10 "Tenant-scoped API"): `GET /api/v1/n8n/slots` and `POST /api/v1/n8n/bookings` give
and book the key's company's slots through the same code as the dashboard, so a slot n8n books is gone for the
dashboard too; the key decides the company (a `company_id` in the body is refused), a wrong key is 401, a taken
slot 409 `SlotTaken`."""

from __future__ import annotations

import uuid

import httpx

from tests.booking.helpers import company_with_hours, next_weekday
from tests.conftest import bearer
from tests.n8n.helpers import tenant_key


async def test_n8n_lists_and_books_the_keys_company_slots(client: httpx.AsyncClient) -> None:
    tokens, company_id = await company_with_hours(client, "n8n-booking@example.com")
    key = {"X-X8-Tenant-Key": await tenant_key(client, tokens, company_id)}
    monday = next_weekday(0).isoformat()

    listed = await client.get("/api/v1/n8n/slots", params={"from": monday, "to": monday}, headers=key)
    assert listed.status_code == 200, listed.text
    starts = [slot["start"] for slot in listed.json()["items"]]
    assert len(starts) == 3 and starts[0].endswith(("+01:00", "+02:00"))  # 09–12 Berlin, hourly

    booked = await client.post("/api/v1/n8n/bookings", json={"start": starts[0], "contact_name": "Jane"}, headers=key)
    assert booked.status_code == 201, booked.text
    assert booked.json()["start"] == starts[0] and booked.json()["contact_name"] == "Jane"
    again = await client.post("/api/v1/n8n/bookings", json={"start": starts[0]}, headers=key)
    assert again.status_code == 409 and again.json()["error"] == "SlotTaken"

    seen = await client.get(
        f"/api/v1/companies/{company_id}/slots", params={"from": monday, "to": monday}, headers=bearer(tokens)
    )
    assert [slot["start"] for slot in seen.json()["items"]] == starts[1:]  # gone for the dashboard too


async def test_the_key_decides_the_company_and_bad_input_is_refused(client: httpx.AsyncClient) -> None:
    tokens, company_id = await company_with_hours(client, "n8n-booking-2@example.com")
    key = {"X-X8-Tenant-Key": await tenant_key(client, tokens, company_id)}
    start = f"{next_weekday(1).isoformat()}T09:00:00+01:00"

    other = await client.post(
        "/api/v1/n8n/bookings", json={"start": start, "company_id": str(uuid.uuid4())}, headers=key
    )
    assert other.status_code == 422  # no parameter names a company: the key does
    assert (await client.post("/api/v1/n8n/bookings", json={"start": start})).status_code == 401
    wrong = {"X-X8-Tenant-Key": "x8tk_" + "0" * 40}
    assert (await client.get("/api/v1/n8n/slots", headers=wrong)).status_code == 401
    naive = await client.post("/api/v1/n8n/bookings", json={"start": "2030-01-07T09:00:00"}, headers=key)
    assert naive.status_code == 422
    off_grid = await client.post(
        "/api/v1/n8n/bookings", json={"start": f"{next_weekday(1).isoformat()}T09:30:00+01:00"}, headers=key
    )
    assert off_grid.status_code == 422
    long_range = await client.get("/api/v1/n8n/slots", params={"from": "2030-01-01", "to": "2030-06-01"}, headers=key)
    assert long_range.status_code == 422
