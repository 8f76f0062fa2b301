"""The overview over random histories equals an independent count of the raw rows, whatever has been folded:
nothing folded, part folded, more data after a fold, late payments and replies on days already folded, a rebuild.
Two companies in time zones with odd offsets (+05:45, and one with DST), so local days are not UTC days."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.conftest import register, sql
from tests.metrics import world as w
from tests.metrics.helpers import company, overview
from x8.kit.db import Database
from x8.platform.metrics import fold

ZONES = ("Asia/Kathmandu", "America/New_York")


def _days(first: date, last: date) -> dict[str, str]:
    return {"from": first.isoformat(), "to": last.isoformat()}


async def _check(
    client: httpx.AsyncClient, tokens: dict[str, str], world: w.World, company_id: str, first: date, last: date
) -> None:
    body = await overview(client, tokens, company_id=company_id, **_days(first, last))
    assert _figures(body["totals"]) == w.count(world, first, last).figures()
    for entry in body["series"]:
        day = date.fromisoformat(entry["period"])
        assert _figures(entry) == w.count(world, day, day).figures(), day
    for entry in body["by_channel"]:
        assert _figures(entry) == w.count(world, first, last, channel=entry["channel"]).figures(), entry["channel"]
    weekly = await overview(client, tokens, company_id=company_id, granularity="week", **_days(first, last))
    assert _figures(weekly["totals"]) == _figures(body["totals"])
    for entry in weekly["series"]:
        monday = date.fromisoformat(entry["period"])
        days = (max(first, monday), min(last, monday + timedelta(days=6)))
        assert _figures(entry) == w.count(world, *days).figures(), monday


def _figures(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k not in ("period", "company_id", "name", "timezone", "channel")}


async def _fold(app_url: str, companies: list[tuple[w.World, dict[str, Any]]], now: datetime) -> None:
    db = Database.connect(app_url, pool_size=1)
    try:
        for world, created in companies:
            await fold.fold(db, uuid.UUID(created["id"]), world.tz.key, now)
    finally:
        await db.dispose()


@pytest.mark.parametrize("seed", [1, 2])
async def test_overview_equals_a_direct_count_through_folds(
    client: httpx.AsyncClient, owner_url: str, app_url: str, seed: int
) -> None:
    rng = random.Random(seed)
    tokens = await register(client)
    now = datetime.now(UTC)
    start = now - timedelta(days=12)
    made = []
    for zone in ZONES:
        created = await company(client, tokens, f"Shop {zone}", zone)
        world = w.World(created["tenant_schema"], created["id"], ZoneInfo(zone))
        w.store(world, owner_url, w.grow(world, rng, start, now - timedelta(days=6), 30))
        made.append((world, created))
    today = now.astimezone(ZoneInfo(ZONES[0])).date()
    first, last = today - timedelta(days=13), today

    for world, created in made:  # nothing folded: all of it is the raw tail
        await _check(client, tokens, world, created["id"], first, last)

    await _fold(app_url, made, now - timedelta(days=8))  # part folded, mid-history
    for world, created in made:
        assert sql(owner_url, f"SELECT count(*) FROM {world.schema}.metrics_daily")[0][0] > 0
        await _check(client, tokens, world, created["id"], first, last)

    for world, _ in made:  # more history, partly before the watermark's next step
        w.store(world, owner_url, w.grow(world, rng, now - timedelta(days=7), now - timedelta(hours=1), 25))
    await _fold(app_url, made, now - timedelta(days=3))
    for world, created in made:
        await _check(client, tokens, world, created["id"], first, last)

    # Late changes to days already folded: a pending order paid now (counted on today's date), a person's reply to
    # an old conversation (its conversation day loses a bot resolution), an old reply that turns out failed is not
    # possible (the watermark waits for sends to settle), a refund (the paid day loses the order).
    for world, _ in made:
        pending = next(o for o in world.orders if o.status != "paid")
        pending.status, pending.paid_at = "paid", now - timedelta(minutes=30)
        w.sql(
            owner_url,
            f"UPDATE {world.schema}.orders SET status = 'paid', paid_at = %s WHERE id = %s",
            pending.paid_at,
            pending.id,
        )
        refunded = next(o for o in world.orders if o.status == "paid" and o is not pending)
        refunded.status = "refunded"
        w.sql(owner_url, f"UPDATE {world.schema}.orders SET status = 'refunded' WHERE id = %s", refunded.id)
        old = next(c for c in world.conversations if not any(m.sender in ("human", "owner") for m in c.messages))
        reply = w.Message(w.uuid.uuid4(), "out", "human", "sent", w._ms(now - timedelta(minutes=20)), None, None)
        old.messages.append(reply)
        w.store_message(world, owner_url, old, reply)
    for world, created in made:
        await _check(client, tokens, world, created["id"], first, last)
    await _fold(app_url, made, now)
    for world, created in made:
        await _check(client, tokens, world, created["id"], first, last)

    # A rebuild from raw rows gives the same figures; so does the same request twice.
    db = Database.connect(app_url, pool_size=1)
    try:
        for world, created in made:
            await fold.reset(db, uuid.UUID(created["id"]))
            await fold.fold(db, uuid.UUID(created["id"]), world.tz.key, now)
    finally:
        await db.dispose()
    for world, created in made:
        await _check(client, tokens, world, created["id"], first, last)
        again = await overview(client, tokens, company_id=created["id"], **_days(first, last))
        assert again == await overview(client, tokens, company_id=created["id"], **_days(first, last))


async def test_several_companies_add_up_each_on_its_own_calendar(
    client: httpx.AsyncClient, owner_url: str, app_url: str
) -> None:
    rng = random.Random(7)
    tokens = await register(client)
    now = datetime.now(UTC)
    made = []
    for zone in ZONES:
        created = await company(client, tokens, f"Shop {zone}", zone)
        world = w.World(created["tenant_schema"], created["id"], ZoneInfo(zone))
        w.store(world, owner_url, w.grow(world, rng, now - timedelta(days=9), now - timedelta(hours=2), 25))
        made.append((world, created))
    await _fold(app_url, made[:1], now - timedelta(days=4))
    last = now.date()  # the caller's zone is UTC
    first = last - timedelta(days=11)
    body = await overview(client, tokens, **_days(first, last))
    counts = [w.count(world, first, last) for world, _ in made]
    merged = w.Count()
    for c in counts:
        merged.n.update(c.n)
        merged.response_ms += c.response_ms
        merged.revenue.update(c.revenue)
    assert _figures(body["totals"]) == merged.figures()
    assert [e["company_id"] for e in body["by_company"]] == [c["id"] for _, c in made]
    for entry, c in zip(body["by_company"], counts, strict=True):
        assert _figures(entry) == c.figures()
    assert sum(e["messages_in"] for e in body["by_lead_source"]) == merged.n["messages_in"]
    assert {e["lead_source"] for e in body["by_lead_source"]} <= {None, "tiktok", "meta_ad"}
