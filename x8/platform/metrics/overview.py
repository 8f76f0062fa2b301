"""The metrics overview (SPEC.md R-X1): every figure for a range of days, by period, company, channel and lead
source, read from the rollups plus the raw rows after their watermark, plus orders and bookings read directly.

Each company is read in one tenant transaction holding its metrics lock shared, so a fold is either wholly before
or wholly after the read: a row counted in the rollups is never counted again in the tail. Days are each
company's own calendar days; with several companies the periods are dates on which each company's own day is
counted, and "today" (the default end of the range) is the caller's.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.concurrency import map_bounded
from x8.kit.db import Database
from x8.kit.i18n import msg
from x8.platform.companies.models import Company
from x8.platform.companies.service import get_visible, visible_companies
from x8.platform.metrics import commerce, fold, raw, rollups, sketch
from x8.platform.metrics.errors import BadRange
from x8.platform.metrics.periods import Granularity, period_of, periods
from x8.platform.metrics.schemas import (
    ChannelFigures,
    CompanyFigures,
    Figures,
    LeadSourceFigures,
    Overview,
    PeriodFigures,
)
from x8.platform.metrics.service import TENANT_READS_AT_ONCE, zone
from x8.platform.metrics.tally import Key, Tallies, Tally, merge_into, rate, total
from x8.platform.orders.money import format_major
from x8.platform.users.models import User
from x8.tenancy.session import TenantSession, tenant_session

DEFAULT_DAYS = 30
# The longest range each granularity answers: a year of days, three years of weeks or months.
MAX_DAYS: dict[str, int] = {"day": 366, "week": 3 * 366, "month": 3 * 366}
NO_SOURCE = "none"  # the filter value for customers with no known lead source


@dataclass(frozen=True)
class Query:
    company_id: uuid.UUID | None
    channel: str | None
    lead_source: str | None
    first: date | None
    last: date | None
    granularity: Granularity


@dataclass(frozen=True)
class _Company:
    id: uuid.UUID
    name: str
    timezone: str


def tz_name(name: str) -> str:
    """The zone PostgreSQL is asked to use: the company's, or UTC for one this server does not know."""
    return zone(name).key


def date_range(query: Query, today: date) -> tuple[date, date]:
    last = query.last or (query.first + timedelta(days=DEFAULT_DAYS - 1) if query.first else today)
    first = query.first or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise BadRange(msg("The range must not end before it starts: 'from' is after 'to'."))
    days = (last - first).days + 1
    limit = MAX_DAYS[query.granularity]
    if days > limit:
        raise BadRange(
            msg("The range is too long: at most {limit} {limit:plural:day|days} at this granularity.", limit=limit)
        )
    return first, last


async def _companies(session: AsyncSession, user: User, company_id: uuid.UUID | None) -> list[_Company]:
    if company_id is not None:
        company = await get_visible(session, user, company_id)  # another's company: 404
        return [_Company(company.id, company.name, company.timezone)]
    query = visible_companies(user).with_only_columns(Company.id, Company.name, Company.timezone)
    rows = await session.execute(query.order_by(Company.created_at, Company.company_id))
    return [_Company(*row) for row in rows]


async def company_tallies(
    ts: TenantSession,
    tz: str,
    first: date,
    last: date,
    granularity: Granularity,
    *,
    channel: str | None,
    lead_source: str | None,
) -> Tallies:
    """One company's tallies of the local days ``first`` … ``last``: rollups + raw tail + orders and bookings, each
    key's ``day`` being its period's first day."""
    state = await fold.lock_shared(ts)
    current = state is not None and state.timezone == tz and state.folded_until is not None
    folded = (
        await rollups.read(ts, first, last, granularity, channel=channel, lead_source=lead_source) if current else {}
    )
    since = state.folded_until if current and state is not None and state.folded_until is not None else raw.DAWN
    # Rows stored before the range's first day cannot land in it (a conversation's figures sit on the day it
    # started, which is before its messages), so the tail starts at the later of the watermark and that day.
    since = max(since, datetime.combine(first - timedelta(days=2), time(), tzinfo=UTC))
    tail = await raw.window(ts, tz, since, raw.DOOM, against_folded=current)
    tallies: Tallies = {}
    keep = _keeper(first, last, channel, lead_source)
    merge_into(tallies, folded)
    for key, tally in tail.tallies.items():
        if keep(key):  # days of one period add up under the period's first day
            tallies.setdefault(key._replace(day=period_of(key.day, granularity)), Tally()).add(tally)
    sales = await commerce.count(ts, tz, first, last, granularity)
    merge_into(tallies, {k: t for k, t in sales.items() if keep(k, by_period=True)})
    return tallies


