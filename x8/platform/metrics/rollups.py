"""The rollup tables of one tenant: reading a range of days, and adding a fold's delta to them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from x8.platform.metrics.periods import Granularity, period_column
from x8.platform.metrics.raw import Delta
from x8.platform.metrics.tally import ROLLED, Key, Tallies, Tally
from x8.tenancy.session import TenantSession
from x8.tenancy.tables import metrics_conversations, metrics_daily, metrics_response_times


async def read(
    ts: TenantSession,
    first: date,
    last: date,
    granularity: Granularity,
    *,
    channel: str | None,
    lead_source: str | None,
) -> Tallies:
    """The folded tallies of the local days ``first`` … ``last``, optionally of one channel or source, summed by the
    database per period: each key's ``day`` is its period's first day."""
    tallies: Tallies = {}
    for table in (metrics_daily, metrics_response_times):
        period = period_column(table.c.day, granularity).label("period")
        keys = [period, table.c.channel, table.c.lead_source]
        if table is metrics_daily:
            query = select(*keys, *[func.sum(table.c[n]).label(n) for n in ROLLED]).group_by(*keys)
        else:
            n = func.sum(table.c.conversations)
            query = select(*keys, table.c.bucket, n.label("n")).group_by(*keys, table.c.bucket).having(n != 0)
        query = query.where(table.c.day.between(first, last))
        if channel is not None:
            query = query.where(table.c.channel == channel)
        if lead_source is not None:
            query = query.where(table.c.lead_source == lead_source)
        for row in (await ts.execute(query)).mappings():
            tally = tallies.setdefault(Key(row["period"], row["channel"], row["lead_source"]), Tally())
            if table is metrics_daily:
                for name in ROLLED:
                    setattr(tally, name, getattr(tally, name) + int(row[name]))
            else:
                tally.response_times[int(row["bucket"])] += int(row["n"])
    return tallies


async def add(ts: TenantSession, delta: Delta) -> None:
    """Add a fold's delta: counters and histogram buckets are incremented in place (``ON CONFLICT ... + EXCLUDED``),
    and the touched conversations' summaries replace what was stored of them."""
    daily_rows = [
        {"day": k.day, "channel": k.channel, "lead_source": k.lead_source, **{n: getattr(t, n) for n in ROLLED}}
        for k, t in delta.tallies.items()
        if any(getattr(t, n) for n in ROLLED)
    ]
    if daily_rows:
        stmt = insert(metrics_daily)
        await ts.execute(
            stmt.on_conflict_do_update(
                index_elements=["day", "channel", "lead_source"],
                set_={n: metrics_daily.c[n] + stmt.excluded[n] for n in ROLLED},
            ),
            daily_rows,
        )
    hist_rows = [
        {"day": k.day, "channel": k.channel, "lead_source": k.lead_source, "bucket": b, "conversations": n}
        for k, t in delta.tallies.items()
        for b, n in t.response_times.items()
        if n
    ]
    if hist_rows:
        stmt = insert(metrics_response_times)
        await ts.execute(
            stmt.on_conflict_do_update(
                index_elements=["day", "channel", "lead_source", "bucket"],
                set_={"conversations": metrics_response_times.c.conversations + stmt.excluded.conversations},
            ),
            hist_rows,
        )
    summary_rows = [
        {
            "conversation_id": s.conversation_id,
            "day": s.key.day,
            "channel": s.key.channel,
            "lead_source": s.key.lead_source,
            "first_response_ms": s.first_response_ms,
            "handed_over": s.handed_over,
            "human_replied": s.human_replied,
        }
        for s in delta.summaries
    ]
    if summary_rows:
        stmt = insert(metrics_conversations)
        await ts.execute(
            stmt.on_conflict_do_update(
                index_elements=["conversation_id"],
                set_={
                    name: stmt.excluded[name]
                    for name in ("day", "channel", "lead_source", "first_response_ms", "handed_over", "human_replied")
                },
            ),
            summary_rows,
        )


async def clear(ts: TenantSession) -> None:
    """Forget everything folded (a rebuild, or a company that changed its time zone)."""
    for table in (metrics_daily, metrics_response_times, metrics_conversations):
        await ts.execute(table.delete())
