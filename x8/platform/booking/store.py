"""Bookings and the company's bookable services in a tenant schema; every query runs in the caller's
``TenantSession``. What keeps concurrent bookings apart is the availability row's lock (``availability.load`` with
``lock=True``), taken by the booking's transaction before it reads these: see docs/booking.md.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, select, update

from x8.tenancy.session import TenantSession
from x8.tenancy.tables import bookings, contacts, conversations, kb_items


def city_key(city: str) -> str:
    """How a booking's city is compared: trimmed and case-folded."""
    return city.strip().casefold()


async def service_duration(session: TenantSession, service_id: uuid.UUID) -> int | bool | None:
    """The KB row's ``duration_minutes`` (``None`` when it has none), or ``False`` when there is no such row."""
    row = (await session.execute(select(kb_items.c.duration_minutes).where(kb_items.c.id == service_id))).first()
    return False if row is None else row.duration_minutes


async def confirmed_spans(
    session: TenantSession, start: datetime, end: datetime, city: str | None
) -> Sequence[tuple[datetime, datetime]]:
    """(start, end) of the confirmed bookings of one city (or of none) that overlap [start, end): one query."""
    city_match = bookings.c.city.is_(None) if city is None else func.lower(bookings.c.city) == city_key(city)
    rows = await session.execute(
        select(bookings.c.start, bookings.c.end)
        .where(bookings.c.status == "confirmed", bookings.c.start < end, bookings.c.end > start, city_match)
        .order_by(bookings.c.start)
    )
    return [(r.start, r.end) for r in rows]


async def insert_booking(session: TenantSession, values: dict[str, Any]) -> dict[str, Any]:
    row = (await session.execute(bookings.insert().values(**values).returning(*bookings.c))).mappings().one()
    return dict(row)


async def cancel_booking(session: TenantSession, booking_id: uuid.UUID) -> dict[str, Any] | None:
    """Mark a confirmed booking cancelled; None when there is no such booking or it was cancelled already."""
    row = (
        (
            await session.execute(
                update(bookings)
                .where(bookings.c.id == booking_id, bookings.c.status == "confirmed")
                .values(status="cancelled", cancelled_at=func.now())
                .returning(*bookings.c)
            )
        )
        .mappings()
        .first()
    )
    return None if row is None else dict(row)


def _with_lead_source() -> Select[Any]:
    """A booking with the lead source of the customer it was made for (TikTok, a Meta ad…), when it came from a
    conversation: a free service booked in chat has no order to carry it."""
    return select(bookings, contacts.c.lead_source).select_from(
        bookings.outerjoin(conversations, conversations.c.id == bookings.c.conversation_id).outerjoin(
            contacts, contacts.c.id == conversations.c.contact_id
        )
    )


async def find_booking(session: TenantSession, booking_id: uuid.UUID) -> dict[str, Any] | None:
    row = (await session.execute(_with_lead_source().where(bookings.c.id == booking_id))).mappings().first()
    return None if row is None else dict(row)


async def event_spans(session: TenantSession, start: datetime, end: datetime) -> Sequence[tuple[datetime, datetime]]:
    """(start, end) of the bookings (of any city) whose event is in the company's calendar, overlapping [start, end):
    the platform's own events, which Google's busy times include."""
    rows = await session.execute(
        select(bookings.c.start, bookings.c.end).where(
            bookings.c.calendar_event_id.is_not(None), bookings.c.start < end, bookings.c.end > start
        )
    )
    return [(r.start, r.end) for r in rows]


async def list_bookings(
    session: TenantSession, start: datetime | None, end: datetime | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    conditions = []
    if start is not None:
        conditions.append(bookings.c.end > start)
    if end is not None:
        conditions.append(bookings.c.start < end)
    where = and_(True, *conditions)
    total = int(await session.scalar(select(func.count()).select_from(bookings).where(where)) or 0)
    rows = await session.execute(
        _with_lead_source().where(where).order_by(bookings.c.start, bookings.c.id).limit(limit).offset(offset)
    )
    return [dict(r) for r in rows.mappings()], total


async def list_services(session: TenantSession, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    """The KB rows one books an appointment for (a Service company's rows), by name: id, name, duration, format."""
    total = int(await session.scalar(select(func.count()).select_from(kb_items)) or 0)
    rows = await session.execute(
        select(kb_items.c.id, kb_items.c.name, kb_items.c.duration_minutes, kb_items.c.format)
        .order_by(func.lower(kb_items.c.name), kb_items.c.id)
        .limit(limit)
        .offset(offset)
    )
    return [dict(r) for r in rows.mappings()], total
