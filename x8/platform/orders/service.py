"""The purchase log (SPEC.md R-P3): a caller's orders across the companies it may see, newest first, and as CSV.

Like the other cross-company reads, the control-plane read ends before the tenants are read, one short tenant
transaction per company. A day in ``from``/``to`` is a calendar day in each company's own time zone, ``to``
included; an instant is that instant.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from x8.kb_engine.store import escape_cell
from x8.kit.db import Database
from x8.kit.errors import BadRequest
from x8.kit.i18n import msg
from x8.platform.booking import requests as booking_requests
from x8.platform.companies.models import Company
from x8.platform.companies.service import get_visible, visible_companies
from x8.platform.metrics.service import zone
from x8.platform.orders import store
from x8.platform.orders.money import format_major
from x8.platform.orders.schemas import Purchase, PurchaseBooking, PurchaseContact, PurchaseItem, PurchaseList
from x8.platform.orders.store import Item, Order, OrderStatus
from x8.platform.users.models import User
from x8.tenancy.session import tenant_session

# Pages of a log merged from several companies are cut from each company's newest orders: how deep one may go.
MAX_MERGED_DEPTH = 10_000
CSV_COLUMNS = [
    "id",
    "created_at",
    "company",
    "status",
    "amount",
    "currency",
    "items",
    "contact_name",
    "contact_handle",
    "channel",
    "lead_source",
    "paid_at",
    "conversation_id",
    "booking_start",
    "booking_place",
]

Moment = date | datetime


@dataclass(frozen=True)
class Filters:
    status: OrderStatus | None = None
    start: Moment | None = None
    end: Moment | None = None
    lead_source: str | None = None  # "tiktok", "meta_ads"…; "none": customers from no known source


@dataclass(frozen=True)
class _Company:
    id: uuid.UUID
    name: str
    timezone: str


def _instant(moment: Moment, tz: ZoneInfo, *, end: bool) -> datetime:
    if isinstance(moment, datetime):
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)
    day = moment + timedelta(days=1) if end else moment  # a day in ``to`` is included: up to the next midnight
    return datetime.combine(day, time(), tzinfo=tz)


def bounds(filters: Filters, tz: ZoneInfo) -> tuple[datetime | None, datetime | None]:
    start = _instant(filters.start, tz, end=False) if filters.start is not None else None
    end = _instant(filters.end, tz, end=True) if filters.end is not None else None
    return start, end


def check_period(filters: Filters) -> None:
    start, end = bounds(filters, ZoneInfo("UTC"))
    if start is not None and end is not None and start >= end:
        raise BadRequest(msg("The period starts after it ends: 'from' must come before 'to'."))


async def _companies(session: AsyncSession, user: User, company_id: uuid.UUID | None) -> list[_Company]:
    if company_id is not None:
        company = await get_visible(session, user, company_id)
        found = [_Company(company.id, company.name, company.timezone)]
    else:
        query = visible_companies(user).with_only_columns(Company.id, Company.name, Company.timezone)
        rows = await session.execute(query.order_by(Company.created_at, Company.company_id))
        found = [_Company(*row) for row in rows]
    await session.commit()  # no control-plane transaction stays open across the tenant reads
    return found


def _booking(row: dict[str, Any] | None, timezone: str) -> PurchaseBooking | None:
    """The order's booking as the purchase log shows it, its times in the bookings' time zone."""
    if row is None:
        return None
    where = zone(timezone)
    times = {"start": row["start"].astimezone(where), "end": row["end"].astimezone(where)}
    return PurchaseBooking.model_validate({k: row[k] for k in PurchaseBooking.model_fields} | times)


def _purchase(
    company_id: uuid.UUID, order: Order, items: Sequence[Item], booking: PurchaseBooking | None = None
) -> Purchase:
    return Purchase(
        id=order.id,
        company_id=company_id,
        conversation_id=order.conversation_id,
        contact=PurchaseContact(name=order.contact_name, handle=order.contact_handle),
        channel=order.channel,
        lead_source=order.lead_source,
        items=[
            PurchaseItem(
                kb_row_id=item.kb_row_id,
                name=item.name,
                quantity=item.quantity,
                unit_amount=format_major(item.unit_amount, item.currency),
                currency=item.currency,
            )
            for item in items
        ],
        amount=format_major(order.amount, order.currency),
        currency=order.currency,
        status=order.status,
        paid_at=order.paid_at,
        booking=booking,
        created_at=order.created_at,
    )


async def list_purchases(
    session: AsyncSession,
    db: Database,
    user: User,
    *,
    company_id: uuid.UUID | None,
    filters: Filters,
    limit: int,
    offset: int,
) -> PurchaseList:
    check_period(filters)
    companies = await _companies(session, user, company_id)
    if len(companies) > 1 and offset + limit > MAX_MERGED_DEPTH:
        raise BadRequest(
            msg(
                "Across several companies the log goes {depth} orders deep; name a company to page further.",
                depth=MAX_MERGED_DEPTH,
            )
        )
    total = 0
    newest: list[tuple[_Company, Order]] = []
    for company in companies:
        start, end = bounds(filters, zone(company.timezone))
        async with tenant_session(db, company.id) as ts:
            total += await store.count(ts, status=filters.status, start=start, end=end, lead_source=filters.lead_source)
            orders = await store.newest(
                ts,
                status=filters.status,
                start=start,
                end=end,
                limit=offset + limit,
                lead_source=filters.lead_source,
            )
        newest += [(company, order) for order in orders]
    newest.sort(key=lambda pair: (pair[1].created_at, pair[1].id), reverse=True)
    page = newest[offset : offset + limit]
    items: dict[uuid.UUID, list[Item]] = {}
    booked: dict[uuid.UUID, PurchaseBooking | None] = {}
    for company in companies:
        ids = [order.id for owner, order in page if owner.id == company.id]
        if ids:
            async with tenant_session(db, company.id) as ts:
                items.update(await store.items_of(ts, ids))
                found = await booking_requests.bookings_of_orders(ts, ids)
                where = await booking_requests.booking_zone(ts, company.timezone)
            booked.update((i, _booking(found.get(i), where)) for i in ids)
    return PurchaseList(
        items=[_purchase(owner.id, order, items.get(order.id, []), booked.get(order.id)) for owner, order in page],
        total=total,
    )


def _items_text(items: Sequence[Item]) -> str:
    return "; ".join(f"{item.quantity} × {item.name}" for item in items)


async def export_csv(
    session: AsyncSession, db: Database, user: User, *, company_id: uuid.UUID | None, filters: Filters
) -> str:
    """Every order of the caller's companies (or of one), newest first, with cells a spreadsheet would run as
    formulas escaped (a name starting with ``=`` is a customer's text, not a formula)."""
    check_period(filters)
    companies = await _companies(session, user, company_id)
    rows: list[tuple[_Company, Order, list[Item], PurchaseBooking | None]] = []
    for company in companies:
        start, end = bounds(filters, zone(company.timezone))
        async with tenant_session(db, company.id) as ts:
            orders = await store.newest(
                ts, status=filters.status, start=start, end=end, limit=None, lead_source=filters.lead_source
            )
            ids = [order.id for order in orders]
            items = await store.items_of(ts, ids)
            booked = await booking_requests.bookings_of_orders(ts, ids)
            where = await booking_requests.booking_zone(ts, company.timezone)
        rows += [(company, order, items[order.id], _booking(booked.get(order.id), where)) for order in orders]
    rows.sort(key=lambda row: (row[1].created_at, row[1].id), reverse=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for company, order, order_items, booking in rows:
        values = [
            order.id,
            order.created_at.isoformat(),
            company.name,
            order.status,
            format_major(order.amount, order.currency),
            order.currency,
            _items_text(order_items),
            order.contact_name,
            order.contact_handle,
            order.channel,
            order.lead_source,
            order.paid_at.isoformat() if order.paid_at else None,
            order.conversation_id,
            booking.start.isoformat() if booking else None,
            ", ".join(p for p in (booking.city, booking.address, booking.format) if p) if booking else None,
        ]
        writer.writerow([escape_cell(value) for value in values])
    return buffer.getvalue()
