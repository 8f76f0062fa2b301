"""Booking's use cases: list free slots, book one, list and cancel bookings (SPEC.md R-CAL1, R-CAL2)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from x8.integrations.google import GoogleError, GoogleNotConfigured
from x8.kit.clock import utcnow
from x8.kit.db import Database
from x8.kit.errors import NotFound
from x8.kit.i18n import msg
from x8.platform.booking import availability as availability_store
from x8.platform.booking import calendar_store, store
from x8.platform.booking.availability import Availability, minutes_of
from x8.platform.booking.busy import subtract
from x8.platform.booking.calendar import CalendarClient
from x8.platform.booking.errors import SlotTaken, Unprocessable
from x8.platform.booking.schemas import BookingIn, BookingOut, SlotOut
from x8.platform.booking.slots import Busy, days_of, free_slots, grid, peak
from x8.platform.booking.tasks import schedule_calendar_sync
from x8.platform.companies.models import Company, CompanyType
from x8.platform.companies.scope import TenantScope
from x8.platform.companies.service import get_editable, visible_companies
from x8.platform.users.models import User
from x8.settings import Settings, get_settings
from x8.tenancy.session import TenantSession, tenant_session

log = logging.getLogger(__name__)

MAX_RANGE_DAYS = 62
DEFAULT_RANGE_DAYS = 14
Moment = date | datetime


@dataclass(frozen=True)
class Plan:
    """What a company offers for one service and city: its availability, slot length and capacity."""

    availability: Availability
    duration: int
    capacity: int
    city: str | None


def _instant(moment: Moment, zone: ZoneInfo, *, end: bool) -> datetime:
    if isinstance(moment, datetime):
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
    day = moment + timedelta(days=1) if end else moment
    return datetime.combine(day, time(), tzinfo=zone)


def window(start: Moment | None, end: Moment | None, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[from, to) as instants: a day is the company's local day (``to`` included); at most ``MAX_RANGE_DAYS``."""
    first = _instant(start, zone, end=False) if start is not None else utcnow().astimezone(zone)
    last = _instant(end, zone, end=True) if end is not None else first + timedelta(days=DEFAULT_RANGE_DAYS)
    if last <= first:
        raise Unprocessable(msg("The range must end after it starts."))
    if last - first > timedelta(days=MAX_RANGE_DAYS):
        raise Unprocessable(
            msg("Ask for at most {days} {days:plural:day|days} of slots at a time.", days=MAX_RANGE_DAYS)
        )
    return first.astimezone(UTC), last.astimezone(UTC)


async def _plan(
    session: TenantSession, company: Company, service_id: uuid.UUID | None, city: str | None, *, lock: bool = False
) -> Plan:
    availability = await availability_store.load(session, lock=lock)
    if availability is None:
        availability = availability_store.default_availability(company.timezone)
    duration = availability.slot_minutes
    if service_id is not None:
        found = await store.service_duration(session, service_id)
        if found is False:
            raise Unprocessable(msg("There is no such service in the knowledge base."))
        if isinstance(found, int) and found > 0:
            duration = found
    canonical: str | None = None
    if city is not None:
        zone = availability.city(city)
        if zone is None:
            raise Unprocessable(msg("The company does not deliver to this city."))
        canonical = zone.name
    _, capacity = days_of(availability, canonical)
    return Plan(availability, duration, capacity, canonical)


def _booked(spans: Sequence[tuple[datetime, datetime]], buffer_minutes: int) -> list[Busy]:
    """Each confirmed booking holds one unit from its start to its end plus the buffer."""
    buffer = timedelta(minutes=buffer_minutes)
    return [Busy(start, end + buffer, 1) for start, end in spans]


def _calendar_held(
    google: Sequence[tuple[datetime, datetime]], own_events: Sequence[tuple[datetime, datetime]], capacity: int
) -> list[Busy]:
    """Google's busy times hold a slot whole, except the platform's own events (bookings already counted)."""
    return [Busy(start, end, capacity) for start, end in subtract(google, own_events)]


