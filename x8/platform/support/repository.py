"""Support's queries: chat messages and threads, managers' availability, setup calls."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from x8.kit.clock import utcnow
from x8.kit.sql import escape_like
from x8.platform.support.models import ManagerAvailabilityRow, SetupCall, SupportMessage
from x8.platform.users.models import Role, User


def _from_other_side(*, caller_is_client: bool) -> ColumnElement[bool]:
    """Messages the caller receives: staff messages for a business, the business's for staff."""
    if caller_is_client:
        return SupportMessage.sender_role != Role.CLIENT
    return SupportMessage.sender_role == Role.CLIENT


async def messages(
    session: AsyncSession, client_id: uuid.UUID, *, limit: int, before: datetime | None
) -> list[SupportMessage]:
    """The newest ``limit`` messages of the thread before ``before``, oldest first."""
    query = select(SupportMessage).where(SupportMessage.client_id == client_id)
    if before is not None:
        query = query.where(SupportMessage.created_at < before)
    newest = (
        await session.scalars(query.order_by(SupportMessage.created_at.desc(), SupportMessage.id.desc()).limit(limit))
    ).all()
    return list(reversed(newest))


async def count(session: AsyncSession, client_id: uuid.UUID) -> int:
    found = await session.scalar(select(func.count()).where(SupportMessage.client_id == client_id))
    return int(found or 0)


async def unread(session: AsyncSession, client_id: uuid.UUID, *, caller_is_client: bool) -> int:
    found = await session.scalar(
        select(func.count()).where(
            SupportMessage.client_id == client_id,
            SupportMessage.read_at.is_(None),
            _from_other_side(caller_is_client=caller_is_client),
        )
    )
    return int(found or 0)


async def unread_for_staff(session: AsyncSession, manager_id: uuid.UUID | None) -> int:
    """Unread messages from businesses: a manager's own businesses, or every business for the admins."""
    query = (
        select(func.count())
        .select_from(SupportMessage)
        .where(SupportMessage.read_at.is_(None), SupportMessage.sender_role == Role.CLIENT)
    )
    if manager_id is not None:
        query = query.join(User, User.id == SupportMessage.client_id).where(User.manager_id == manager_id)
    return int(await session.scalar(query) or 0)


async def add(session: AsyncSession, client_id: uuid.UUID, sender: User, text: str) -> SupportMessage:
    message = SupportMessage(client_id=client_id, sender_id=sender.id, sender_role=sender.role, text=text)
    session.add(message)
    await session.flush()
    await session.refresh(message)
    return message


