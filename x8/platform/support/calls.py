"""Setup calls (SPEC.md R-CH6): a manager publishes hours, and each of their businesses books a video call in a free
slot. Slots are the booking grid of §11 (``x8.platform.booking.slots``) laid over the manager's hours, minus their
confirmed calls. Booking locks the manager's availability row from the check to the insert, so two businesses
racing for one slot are checked one after the other and only one gets it.

A business without a manager has nobody to book: its slots and bookings answer 409 ``NoManager``, and the Support
page sends it to the chat, which the admins answer (docs/support.md).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.clock import utcnow
from x8.kit.errors import NotFound
from x8.kit.i18n import msg
from x8.platform.booking.availability import Availability
from x8.platform.booking.errors import SlotTaken, Unprocessable
from x8.platform.booking.schemas import SlotOut
from x8.platform.booking.service import Moment, window
from x8.platform.booking.slots import Busy, free_slots, grid, peak
from x8.platform.support import repository
from x8.platform.support.errors import NoManager
from x8.platform.support.models import SetupCall
from x8.platform.support.schemas import ManagerAvailability, SetupCallIn, SetupCallList, SetupCallOut
from x8.platform.users.models import Role, User

MEETING_BASE = "https://meet.jit.si/x8-setup-"


async def availability_of(session: AsyncSession, manager_id: uuid.UUID, *, lock: bool = False) -> ManagerAvailability:
    """The manager's hours; one who never published any has none."""
    stored = await repository.availability(session, manager_id, lock=lock)
    return ManagerAvailability.model_validate(stored) if stored is not None else ManagerAvailability()


async def publish(session: AsyncSession, manager: User, value: ManagerAvailability) -> ManagerAvailability:
    await repository.save_availability(session, manager.id, value.model_dump(mode="json"))
    return await availability_of(session, manager.id)


def _grid_of(hours: ManagerAvailability) -> Availability:
    return Availability.model_validate(hours.model_dump())


async def manager_of(session: AsyncSession, business: User) -> User:
    manager = await session.get(User, business.manager_id) if business.manager_id else None
    if manager is None or manager.role != Role.MANAGER:
        raise NoManager(msg("You have no manager yet. Write in the support chat: an administrator will answer."))
    return manager


def _booked(spans: list[tuple[datetime, datetime]], buffer_minutes: int) -> list[Busy]:
    buffer = timedelta(minutes=buffer_minutes)
    return [Busy(start, end + buffer, 1) for start, end in spans]


async def slots(session: AsyncSession, business: User, start: Moment | None, end: Moment | None) -> list[SlotOut]:
    manager = await manager_of(session, business)
    hours = await availability_of(session, manager.id)
    zone = ZoneInfo(hours.timezone)
    first, last = window(start, end, zone)
    buffer = timedelta(minutes=hours.buffer_minutes)
    booked = _booked(await repository.confirmed_calls(session, manager.id, first - buffer, last), hours.buffer_minutes)
    candidates = grid(
        _grid_of(hours),
        first.astimezone(zone).date(),
        last.astimezone(zone).date(),
        duration=hours.slot_minutes,
        city=None,
    )
    free = free_slots(candidates, capacity=hours.capacity, busy=booked, after=utcnow(), window=(first, last))
    return [SlotOut(start=s.start, end=s.end, remaining=s.remaining) for s in free]


def _slot_end(hours: ManagerAvailability, start: datetime) -> datetime:
    """The end of the slot that starts at ``start``, or why there is none."""
    if start <= utcnow():
        raise Unprocessable(msg("This time is in the past."))
    zone = ZoneInfo(hours.timezone)
    day = start.astimezone(zone).date()
    wanted = start.astimezone(UTC)
    for slot_start, slot_end in grid(_grid_of(hours), day, day, duration=hours.slot_minutes, city=None):
        if slot_start.astimezone(UTC) == wanted:
            return slot_end
    raise Unprocessable(msg("This time is not the start of a slot; pick one from the list of free slots."))


async def book(session: AsyncSession, business: User, body: SetupCallIn) -> SetupCallOut:
    manager = await manager_of(session, business)
    hours = await availability_of(session, manager.id, lock=True)
    start = body.start if body.start.tzinfo is not None else body.start.replace(tzinfo=ZoneInfo(hours.timezone))
    end = _slot_end(hours, start)
    buffer = timedelta(minutes=hours.buffer_minutes)
    booked = _booked(await repository.confirmed_calls(session, manager.id, start - buffer, end), hours.buffer_minutes)
    if peak(booked, start.astimezone(UTC), end.astimezone(UTC)) >= hours.capacity:
        raise SlotTaken(msg("This slot has just been taken. Please pick another one."))
    call = await repository.add_call(
        session,
        {
            "manager_id": manager.id,
            "client_id": business.id,
            "start": start,
            "end": end,
            "topic": body.topic.strip(),
            "meeting_url": f"{MEETING_BASE}{uuid.uuid4().hex}",
            "status": "confirmed",
        },
    )
    return call_out(call, manager, business)


def call_out(call: SetupCall, manager: User, client: User) -> SetupCallOut:
    return SetupCallOut(
        id=call.id,
        manager_id=manager.id,
        manager_name=manager.full_name or manager.email,
        client_id=client.id,
        client_name=client.full_name or client.email,
        client_email=client.email,
        start=call.start,
        end=call.end,
        topic=call.topic,
        meeting_url=call.meeting_url,
        status="cancelled" if call.status == "cancelled" else "confirmed",
        created_at=call.created_at,
    )


async def listed(session: AsyncSession, caller: User, *, limit: int, offset: int) -> SetupCallList:
    """A business's calls, a manager's calls, or (the admins) every call."""
    client_id = caller.id if caller.role == Role.CLIENT else None
    manager_id = caller.id if caller.role == Role.MANAGER else None
    rows, total = await repository.calls(
        session, client_id=client_id, manager_id=manager_id, limit=limit, offset=offset
    )
    return SetupCallList(items=[call_out(c, m, b) for c, m, b in rows], total=total)


async def cancel(session: AsyncSession, caller: User, call_id: uuid.UUID) -> SetupCallOut:
    """Either side cancels a call (an admin any); its slot is free again. Someone else's call is 404; cancelling
    twice changes nothing."""
    found = await repository.call_with_sides(session, call_id)
    if found is None or not _sees(caller, found[0]):
        raise NotFound(msg("Setup call not found."))
    call, manager, client = found
    call.status = "cancelled"
    await session.flush()
    return call_out(call, manager, client)


def _sees(caller: User, call: SetupCall) -> bool:
    if caller.role == Role.ADMIN:
        return True
    return caller.id in (call.client_id, call.manager_id)