async def _calendar_busy(
    scope: TenantScope, settings: Settings, connection: calendar_store.Connection, first: datetime, last: datetime
) -> list[tuple[datetime, datetime]]:
    """Google's busy spans, or none when Google fails (recorded as the connection's last error): the bookings and
    the availability still stand, and a failing calendar must not close the shop."""
    try:
        async with CalendarClient(settings, scope.db, scope.id, connection.calendar_id, connection.tokens) as calendar:
            return await calendar.busy(first, last)
    except GoogleNotConfigured:
        log.warning("company %s has a Google Calendar but GOOGLE_CLIENT_ID is not set: busy times ignored", scope.id)
        return []
    except GoogleError as failure:
        log.warning("Google Calendar freeBusy failed for company %s: %s", scope.id, failure.code)
        async with scope.tenant() as session:
            await calendar_store.record_error(session, failure.message.render("en"))
        return []


async def list_slots(
    scope: TenantScope,
    settings: Settings,
    *,
    start: Moment | None,
    end: Moment | None,
    city: str | None,
    service_id: uuid.UUID | None,
) -> list[SlotOut]:
    tokens = await calendar_store.tokens_of(scope.db, settings, scope.id)
    async with scope.tenant() as session:
        plan = await _plan(session, scope.company, service_id, city)
        zone = ZoneInfo(plan.availability.timezone)
        first, last = window(start, end, zone)
        buffer = timedelta(minutes=plan.availability.buffer_minutes)
        spans = await store.confirmed_spans(session, first - buffer - timedelta(days=1), last, plan.city)
        connection = await calendar_store.load(session, tokens)
        own_events = await store.event_spans(session, first, last) if connection is not None else []
    busy = _booked(spans, plan.availability.buffer_minutes)
    if connection is not None:
        google = await _calendar_busy(scope, settings, connection, first, last)
        busy += _calendar_held(google, own_events, plan.capacity)
    candidates = grid(
        plan.availability,
        first.astimezone(zone).date(),
        last.astimezone(zone).date(),
        duration=plan.duration,
        city=plan.city,
    )
    slots = free_slots(
        candidates,
        capacity=plan.capacity,
        busy=busy,
        after=utcnow(),
        window=(first, last),
    )
    return [SlotOut(start=s.start, end=s.end, remaining=s.remaining) for s in slots]


def _check_on_grid(plan: Plan, start: datetime) -> datetime:
    """The slot's end when ``start`` is a bookable slot start; else the reason it is not, as an error."""
    zone = ZoneInfo(plan.availability.timezone)
    local = start.astimezone(zone)
    if start <= utcnow():
        raise Unprocessable(msg("This time is in the past."))
    if local.date() in plan.availability.closed_dates:
        raise Unprocessable(msg("The company is closed on this date."))
    for slot_start, slot_end in grid(
        plan.availability, local.date(), local.date(), duration=plan.duration, city=plan.city
    ):
        if slot_start.astimezone(UTC) == start.astimezone(UTC):  # in UTC: see slots.free_slots
            return slot_end
    weekly, _ = days_of(plan.availability, plan.city)
    minute = local.hour * 60 + local.minute
    opening = any(r.weekday == local.weekday() and minutes_of(r.start) <= minute < minutes_of(r.end) for r in weekly)
    if opening:
        raise Unprocessable(msg("This time is not the start of a slot; pick one from the list of free slots."))
    raise Unprocessable(msg("This time is outside the opening hours."))


def _kind(company: Company, city: str | None) -> str:
    if company.company_type == CompanyType.SERVICE:
        return "appointment"
    if company.company_type == CompanyType.PRODUCT or city is not None:
        return "delivery"
    return "appointment"


async def _calendar_before_booking(
    scope: TenantScope, settings: Settings, body: BookingIn
) -> list[tuple[datetime, datetime]] | None:
    """Google's busy spans over the slot asked for (``None`` without a calendar), read before the booking's
    transaction opens: no provider call inside it. A slot that is not bookable at all fails here, before Google."""
    tokens = await calendar_store.tokens_of(scope.db, settings, scope.id)
    async with scope.tenant() as session:
        plan = await _plan(session, scope.company, body.service_id, body.city)
        end = _check_on_grid(plan, body.start)
        connection = await calendar_store.load(session, tokens)
    if connection is None:
        return None
    return await _calendar_busy(scope, settings, connection, body.start, end)


