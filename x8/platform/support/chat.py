"""The manager ↔ business chat (SPEC.md R-S1): one thread per business, answered by its manager, or by any admin
while it has none. Who may open a thread is decided here, once: a business its own; a manager only the businesses
assigned to them; an admin any. Anything else is 404, so a thread's existence does not leak."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.db import after_commit
from x8.kit.errors import NotFound
from x8.kit.i18n import msg
from x8.platform.booking.errors import Unprocessable
from x8.platform.support import live, repository, tasks
from x8.platform.support.models import SupportMessage
from x8.platform.support.schemas import (
    ChatMessageOut,
    ChatPage,
    ChatRead,
    ChatThread,
    ChatThreads,
    SupportContact,
)
from x8.platform.users.models import Role, User


def _not_found() -> NotFound:
    return NotFound(msg("Business not found."))


async def thread_client(session: AsyncSession, caller: User, client_id: uuid.UUID | None) -> User:
    """The business whose thread ``caller`` asks for, if they may open it."""
    if caller.role == Role.CLIENT:
        if client_id is not None and client_id != caller.id:
            raise _not_found()
        return caller
    if client_id is None:
        raise Unprocessable(msg("Say which business's chat: client_id."))
    client = await session.get(User, client_id)
    if client is None or client.role != Role.CLIENT:
        raise _not_found()
    if caller.role == Role.MANAGER and client.manager_id != caller.id:
        raise _not_found()
    return client


def message_out(message: SupportMessage) -> ChatMessageOut:
    return ChatMessageOut.model_validate(message, from_attributes=True)


async def page(
    session: AsyncSession, caller: User, client_id: uuid.UUID | None, *, limit: int, before: datetime | None
) -> ChatPage:
    client = await thread_client(session, caller, client_id)
    is_client = caller.role == Role.CLIENT
    items = await repository.messages(session, client.id, limit=limit, before=before)
    return ChatPage(
        items=[message_out(m) for m in items],
        total=await repository.count(session, client.id),
        unread=await repository.unread(session, client.id, caller_is_client=is_client),
    )


async def post(session: AsyncSession, caller: User, client_id: uuid.UUID | None, text: str) -> ChatMessageOut:
    client = await thread_client(session, caller, client_id)
    message = await repository.add(session, client.id, caller, text.strip())
    await live.thread_changed(session, client)
    after_commit(session, lambda: tasks.schedule_unread_mail(message.id))
    return message_out(message)


async def read(session: AsyncSession, caller: User, client_id: uuid.UUID | None) -> ChatRead:
    client = await thread_client(session, caller, client_id)
    is_client = caller.role == Role.CLIENT
    marked = await repository.mark_read(session, client.id, caller_is_client=is_client)
    if marked:
        await live.thread_changed(session, client)
    return ChatRead(marked=marked, unread=await repository.unread(session, client.id, caller_is_client=is_client))


async def unread_total(session: AsyncSession, caller: User) -> int:
    """What the navigation's badge counts: a business's unread answers, a manager's unread messages from their
    businesses, the admins' from every business."""
    if caller.role == Role.CLIENT:
        return await repository.unread(session, caller.id, caller_is_client=True)
    return await repository.unread_for_staff(session, caller.id if caller.role == Role.MANAGER else None)


async def threads(session: AsyncSession, caller: User, *, q: str | None, limit: int, offset: int) -> ChatThreads:
    manager_id = caller.id if caller.role == Role.MANAGER else None
    items, total = await repository.threads(session, manager_id=manager_id, q=q, limit=limit, offset=offset)
    return ChatThreads(items=[ChatThread.model_validate(i) for i in items], total=total)


async def contact(session: AsyncSession, business: User) -> SupportContact:
    """Who answers this business: its manager, or the admins while it has none."""
    manager = await session.get(User, business.manager_id) if business.manager_id else None
    if manager is None:
        return SupportContact(kind="admins", manager_id=None, name=None, email=None)
    return SupportContact(kind="manager", manager_id=manager.id, name=manager.full_name, email=manager.email)
