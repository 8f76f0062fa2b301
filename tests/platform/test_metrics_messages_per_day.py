"""GET /api/v1/metrics/messages-per-day: messages in and out per calendar day for every company the caller sees."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.conftest import bearer, create_staff, login, register, sql
from tests.conversations.helpers import connect_web, history, run_jobs, say
from x8.platform.metrics import endpoints

URL = "/api/v1/metrics/messages-per-day"


async def _company(client: httpx.AsyncClient, tokens: dict[str, str], name: str, tz: str = "UTC") -> dict[str, Any]:
    r = await client.post(
        "/api/v1/companies/",
        headers=bearer(tokens),
        json={"name": name, "company_type": "Product", "timezone": tz},
    )
    assert r.status_code == 201, r.text
    company: dict[str, Any] = r.json()
    return company


def _store(owner_url: str, company: dict[str, Any], *messages: tuple[datetime, str, str]) -> None:
    """Messages (when, direction, status) in one conversation of the company, written straight into its tenant
    tables, as the conversation pipeline stores them."""
    schema, tenant = company["tenant_schema"], company["id"]
    contact, conversation = uuid.uuid4(), uuid.uuid4()
    sql(
        owner_url,
        f"INSERT INTO {schema}.contacts (id, tenant_id, channel, external_id) VALUES (%s, %s, 'web', %s)",
        contact,
        tenant,
        str(contact),
    )
    sql(
        owner_url,
        f"INSERT INTO {schema}.conversations (id, tenant_id, contact_id, channel) VALUES (%s, %s, %s, 'web')",
        conversation,
        tenant,
        contact,
    )
    for at, direction, status in messages:
        assert at.tzinfo is not None
        sender = "customer" if direction == "in" else "bot"
        sql(
            owner_url,
            f"INSERT INTO {schema}.messages (tenant_id, conversation_id, direction, sender, status, body, created_at) "
            "VALUES (%s, %s, %s, %s, %s, 'hello', %s)",
            tenant,
            conversation,
            direction,
            sender,
            status,
            at,
        )


def _at(local: str, tz: str) -> datetime:
    return datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(tz))


def _freeze(monkeypatch: pytest.MonkeyPatch, now: datetime) -> None:
    monkeypatch.setattr(endpoints, "utcnow", lambda: now)


async def _get(client: httpx.AsyncClient, tokens: dict[str, str], **params: Any) -> dict[str, Any]:
    r = await client.get(URL, headers=bearer(tokens), params=params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _series(body: dict[str, Any], name: str) -> dict[str, dict[str, int]]:
    """One company's counts by day: {"in": {"2026-03-08": 2, ...}, "out": {...}}."""
    (company,) = [c for c in body["companies"] if c["name"] == name]
    return {
        direction: dict(zip(body["days"], company[f"messages_{direction}"], strict=True)) for direction in ("in", "out")
    }


async def test_counts_the_playground_conversation_by_direction(client: httpx.AsyncClient, app_url: str) -> None:
    tokens = await register(client, "shop@example.com")
    company = await _company(client, tokens, "Green Leaf")
    channel = await connect_web(client, tokens, company["id"])
    conversation = (await say(client, tokens, channel, "hello"))["conversation_id"]
    await run_jobs(app_url)
    await say(client, tokens, channel, "do you sell bread?")
    await run_jobs(app_url)
    stored = await history(client, tokens, conversation)
    customer = sum(1 for m in stored if m["direction"] == "in")
    replies = sum(1 for m in stored if m["direction"] == "out")
    assert customer == 2 and replies >= 1

    body = await _get(client, tokens)
    today = datetime.now(UTC).date()
    assert body["days"] == [str(today - timedelta(days=13 - i)) for i in range(14)]
    (only,) = body["companies"]
    assert (only["id"], only["company_id"], only["name"], only["timezone"]) == (
        company["id"],
        company["company_id"],
        "Green Leaf",
        "UTC",
    )
    assert only["messages_in"] == [0] * 13 + [customer]
    assert only["messages_out"] == [0] * 13 + [replies]


