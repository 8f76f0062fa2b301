"""Bookings over HTTP (SPEC.md R-CAL2): POST, GET and DELETE /api/v1/bookings, what a booking may not be, and who
may book or cancel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.booking.helpers import BOOKINGS, assigned_manager, company_with_hours, next_weekday, slots
from tests.conftest import bearer, login
from tests.kb_engine.helpers import business_company


async def _first_slot(client: httpx.AsyncClient, tokens: dict[str, str], company_id: str, weekday: int = 0) -> Any:
    day = next_weekday(weekday).isoformat()
    return (await slots(client, tokens, company_id, **{"from": day, "to": day}))[0]


async def test_a_booking_is_made_listed_and_cancelled(client: httpx.AsyncClient) -> None:
    tokens, company_id = await company_with_hours(client, "salon@example.com")
    slot = await _first_slot(client, tokens, company_id)
    body = {"company_id": company_id, "start": slot["start"], "format": "offline", "contact_name": "Anna"}
    made = await client.post(BOOKINGS, json=body, headers=bearer(tokens))
    assert made.status_code == 201, made.text
    booking = made.json()
    assert booking["kind"] == "appointment" and booking["status"] == "confirmed"
    assert (booking["start"], booking["end"]) == (slot["start"], slot["end"])
    assert booking["format"] == "offline" and booking["calendar_event_id"] is None

    again = await client.post(BOOKINGS, json=body, headers=bearer(tokens))
    assert again.status_code == 409 and again.json()["error"] == "SlotTaken"

    listed = await client.get(BOOKINGS, params={"company_id": company_id}, headers=bearer(tokens))
    assert listed.status_code == 200, listed.text
    assert listed.json()["total"] == 1 and listed.json()["items"] == [booking]
    day = slot["start"][:10]
    other_day = (datetime.fromisoformat(slot["start"]) + timedelta(days=1)).date().isoformat()
    assert (
        await client.get(BOOKINGS, params={"company_id": company_id, "from": day, "to": day}, headers=bearer(tokens))
    ).json()["total"] == 1
    assert (
        await client.get(BOOKINGS, params={"company_id": company_id, "from": other_day}, headers=bearer(tokens))
    ).json()["total"] == 0

    cancelled = await client.delete(f"{BOOKINGS}/{booking['id']}", headers=bearer(tokens))
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert (await client.delete(f"{BOOKINGS}/{booking['id']}", headers=bearer(tokens))).json()["status"] == "cancelled"
    # The slot is free again (once, however often it was cancelled), and can be booked again.
    [free] = [
        s for s in await slots(client, tokens, company_id, **{"from": day, "to": day}) if s["start"] == slot["start"]
    ]
    assert free["remaining"] == 1
    assert (await client.post(BOOKINGS, json=body, headers=bearer(tokens))).status_code == 201
    assert (await client.post(BOOKINGS, json=body, headers=bearer(tokens))).status_code == 409


async def test_a_product_company_books_a_delivery_to_a_city(client: httpx.AsyncClient) -> None:
    tokens, company_id = await company_with_hours(
        client, "shop@example.com", company_type="Product", cities=[{"name": "Kazan", "capacity": 1}]
    )
    day = next_weekday(1).isoformat()
    slot = (await slots(client, tokens, company_id, city="Kazan", **{"from": day, "to": day}))[0]
    body = {"company_id": company_id, "start": slot["start"], "city": "kazan", "address": "Baumana 1"}
    made = await client.post(BOOKINGS, json=body, headers=bearer(tokens))
    assert made.status_code == 201, made.text
    assert made.json()["kind"] == "delivery" and made.json()["city"] == "Kazan"
    assert made.json()["address"] == "Baumana 1"
    assert (await client.post(BOOKINGS, json=body, headers=bearer(tokens))).json()["error"] == "SlotTaken"
    # Without a city the company's own slot is another counter.
    no_city = {"company_id": company_id, "start": slot["start"]}
    assert (await client.post(BOOKINGS, json=no_city, headers=bearer(tokens))).status_code == 201
    unknown = await client.post(BOOKINGS, json=no_city | {"city": "Atlantis"}, headers=bearer(tokens))
    assert unknown.status_code == 422


def _at(day: str, clock: str) -> str:
    return f"{day}T{clock}:00"


@pytest.mark.parametrize(
    ("start", "words"),
    [
        ("past", "past"),
        ("closed", "closed"),
        ("13:00", "outside the opening hours"),
        ("09:30", "not the start of a slot"),
    ],
)
async def test_a_slot_that_cannot_be_booked_is_422_with_the_reason(
    client: httpx.AsyncClient, start: str, words: str
) -> None:
    monday = next_weekday(0)
    closed = monday + timedelta(days=7)
    tokens, company_id = await company_with_hours(client, "bad@example.com", closed_dates=[closed.isoformat()])
    slot = await _first_slot(client, tokens, company_id)
    offset = slot["start"][-6:]
    when = {
        "past": (datetime.now(UTC) - timedelta(days=7)).replace(hour=9, minute=0, second=0, microsecond=0).isoformat(),
        "closed": _at(closed.isoformat(), "09:00") + offset,
    }.get(start, _at(monday.isoformat(), start) + offset)
    r = await client.post(BOOKINGS, json={"company_id": company_id, "start": when}, headers=bearer(tokens))
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "Unprocessable" and words in r.json()["detail"]
    assert (await client.get(BOOKINGS, params={"company_id": company_id}, headers=bearer(tokens))).json()["total"] == 0


async def test_a_start_without_an_offset_is_refused(client: httpx.AsyncClient) -> None:
    tokens, company_id = await company_with_hours(client, "naive@example.com")
    slot = await _first_slot(client, tokens, company_id)
    r = await client.post(
        BOOKINGS, json={"company_id": company_id, "start": slot["start"][:19]}, headers=bearer(tokens)
    )
    assert r.status_code == 422


async def test_other_businesses_get_404_and_managers_only_read(client: httpx.AsyncClient, app_url: str) -> None:
    tokens, company_id = await company_with_hours(client, "owner@example.com")
    slot = await _first_slot(client, tokens, company_id)
    booking = (
        await client.post(BOOKINGS, json={"company_id": company_id, "start": slot["start"]}, headers=bearer(tokens))
    ).json()

    await business_company(client, "other@example.com")
    other = await login(client, "other@example.com", "Sup3rSecret")
    assert (await client.get(BOOKINGS, params={"company_id": company_id}, headers=bearer(other))).status_code == 404
    assert (await client.delete(f"{BOOKINGS}/{booking['id']}", headers=bearer(other))).status_code == 404
    taken = await client.post(BOOKINGS, json={"company_id": company_id, "start": slot["end"]}, headers=bearer(other))
    assert taken.status_code == 404

    manager = await assigned_manager(client, app_url, tokens)
    listed = await client.get(BOOKINGS, params={"company_id": company_id}, headers=bearer(manager))
    assert listed.status_code == 200 and listed.json()["items"][0]["id"] == booking["id"]
    assert (await client.delete(f"{BOOKINGS}/{booking['id']}", headers=bearer(manager))).status_code == 403
    made = await client.post(BOOKINGS, json={"company_id": company_id, "start": slot["end"]}, headers=bearer(manager))
    assert made.status_code == 403
    assert (await client.get(BOOKINGS, params={"company_id": company_id}, headers=bearer(tokens))).json()["items"][0][
        "status"
    ] == "confirmed"
    assert (
        await client.delete(f"{BOOKINGS}/00000000-0000-4000-8000-000000000000", headers=bearer(tokens))
    ).status_code == 404
