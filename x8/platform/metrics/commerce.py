"""Orders and bookings, counted from their own tables at request time, each by the time of its own event.

Their rows change long after they are written (an order paid days later, a refund, a cancelled booking), and
they are far fewer than messages, so they are not folded: an indexed read of the range is both exact and fast.
The range is bounded twice: by instants two days wider than any time zone's (so the time indexes are used), then
exactly by the local calendar day. Sums come back per period (each key's ``day`` is its period's first day).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.sql.elements import ColumnClause

from x8.platform.metrics.periods import Granularity, local_day, period_column
from x8.platform.metrics.tally import Key, Tallies, Tally
from x8.tenancy.session import TenantSession
from x8.tenancy.tables import bookings, contacts, conversations, orders


async def count(ts: TenantSession, tz: str, first: date, last: date, granularity: Granularity) -> Tallies:
    """Payment links, paid orders with their revenue and bookings of the local days ``first`` … ``last``."""
    lo = datetime.combine(first - timedelta(days=2), time(), tzinfo=UTC)
    hi = datetime.combine(last + timedelta(days=2), time(), tzinfo=UTC)

    def within(instant: ColumnElement[datetime] | ColumnClause[Any]) -> ColumnElement[bool]:
        return and_(instant >= lo, instant < hi, local_day(instant, tz).between(first, last))

    def period(instant: ColumnElement[datetime] | ColumnClause[Any]) -> ColumnElement[date]:
        return period_column(local_day(instant, tz), granularity).label("day")

    o = orders.c
    source = func.coalesce(o.lead_source, "").label("lead_source")
    keys = [period(o.created_at), o.channel, source]
    links = (
        select(*keys, func.count().label("sent"), func.count().filter(o.status == "paid").label("paid"))
        .where(o.checkout_url.is_not(None), within(o.created_at))
        .group_by(*keys)
    )
    booked = (
        select(bookings.c.order_id)
        .where(bookings.c.status == "confirmed", bookings.c.order_id.is_not(None))
        .distinct()
        .subquery("booked")
    )
    keys = [period(o.paid_at), o.channel, source, o.currency]
    paid = (
        select(*keys, func.count().label("paid"), func.sum(o.amount).label("amount"))
        .add_columns(func.count(booked.c.order_id).label("booked"))
        .select_from(orders.outerjoin(booked, booked.c.order_id == o.id))
        .where(o.status == "paid", within(o.paid_at))
        .group_by(*keys)
    )
    # A booking belongs to its conversation's channel and lead source, else its order's; one made by hand has
    # neither.
    b = bookings.c
    keys = [
        period(b.created_at),
        func.coalesce(conversations.c.channel, o.channel, "").label("channel"),
        func.coalesce(contacts.c.lead_source, o.lead_source, "").label("lead_source"),
    ]
    made = (
        select(*keys, func.count().label("bookings"))
        .select_from(
            bookings.outerjoin(conversations, conversations.c.id == b.conversation_id)
            .outerjoin(contacts, contacts.c.id == conversations.c.contact_id)
            .outerjoin(orders, o.id == b.order_id)
        )
        .where(b.status == "confirmed", within(b.created_at))
        .group_by(*keys)
    )
    tallies: Tallies = {}

    def at(row: Any) -> Tally:
        return tallies.setdefault(Key(row.day, row.channel, row.lead_source), Tally())

    for row in await ts.execute(links):
        tally = at(row)
        tally.payment_links_sent += int(row.sent)
        tally.links_paid += int(row.paid)
    for row in await ts.execute(paid):
        tally = at(row)
        tally.orders_paid += int(row.paid)
        tally.paid_booked += int(row.booked)
        tally.revenue[str(row.currency).upper()] += int(row.amount)
    for row in await ts.execute(made):
        at(row).bookings += int(row.bookings)
    return tallies
