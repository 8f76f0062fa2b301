"""Live support chat: ``pg_notify`` in the transaction that stores a message (so the notice leaves only when it
commits), and one LISTEN connection per process (x8.kit.notify_broker) fanning notices out to the Server-Sent-Event
streams open in it.

A notice names the thread (the business) and its audience: the business itself, its manager, and the admins, who
may answer any thread. Each stream listens for one audience. A stream that falls behind loses nothing that
matters: the event only says "reload this thread".
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.notify_broker import NotifyBroker
from x8.platform.users.models import Role, User

CHANNEL = "x8_support"
# The admins' audience: every thread.
ADMINS = uuid.UUID(int=0)


def audience_of(user: User) -> uuid.UUID:
    return ADMINS if user.role == Role.ADMIN else user.id


async def thread_changed(session: AsyncSession, client: User) -> None:
    """Tell the thread's audience after commit: the business, its manager (if any) and the admins."""
    payload = f"{client.id}:{client.manager_id or ''}"
    await session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload})


class SupportBroker(NotifyBroker):
    """A notice ``<client id>:<manager id or nothing>`` goes to the business, its manager and the admins, as the
    thread's id (the business's)."""

    channel = CHANNEL
    what = "support chat notifications"

    def route(self, payload: str) -> Iterable[tuple[uuid.UUID, str]]:
        client, _, manager = payload.partition(":")
        audiences = {uuid.UUID(client), ADMINS} | ({uuid.UUID(manager)} if manager else set())
        return [(audience, client) for audience in audiences]
