"""A batch's turns thought at once share one transaction for their KB searches (`SharedSearches`): the same rows as
searching alone, one transaction a round instead of one a search, and a failing search fails only its own turn."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.conversations.helpers import shop_with_catalogue
from x8.conversations import ports
from x8.conversations.ports import SharedSearches, tenant_kb_search
from x8.kit.db import Database
from x8.tenancy.session import TenantSession, tenant_session

QUESTIONS = ["sourdough", "apples", "iphone case", "bread", "green"]


class CountedSessions:
    """A tenant's sessions, counted as they are opened."""

    def __init__(self, db: Database, tenant: uuid.UUID) -> None:
        self.db, self.tenant, self.opened = db, tenant, 0

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[TenantSession]:
        self.opened += 1
        async with tenant_session(self.db, self.tenant) as ts:
            yield ts


@pytest.fixture
async def shop(client: httpx.AsyncClient, app_url: str) -> AsyncIterator[tuple[CountedSessions, list[uuid.UUID]]]:
    _, company = await shop_with_catalogue(client)
    tenant = uuid.UUID(company["id"])
    db = Database.connect(app_url, pool_size=4)
    try:
        async with db.sessions() as session:
            kb_ids = [
                uuid.UUID(str(kb))
                for kb in (
                    await session.execute(text("SELECT id FROM knowledge_bases WHERE company_id = :c"), {"c": tenant})
                ).scalars()
            ]
        yield CountedSessions(db, tenant), kb_ids
    finally:
        await db.dispose()


async def test_searches_asked_together_share_one_transaction(shop: tuple[CountedSessions, list[uuid.UUID]]) -> None:
    sessions, kb_ids = shop
    alone = [await tenant_kb_search(sessions, kb_ids, language="en")(q, "en") for q in QUESTIONS]
    assert sessions.opened == len(QUESTIONS)
    assert any(alone)  # the catalogue answers some of them: the comparison below means something

    sessions.opened = 0
    shared = SharedSearches(sessions, kb_ids, language="en")
    together = await asyncio.gather(
        *(tenant_kb_search(sessions, kb_ids, language="en", shared=shared)(q, "en") for q in QUESTIONS)
    )
    assert together == alone
    assert sessions.opened == 1

    later = await tenant_kb_search(sessions, kb_ids, language="en", shared=shared)("apples", "en")
    assert later == alone[1] and sessions.opened == 2  # asked after the round: a round of its own


async def test_a_failing_search_fails_only_its_own_turn(
    shop: tuple[CountedSessions, list[uuid.UUID]], monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions, kb_ids = shop
    search, search_many = ports._search, ports.kb_search.search_many

    async def poisoned(ts: TenantSession, kb: list[uuid.UUID], query: str, language: str, limit: int) -> Any:
        if query == "poison":
            await ts.execute(text("SELECT 1 / 0"))  # aborts the shared transaction, as a real failure would
        return await search(ts, kb, query, language, limit)

    async def poisoned_together(ts: TenantSession, kb: list[uuid.UUID], asked: list[tuple[str, int]], **kw: Any) -> Any:
        if any(query == "poison" for query, _ in asked):
            await ts.execute(text("SELECT 1 / 0"))
        return await search_many(ts, kb, asked, **kw)

    monkeypatch.setattr(ports, "_search", poisoned)
    monkeypatch.setattr(ports.kb_search, "search_many", poisoned_together)
    shared = SharedSearches(sessions, kb_ids, language="en")
    asked = ["sourdough", "poison", "apples"]
    found = await asyncio.gather(
        *(tenant_kb_search(sessions, kb_ids, language="en", shared=shared)(q, "en") for q in asked),
        return_exceptions=True,
    )
    assert isinstance(found[1], Exception)
    assert found[0] and found[2] and not isinstance(found[0], Exception) and not isinstance(found[2], Exception)
    assert sessions.opened == 1 + len(asked)  # the failed round, then each on its own


async def test_a_turn_cancelled_while_its_search_waits_leaves_the_others_answered(
    shop: tuple[CountedSessions, list[uuid.UUID]],
) -> None:
    sessions, kb_ids = shop
    shared = SharedSearches(sessions, kb_ids, language="en")
    turns = [
        asyncio.create_task(tenant_kb_search(sessions, kb_ids, language="en", shared=shared)(q, "en"))
        for q in ("sourdough", "apples")
    ]
    await asyncio.sleep(0)
    turns[0].cancel()
    with pytest.raises(asyncio.CancelledError):
        await turns[0]
    assert await turns[1]
