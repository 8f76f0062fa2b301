"""A slot is never double-booked (SPEC.md R-CAL2): 50 requests race for one capacity-1 slot over real HTTP, against a
real `x8 serve` in two processes on the real database. Exactly one gets 201; the other 49 get 409 SlotTaken."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections import Counter

import httpx

from bench.server import x8_server
from tests.booking.helpers import BOOKINGS, next_weekday
from tests.conftest import bearer
from tests.kb_engine.helpers import business_company

RACERS = 50


def _env(owner_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": owner_url,
        "X8_ENV": "dev",
        "X8_DATA_DIR": tempfile.mkdtemp(prefix="x8t-booking-"),
        "X8_BCRYPT_ROUNDS": "4",
    }


async def _race(base: str) -> tuple[Counter[int], set[str], int]:
    limits = httpx.Limits(max_connections=RACERS, max_keepalive_connections=RACERS)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        tokens, company = await business_company(client, "race@example.com", company_type="Service")
        hours = {"timezone": "Asia/Tokyo", "capacity": 1, "weekly": [{"weekday": 2, "start": "10:00", "end": "11:00"}]}
        put = await client.put(f"/api/v1/companies/{company['id']}/availability", json=hours, headers=bearer(tokens))
        assert put.status_code == 200, put.text
        day = next_weekday(2).isoformat()
        [slot] = (
            await client.get(
                f"/api/v1/companies/{company['id']}/slots", params={"from": day, "to": day}, headers=bearer(tokens)
            )
        ).json()["items"]
        body = {"company_id": company["id"], "start": slot["start"]}
        answers = await asyncio.gather(
            *(client.post(BOOKINGS, json=body, headers=bearer(tokens)) for _ in range(RACERS))
        )
        listed = await client.get(BOOKINGS, params={"company_id": company["id"]}, headers=bearer(tokens))
        return (
            Counter(a.status_code for a in answers),
            {a.json()["error"] for a in answers if a.status_code == 409},
            listed.json()["total"],
        )


def test_fifty_racing_bookings_of_one_slot_book_it_once(owner_url: str) -> None:
    with x8_server(_env(owner_url), api_processes=2) as base:
        statuses, errors, stored = asyncio.run(_race(base))
    assert statuses == Counter({201: 1, 409: RACERS - 1})
    assert errors == {"SlotTaken"}
    assert stored == 1