def _keeper(first: date, last: date, channel: str | None, lead_source: str | None) -> Callable[..., bool]:
    def keep(key: Key, *, by_period: bool = False) -> bool:
        return (
            (by_period or first <= key.day <= last)
            and (channel is None or key.channel == channel)
            and (lead_source is None or key.lead_source == lead_source)
        )

    return keep


def figures(tally: Tally) -> dict[str, object]:
    return {
        "conversations": tally.conversations,
        "new_contacts": tally.new_contacts,
        "messages_in": tally.messages_in,
        "messages_out": tally.messages_out,
        "type1": tally.type1,
        "type2": tally.type2,
        "type3": tally.type3,
        "first_response_p50_ms": sketch.percentile(tally.response_times, 0.5),
        "first_response_p90_ms": sketch.percentile(tally.response_times, 0.9),
        "bot_resolution_rate": rate(tally.conversations - tally.assisted, tally.conversations),
        "handovers": tally.handovers,
        "payment_links_sent": tally.payment_links_sent,
        "orders_paid": tally.orders_paid,
        "link_to_paid_rate": rate(tally.links_paid, tally.payment_links_sent),
        "paid_to_booked_rate": rate(tally.paid_booked, tally.orders_paid),
        "revenue": {cur: format_major(amount, cur) for cur, amount in sorted(tally.revenue.items()) if amount},
        "bookings": tally.bookings,
    }


def _split(tallies: Sequence[Tallies], part: Callable[[Key], str]) -> dict[str, Tally]:
    groups: dict[str, Tally] = {}
    for company in tallies:
        for key, tally in company.items():
            groups.setdefault(part(key), Tally()).add(tally)
    return groups


def assemble(
    companies: Sequence[_Company], tallies: Sequence[Tallies], first: date, last: date, granularity: Granularity
) -> Overview:
    by_period = _split(tallies, lambda k: period_of(k.day, granularity).isoformat())
    channels = _split(tallies, lambda k: k.channel)
    sources = _split(tallies, lambda k: k.lead_source)
    return Overview(
        totals=Figures.model_validate(figures(total([total(t) for t in tallies]))),
        series=[
            PeriodFigures.model_validate({"period": p, **figures(by_period.get(p.isoformat(), Tally()))})
            for p in periods(first, last, granularity)
        ],
        by_company=[
            CompanyFigures.model_validate(
                {"company_id": c.id, "name": c.name, "timezone": tz_name(c.timezone), **figures(total(t))}
            )
            for c, t in zip(companies, tallies, strict=True)
        ],
        by_channel=[
            ChannelFigures.model_validate({"channel": name or None, **figures(channels[name])})
            for name in sorted(channels, key=lambda n: (n == "", n))
        ],
        by_lead_source=[
            LeadSourceFigures.model_validate({"lead_source": name or None, **figures(sources[name])})
            for name in sorted(sources, key=lambda n: (n == "", n))
        ],
    )


async def overview(session: AsyncSession, db: Database, user: User, query: Query, *, now: datetime) -> Overview:
    companies = await _companies(session, user, query.company_id)
    await session.commit()  # no control-plane transaction stays open across the tenant reads
    calendar = companies[0].timezone if query.company_id is not None else user.timezone
    first, last = date_range(query, now.astimezone(zone(calendar)).date())
    lead_source = None if query.lead_source is None else ("" if query.lead_source == NO_SOURCE else query.lead_source)

    async def tallies_of(company: _Company) -> Tallies:
        async with tenant_session(db, company.id) as ts:
            return await company_tallies(
                ts,
                tz_name(company.timezone),
                first,
                last,
                query.granularity,
                channel=query.channel,
                lead_source=lead_source,
            )

    tallies = await map_bounded(tallies_of, companies, limit=TENANT_READS_AT_ONCE)
    return assemble(companies, tallies, first, last, query.granularity)
