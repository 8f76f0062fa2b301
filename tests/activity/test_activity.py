"""The activity log (SPEC.md §8, R-UI2): what ``record`` keeps, who sees which entries, filters, and retries."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.admin.helpers import admin_tokens, manager
from tests.conftest import bearer, sql
from tests.kb_engine.helpers import business_company
from x8.kit.db import Database
from x8.platform.activity import actions
from x8.platform.activity.models import ActivityKind, ActivityStatus
from x8.platform.activity.service import channel_subject, prune, record


@pytest.fixture
async def db(app_url: str) -> AsyncIterator[Database]:
    database = Database.connect(app_url, pool_size=2)
    yield database
    await database.dispose()


async def _activity(client: httpx.AsyncClient, tokens: dict[str, Any], **params: Any) -> dict[str, Any]:
    r = await client.get("/api/v1/activity", headers=bearer(tokens), params=params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_attempts_fold_into_one_entry_until_one_succeeds(client: httpx.AsyncClient, db: Database) -> None:
    tokens, company = await business_company(client, "fold@example.com")
    company_id = uuid.UUID(company["id"])
    channel_id = uuid.uuid4()
    first = await record(
        db,
        company_id,
        ActivityKind.WEBHOOK_REGISTRATION,
        ActivityStatus.ERROR,
        subject=channel_subject(channel_id),
        channel_id=channel_id,
        detail="Telegram is down",
        retry=actions.webhook_registration(channel_id),
    )
    second = await record(
        db,
        company_id,
        ActivityKind.WEBHOOK_REGISTRATION,
        ActivityStatus.OK,
        subject=channel_subject(channel_id),
        channel_id=channel_id,
    )
    assert first is not None and first == second
    third = await record(
        db, company_id, ActivityKind.WEBHOOK_REGISTRATION, ActivityStatus.ERROR, subject=channel_subject(channel_id)
    )
    assert third not in (None, first)

    body = await _activity(client, tokens)
    assert body["total"] == 2
    newest, oldest = body["items"]
    assert newest["id"] == str(third) and newest["status"] == "error" and newest["attempts"] == 1
    assert oldest["id"] == str(first) and oldest["status"] == "ok" and oldest["attempts"] == 2
    assert oldest["retryable"] is False  # it succeeded
    assert newest["retryable"] is False  # recorded without a retry
    assert oldest["channel_id"] == str(channel_id) and oldest["kind"] == "webhook_registration"


async def test_each_caller_sees_only_the_companies_they_may_see(
    client: httpx.AsyncClient, db: Database, app_url: str, owner_url: str
) -> None:
    mine_tokens, mine = await business_company(client, "mine@example.com")
    other_tokens, other = await business_company(client, "other@example.com")
    for company in (mine, other):
        await record(db, uuid.UUID(company["id"]), ActivityKind.N8N_PROVISIONING, ActivityStatus.ERROR, detail="down")

    assert [i["company_id"] for i in (await _activity(client, mine_tokens))["items"]] == [mine["id"]]
    r = await client.get("/api/v1/activity", headers=bearer(mine_tokens), params={"company_id": other["id"]})
    assert r.status_code == 404

    manager_id, manager_tokens = await manager(client, app_url, "manager@example.com")
    assert (await _activity(client, manager_tokens))["total"] == 0
    sql(owner_url, "UPDATE users SET manager_id = %s WHERE email = %s", manager_id, "other@example.com")
    assert [i["company_id"] for i in (await _activity(client, manager_tokens))["items"]] == [other["id"]]

    admin = await admin_tokens(client, app_url)
    assert (await _activity(client, admin))["total"] == 2
    assert (await _activity(client, admin, company_id=mine["id"]))["total"] == 1
    assert (await client.get("/api/v1/activity")).status_code == 401
    assert other_tokens  # the other business sees its own only (checked by symmetry above)


async def test_filters_by_status_and_kind_and_refuses_unknown_values(client: httpx.AsyncClient, db: Database) -> None:
    tokens, company = await business_company(client, "filters@example.com")
    company_id = uuid.UUID(company["id"])
    await record(db, company_id, ActivityKind.N8N_PROVISIONING, ActivityStatus.OK)
    await record(db, company_id, ActivityKind.SEND_FAILED, ActivityStatus.ERROR, subject="message:1", detail="x")
    await record(db, company_id, ActivityKind.CALENDAR_WRITE, ActivityStatus.ERROR, subject="booking:1", detail="y")

    assert [i["kind"] for i in (await _activity(client, tokens, status="ok"))["items"]] == ["n8n_provisioning"]
    errors = await _activity(client, tokens, status="error")
    assert sorted(i["kind"] for i in errors["items"]) == ["calendar_write", "send_failed"]
    assert [i["detail"] for i in (await _activity(client, tokens, kind="send_failed"))["items"]] == ["x"]
    for bad in ({"status": "broken"}, {"kind": "nothing"}, {"limit": 0}):
        r = await client.get("/api/v1/activity", headers=bearer(tokens), params=bad)
        assert r.status_code == 422, bad


async def test_a_retryable_entry_requeues_its_job_and_shows_pending(
    client: httpx.AsyncClient, db: Database, owner_url: str
) -> None:
    tokens, company = await business_company(client, "retry@example.com")
    company_id = uuid.UUID(company["id"])
    entry = await record(
        db,
        company_id,
        ActivityKind.N8N_PROVISIONING,
        ActivityStatus.ERROR,
        detail="n8n refused",
        retry=actions.n8n_provision(),
    )
    done = await record(db, company_id, ActivityKind.CALENDAR_WRITE, ActivityStatus.OK, subject="booking:2")

    r = await client.post(f"/api/v1/activity/{entry}/retry", headers=bearer(tokens))
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "pending" and r.json()["retryable"] is True
    jobs = sql(owner_url, "SELECT task_name, args FROM procrastinate_jobs WHERE status = 'todo'")
    assert [(name, args["company_id"]) for name, args in jobs] == [("n8n:provision_company", str(company_id))]

    r = await client.post(f"/api/v1/activity/{done}/retry", headers=bearer(tokens))
    assert r.status_code == 409 and "cannot be retried" in r.json()["detail"]
    other_tokens, _ = await business_company(client, "stranger@example.com")
    assert (await client.post(f"/api/v1/activity/{entry}/retry", headers=bearer(other_tokens))).status_code == 404
    assert (await client.post(f"/api/v1/activity/{uuid.uuid4()}/retry", headers=bearer(tokens))).status_code == 404


async def test_entries_older_than_the_retention_are_pruned(
    client: httpx.AsyncClient, db: Database, owner_url: str
) -> None:
    tokens, company = await business_company(client, "prune@example.com")
    company_id = uuid.UUID(company["id"])
    old = await record(db, company_id, ActivityKind.N8N_PROVISIONING, ActivityStatus.ERROR, detail="long ago")
    recent = await record(db, company_id, ActivityKind.CALENDAR_WRITE, ActivityStatus.OK, subject="booking:3")
    sql(owner_url, "UPDATE activity_log SET at = now() - interval '91 days' WHERE id = %s", old)

    assert await prune(db) == 1
    assert [item["id"] for item in (await _activity(client, tokens))["items"]] == [str(recent)]
