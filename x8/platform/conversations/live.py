"""Live inbox updates (SPEC.md R-M7): one LISTEN connection per process fans PostgreSQL notifications out to the
Server-Sent-Event streams of the dashboards watching each company.

Any process may commit a change (the API, a worker elsewhere): the notification reaches every process's broker.
A stream that falls behind loses nothing that matters: the event only says "reload this conversation".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import defaultdict
from typing import Any

import asyncpg

from x8.conversations.events import CHANNEL
from x8.kit.db_urls import libpq_url

log = logging.getLogger(__name__)
QUEUE_SIZE = 100


class InboxBroker:
    def __init__(self, app_url: str) -> None:
        self._dsn = libpq_url(app_url)
        self._connection: asyncpg.Connection | None = None
        self._lock = asyncio.Lock()
        self._subscribers: dict[uuid.UUID, set[asyncio.Queue[str]]] = defaultdict(set)

    async def subscribe(self, company_id: uuid.UUID) -> asyncio.Queue[str]:
        await self._listen()
        queue: asyncio.Queue[str] = asyncio.Queue(QUEUE_SIZE)
        self._subscribers[company_id].add(queue)
        return queue

    def unsubscribe(self, company_id: uuid.UUID, queue: asyncio.Queue[str]) -> None:
        self._subscribers[company_id].discard(queue)
        if not self._subscribers[company_id]:
            del self._subscribers[company_id]

    async def ensure_listening(self) -> None:
        """Reconnect if the LISTEN connection died (a database restart); streams call this on every keep-alive,
        so they resume within 15 s. Until then the dashboard's slow poll covers."""
        try:
            await self._listen()
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("inbox notifications are not available: %s", type(exc).__name__)

    async def _listen(self) -> None:
        async with self._lock:
            if self._connection is not None and not self._connection.is_closed():
                return
            self._connection = await asyncpg.connect(self._dsn)
            await self._connection.add_listener(CHANNEL, self._notified)

    def _notified(self, connection: Any, pid: int, channel: str, payload: str) -> None:
        company, _, conversation = payload.partition(":")
        try:
            company_id = uuid.UUID(company)
        except ValueError:
            return
        for queue in list(self._subscribers.get(company_id, ())):
            with contextlib.suppress(asyncio.QueueFull):  # a slow reader just reloads a bit later
                queue.put_nowait(conversation)

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()
            self._connection = None