def _check_free(plan: Plan, start: datetime, end: datetime, booked: list[Busy], calendar: list[Busy]) -> None:
    """Refuse a slot the slots list would not offer: the same rule (``slots.peak``) over the same spans."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if peak(booked, start, end) >= plan.capacity:
        raise SlotTaken(msg("This slot has just been taken. Please pick another one."))
    if peak(booked + calendar, start, end) >= plan.capacity:
        raise SlotTaken(msg("The company's calendar is busy at this time. Please pick another slot."))


async def book(scope: TenantScope, body: BookingIn, settings: Settings | None = None) -> BookingOut:
    """Book one unit of a slot, or raise ``SlotTaken`` when it has no capacity left at some moment of it (bookings
    of any service and, with a calendar connected, Google's busy times). The availability row stays locked from the
    check to the insert, so two bookings of one company are never checked at once (docs/booking.md)."""
    settings = settings or get_settings()
    google = await _calendar_before_booking(scope, settings, body)
    async with scope.tenant() as session:
        plan = await _plan(session, scope.company, body.service_id, body.city, lock=True)
        end = _check_on_grid(plan, body.start)  # again: the availability may have changed since
        buffer = timedelta(minutes=plan.availability.buffer_minutes)
        booked = _booked(
            await store.confirmed_spans(session, body.start - buffer, end, plan.city),
            plan.availability.buffer_minutes,
        )
        calendar: list[Busy] = []
        if google is not None:
            calendar = _calendar_held(google, await store.event_spans(session, body.start, end), plan.capacity)
        _check_free(plan, body.start, end, booked, calendar)
        row = await store.insert_booking(
            session,
            {
                "kind": _kind(scope.company, plan.city),
                "start": body.start,
                "end": end,
                "city": plan.city,
                "address": body.address,
                "format": body.format,
                "service_id": body.service_id,
                "order_id": body.order_id,
                "conversation_id": body.conversation_id,
                "contact_name": body.contact_name,
                "contact_phone": body.contact_phone,
            },
        )
        connected = await calendar_store.is_connected(session)
    if connected:
        await schedule_calendar_sync(scope.id, row["id"])
    return booking_out(row, ZoneInfo(plan.availability.timezone))


def booking_out(row: dict[str, Any], zone: ZoneInfo) -> BookingOut:
    return BookingOut.model_validate(row | {"start": row["start"].astimezone(zone), "end": row["end"].astimezone(zone)})


async def _zone(session: TenantSession, company: Company) -> ZoneInfo:
    availability = await availability_store.load(session)
    return ZoneInfo((availability or availability_store.default_availability(company.timezone)).timezone)


async def list_bookings(
    scope: TenantScope, *, start: Moment | None, end: Moment | None, limit: int, offset: int
) -> tuple[list[BookingOut], int]:
    async with scope.tenant() as session:
        zone = await _zone(session, scope.company)
        first = _instant(start, zone, end=False) if start is not None else None
        last = _instant(end, zone, end=True) if end is not None else None
        rows, total = await store.list_bookings(session, first, last, limit, offset)
    return [booking_out(r, zone) for r in rows], total


async def cancel(session: AsyncSession, db: Database, user: User, booking_id: uuid.UUID) -> BookingOut:
    """Cancel a booking of one of the caller's companies and give its capacity back. Another business's booking is
    404; a manager may look but not cancel (403)."""
    companies = (await session.execute(visible_companies(user))).scalars().all()
    await session.commit()
    for company in companies:
        async with tenant_session(db, company.id) as tenant:
            found = await store.find_booking(tenant, booking_id)
        if found is None:
            continue
        await get_editable(session, user, company.id)
        await session.commit()
        async with tenant_session(db, company.id) as tenant:
            zone = await _zone(tenant, company)
            row = await store.cancel_booking(tenant, booking_id) or await store.find_booking(tenant, booking_id)
            connected = await calendar_store.is_connected(tenant)
        assert row is not None
        # Even without an event id yet: the booking's insert job may be running, and this job (queued behind it on
        # the booking's lock) then deletes the event it made.
        if connected:
            await schedule_calendar_sync(company.id, booking_id)
        return booking_out(row, zone)
    raise NotFound(msg("Booking not found."))
