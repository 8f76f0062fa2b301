"""Messages per day per company, for the dashboard's first chart.

A direct count: one short tenant read per company the caller may see, after the control-plane read has ended its
transaction. The metrics overview (SPEC.md §13) will bring rollups for long histories; this answer's shape stays.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.concurrency import map_bounded
from x8.kit.db import Database
from x8.platform.companies.models import Company
from x8.platform.companies.service import visible_companies
from x8.platform.metrics import repository
from x8.platform.metrics.schemas import CompanyMessagesPerDay, MessagesPerDay
from x8.platform.users.models import User
from x8.tenancy.session import tenant_session

# Each company's schema is read in its own short transaction, a few at once: a view of many companies (an admin's)
# waits on round trips less, and one request takes no more than a few of the API's pooled connections (10, and
# 10 more on overflow).
TENANT_READS_AT_ONCE = 4


@dataclass(frozen=True)
class _Company:
    id: uuid.UUID
    company_id: str
    name: str
    timezone: str


def zone(name: str) -> ZoneInfo:
    """The time zone of that name; UTC for a stored name this server's tz database does not know (a row older than
    the validation, or a zone since removed), so one odd row does not break the caller's whole dashboard."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def last_days(today: date, count: int) -> list[date]:
    """``count`` calendar days ending with ``today``, oldest first."""
    return [today - timedelta(days=count - 1 - i) for i in range(count)]


def midnights(days: Sequence[date], tz: ZoneInfo) -> list[datetime]:
    """The instants (UTC) at which each day starts in ``tz``, and the one at which the last day ends.

    Where a DST change skips midnight (clocks jump from 00:00 to 01:00), zoneinfo reads the missing 00:00 with the
    offset before the change, which is the instant of the change: the day starts when its first minute does."""
    return [datetime.combine(d, time(), tzinfo=tz).astimezone(UTC) for d in [*days, days[-1] + timedelta(days=1)]]


async def _visible(session: AsyncSession, user: User) -> list[_Company]:
    query = visible_companies(user).with_only_columns(Company.id, Company.company_id, Company.name, Company.timezone)
    rows = await session.execute(query.order_by(Company.created_at, Company.company_id))
    return [_Company(*row) for row in rows]


async def messages_per_day(
    session: AsyncSession, db: Database, user: User, *, days: int, now: datetime
) -> MessagesPerDay:
    """The last ``days`` days, ending today in the caller's time zone; each company's counts follow those days in
    the company's own time zone, zero where nothing was said."""
    calendar = last_days(now.astimezone(zone(user.timezone)).date(), days)
    companies = await _visible(session, user)
    await session.commit()  # no control-plane transaction stays open across the tenant reads

    async def per_day(company: _Company) -> CompanyMessagesPerDay:
        async with tenant_session(db, company.id) as ts:
            counts = await repository.count_by_day(ts, midnights(calendar, zone(company.timezone)))
        return CompanyMessagesPerDay(
            id=company.id,
            company_id=company.company_id,
            name=company.name,
            timezone=company.timezone,
            messages_in=[counts.get((i, "in"), 0) for i in range(days)],
            messages_out=[counts.get((i, "out"), 0) for i in range(days)],
        )

    result = await map_bounded(per_day, companies, limit=TENANT_READS_AT_ONCE)
    return MessagesPerDay(days=calendar, companies=result)
