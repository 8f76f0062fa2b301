"""Free slots over HTTP (SPEC.md R-CAL1): GET /api/v1/companies/{id}/slots in the company's time zone, a service's
duration, cities, what is booked, and the range's limits."""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from tests.booking.helpers import BOOKINGS, add_service, company_with_hours, next_weekday, slots
from tests.conftest import bearer


async def test_slots_are_listed_in_the_company_zone_with_their_offset(client: httpx.AsyncClient) -> None:
    tokens, company_id = await company_with_hours(client, "a@example.com", closed_dates=[])
    monday = next_weekday(0)
    items = await slots(client, tokens, company_id, **{"from": monday.isoformat(), "to": monday.isoformat()})
    offset = "+01:00" if monday.month in (1, 2, 11, 12) else None
    assert [i["start"][11:16] for i in items] == ["09:00", "10:00", "11:00"]
    assert [i["end"][11:16] for i in items] == ["10:00", "11:00", "12:00"]
    assert all(i["remaining"] == 1 and i["start"].startswith(monday.isoformat()) for i in items)
    if offset:
        assert all(i["start"].endswith(offset) for i in items)

    week = await slots(
        client, tokens, company_id, **{"from": monday.isoformat(), "to": (monday + timedelta(days=6)).isoformat()}
    )
    assert len(week) == 15  # Monday to Friday, three each


async def test_closed_dates_and_past_days_have_no_slots(client: httpx.AsyncClient) -> None:
    monday = next_weekday(0)
    tokens, company_id = await company_with_hours(client, "b@example.com", closed_dates=[monday.isoformat()])
    assert await slots(client, tokens, company_id, **{"from": monday.isoformat(), "to": monday.isoformat()}) == []
    last_week = date.today() - timedelta(days=8)
    past = await slots(client, tokens, company_id, **{"from": last_week.isoformat(), "to": last_week.isoformat()})
    assert past == []


async def test_a_service_duration_and_the_buffer_set_the_grid(client: httpx.AsyncClient, owner_url: str) -> None:
    tokens, company_id = await company_with_hours(client, "c@example.com", buffer_minutes=10)
    massage = add_service(owner_url, company_id, "Massage", 45)
    untimed = add_service(owner_url, company_id, "Consultation", None)
    tuesday = next_weekday(1)
    day = {"from": tuesday.isoformat(), "to": tuesday.isoformat()}
    by_service = await slots(client, tokens, company_id, service_id=massage, **day)
    assert [(i["start"][11:16], i["end"][11:16]) for i in by_service] == [
        ("09:00", "09:45"),
        ("09:55", "10:40"),
        ("10:50", "11:35"),
    ]
    default = await slots(client, tokens, company_id, service_id=untimed, **day)
    assert [i["start"][11:16] for i in default] == ["09:00", "10:10"]

    unknown = await client.get(
        f"/api/v1/companies/{company_id}/slots",
        params={"service_id": "00000000-0000-4000-8000-000000000000", **day},
        headers=bearer(tokens),
    )
    assert unknown.status_code == 422 and unknown.json()["error"] == "Unprocessable"


async def test_cities_have_their_own_hours_and_capacity(client: httpx.AsyncClient) -> None:
    tokens, company_id = await company_with_hours(
        client,
        "d@example.com",
        company_type="Product",
        capacity=2,
        cities=[
            {"name": "Kazan", "capacity": 5},
            {"name": "Moscow", "weekly": [{"weekday": 2, "start": "18:00", "end": "20:00"}]},
        ],
    )
    wednesday = next_weekday(2)
    day = {"from": wednesday.isoformat(), "to": wednesday.isoformat()}
    kazan = await slots(client, tokens, company_id, city="kazan", **day)
    assert [(i["start"][11:16], i["remaining"]) for i in kazan] == [("09:00", 5), ("10:00", 5), ("11:00", 5)]
    moscow = await slots(client, tokens, company_id, city="Moscow", **day)
    assert [(i["start"][11:16], i["remaining"]) for i in moscow] == [("18:00", 2), ("19:00", 2)]
    nowhere = await client.get(
        f"/api/v1/companies/{company_id}/slots", params={"city": "Atlantis", **day}, headers=bearer(tokens)
    )
    assert nowhere.status_code == 422


async def test_bookings_take_capacity_from_slots(client: httpx.AsyncClient) -> None:
    tokens, company_id = await company_with_hours(client, "e@example.com", capacity=2)
    thursday = next_weekday(3)
    day = {"from": thursday.isoformat(), "to": thursday.isoformat()}
    [nine, ten, _] = await slots(client, tokens, company_id, **day)
    for _ in range(2):
        r = await client.post(BOOKINGS, json={"company_id": company_id, "start": nine["start"]}, headers=bearer(tokens))
        assert r.status_code == 201, r.text
    r = await client.post(BOOKINGS, json={"company_id": company_id, "start": ten["start"]}, headers=bearer(tokens))
    assert r.status_code == 201, r.text
    after = await slots(client, tokens, company_id, **day)
    assert [(i["start"][11:16], i["remaining"]) for i in after] == [("10:00", 1), ("11:00", 2)]


async def test_a_bad_range_is_refused(client: httpx.AsyncClient) -> None:
    tokens, company_id = await company_with_hours(client, "f@example.com")
    path = f"/api/v1/companies/{company_id}/slots"
    today = date.today()
    too_long = {"from": today.isoformat(), "to": (today + timedelta(days=70)).isoformat()}
    r = await client.get(path, params=too_long, headers=bearer(tokens))
    assert r.status_code == 422 and r.json()["error"] == "Unprocessable"
    backwards = {"from": today.isoformat(), "to": (today - timedelta(days=1)).isoformat()}
    assert (await client.get(path, params=backwards, headers=bearer(tokens))).status_code == 422
    assert (await client.get(path, params={"from": "next tuesday"}, headers=bearer(tokens))).status_code == 422
    ru = await client.get(path, params=too_long, headers=bearer(tokens) | {"Accept-Language": "ru"})
    assert "62 дня" in ru.json()["detail"]
