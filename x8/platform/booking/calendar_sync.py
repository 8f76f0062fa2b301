"""Keeping a booking's Google Calendar event in step with the booking, from the job queue, after the booking's
transaction has committed.

``sync_booking`` is idempotent: it looks at the booking as it is now and makes the calendar agree (a confirmed
booking without an event gets one; a cancelled booking with an event loses it), so a retried or repeated job does
no harm. Jobs of one booking hold one queue lock, so two never interleave. A failure is recorded as the
connection's ``last_error`` (shown on the Calendar page) and raised, so the queue retries; a success clears it.
"""

from __future__ import annotations

import uuid

from x8.integrations.google import GoogleError, GoogleRefused
from x8.kit.db import Database
from x8.platform.activity import hooks as activity
from x8.platform.booking import availability as availability_store
from x8.platform.booking import calendar_store, store
from x8.platform.booking.calendar import CalendarClient
from x8.settings import Settings
from x8.tenancy.session import tenant_session

GONE = (404, 410)  # Google answers a deleted event's delete with 410 (or 404): already done


def _summary(booking: dict[str, object]) -> str:
    who = booking.get("contact_name") or ""
    kind = "Delivery" if booking["kind"] == "delivery" else "Appointment"
    where = f" — {booking['city']}" if booking.get("city") else ""
    return f"{kind}{where}{f': {who}' if who else ''}"


async def sync_booking(db: Database, settings: Settings, company_id: uuid.UUID, booking_id: uuid.UUID) -> str:
    """Make the calendar agree with the booking; what was done (``inserted``, ``deleted``, ``nothing``)."""
    tokens = await calendar_store.tokens_of(db, settings, company_id)
    async with tenant_session(db, company_id) as session:
        connection = await calendar_store.load(session, tokens)
        booking = await store.find_booking(session, booking_id)
        availability = await availability_store.load(session)
    if connection is None or booking is None:
        return "nothing"
    wants_event = booking["status"] == "confirmed"
    event_id = booking["calendar_event_id"]
    if wants_event == (event_id is not None):
        return "nothing"
    try:
        async with CalendarClient(settings, db, company_id, connection.calendar_id, connection.tokens) as calendar:
            if wants_event:
                zone = availability.timezone if availability is not None else "UTC"
                event_id = await calendar.insert_event(
                    booking_id, booking["start"], booking["end"], zone=zone, summary=_summary(booking)
                )
            else:
                try:
                    await calendar.delete_event(event_id)
                except GoogleRefused as gone:
                    if gone.status not in GONE:
                        raise
                event_id = None
    except GoogleError as failure:
        async with tenant_session(db, company_id) as session:
            await calendar_store.record_error(session, failure.message.render("en"))
        await activity.calendar_write(db, company_id, booking_id, failure.message.render("en"))
        raise
    async with tenant_session(db, company_id) as session:
        await calendar_store.set_event_id(session, booking_id, event_id)
        await calendar_store.record_error(session, None)
    await activity.calendar_write(db, company_id, booking_id, None)
    return "inserted" if wants_event else "deleted"
