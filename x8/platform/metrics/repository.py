"""The tenant-side count behind the messages-per-day chart: one short read of a company's messages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import DateTime, func, literal, or_, select
from sqlalchemy.dialects.postgresql import ARRAY

from x8.tenancy.session import TenantSession
from x8.tenancy.tables import messages


async def count_by_day(ts: TenantSession, edges: Sequence[datetime]) -> dict[tuple[int, str], int]:
    """Messages per (day index, direction) between ``edges[0]`` and ``edges[-1]``, where day ``i`` (from 0) runs
    from ``edges[i]`` to ``edges[i + 1]``. The edges are the local midnights of the days, so a day's length (23 or
    25 hours across a DST change) comes from them, not from the database's time zone data."""
    # width_bucket over the sorted edges gives 1 for the first day, 2 for the second, ...
    day = func.width_bucket(messages.c.created_at, literal(list(edges), ARRAY(DateTime(timezone=True)))).label("day")
    query = (
        select(day, messages.c.direction, func.count().label("n"))
        .where(
            messages.c.created_at >= edges[0],
            messages.c.created_at < edges[-1],
            or_(messages.c.direction == "in", messages.c.status != "failed"),
        )
        .group_by(day, messages.c.direction)
    )
    rows = await ts.execute(query)
    return {(int(r.day) - 1, str(r.direction)): int(r.n) for r in rows}
