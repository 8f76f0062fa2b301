"""The fold and `x8 metrics rebuild`: the watermark waits for messages still settling, a rebuild from raw rows
gives the rollups a fold builds, the job folds every company, and a bad company id is a clear error."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.conftest import register, sql
from tests.metrics.helpers import company
from x8.kit.db import Database
from x8.platform.metrics import fold
from x8.platform.metrics.maintenance import fold_all


def _x8(owner_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": owner_url, "X8_ENV": "test", "X8_BCRYPT_ROUNDS": "4"}
    return subprocess.run(
        [sys.executable, "-m", "x8.cli", *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _conversation(owner_url: str, shop: dict[str, Any], *messages: tuple[datetime, str, str]) -> None:
    schema, tenant = shop["tenant_schema"], shop["id"]
    contact, conversation = uuid.uuid4(), uuid.uuid4()
    first = messages[0][0]
    sql(
        owner_url,
        f"INSERT INTO {schema}.contacts (id, tenant_id, channel, external_id, created_at) "
        "VALUES (%s, %s, 'web', %s, %s)",
        contact,
        tenant,
        str(contact),
        first,
    )
    sql(
        owner_url,
        f"INSERT INTO {schema}.conversations (id, tenant_id, contact_id, channel, created_at) "
        "VALUES (%s, %s, %s, 'web', %s)",
        conversation,
        tenant,
        contact,
        first,
    )
    for at, direction, status in messages:
        sql(
            owner_url,
            f"INSERT INTO {schema}.messages (tenant_id, conversation_id, direction, sender, status, created_at, "
            "processed_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            tenant,
            conversation,
            direction,
            "customer" if direction == "in" else "bot",
            status,
            at,
            at if direction == "out" or status != "unprocessed" else None,
        )


def _rollups(owner_url: str, shop: dict[str, Any]) -> list[tuple[Any, ...]]:
    return sql(
        owner_url,
        f"SELECT day, channel, lead_source, messages_in, messages_out, conversations, assisted "
        f"FROM {shop['tenant_schema']}.metrics_daily WHERE messages_in + messages_out + conversations <> 0 "
        "ORDER BY day",
    )


async def test_the_watermark_waits_for_a_reply_still_sending(
    client: httpx.AsyncClient, owner_url: str, app_url: str
) -> None:
    tokens = await register(client)
    shop = await company(client, tokens, "Shop")
    # Noon of today or yesterday, whichever has passed: both messages fall on one day whenever the test runs.
    now = (datetime.now(UTC) - timedelta(hours=12)).replace(hour=12, minute=0, second=0, microsecond=0)
    sending_at = now - timedelta(hours=3)
    _conversation(owner_url, shop, (now - timedelta(hours=5), "in", "received"), (sending_at, "out", "sending"))
    db = Database.connect(app_url, pool_size=1)
    try:
        await fold.fold(db, uuid.UUID(shop["id"]), "UTC", now)
        (until,) = sql(owner_url, f"SELECT folded_until FROM {shop['tenant_schema']}.metrics_state")[0]
        assert until == sending_at  # not past the reply that may yet fail
        sql(owner_url, f"UPDATE {shop['tenant_schema']}.messages SET status = 'sent' WHERE status = 'sending'")
        await fold.fold(db, uuid.UUID(shop["id"]), "UTC", now)
        (until,) = sql(owner_url, f"SELECT folded_until FROM {shop['tenant_schema']}.metrics_state")[0]
        assert until == now - fold.SETTLE
    finally:
        await db.dispose()
    assert [r[3:] for r in _rollups(owner_url, shop)] == [(1, 1, 1, 0)]


async def test_rebuild_recomputes_what_the_folds_built(client: httpx.AsyncClient, owner_url: str, app_url: str) -> None:
    tokens = await register(client)
    shop = await company(client, tokens, "Shop", "Europe/Berlin")
    other = await company(client, tokens, "Other")
    now = datetime.now(UTC)
    for days in (20, 9, 2):
        start = now - timedelta(days=days)
        _conversation(owner_url, shop, (start, "in", "received"), (start + timedelta(seconds=3), "out", "sent"))
    db = Database.connect(app_url, pool_size=1)
    try:
        folded, failed = await fold_all(db)
    finally:
        await db.dispose()
    assert (folded, failed) == (2, 0)
    built = _rollups(owner_url, shop)
    assert [r[3:] for r in built] == [(1, 1, 1, 0)] * 3

    r = _x8(owner_url, "metrics", "rebuild", "--company", shop["id"])
    assert r.returncode == 0, r.stderr
    assert f"rebuilt {shop['id']}" in r.stdout and other["id"] not in r.stdout
    assert _rollups(owner_url, shop) == built
    r = _x8(owner_url, "metrics", "rebuild")
    assert r.returncode == 0 and "rebuilt the metrics of 2 companies" in r.stdout, r.stderr
    r = _x8(owner_url, "metrics", "rebuild", "--company", str(uuid.uuid4()))
    assert r.returncode != 0 and "no company with id" in r.stderr
    r = _x8(owner_url, "metrics", "rebuild", "--company", "COMP001")
    assert r.returncode != 0 and "is not a valid UUID" in r.stderr
