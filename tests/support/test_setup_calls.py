"""Setup calls (SPEC.md R-CH6, "Setup calls" of §12): a manager publishes hours, their business books a free slot,
both see the call; a slot is never booked twice, even by concurrent requests; bad input is refused."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from tests.booking.helpers import next_weekday
from tests.conftest import bearer
from tests.support.helpers import admin, assign, business, manager

AVAILABILITY = "/api/v1/managers/me/availability"
SLOTS = "/api/v1/support/setup-call/slots"
BOOK = "/api/v1/support/setup-call"
CALLS = "/api/v1/support/setup-calls"
HOURS = {
    "timezone": "Europe/Berlin",
    "slot_minutes": 30,
    "buffer_minutes": 0,
    "weekly": [{"weekday": 1, "start": "10:00", "end": "12:00"}],  # Tuesdays
}


async def team(client: httpx.AsyncClient, app_url: str, *businesses: str) -> tuple[dict[str, Any], list[Any]]:
    """A manager with published hours and the businesses assigned to them."""
    boss = await admin(client, app_url)
    anna, anna_id = await manager(client, boss, "anna@example.com")
    r = await client.put(AVAILABILITY, headers=bearer(anna), json=HOURS)
    assert r.status_code == 200, r.text
    shops = []
    for email in businesses:
        tokens, shop_id = await business(client, email)
        await assign(client, boss, anna_id, shop_id)
        shops.append(tokens)
    return anna, shops


def tuesday_at(hour: int, minute: int = 0) -> str:
    day = next_weekday(1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo("Europe/Berlin")).isoformat()


async def test_a_manager_publishes_hours_and_a_business_books_a_call(client: httpx.AsyncClient, app_url: str) -> None:
    boss = await admin(client, app_url)
    anna, anna_id = await manager(client, boss, "anna@example.com")
    assert (await client.get(AVAILABILITY, headers=bearer(anna))).json()["weekly"] == []  # nothing published yet
    r = await client.put(AVAILABILITY, headers=bearer(anna), json=HOURS)
    assert r.status_code == 200 and r.json()["weekly"] == HOURS["weekly"]
    assert (await client.get(AVAILABILITY, headers=bearer(anna))).json()["timezone"] == "Europe/Berlin"
    shop, shop_id = await business(client, "shop@example.com")
    await assign(client, boss, anna_id, shop_id)

    day = next_weekday(1).isoformat()
    slots = (await client.get(SLOTS, headers=bearer(shop), params={"from": day, "to": day})).json()["items"]
    assert [s["start"][11:16] for s in slots] == ["10:00", "10:30", "11:00", "11:30"]
    assert slots[0]["start"][-6:] in ("+01:00", "+02:00")  # the manager's time zone

    r = await client.post(BOOK, headers=bearer(shop), json={"start": slots[1]["start"], "topic": "Connect WhatsApp"})
    assert r.status_code == 201, r.text
    call = r.json()
    assert call["topic"] == "Connect WhatsApp" and call["status"] == "confirmed"
    assert call["meeting_url"].startswith("https://meet.jit.si/x8-setup-")
    assert datetime.fromisoformat(call["end"]) - datetime.fromisoformat(call["start"]) == timedelta(minutes=30)

    after = (await client.get(SLOTS, headers=bearer(shop), params={"from": day, "to": day})).json()["items"]
    assert [s["start"][11:16] for s in after] == ["10:00", "11:00", "11:30"]
    again = await client.post(BOOK, headers=bearer(shop), json={"start": slots[1]["start"], "topic": "Again"})
    assert again.status_code == 409 and again.json()["error"] == "SlotTaken"

    for side in (shop, anna, boss):
        listed = (await client.get(CALLS, headers=bearer(side))).json()
        assert [c["id"] for c in listed["items"]] == [call["id"]] and listed["total"] == 1
    assert (await client.get(CALLS, headers=bearer(anna))).json()["items"][0]["client_email"] == "shop@example.com"


async def test_concurrent_bookings_of_one_slot_make_exactly_one_call(client: httpx.AsyncClient, app_url: str) -> None:
    anna, shops = await team(client, app_url, *(f"shop{n}@example.com" for n in range(6)))
    start = tuesday_at(10, 30)
    answers = await asyncio.gather(
        *(
            client.post(BOOK, headers=bearer(s), json={"start": start, "topic": f"Race {n}"})
            for n, s in enumerate(shops)
        )
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [201] + [409] * 5, [a.text for a in answers]
    assert (await client.get(CALLS, headers=bearer(anna))).json()["total"] == 1


async def test_bad_input_is_refused(client: httpx.AsyncClient, app_url: str) -> None:
    anna, [shop] = await team(client, app_url, "shop@example.com")
    cases = [
        ({"start": tuesday_at(10, 10), "topic": "Off the grid"}, 422),
        ({"start": tuesday_at(15), "topic": "Outside hours"}, 422),
        ({"start": "2020-01-07T10:00:00+01:00", "topic": "In the past"}, 422),
        ({"start": tuesday_at(10), "topic": "   "}, 422),
        ({"start": tuesday_at(10), "topic": "x" * 501}, 422),
        ({"start": "next tuesday", "topic": "Words"}, 422),
        ({"start": tuesday_at(10)}, 422),
    ]
    for body, status in cases:
        r = await client.post(BOOK, headers=bearer(shop), json=body)
        assert r.status_code == status, (body, r.text)
    r = await client.get(SLOTS, headers=bearer(shop), params={"from": "2027-01-01", "to": "2027-06-01"})
    assert r.status_code == 422  # more than 62 days
    for hours in (
        HOURS | {"cities": [{"name": "Berlin"}]},
        HOURS | {"timezone": "Mars/Olympus"},
        HOURS
        | {
            "weekly": [
                {"weekday": 1, "start": "10:00", "end": "12:00"},
                {"weekday": 1, "start": "11:00", "end": "13:00"},
            ]
        },
        HOURS | {"slot_minutes": 0},
    ):
        r = await client.put(AVAILABILITY, headers=bearer(anna), json=hours)
        assert r.status_code == 422, hours
    # Only managers publish hours; only businesses book.
    assert (await client.put(AVAILABILITY, headers=bearer(shop), json=HOURS)).status_code == 403
    r = await client.post(BOOK, headers=bearer(anna), json={"start": tuesday_at(10), "topic": "Me"})
    assert r.status_code == 403
    assert (await client.get(CALLS, headers=bearer(anna))).json()["total"] == 0


async def test_a_business_without_a_manager_is_told_so(client: httpx.AsyncClient) -> None:
    shop, _ = await business(client, "shop@example.com")
    r = await client.get(SLOTS, headers=bearer(shop))
    assert r.status_code == 409 and r.json()["error"] == "NoManager"
    r = await client.post(BOOK, headers=bearer(shop), json={"start": tuesday_at(10), "topic": "Hello"})
    assert r.status_code == 409 and r.json()["error"] == "NoManager"
    assert (await client.get(CALLS, headers=bearer(shop))).json() == {"items": [], "total": 0}


async def test_calls_are_seen_only_by_their_two_sides(client: httpx.AsyncClient, app_url: str) -> None:
    boss = await admin(client, app_url)
    anna, anna_id = await manager(client, boss, "anna@example.com")
    boris, _ = await manager(client, boss, "boris@example.com")
    assert (await client.put(AVAILABILITY, headers=bearer(anna), json=HOURS)).status_code == 200
    shop, shop_id = await business(client, "shop@example.com")
    other, _ = await business(client, "other@example.com")
    await assign(client, boss, anna_id, shop_id)
    r = await client.post(BOOK, headers=bearer(shop), json={"start": tuesday_at(11), "topic": "n8n"})
    assert r.status_code == 201
    assert (await client.get(CALLS, headers=bearer(boris))).json()["total"] == 0
    assert (await client.get(CALLS, headers=bearer(other))).json()["total"] == 0


async def test_either_side_cancels_and_the_slot_is_free_again(client: httpx.AsyncClient, app_url: str) -> None:
    boss = await admin(client, app_url)
    anna, anna_id = await manager(client, boss, "anna@example.com")
    boris, _ = await manager(client, boss, "boris@example.com")
    assert (await client.put(AVAILABILITY, headers=bearer(anna), json=HOURS)).status_code == 200
    shop, shop_id = await business(client, "shop@example.com")
    other, _ = await business(client, "other@example.com")
    await assign(client, boss, anna_id, shop_id)
    call = (await client.post(BOOK, headers=bearer(shop), json={"start": tuesday_at(11), "topic": "Ads"})).json()

    for stranger in (boris, other):
        r = await client.delete(f"{CALLS}/{call['id']}", headers=bearer(stranger))
        assert r.status_code == 404
    r = await client.delete(f"{CALLS}/{call['id']}", headers=bearer(anna))
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert (await client.get(CALLS, headers=bearer(shop))).json()["items"][0]["status"] == "cancelled"
    again = await client.post(BOOK, headers=bearer(shop), json={"start": tuesday_at(11), "topic": "Ads again"})
    assert again.status_code == 201
    r = await client.delete(f"{CALLS}/00000000-0000-0000-0000-000000000000", headers=bearer(shop))
    assert r.status_code == 404
