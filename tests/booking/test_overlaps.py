"""Capacity across services of different durations (SPEC.md R-CAL2): a booking of one service holds capacity for
every moment it covers, so an overlapping booking of another service is refused when the company has no one left at
some moment of it, and the slots list shows exactly what booking accepts. Also the list of bookable services."""

from __future__ import annotations

from typing import Any

import httpx

from tests.booking.helpers import BOOKINGS, add_service, company_with_hours, next_weekday, slots
from tests.conftest import bearer


def _clock(items: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(i["start"][11:16], i["remaining"]) for i in items]


async def _book(client: httpx.AsyncClient, tokens: dict[str, str], body: dict[str, Any]) -> httpx.Response:
    return await client.post(BOOKINGS, json=body, headers=bearer(tokens))


async def test_an_hour_booked_closes_the_half_hours_it_covers_and_booking_agrees(
    client: httpx.AsyncClient, owner_url: str
) -> None:
    tokens, company_id = await company_with_hours(client, "overlap@example.com", capacity=1)
    massage = add_service(owner_url, company_id, "Massage", 60)
    haircut = add_service(owner_url, company_id, "Haircut", 30)
    day = next_weekday(0).isoformat()
    span = {"from": day, "to": day}
    half_hours = await slots(client, tokens, company_id, service_id=haircut, **span)
    hour = next(
        s for s in await slots(client, tokens, company_id, service_id=massage, **span) if "T10:00" in s["start"]
    )

    made = await _book(client, tokens, {"company_id": company_id, "start": hour["start"], "service_id": massage})
    assert made.status_code == 201, made.text

    listed = await slots(client, tokens, company_id, service_id=haircut, **span)
    assert _clock(listed) == [("09:00", 1), ("09:30", 1), ("11:00", 1), ("11:30", 1)]
    # Every half-hour slot that left the list is refused; every one still listed is booked.
    for slot in half_hours:
        answer = await _book(client, tokens, {"company_id": company_id, "start": slot["start"], "service_id": haircut})
        expected = 201 if slot["start"] in {s["start"] for s in listed} else 409
        assert answer.status_code == expected, (slot["start"], answer.text)
        if expected == 409:
            assert answer.json()["error"] == "SlotTaken"
    assert await slots(client, tokens, company_id, service_id=massage, **span) == []


async def test_capacity_counts_who_is_busy_at_the_same_moment(client: httpx.AsyncClient, owner_url: str) -> None:
    tokens, company_id = await company_with_hours(client, "peak@example.com", capacity=2)
    massage = add_service(owner_url, company_id, "Massage", 60)
    haircut = add_service(owner_url, company_id, "Haircut", 30)
    day = next_weekday(1).isoformat()
    span = {"from": day, "to": day}
    by_start = {
        s["start"][11:16]: s["start"] for s in await slots(client, tokens, company_id, service_id=haircut, **span)
    }

    # Two half hours one after the other hold one of the two places for the hour, not both.
    for clock in ("10:00", "10:30"):
        body = {"company_id": company_id, "start": by_start[clock], "service_id": haircut}
        assert (await _book(client, tokens, body)).status_code == 201
    hours = await slots(client, tokens, company_id, service_id=massage, **span)
    assert _clock(hours) == [("09:00", 2), ("10:00", 1), ("11:00", 2)]

    hour = {"company_id": company_id, "start": by_start["10:00"], "service_id": massage}
    assert (await _book(client, tokens, hour)).status_code == 201
    full = await _book(client, tokens, hour)
    assert full.status_code == 409 and full.json()["error"] == "SlotTaken"
    assert _clock(await slots(client, tokens, company_id, service_id=haircut, **span)) == [
        ("09:00", 2),
        ("09:30", 2),
        ("11:00", 2),
        ("11:30", 2),
    ]


async def test_the_buffer_after_a_booking_keeps_the_next_service_out(client: httpx.AsyncClient, owner_url: str) -> None:
    tokens, company_id = await company_with_hours(client, "buffer@example.com", buffer_minutes=15)
    massage = add_service(owner_url, company_id, "Massage", 45)
    haircut = add_service(owner_url, company_id, "Haircut", 30)
    day = next_weekday(2).isoformat()
    span = {"from": day, "to": day}
    [first, *_] = await slots(client, tokens, company_id, service_id=massage, **span)  # 09:00–09:45, then 15 minutes
    assert (
        await _book(client, tokens, {"company_id": company_id, "start": first["start"], "service_id": massage})
    ).status_code == 201
    haircuts = {s["start"][11:16]: s for s in await slots(client, tokens, company_id, service_id=haircut, **span)}
    assert list(haircuts) == ["10:30", "11:15"]  # the haircut grid is 09:00, 09:45, 10:30, 11:15
    at_945 = first["start"].replace("T09:00", "T09:45")
    refused = await _book(client, tokens, {"company_id": company_id, "start": at_945, "service_id": haircut})
    assert refused.status_code == 409 and refused.json()["error"] == "SlotTaken"


async def test_the_services_list_is_a_service_company_knowledge_base(client: httpx.AsyncClient, owner_url: str) -> None:
    tokens, company_id = await company_with_hours(client, "services@example.com")
    add_service(owner_url, company_id, "massage", 60)
    add_service(owner_url, company_id, "Consultation", None)
    listed = await client.get(f"/api/v1/companies/{company_id}/services", headers=bearer(tokens))
    assert listed.status_code == 200, listed.text
    assert [(i["name"], i["duration_minutes"]) for i in listed.json()["items"]] == [
        ("Consultation", None),
        ("massage", 60),
    ]
    assert listed.json()["total"] == 2
    second = await client.get(
        f"/api/v1/companies/{company_id}/services", params={"limit": 1, "offset": 1}, headers=bearer(tokens)
    )
    assert [i["name"] for i in second.json()["items"]] == ["massage"]

    shop_tokens, shop_id = await company_with_hours(client, "shop@example.com", company_type="Product")
    add_service(owner_url, shop_id, "Roses", None)
    products = await client.get(f"/api/v1/companies/{shop_id}/services", headers=bearer(shop_tokens))
    assert products.json() == {"items": [], "total": 0}
    hidden = await client.get(f"/api/v1/companies/{company_id}/services", headers=bearer(shop_tokens))
    assert hidden.status_code == 404
    bad = await client.get(f"/api/v1/companies/{company_id}/services", params={"limit": 0}, headers=bearer(tokens))
    assert bad.status_code == 422