async def mark_read(session: AsyncSession, client_id: uuid.UUID, *, caller_is_client: bool) -> int:
    result = await session.execute(
        update(SupportMessage)
        .where(
            SupportMessage.client_id == client_id,
            SupportMessage.read_at.is_(None),
            _from_other_side(caller_is_client=caller_is_client),
        )
        .values(read_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def threads(
    session: AsyncSession, *, manager_id: uuid.UUID | None, q: str | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """Businesses' threads, latest activity first. A manager's: every business assigned to them, written to or not;
    the admins': every business that has written or been written to."""
    last = (
        select(
            SupportMessage.client_id,
            func.max(SupportMessage.created_at).label("last_at"),
            func.count()
            .filter(and_(SupportMessage.read_at.is_(None), SupportMessage.sender_role == Role.CLIENT))
            .label("unread"),
        )
        .group_by(SupportMessage.client_id)
        .subquery()
    )
    conditions: list[ColumnElement[bool]] = [User.role == Role.CLIENT]
    if manager_id is not None:
        conditions.append(User.manager_id == manager_id)
    else:
        conditions.append(last.c.client_id.is_not(None))
    if q:
        pattern = f"%{escape_like(q.strip().lower())}%"
        conditions.append(or_(User.email.like(pattern), func.lower(User.full_name).like(pattern)))
    base = select(User.id).outerjoin(last, last.c.client_id == User.id).where(*conditions)
    total = int(await session.scalar(select(func.count()).select_from(base.subquery())) or 0)
    latest = aliased(SupportMessage)
    preview = (
        select(latest.text)
        .where(latest.client_id == User.id)
        .order_by(latest.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = (
        await session.execute(
            select(User, last.c.last_at, func.coalesce(last.c.unread, 0), preview)
            .outerjoin(last, last.c.client_id == User.id)
            .where(*conditions)
            .order_by(last.c.last_at.desc().nulls_last(), User.created_at.desc())
            .limit(limit)
            .offset(offset)
        )
    ).all()
    items = [
        {
            "client_id": user.id,
            "email": user.email,
            "full_name": user.full_name,
            "manager_id": user.manager_id,
            "last_message_at": last_at,
            "last_message_preview": text[:200] if text else None,
            "unread": int(unread_count),
        }
        for user, last_at, unread_count, text in rows
    ]
    return items, total


async def availability(session: AsyncSession, manager_id: uuid.UUID, *, lock: bool = False) -> dict[str, Any] | None:
    """A manager's stored availability; ``lock`` holds its row until the transaction ends (booking a call)."""
    query = select(ManagerAvailabilityRow.value).where(ManagerAvailabilityRow.manager_id == manager_id)
    if lock:
        query = query.with_for_update()
    value: dict[str, Any] | None = await session.scalar(query)
    return value


async def save_availability(session: AsyncSession, manager_id: uuid.UUID, value: dict[str, Any]) -> None:
    statement = insert(ManagerAvailabilityRow).values(manager_id=manager_id, value=value)
    await session.execute(
        statement.on_conflict_do_update(index_elements=["manager_id"], set_={"value": value, "updated_at": func.now()})
    )


async def confirmed_calls(
    session: AsyncSession, manager_id: uuid.UUID, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The manager's confirmed calls overlapping [start, end)."""
    rows = await session.execute(
        select(SetupCall.start, SetupCall.end).where(
            SetupCall.manager_id == manager_id,
            SetupCall.status == "confirmed",
            SetupCall.start < end,
            SetupCall.end > start,
        )
    )
    return [(s, e) for s, e in rows.all()]


async def add_call(session: AsyncSession, values: dict[str, Any]) -> SetupCall:
    call = SetupCall(**values)
    session.add(call)
    await session.flush()
    await session.refresh(call)
    return call


async def calls(
    session: AsyncSession, *, client_id: uuid.UUID | None, manager_id: uuid.UUID | None, limit: int, offset: int
) -> tuple[list[tuple[SetupCall, User, User]], int]:
    """Setup calls with their manager and business, soonest first: a business's, a manager's, or all."""
    manager, client = aliased(User), aliased(User)
    conditions: list[ColumnElement[bool]] = []
    if client_id is not None:
        conditions.append(SetupCall.client_id == client_id)
    if manager_id is not None:
        conditions.append(SetupCall.manager_id == manager_id)
    total = int(await session.scalar(select(func.count()).select_from(SetupCall).where(*conditions)) or 0)
    rows = (
        await session.execute(
            select(SetupCall, manager, client)
            .join(manager, manager.id == SetupCall.manager_id)
            .join(client, client.id == SetupCall.client_id)
            .where(*conditions)
            .order_by(SetupCall.start.desc())
            .limit(limit)
            .offset(offset)
        )
    ).all()
    return [(call, m, c) for call, m, c in rows], total


async def call_with_sides(session: AsyncSession, call_id: uuid.UUID) -> tuple[SetupCall, User, User] | None:
    """One call with its manager and business, its row locked (cancelling)."""
    manager, client = aliased(User), aliased(User)
    row = (
        await session.execute(
            select(SetupCall, manager, client)
            .join(manager, manager.id == SetupCall.manager_id)
            .join(client, client.id == SetupCall.client_id)
            .where(SetupCall.id == call_id)
            .with_for_update(of=SetupCall)
        )
    ).one_or_none()
    return (row[0], row[1], row[2]) if row is not None else None
