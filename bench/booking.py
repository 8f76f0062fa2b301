"""Booking benchmarks (SPEC.md §16), against a real `x8 serve` (two API processes, no worker):

- free slots over 30 days with 1,000 confirmed bookings present (p95 < 30 ms), beside the company's availability
  read on the same server (the same sign-in check and tenant transaction, one row);
- 50 concurrent bookings of one capacity-1 slot, in rounds on fresh slots: exactly one succeeds per round and the
  rest get 409 SlotTaken (p99 < 200 ms), beside 50 concurrent availability reads.

The 1,000 bookings are written as the owner straight into the tenant schema (with their slot counters, as the API
would leave them), spread over the 30 days, so the slot list has real work to subtract.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import psycopg

from bench import loadgen
from bench.accounts import sign_up
from bench.server import x8_server
from x8.tenancy.names import TenantNames

API_PROCESSES = 2
DAYS = 30
BOOKINGS = 1000
SLOT_READS = 300
RACE_ROUNDS = 10
RACERS = 50
ZONE = "Europe/Berlin"
HOURS = {"start": "08:00", "end": "20:00"}  # 24 half-hour slots a day, every day


def _env(owner_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": owner_url,
        "X8_ENV": "dev",
        "X8_DATA_DIR": tempfile.mkdtemp(prefix="x8b-booking-"),
        "X8_BCRYPT_ROUNDS": "4",
    }


def _business(base: str, email: str, capacity: int) -> tuple[dict[str, str], str]:
    """Sign up and create a Service company open every day 08:00–20:00 in half-hour slots."""
    with httpx.Client(base_url=base, timeout=30) as api:
        auth = sign_up(api, email)
        company = api.post(
            "/api/v1/companies/", headers=auth, json={"name": "Bench Salon", "company_type": "Service"}
        ).json()
        availability = {
            "timezone": ZONE,
            "slot_minutes": 30,
            "capacity": capacity,
            "weekly": [{"weekday": d, **HOURS} for d in range(7)],
        }
        api.put(f"/api/v1/companies/{company['id']}/availability", headers=auth, json=availability).raise_for_status()
        return auth, str(company["id"])


def _seed_bookings(owner_url: str, company_id: str, first: date, count: int) -> None:
    """``count`` confirmed bookings over the 30 days from ``first``, at most 2 per slot, with their counters."""
    schema = TenantNames(uuid.UUID(company_id)).schema
    zone = ZoneInfo(ZONE)
    starts = [
        datetime.combine(first + timedelta(days=d), datetime.min.time(), tzinfo=zone).replace(hour=8)
        + timedelta(minutes=30 * s)
        for d in range(DAYS)
        for s in range(24)
    ]
    chosen = [starts[(i * 7) % len(starts)] for i in range(count)]
    per_slot: dict[datetime, int] = {}
    for start in chosen:
        per_slot[start] = per_slot.get(start, 0) + 1
    with psycopg.connect(owner_url, autocommit=False) as conn, conn.cursor() as cur:
        cur.executemany(
            f'INSERT INTO {schema}.bookings (tenant_id, kind, start, "end", status)'
            " VALUES (%s, 'appointment', %s, %s, 'confirmed')",
            [(company_id, s.astimezone(UTC), (s + timedelta(minutes=30)).astimezone(UTC)) for s in chosen],
        )
        cur.executemany(
            f"INSERT INTO {schema}.booking_slots (tenant_id, start, city, capacity, booked) VALUES (%s, %s, '', 3, %s)",
            [(company_id, s.astimezone(UTC), n) for s, n in per_slot.items()],
        )
        conn.commit()


def _p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000


def _slots_benchmark(base: str, owner_url: str) -> str:
    auth, company_id = _business(base, "bench-slots@example.com", capacity=3)
    first = date.today() + timedelta(days=1)
    _seed_bookings(owner_url, company_id, first, BOOKINGS)
    host = base.split("//", 1)[1]
    path = f"/api/v1/companies/{company_id}/slots?from={first}&to={first + timedelta(days=DAYS - 1)}"
    with httpx.Client(base_url=base, timeout=30) as api:
        listed = api.get(path, headers=auth).json()["items"]
    if len(listed) != DAYS * 24 or sum(3 - s["remaining"] for s in listed) != BOOKINGS:
        raise RuntimeError(f"the slot list does not account for the {BOOKINGS} bookings")
    reads = [loadgen.build("GET", path, None, auth, host) for _ in range(SLOT_READS)]
    baseline = [
        loadgen.build("GET", f"/api/v1/companies/{company_id}/availability", None, auth, host)
        for _ in range(SLOT_READS)
    ]
    asyncio.run(loadgen.hammer(base, reads[:30], 1))  # warm up
    _, latencies, errors = asyncio.run(loadgen.hammer(base, reads, 1))
    _, base_latencies, _ = asyncio.run(loadgen.hammer(base, baseline, 1))
    if errors:
        raise RuntimeError(f"{errors} slot lists were refused")
    p95 = _p(latencies, 95)
    return (
        f"slots, {DAYS} days ({DAYS * 24} slots), {BOOKINGS} bookings present  p50 {_p(latencies, 50):5.1f} ms"
        f"  p95 {p95:5.1f} ms (GET availability on the same server: p95 {_p(base_latencies, 95):5.1f} ms)"
        f"  (target p95 < 30 ms){'  OK' if p95 < 30 else '  MISSED'}"
    )


def _race_benchmark(base: str, owner_url: str) -> str:
    auth, company_id = _business(base, "bench-race@example.com", capacity=1)
    host = base.split("//", 1)[1]
    day = date.today() + timedelta(days=2)
    with httpx.Client(base_url=base, timeout=30) as api:
        free = api.get(f"/api/v1/companies/{company_id}/slots?from={day}&to={day}", headers=auth).json()["items"]
    latencies: list[float] = []
    refused = 0
    for slot in free[:RACE_ROUNDS]:
        body = {"company_id": company_id, "start": slot["start"]}
        racers = [loadgen.build("POST", "/api/v1/bookings", body, auth, host) for _ in range(RACERS)]
        _, round_latencies, errors = asyncio.run(loadgen.hammer(base, racers, RACERS))
        latencies += round_latencies
        refused += errors
    reads = [
        loadgen.build("GET", f"/api/v1/companies/{company_id}/availability", None, auth, host)
        for _ in range(RACERS * RACE_ROUNDS)
    ]
    _, base_latencies, _ = asyncio.run(loadgen.hammer(base, reads, RACERS))
    schema = TenantNames(uuid.UUID(company_id)).schema
    with psycopg.connect(owner_url, autocommit=True) as conn:
        row = conn.execute(f"SELECT count(*) FROM {schema}.bookings WHERE status = 'confirmed'").fetchone()
    booked = row[0] if row else -1
    exact = booked == RACE_ROUNDS and refused == RACE_ROUNDS * (RACERS - 1)
    if not exact:
        raise RuntimeError(f"{RACE_ROUNDS} races booked {booked} times and refused {refused} requests")
    p99 = _p(latencies, 99)
    return (
        f"{RACERS} concurrent bookings of one capacity-1 slot x {RACE_ROUNDS}: exactly 1 booked each time;"
        f"  p50 {_p(latencies, 50):5.1f} ms  p99 {p99:5.1f} ms ({RACERS} concurrent availability reads:"
        f" p99 {_p(base_latencies, 99):5.1f} ms)  (target p99 < 200 ms){'  OK' if p99 < 200 else '  MISSED'}"
    )


def run(owner_url: str) -> list[str]:
    with x8_server(_env(owner_url), api_processes=API_PROCESSES) as base:
        return [_slots_benchmark(base, owner_url), _race_benchmark(base, owner_url)]
