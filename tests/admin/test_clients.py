"""The admin's business list (filters, search, paging), managers with client counts, and a manager's own
businesses with their renewal dates: only theirs, anything else 404."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx

from tests.admin.helpers import admin_tokens, business, manager
from tests.conftest import bearer, sql

CLIENTS = "/api/v1/admin/clients"


def _emails(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return sorted(c["email"] for c in response.json()["items"])


async def test_filters_search_and_paging(client: httpx.AsyncClient, app_url: str, owner_url: str) -> None:
    admin = await admin_tokens(client, app_url)
    now = datetime.now(UTC)
    m1, _ = await manager(client, app_url, "m1@example.com")
    await business(
        app_url,
        owner_url,
        "anna@example.com",
        name="Anna Petrova",
        trial_ends_at=now + timedelta(days=3),
        manager_id=m1,
    )
    await business(app_url, owner_url, "boris@example.com", name="Boris", trial_ends_at=now - timedelta(days=1))
    await business(app_url, owner_url, "vera@example.com", name="Vera", plan="GROWTH", status="active", manager_id=m1)
    await business(app_url, owner_url, "gleb@example.com", name="Gleb", plan="SINGLE", status="canceled")
    headers = bearer(admin)

    assert _emails(await client.get(CLIENTS, headers=headers, params={"plan": "GROWTH"})) == ["vera@example.com"]
    # The status as it stands now: Boris's trial ended though the daily sweep has not marked it.
    expired = await client.get(CLIENTS, headers=headers, params={"status": "expired"})
    assert _emails(expired) == ["boris@example.com"]
    assert expired.json()["items"][0]["subscription_status"] == "expired"
    assert _emails(await client.get(CLIENTS, headers=headers, params={"status": "trialing"})) == ["anna@example.com"]
    assert _emails(await client.get(CLIENTS, headers=headers, params={"manager_id": m1})) == [
        "anna@example.com",
        "vera@example.com",
    ]
    assert _emails(await client.get(CLIENTS, headers=headers, params={"unassigned": "true"})) == [
        "boris@example.com",
        "gleb@example.com",
    ]
    assert _emails(await client.get(CLIENTS, headers=headers, params={"q": "PETROV"})) == ["anna@example.com"]
    assert _emails(await client.get(CLIENTS, headers=headers, params={"q": "gleb@"})) == ["gleb@example.com"]
    both = await client.get(CLIENTS, headers=headers, params={"manager_id": m1, "status": "active", "plan": "GROWTH"})
    assert _emails(both) == ["vera@example.com"]

    pages = [
        (await client.get(CLIENTS, headers=headers, params={"limit": 3, "offset": offset})).json() for offset in (0, 3)
    ]
    assert [p["total"] for p in pages] == [4, 4]
    assert [len(p["items"]) for p in pages] == [3, 1]
    assert len({c["id"] for p in pages for c in p["items"]}) == 4


async def test_bad_filters_are_refused(client: httpx.AsyncClient, app_url: str) -> None:
    admin = await admin_tokens(client, app_url)
    for params in (
        {"plan": "PLATINUM"},
        {"status": "sleeping"},
        {"manager_id": "not-a-uuid"},
        {"unassigned": "maybe"},
        {"limit": 0},
        {"limit": 201},
        {"offset": -1},
        {"q": "x" * 201},
        {"sort": "email"},  # not a filter this list has
        {"unassigned": "true", "manager_id": str(uuid.uuid4())},
    ):
        response = await client.get(CLIENTS, headers=bearer(admin), params=params)
        assert response.status_code == 422, params


async def test_managers_with_client_counts(client: httpx.AsyncClient, app_url: str, owner_url: str) -> None:
    admin = await admin_tokens(client, app_url)
    m1, _ = await manager(client, app_url, "m1@example.com")
    await manager(client, app_url, "m2@example.com")
    for email in ("a@example.com", "b@example.com"):
        await business(app_url, owner_url, email, manager_id=m1)
    await business(app_url, owner_url, "c@example.com")
    body = (await client.get("/api/v1/admin/managers", headers=bearer(admin))).json()
    assert body["total"] == 2
    assert {m["email"]: m["client_count"] for m in body["items"]} == {"m1@example.com": 2, "m2@example.com": 0}


async def test_a_manager_sees_only_their_businesses_with_renewal_dates(
    client: httpx.AsyncClient, app_url: str, owner_url: str
) -> None:
    renews = datetime(2031, 5, 17, 9, 30, tzinfo=UTC)
    m1, mine = await manager(client, app_url, "m1@example.com")
    m2, _ = await manager(client, app_url, "m2@example.com")
    own = await business(
        app_url,
        owner_url,
        "own@example.com",
        plan="DOUBLE",
        status="active",
        subscription_ends_at=renews,
        manager_id=m1,
    )
    theirs = await business(app_url, owner_url, "theirs@example.com", manager_id=m2)
    nobody = await business(app_url, owner_url, "nobody@example.com")

    listed = (await client.get("/api/v1/managers/clients", headers=bearer(mine))).json()
    assert [c["email"] for c in listed["items"]] == ["own@example.com"]
    [row] = listed["items"]
    assert (row["plan"], row["subscription_status"]) == ("DOUBLE", "active")
    assert datetime.fromisoformat(row["subscription_ends_at"]) == renews

    one = await client.get(f"/api/v1/managers/clients/{own}", headers=bearer(mine))
    assert one.status_code == 200 and one.json()["email"] == "own@example.com"
    for other in (theirs, nobody, str(uuid.uuid4())):
        response = await client.get(f"/api/v1/managers/clients/{other}", headers=bearer(mine))
        assert response.status_code == 404, other
        assert response.json()["error"] == "NotFound"
    assert (await client.get("/api/v1/managers/clients/nope", headers=bearer(mine))).status_code == 422


async def test_odd_search_text_is_never_a_server_error(client: httpx.AsyncClient, app_url: str, owner_url: str) -> None:
    admin = await admin_tokens(client, app_url)
    await business(app_url, owner_url, "anna@example.com", name="Anna")
    for q in ("\x00", "an\x00na", "%", "_", "\\"):
        response = await client.get(CLIENTS, headers=bearer(admin), params={"q": q})
        assert response.status_code < 500, q
        assert response.status_code == 422 or response.json()["total"] in (0, 1), q
    invalid_utf8 = await client.get(f"{CLIENTS}?q=%ED%A0%80", headers=bearer(admin))
    assert invalid_utf8.status_code < 500


async def test_past_due_beyond_the_grace_counts_as_expired(
    client: httpx.AsyncClient, app_url: str, owner_url: str
) -> None:
    admin = await admin_tokens(client, app_url)
    now = datetime.now(UTC)
    for email, failed_days_ago in (("grace@example.com", 1), ("lapsed@example.com", 4)):
        business_id = await business(app_url, owner_url, email, plan="SINGLE", status="past_due")
        sql(
            owner_url,
            "UPDATE users SET past_due_since = %s WHERE id = %s",
            now - timedelta(days=failed_days_ago),
            business_id,
        )
    headers = bearer(admin)
    assert _emails(await client.get(CLIENTS, headers=headers, params={"status": "past_due"})) == ["grace@example.com"]
    assert _emails(await client.get(CLIENTS, headers=headers, params={"status": "expired"})) == ["lapsed@example.com"]
