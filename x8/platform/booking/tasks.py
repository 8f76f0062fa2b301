"""Booking's jobs: keep a booking's Google Calendar event in step with it (``calendar_sync``), retried with
growing waits while Google fails; offer a paid order's booking in its chat (``offer_after_payment``)."""

from __future__ import annotations

import contextlib
import uuid

import procrastinate

from x8.kit.jobs import context
from x8.platform.booking.calendar_sync import sync_booking

blueprint = procrastinate.Blueprint()


@blueprint.task(
    name="sync_calendar_event",
    retry=procrastinate.RetryStrategy(max_attempts=8, exponential_wait=2),
    pass_context=False,
)
async def sync_calendar_event(company_id: str, booking_id: str) -> None:
    ctx = context()
    await sync_booking(ctx.db, ctx.settings, uuid.UUID(company_id), uuid.UUID(booking_id))


@blueprint.task(
    name="offer_after_payment",
    retry=procrastinate.RetryStrategy(max_attempts=6, exponential_wait=2),
    pass_context=False,
)
async def offer_after_payment(company_id: str, order_id: str) -> None:
    # Imported here: the chat books through the service, which imports this module to queue calendar syncs.
    from x8.platform.booking.chat import offer_for_order

    ctx = context()
    await offer_for_order(ctx.db, ctx.settings, uuid.UUID(company_id), uuid.UUID(order_id))


async def schedule_booking_offer(company_id: uuid.UUID, order_id: uuid.UUID) -> None:
    """After the payment has committed: offer the order's booking in its chat, retried if it fails."""
    with contextlib.suppress(procrastinate.exceptions.AlreadyEnqueued):  # one is waiting already
        await offer_after_payment.configure(queueing_lock=f"booking-offer:{order_id}").defer_async(
            company_id=str(company_id), order_id=str(order_id)
        )


async def schedule_calendar_sync(company_id: uuid.UUID, booking_id: uuid.UUID) -> None:
    """Defer the sync after the booking's transaction has committed; one booking's jobs never run at once."""
    await sync_calendar_event.configure(lock=f"calendar-event:{booking_id}").defer_async(
        company_id=str(company_id), booking_id=str(booking_id)
    )