async def test_days_follow_the_company_time_zone_across_dst(
    client: httpx.AsyncClient, owner_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = await register(client)
    ny = await _company(client, tokens, "New York", "America/New_York")
    tokyo = await _company(client, tokens, "Tokyo", "Asia/Tokyo")
    # New York moves its clocks forward at 02:00 on 8 March 2026: that day has 23 hours.
    _store(
        owner_url,
        ny,
        (_at("2026-03-05T23:59", "America/New_York"), "in", "received"),  # before the window
        (_at("2026-03-06T00:00", "America/New_York"), "in", "received"),  # its first minute
        (_at("2026-03-07T23:59", "America/New_York"), "in", "received"),
        (_at("2026-03-08T00:30", "America/New_York"), "in", "received"),  # EST, 05:30 UTC
        (_at("2026-03-08T23:30", "America/New_York"), "in", "received"),  # EDT, 03:30 UTC on the 9th
        (_at("2026-03-08T23:31", "America/New_York"), "out", "sent"),
        (_at("2026-03-09T00:00", "America/New_York"), "out", "sent"),
    )
    _store(
        owner_url,
        tokyo,
        (_at("2026-03-10T00:30", "Asia/Tokyo"), "in", "received"),  # 15:30 UTC on the 9th
        (_at("2026-03-09T23:30", "Asia/Tokyo"), "out", "sent"),
    )
    _freeze(monkeypatch, datetime(2026, 3, 10, 18, 0, tzinfo=UTC))

    body = await _get(client, tokens, days=5)

    assert body["days"] == ["2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09", "2026-03-10"]
    assert _series(body, "New York") == {
        "in": {"2026-03-06": 1, "2026-03-07": 1, "2026-03-08": 2, "2026-03-09": 0, "2026-03-10": 0},
        "out": {"2026-03-06": 0, "2026-03-07": 0, "2026-03-08": 1, "2026-03-09": 1, "2026-03-10": 0},
    }
    assert _series(body, "Tokyo") == {
        "in": {"2026-03-06": 0, "2026-03-07": 0, "2026-03-08": 0, "2026-03-09": 0, "2026-03-10": 1},
        "out": {"2026-03-06": 0, "2026-03-07": 0, "2026-03-08": 0, "2026-03-09": 1, "2026-03-10": 0},
    }
    assert [c["name"] for c in body["companies"]] == ["New York", "Tokyo"]  # in the order they were created


async def test_a_day_of_25_hours_counts_its_repeated_hour_once(
    client: httpx.AsyncClient, owner_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = await register(client)
    ny = await _company(client, tokens, "New York", "America/New_York")
    # On 1 November 2026 New York's clocks go back from 02:00 EDT to 01:00 EST: 01:30 happens twice.
    first_0130 = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    second_0130 = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    assert first_0130.astimezone(ZoneInfo("America/New_York")).hour == 1
    assert second_0130.astimezone(ZoneInfo("America/New_York")).hour == 1
    _store(
        owner_url,
        ny,
        (first_0130, "in", "received"),
        (second_0130, "in", "received"),
        (_at("2026-11-01T23:30", "America/New_York"), "in", "received"),  # EST, 04:30 UTC on the 2nd
        (_at("2026-11-02T00:00", "America/New_York"), "in", "received"),
    )
    _freeze(monkeypatch, datetime(2026, 11, 2, 12, 0, tzinfo=UTC))

    body = await _get(client, tokens, days=2)

    assert _series(body, "New York")["in"] == {"2026-11-01": 3, "2026-11-02": 1}


async def test_today_is_the_callers_day_and_empty_days_are_zero(
    client: httpx.AsyncClient, owner_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = await register(client)
    r = await client.patch("/api/v1/users/profile", headers=bearer(tokens), json={"timezone": "Pacific/Kiritimati"})
    assert r.status_code == 200, r.text
    await _company(client, tokens, "Quiet")
    busy = await _company(client, tokens, "Busy")
    _freeze(monkeypatch, datetime(2026, 3, 10, 12, 0, tzinfo=UTC))  # already the 11th in Kiritimati (UTC+14)
    _store(
        owner_url,
        busy,
        (datetime(2026, 3, 10, 11, 0, tzinfo=UTC), "out", "failed"),  # never reached the customer
        (datetime(2026, 3, 10, 11, 1, tzinfo=UTC), "out", "pending"),
        (datetime(2026, 3, 10, 11, 2, tzinfo=UTC), "in", "received"),
    )

    body = await _get(client, tokens)
    assert body["days"][-1] == "2026-03-11"
    assert len(body["days"]) == 14
    assert [date.fromisoformat(d) for d in body["days"]] == [
        date(2026, 3, 11) - timedelta(days=13 - i) for i in range(14)
    ]
    assert _series(body, "Quiet") == {"in": dict.fromkeys(body["days"], 0), "out": dict.fromkeys(body["days"], 0)}
    busy_series = _series(body, "Busy")
    assert busy_series["in"]["2026-03-10"] == 1 and busy_series["out"]["2026-03-10"] == 1
    assert sum(busy_series["in"].values()) == 1 and sum(busy_series["out"].values()) == 1

    assert len((await _get(client, tokens, days=1))["days"]) == 1
    longest = await _get(client, tokens, days=90)
    assert len(longest["days"]) == 90
    assert all(len(c["messages_in"]) == len(c["messages_out"]) == 90 for c in longest["companies"])


async def test_each_caller_sees_only_the_companies_it_may_see(
    client: httpx.AsyncClient, owner_url: str, app_url: str
) -> None:
    mine = await register(client, "mine@example.com")
    theirs = await register(client, "theirs@example.com")
    unassigned = await register(client, "unassigned@example.com")
    await _company(client, mine, "Mine")
    await _company(client, theirs, "Theirs")
    await _company(client, unassigned, "Nobody's")
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
        return [c["name"] for c in body["companies"]]

    assert names(await _get(client, mine)) == ["Mine"]
    assert names(await _get(client, theirs)) == ["Theirs"]
    assert names(await _get(client, manager)) == ["Theirs"]
    assert names(await _get(client, admin)) == ["Mine", "Theirs", "Nobody's"]
    # A business with no company gets the days and no companies.
    empty = await register(client, "new@example.com")
    body = await _get(client, empty, days=3)
    assert len(body["days"]) == 3 and body["companies"] == []


async def test_refuses_a_missing_token_and_days_out_of_range(client: httpx.AsyncClient) -> None:
    assert (await client.get(URL)).status_code == 401
    assert (await client.get(URL, headers={"Authorization": "Bearer not-a-token"})).status_code == 401
    tokens = await register(client)
    for days in ("0", "91", "-1", "seven", "1.5"):
        r = await client.get(URL, headers=bearer(tokens), params={"days": days})
        assert r.status_code == 422, (days, r.text)
        assert "days" in r.text


async def test_openapi_documents_the_answer_and_the_refusals(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    operation = schema["paths"][URL]["get"]
    assert set(operation["responses"]) >= {"200", "401", "422"}
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/MessagesPerDay"}
    (days,) = [p for p in operation["parameters"] if p["name"] == "days"]
    assert (days["schema"]["minimum"], days["schema"]["maximum"], days["schema"]["default"]) == (1, 90, 14)
    company = schema["components"]["schemas"]["CompanyMessagesPerDay"]["properties"]
    assert {"id", "company_id", "name", "timezone", "messages_in", "messages_out"} <= set(company)
