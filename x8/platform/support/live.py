"""Live support chat: ``pg_notify`` in the transaction that stores a message (so the notice leaves only when it
commits), and one LISTEN connection per process fanning notices out to the Server-Sent-Event streams open in it.

A notice names the thread (the business) and its audience: the business itself, its manager, and the admins, who
may answer any thread. Each stream listens for one audience. A stream that falls behind loses nothing that
matters: the event only says "reload this thread".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import defaultdict
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.db_urls import libpq_url
from x8.platform.users.models import Role, User

log = logging.getLogger(__name__)
CHANNEL = "x8_support"
QUEUE_SIZE = 100
# The admins' audience: every thread.
ADMINS = uuid.UUID(int=0)


def audience_of(user: User) -> uuid.UUID:
    return ADMINS if user.role == Role.ADMIN else user.id


async def thread_changed(session: AsyncSession, client: User) -> None:
    """Tell the thread's audience after commit: the business, its manager (if any) and the admins."""
    payload = f"{client.id}:{client.manager_id or ''}"
    await session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload})


class SupportBroker:
    def __init__(self, app_url: str) -> None:
        self._dsn = libpq_url(app_url)
        self._connection: asyncpg.Connection | None = None
        self._lock = asyncio.Lock()
        self._subscribers: dict[uuid.UUID, set[asyncio.Queue[str]]] = defaultdict(set)

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
        """Reconnect if the LISTEN connection died; streams call this on every keep-alive."""
        try:
            await self._listen()
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("support chat notifications are not available: %s", type(exc).__name__)

    async def _listen(self) -> None:
        async with self._lock:
            if self._connection is not None and not self._connection.is_closed():
                return
            self._connection = await asyncpg.connect(self._dsn)
            await self._connection.add_listener(CHANNEL, self._notified)

    def _notified(self, connection: Any, pid: int, channel: str, payload: str) -> None:
        client, _, manager = payload.partition(":")
        try:
            audiences = {uuid.UUID(client), ADMINS} | ({uuid.UUID(manager)} if manager else set())
        except ValueError:
            return
        for audience in audiences:
            for queue in list(self._subscribers.get(audience, ())):
                with contextlib.suppress(asyncio.QueueFull):  # a slow reader just reloads a bit later
                    queue.put_nowait(client)

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()
            self._connection = None
