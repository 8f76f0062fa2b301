"""GET /api/v1/metrics/overview: the shape of SPEC.md R-X1, who sees what, bad input, and calendar periods."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from tests.conftest import bearer, create_staff, login, register, sql
from tests.conversations.helpers import connect_web, run_jobs, say
from tests.metrics.helpers import URL, company, overview
from x8.kit.clock import utcnow
from x8.kit.db import Database
from x8.platform.metrics import fold

FIGURES = {
    "conversations",
    "new_contacts",
    "messages_in",
    "messages_out",
    "type1",
    "type2",
    "type3",
    "first_response_p50_ms",
    "first_response_p90_ms",
    "bot_resolution_rate",
    "handovers",
    "payment_links_sent",
    "orders_paid",
    "link_to_paid_rate",
    "paid_to_booked_rate",
    "revenue",
    "bookings",
}


async def test_a_playground_conversation_in_the_exact_shape(client: httpx.AsyncClient, app_url: str) -> None:
    tokens = await register(client)
    shop = await company(client, tokens, "Green Leaf")
    channel = await connect_web(client, tokens, shop["id"])
    await say(client, tokens, channel, "hello")
    await run_jobs(app_url)
    await say(client, tokens, channel, "do you sell bread?")
    await run_jobs(app_url)

    body = await overview(client, tokens)
    assert set(body) == {"totals", "series", "by_company", "by_channel", "by_lead_source"}
    assert set(body["totals"]) == FIGURES
    assert all(set(e) == FIGURES | {"period"} for e in body["series"])
    assert all(set(e) == FIGURES | {"company_id", "name", "timezone"} for e in body["by_company"])
    assert all(set(e) == FIGURES | {"channel"} for e in body["by_channel"])
    assert all(set(e) == FIGURES | {"lead_source"} for e in body["by_lead_source"])
    assert len(body["series"]) == 30 and body["series"][-1]["period"] == utcnow().date().isoformat()

    totals = body["totals"]
    assert (totals["conversations"], totals["new_contacts"], totals["messages_in"]) == (1, 1, 2)
    assert totals["messages_out"] >= 1 and totals["type1"] >= 2
    assert totals["first_response_p50_ms"] is not None and totals["first_response_p50_ms"] >= 1
    assert totals["bot_resolution_rate"] == 1.0 and totals["handovers"] == 0
    assert totals["link_to_paid_rate"] is None and totals["revenue"] == {}
    assert body["series"][-1]["messages_in"] == 2
    assert [(c["channel"], c["messages_in"]) for c in body["by_channel"]] == [("web", 2)]
    assert [(s["lead_source"], s["conversations"]) for s in body["by_lead_source"]] == [(None, 1)]
    (only,) = body["by_company"]
    assert (only["company_id"], only["name"], only["timezone"], only["messages_in"]) == (
        shop["id"],
        "Green Leaf",
        "UTC",
        2,
    )
    # Filters: another channel sees nothing; "none" is the lead source of customers with none.
    assert (await overview(client, tokens, channel="telegram"))["totals"]["messages_in"] == 0
    assert (await overview(client, tokens, lead_source="none"))["totals"]["messages_in"] == 2
    assert (await overview(client, tokens, lead_source="tiktok"))["totals"]["messages_in"] == 0


async def test_each_caller_sees_only_its_companies(client: httpx.AsyncClient, app_url: str) -> None:
    mine = await register(client, "mine@example.com")
    theirs = await register(client, "theirs@example.com")
    my_shop = await company(client, mine, "Mine")
    their_shop = await company(client, theirs, "Theirs")
    await create_staff(app_url, "ADMIN", "admin@example.com")
    manager_id = await create_staff(app_url, "MANAGER", "mgr@example.com")
    admin = await login(client, "admin@example.com", "StaffPass123")
    theirs_id = (await client.get("/api/v1/auth/me", headers=bearer(theirs))).json()["id"]
    r = await client.post(
        "/api/v1/admin/assignments", headers=bearer(admin), json={"manager_id": manager_id, "client_id": theirs_id}
    )
    assert r.status_code == 200, r.text
    manager = await login(client, "mgr@example.com", "StaffPass123")

    def names(body: dict[str, Any]) -> list[str]:
        return [c["name"] for c in body["by_company"]]

    assert names(await overview(client, mine)) == ["Mine"]
    assert names(await overview(client, manager)) == ["Theirs"]
    assert names(await overview(client, admin)) == ["Mine", "Theirs"]
    assert names(await overview(client, manager, company_id=their_shop["id"])) == ["Theirs"]
    for tokens, company_id in ((mine, their_shop["id"]), (manager, my_shop["id"]), (mine, str(uuid.uuid4()))):
        r = await client.get(URL, headers=bearer(tokens), params={"company_id": company_id})
        assert r.status_code == 404, r.text
    assert (await client.get(URL)).status_code == 401


async def test_bad_input_is_422_with_a_clear_message(client: httpx.AsyncClient) -> None:
    tokens = await register(client)
    await company(client, tokens, "Shop")
    cases: list[tuple[dict[str, str], str]] = [
        ({"from": "2026-12-05", "to": "2026-12-01"}, "'from' is after 'to'"),
        ({"from": "2024-01-01", "to": "2026-12-01"}, "at most 366 days"),
        ({"from": "2020-01-01", "to": "2026-12-01", "granularity": "month"}, "at most 1098 days"),
    ]
    for params, words in cases:
        r = await client.get(URL, headers=bearer(tokens), params=params)
        assert r.status_code == 422, r.text
        assert words in r.json()["detail"], r.text
    for params in (
        {"granularity": "year"},
        {"from": "yesterday"},
        {"to": "0"},
        {"from": "2026-1-1"},
        {"lead_source": "TikTok!"},
        {"channel": ""},
    ):
        r = await client.get(URL, headers=bearer(tokens), params=params)
        assert r.status_code == 422, (params, r.text)
    r = await client.get(URL, headers={**bearer(tokens), "Accept-Language": "ru"}, params={"to": "0"})
    assert "ГГГГ-ММ-ДД" in r.text, r.text
    r = await client.get(URL, headers=bearer(tokens), params={"granularity": "month", "from": "2024-01-01"})
    assert r.status_code == 200, r.text
    assert len(r.json()["series"]) == 1  # thirty days from the 1st of January: one month


async def test_weeks_and_months_follow_the_company_calendar(
    client: httpx.AsyncClient, owner_url: str, app_url: str
) -> None:
    """Auckland is UTC+13 in December: a message on Monday 00:30 there is Sunday in UTC. Weeks start on Monday."""
    tokens = await register(client)
    shop = await company(client, tokens, "Kiwi", "Pacific/Auckland")
    schema, tenant = shop["tenant_schema"], shop["id"]
    contact, conversation = uuid.uuid4(), uuid.uuid4()
    sql(
        owner_url,
        f"INSERT INTO {schema}.contacts (id, tenant_id, channel, external_id, created_at) "
        "VALUES (%s, %s, 'web', 'c', '2026-11-01T00:00:00Z')",
        contact,
        tenant,
    )
    sql(
        owner_url,
        f"INSERT INTO {schema}.conversations (id, tenant_id, contact_id, channel, created_at) "
        "VALUES (%s, %s, %s, 'web', '2026-11-01T00:00:00Z')",
        conversation,
        tenant,
        contact,
    )
    auckland = ZoneInfo("Pacific/Auckland")
    for local in ("2026-11-15T23:59", "2026-11-29T23:30", "2026-11-30T00:30", "2026-12-01T00:10"):
        sql(
            owner_url,
            f"INSERT INTO {schema}.messages (tenant_id, conversation_id, direction, created_at, processed_at) "
            "VALUES (%s, %s, 'in', %s, %s)",
            tenant,
            conversation,
            datetime.fromisoformat(local).replace(tzinfo=auckland),
            datetime.fromisoformat(local).replace(tzinfo=auckland),
        )
    window = {"company_id": shop["id"], "from": "2026-11-16", "to": "2026-12-06"}

    async def series(granularity: str) -> list[tuple[str, int]]:
        body = await overview(client, tokens, granularity=granularity, **window)
        return [(e["period"], e["messages_in"]) for e in body["series"]]

    for _ in ("raw", "folded"):
        assert await series("week") == [("2026-11-16", 0), ("2026-11-23", 1), ("2026-11-30", 2)]
        assert await series("month") == [("2026-11-01", 2), ("2026-12-01", 1)]
        days = dict(await series("day"))
        assert len(days) == 21 and days["2026-11-29"] == days["2026-11-30"] == days["2026-12-01"] == 1
        db = Database.connect(app_url, pool_size=1)
        try:
            await fold.fold(db, uuid.UUID(shop["id"]), "Pacific/Auckland", utcnow())
        finally:
            await db.dispose()
