"""One LISTEN connection per process fanning PostgreSQL notifications out to in-process subscribers (the
Server-Sent-Event streams of the dashboard).

A notification is sent with ``pg_notify`` in the transaction that made the change, so it leaves only when the
change commits, and any process (the API, a worker elsewhere) reaches every process's broker. Each subscriber
listens for one audience (a company, a user); a broker's ``route`` says which audiences a payload concerns and what
to hand them. A subscriber that falls behind loses nothing that matters: events only say "reload this".
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import asyncpg

from x8.kit.db_urls import libpq_url

log = logging.getLogger(__name__)
QUEUE_SIZE = 100


class NotifyBroker(abc.ABC):
    """Subclasses name the ``channel`` and implement ``route``."""

    channel: str
    what: str  # for the log: "inbox notifications"

    def __init__(self, app_url: str) -> None:
        self._dsn = libpq_url(app_url)
        self._connection: asyncpg.Connection | None = None
        self._lock = asyncio.Lock()
        self._subscribers: dict[uuid.UUID, set[asyncio.Queue[str]]] = defaultdict(set)

    @abc.abstractmethod
    def route(self, payload: str) -> Iterable[tuple[uuid.UUID, str]]:
        """(audience, event) pairs for one notification; nothing for a payload that makes no sense."""
        ...

    async def subscribe(self, audience: uuid.UUID) -> asyncio.Queue[str]:
        await self._listen()
        queue: asyncio.Queue[str] = asyncio.Queue(QUEUE_SIZE)
        self._subscribers[audience].add(queue)
        return queue

    def unsubscribe(self, audience: uuid.UUID, queue: asyncio.Queue[str]) -> None:
        self._subscribers[audience].discard(queue)
        if not self._subscribers[audience]:
            del self._subscribers[audience]

    async def ensure_listening(self) -> None:
        """Reconnect if the LISTEN connection died (a database restart); streams call this on every keep-alive,
        so they resume within one; until then the dashboard's slow poll covers."""
        try:
            await self._listen()
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("%s are not available: %s", self.what, type(exc).__name__)

    async def _listen(self) -> None:
        async with self._lock:
            if self._connection is not None and not self._connection.is_closed():
                return
            self._connection = await asyncpg.connect(self._dsn)
            await self._connection.add_listener(self.channel, self._notified)

    def _notified(self, connection: Any, pid: int, channel: str, payload: str) -> None:
        try:
            routed = list(self.route(payload))
        except ValueError:
            return
        for audience, event in routed:
            for queue in list(self._subscribers.get(audience, ())):
                with contextlib.suppress(asyncio.QueueFull):  # a slow reader just reloads a bit later
                    queue.put_nowait(event)

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()
            self._connection = None
