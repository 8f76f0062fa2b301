"""R-M6: the PostgreSQL history store keeps messages for the retention period, then removes them."""

from __future__ import annotations

import httpx

from tests.conftest import sql
from tests.conversations.helpers import connect_web, history, run_jobs, say, shop_with_catalogue
from x8.kit.db import Database
from x8.platform.conversations.service import prune_history


async def test_old_messages_are_removed_and_recent_ones_kept(
    client: httpx.AsyncClient, owner_url: str, app_url: str
) -> None:
    tokens, company = await shop_with_catalogue(client)
    channel = await connect_web(client, tokens, company["id"])
    conversation = (await say(client, tokens, channel, "apples"))["conversation_id"]
    await run_jobs(app_url)
    await say(client, tokens, channel, "bread")
    await run_jobs(app_url)
    schema = company["tenant_schema"]
    sql(
        owner_url,
        f"UPDATE {schema}.messages SET created_at = now() - interval '400 days' "
        f"WHERE id IN (SELECT id FROM {schema}.messages ORDER BY created_at LIMIT 2)",
    )
    db = Database.connect(app_url, pool_size=1)
    try:
        assert await prune_history(db, days=365) == 2
        assert await prune_history(db, days=365) == 0
    finally:
        await db.dispose()
    remaining = await history(client, tokens, conversation)
    assert [m["body"] for m in remaining if m["sender"] == "customer"] == ["bread"]
