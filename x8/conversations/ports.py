"""What the assistant may do during a turn, as ports: it runs outside any transaction, so each port opens the short
transaction it needs (or calls its provider) on its own. Slots and bookings are the ``scheduler``."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

from x8.conversations.assistant.catalogue import Outline
from x8.conversations.assistant.checkout import Checkout
from x8.conversations.assistant.lookup import FULL_LIMIT, SEARCH_LIMIT, Search
from x8.conversations.assistant.scheduling import Scheduler
from x8.kb_engine import outline as kb_outline
from x8.kb_engine import search as kb_search
from x8.tenancy.session import TenantSession, TenantSessionFactory


@dataclass(frozen=True)
class TurnPorts:
    kb_search: Search
    checkout: Checkout | None = None  # orders a cart and gives its payment link (x8.platform.conversations.sales)
    scheduler: Scheduler | None = None  # free slots and bookings (x8.platform.conversations.scheduling)


class TenantKbSearch:
    """KB search for one company (for one turn), a short read-only tenant transaction per call (or per round, shared
    with the batch's other turns: ``shared``).

    Each call reads at least ``FULL_LIMIT`` rows and keeps them for the turn: the assistant asks for a page of
    rows, then for the whole of a category when the page was full, and the page is the longer list's beginning
    (the same order), so the second question costs no transaction, and a few more rows read cost less than one.
    ``outline`` gives the catalogue's start, for "what do you sell?"."""

    def __init__(
        self,
        sessions: TenantSessionFactory,
        kb_ids: list[uuid.UUID],
        *,
        language: str,
        shared: SharedSearches | None = None,
    ) -> None:
        self._sessions = sessions
        self._kb_ids = kb_ids
        self._language = language
        self._shared = shared
        self._read: dict[tuple[str, int], list[dict[str, Any]]] = {}

    async def __call__(
        self, query: str, customer_language: str, /, *, limit: int = SEARCH_LIMIT
    ) -> list[dict[str, Any]]:
        longest = max(limit, FULL_LIMIT)
        found = self._read.get((query, longest))
        if found is None:
            # The catalogue is indexed in the company's language, whatever language the customer writes in. One
            # good stage is enough (``enough=1``): the assistant judges the rows itself, and later stages cost
            # round trips.
            if self._shared is not None:
                found = await self._shared.search(query, longest)
            else:
                async with self._sessions() as ts:
                    found = await _search(ts, self._kb_ids, query, self._language, longest)
            self._read[(query, longest)] = found
        return found[:limit]

    async def outline(self) -> Outline:
        async with self._sessions() as ts:
            rows, complete = await kb_outline.outline(ts, self._kb_ids)
        return Outline(rows, complete)


def tenant_kb_search(
    sessions: TenantSessionFactory,
    kb_ids: list[uuid.UUID],
    *,
    language: str,
    shared: SharedSearches | None = None,
) -> TenantKbSearch:
    return TenantKbSearch(sessions, kb_ids, language=language, shared=shared)


async def _search(
    ts: TenantSession, kb_ids: list[uuid.UUID], query: str, language: str, limit: int
) -> list[dict[str, Any]]:
    return await kb_search.search(ts, kb_ids, query, language=language, limit=limit, enough=1)


_Asked = tuple[str, int, "asyncio.Future[list[dict[str, Any]]]"]


class SharedSearches:
    """The KB searches of a company's turns thought at once (a batch of turns), run together: every search asked
    for while one round is gathered goes into one short read-only tenant transaction, their first stage in one
    statement (``search_many``), instead of a transaction and a statement each (BEGIN and COMMIT are two of a lone
    search's three round trips). The transaction holds only the searches (the thinking around them runs outside
    it). Results are not shared: two turns asking the same question are searched twice. A round that fails (one
    bad search aborts the transaction) runs each of its searches again on its own, so a failure is only its own
    turn's."""

    def __init__(self, sessions: TenantSessionFactory, kb_ids: list[uuid.UUID], *, language: str) -> None:
        self._sessions = sessions
        self._kb_ids = kb_ids
        self._language = language
        self._asked: list[_Asked] = []
        self._round: asyncio.Task[None] | None = None

    async def search(self, query: str, limit: int) -> list[dict[str, Any]]:
        found: asyncio.Future[list[dict[str, Any]]] = asyncio.get_running_loop().create_future()
        self._asked.append((query, limit, found))
        if self._round is None:
            self._round = asyncio.create_task(self._run_round())
        return await found

    async def _run_round(self) -> None:
        asked: list[_Asked] = []
        try:
            await asyncio.sleep(0)  # the other turns thinking now ask theirs
            asked, self._asked, self._round = self._asked, [], None
            try:
                async with self._sessions() as ts:
                    queries = [(query, limit) for query, limit, _ in asked]
                    results = await kb_search.search_many(ts, self._kb_ids, queries, language=self._language, enough=1)
            except Exception:
                await self._one_by_one(asked)
                return
            for (_, _, found), result in zip(asked, results, strict=True):
                if not found.done():
                    found.set_result(result)
        finally:
            if self._round is asyncio.current_task():  # cancelled before it took what was asked
                asked, self._asked, self._round = self._asked, [], None
            for _, _, found in asked:  # no turn waits for ever on a round cancelled meanwhile
                if not found.done():
                    found.cancel()

    async def _one_by_one(self, asked: list[_Asked]) -> None:
        for query, limit, found in asked:
            if found.done():
                continue
            try:
                async with self._sessions() as ts:
                    result = await _search(ts, self._kb_ids, query, self._language, limit)
            except Exception as exc:
                found.set_exception(exc)
            else:
                found.set_result(result)
