"""The booking a customer is arranging in chat (tenant table ``booking_requests``, migration t0010): which order or
service it is for, the stage it has reached, and the numbered slots last offered."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert

from x8.platform.booking import availability as availability_store
from x8.tenancy.session import TenantSession
from x8.tenancy.tables import booking_requests, bookings, messages

Stage = Literal["city", "slot", "address", "booked", "handed_over", "superseded"]
OPEN_STAGES: tuple[Stage, ...] = ("city", "slot", "address")


@dataclass(frozen=True)
class Request:
    id: uuid.UUID
    conversation_id: uuid.UUID
    order_id: uuid.UUID | None
    service_id: uuid.UUID | None
    kind: Literal["delivery", "appointment"]
    stage: Stage
    city: str | None
    address: str | None
    offered: tuple[datetime, ...]
    chosen_start: datetime | None
    misunderstood: int
    language: str | None
    booking_id: uuid.UUID | None
    created_at: datetime


_COLUMNS = [booking_requests.c[name] for name in Request.__dataclass_fields__]


def _request(row: Any) -> Request:
    values = dict(row._mapping)
    values["offered"] = tuple(datetime.fromisoformat(s) for s in values["offered"])
    return Request(**values)


async def open_for(ts: TenantSession, conversation_id: uuid.UUID, *, lock: bool = False) -> Request | None:
    """The conversation's open request; ``lock`` holds it until the transaction ends (one turn at a time)."""
    query = select(*_COLUMNS).where(
        booking_requests.c.conversation_id == conversation_id, booking_requests.c.stage.in_(OPEN_STAGES)
    )
    row = (await ts.execute(query.with_for_update() if lock else query)).first()
    return _request(row) if row is not None else None


async def open_request(
    ts: TenantSession,
    *,
    conversation_id: uuid.UUID,
    order_id: uuid.UUID | None,
    service_id: uuid.UUID | None,
    kind: Literal["delivery", "appointment"],
    language: str,
    stage: Stage = "slot",
    city: str | None = None,
    offered: tuple[datetime, ...] = (),
) -> Request | None:
    """Open a request at ``stage`` (an older open one of the conversation is superseded). None when this order has
    one already: a payment delivered twice opens one request."""
    if order_id is not None and await of_order(ts, order_id):
        return None
    await ts.execute(
        update(booking_requests)
        .where(booking_requests.c.conversation_id == conversation_id, booking_requests.c.stage.in_(OPEN_STAGES))
        .values(stage="superseded", updated_at=func.now())
    )
    row = (
        await ts.execute(
            insert(booking_requests)
            .values(
                conversation_id=conversation_id,
                order_id=order_id,
                service_id=service_id,
                kind=kind,
                stage=stage,
                city=city,
                offered=[start.isoformat() for start in offered],
                language=language,
            )
            .on_conflict_do_nothing(index_elements=["order_id"], index_where=booking_requests.c.order_id.is_not(None))
            .returning(*_COLUMNS)
        )
    ).first()
    return _request(row) if row is not None else None


async def of_order(ts: TenantSession, order_id: uuid.UUID) -> bool:
    """This order has had a booking request (it is offered once, whatever became of it)."""
    seen = await ts.execute(select(booking_requests.c.id).where(booking_requests.c.order_id == order_id))
    return seen.first() is not None


async def save(
    ts: TenantSession,
    request: Request,
    *,
    stage: Stage,
    city: str | None = None,
    address: str | None = None,
    offered: tuple[datetime, ...] | None = None,
    chosen_start: datetime | None = None,
    misunderstood: int | None = None,
    booking_id: uuid.UUID | None = None,
    language: str | None = None,
) -> None:
    values: dict[str, Any] = {"stage": stage, "updated_at": func.now()}
    if language is not None:
        values["language"] = language
    if city is not None:
        values["city"] = city
    if address is not None:
        values["address"] = address
    if offered is not None:
        values["offered"] = [s.isoformat() for s in offered]
    if chosen_start is not None:
        values["chosen_start"] = chosen_start
    if misunderstood is not None:
        values["misunderstood"] = misunderstood
    if booking_id is not None:
        values["booking_id"] = booking_id
    await ts.execute(update(booking_requests).where(booking_requests.c.id == request.id).values(**values))


async def written_after(ts: TenantSession, message_ids: tuple[str, ...], moment: datetime) -> bool:
    """Some of these customer messages came in after ``moment`` (so they may answer what was asked then)."""
    latest = (
        await ts.execute(
            select(func.max(messages.c.created_at)).where(messages.c.id.in_([uuid.UUID(i) for i in message_ids]))
        )
    ).scalar_one_or_none()
    return latest is not None and latest > moment


async def booking_zone(ts: TenantSession, company_zone: str) -> str:
    """The time zone bookings are told in: the availability's, else the company's."""
    found = await availability_store.load(ts)
    return found.timezone if found is not None else company_zone


async def bookings_of_orders(ts: TenantSession, order_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    """Each order's confirmed booking (the latest, should there be several), for the purchase log."""
    if not order_ids:
        return {}
    rows = await ts.execute(
        select(bookings)
        .where(bookings.c.order_id.in_(order_ids), bookings.c.status == "confirmed")
        .order_by(bookings.c.created_at)
    )
    return {row.order_id: dict(row._mapping) for row in rows}
