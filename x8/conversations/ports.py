"""What the assistant may do during a turn, as ports: it runs outside any transaction, so each port opens the short
transaction it needs (or calls its provider) on its own. Slots and bookings are the ``scheduler``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from x8.conversations.assistant.catalogue import Outline
from x8.conversations.assistant.checkout import Checkout
from x8.conversations.assistant.lookup import FULL_LIMIT, SEARCH_LIMIT, Search
from x8.conversations.assistant.scheduling import Scheduler
from x8.kb_engine import outline as kb_outline
from x8.kb_engine import search as kb_search
from x8.tenancy.session import TenantSessionFactory


@dataclass(frozen=True)
class TurnPorts:
    kb_search: Search
    checkout: Checkout | None = None  # orders a cart and gives its payment link (x8.platform.conversations.sales)
    scheduler: Scheduler | None = None  # free slots and bookings (x8.platform.conversations.scheduling)


class TenantKbSearch:
    """KB search for one company (for one turn), a short read-only tenant transaction per call.

    Each call reads at least ``FULL_LIMIT`` rows and keeps them for the turn: the assistant asks for a page of
    rows, then for the whole of a category when the page was full, and the page is the longer list's beginning
    (the same order), so the second question costs no transaction, and a few more rows read cost less than one.
    ``outline`` gives the catalogue's start, for "what do you sell?"."""

    def __init__(self, sessions: TenantSessionFactory, kb_ids: list[uuid.UUID], *, language: str) -> None:
        self._sessions = sessions
        self._kb_ids = kb_ids
        self._language = language
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
            async with self._sessions() as ts:
                found = await kb_search.search(
                    ts, self._kb_ids, query, language=self._language, limit=longest, enough=1
                )
            self._read[(query, longest)] = found
        return found[:limit]

    async def outline(self) -> Outline:
        async with self._sessions() as ts:
            rows, complete = await kb_outline.outline(ts, self._kb_ids)
        return Outline(rows, complete)


def tenant_kb_search(sessions: TenantSessionFactory, kb_ids: list[uuid.UUID], *, language: str) -> TenantKbSearch:
    return TenantKbSearch(sessions, kb_ids, language=language)
