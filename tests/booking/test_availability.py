"""Availability (SPEC.md R-CAL1): GET/PUT /api/v1/companies/{id}/availability, its shape, and what it refuses."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.booking.helpers import assigned_manager, company_with_hours
from tests.conftest import bearer, login
from tests.kb_engine.helpers import business_company

WEEKDAYS = [{"weekday": 0, "start": "09:00", "end": "13:00"}, {"weekday": 0, "start": "14:00", "end": "18:00"}]


def _path(company_id: str) -> str:
    return f"/api/v1/companies/{company_id}/availability"


async def test_a_company_stores_and_reads_back_its_availability(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client, "shop@example.com", company_type="Product")
    before = await client.get(_path(company["id"]), headers=bearer(tokens))
    assert before.status_code == 200, before.text
    assert before.json()["weekly"] == [] and before.json()["cities"] == []

    body = {
        "timezone": "Europe/Moscow",
        "slot_minutes": 30,
        "capacity": 3,
        "buffer_minutes": 10,
        "weekly": WEEKDAYS,
        "cities": [{"name": "Kazan", "capacity": 2}, {"name": "Moscow", "weekly": [WEEKDAYS[1]]}],
        "closed_dates": ["2027-01-01", "2026-12-31"],
    }
    put = await client.put(_path(company["id"]), json=body, headers=bearer(tokens))
    assert put.status_code == 200, put.text
    read = (await client.get(_path(company["id"]), headers=bearer(tokens))).json()
    assert read == put.json()
    assert read["timezone"] == "Europe/Moscow" and read["capacity"] == 3 and read["buffer_minutes"] == 10
    assert read["weekly"] == WEEKDAYS
    assert read["cities"] == [
        {"name": "Kazan", "weekly": None, "capacity": 2},
        {"name": "Moscow", "weekly": [WEEKDAYS[1]], "capacity": None},
    ]
    assert read["closed_dates"] == ["2026-12-31", "2027-01-01"]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"weekly": [{"weekday": 1, "start": "18:00", "end": "09:00"}]}, "weekly"),
        ({"weekly": [{"weekday": 1, "start": "09:00", "end": "09:00"}]}, "weekly"),
        (
            {
                "weekly": [
                    {"weekday": 2, "start": "09:00", "end": "13:00"},
                    {"weekday": 2, "start": "12:00", "end": "15:00"},
                ]
            },
            "weekly",
        ),
        ({"weekly": [{"weekday": 7, "start": "09:00", "end": "10:00"}]}, "weekday"),
        ({"weekly": [{"weekday": 0, "start": "9am", "end": "10:00"}]}, "start"),
        ({"weekly": [{"weekday": 0, "start": "09:00", "end": "24:30"}]}, "end"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"timezone": "../../etc/passwd"}, "timezone"),
        ({"slot_minutes": 0}, "slot_minutes"),
        ({"capacity": 0}, "capacity"),
        ({"buffer_minutes": -5}, "buffer_minutes"),
        ({"closed_dates": ["2026-02-30"]}, "closed_dates"),
        ({"cities": [{"name": "Kazan"}, {"name": "kazan"}]}, "cities"),
    ],
)
async def test_invalid_availability_is_422_and_changes_nothing(
    client: httpx.AsyncClient, change: dict[str, Any], where: str
) -> None:
    tokens, company_id = await company_with_hours(client, "bad@example.com", company_type="Product")
    before = (await client.get(_path(company_id), headers=bearer(tokens))).json()
    base = {"timezone": "UTC", "slot_minutes": 60, "capacity": 1, "buffer_minutes": 0, "weekly": []}
    r = await client.put(_path(company_id), json=base | change, headers=bearer(tokens))
    assert r.status_code == 422, r.text
    assert any(where in map(str, error["loc"]) for error in r.json()["detail"]), r.text
    assert (await client.get(_path(company_id), headers=bearer(tokens))).json() == before


async def test_overlap_error_is_said_in_russian(client: httpx.AsyncClient) -> None:
    tokens, company_id = await company_with_hours(client, "ru@example.com")
    overlapping = [{"weekday": 4, "start": "09:00", "end": "12:00"}, {"weekday": 4, "start": "11:00", "end": "13:00"}]
    r = await client.put(
        _path(company_id), json={"weekly": overlapping}, headers=bearer(tokens) | {"Accept-Language": "ru"}
    )
    assert r.status_code == 422
    assert "пересекаются" in r.json()["detail"][0]["msg"]


async def test_a_service_company_has_no_delivery_cities(client: httpx.AsyncClient) -> None:
    tokens, company_id = await company_with_hours(client, "salon@example.com", company_type="Service")
    r = await client.put(_path(company_id), json={"cities": [{"name": "Kazan"}]}, headers=bearer(tokens))
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "Unprocessable"
    assert (await client.get(_path(company_id), headers=bearer(tokens))).json()["cities"] == []


async def test_another_business_sees_404_and_a_manager_may_only_read(client: httpx.AsyncClient, app_url: str) -> None:
    tokens, company_id = await company_with_hours(client, "owner@example.com")
    await business_company(client, "other@example.com")
    other = await login(client, "other@example.com", "Sup3rSecret")
    assert (await client.get(_path(company_id), headers=bearer(other))).status_code == 404
    assert (await client.put(_path(company_id), json={}, headers=bearer(other))).status_code == 404

    manager = await assigned_manager(client, app_url, tokens)
    read = await client.get(_path(company_id), headers=bearer(manager))
    assert read.status_code == 200 and read.json()["timezone"] == "Europe/Berlin"
    assert (await client.put(_path(company_id), json={}, headers=bearer(manager))).status_code == 403
    assert (await client.get(_path(company_id))).status_code == 401
