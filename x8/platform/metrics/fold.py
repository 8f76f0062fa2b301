"""The fold: moves a tenant's watermark forward, adding what was stored before it to the rollups.

One fold step is one short transaction that takes the tenant's metrics lock (an advisory lock, exclusive), reads
the watermark ``folded_until`` (W), picks the new one (H), adds ``raw.window(W, H)`` to the rollups and stores H,
all together: a row is either before the watermark and in the rollups, or after it and counted raw by the
overview, never both. The overview takes the same lock shared, so it never sees a fold half done.

H stays behind now by ``SETTLE`` (rows are stamped with their transaction's start, so one committed a moment
later may carry an earlier time) and behind the oldest message still settling (a customer message not yet taken
in by a turn, whose type is not known yet; a reply still sending, which may yet fail). A step folds at most
``STEP`` of history, so a long rebuild is many short transactions rather than one long lock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert

from x8.kit.db import Database
from x8.platform.metrics import raw, rollups
from x8.tenancy.session import TenantSession, tenant_session
from x8.tenancy.tables import metrics_state

SETTLE = timedelta(minutes=2)
STEP = timedelta(days=7)
# A message still unsettled after this long is stuck (its conversation's channel is gone, say): it no longer
# holds the watermark back, and is counted as it stands.
STUCK = timedelta(days=2)

_LOCK = "SELECT pg_advisory_xact_lock{kind}(hashtextextended('x8-metrics:' || CAST(:tenant AS text), 0))"
_EXCLUSIVE = text(_LOCK.format(kind=""))
_SHARED = text(_LOCK.format(kind="_shared"))

_UNSETTLED = text("""
SELECT least(
    (SELECT min(created_at) FROM messages
     WHERE direction = 'in' AND processed_at IS NULL AND created_at > :stuck),
    (SELECT min(created_at) FROM messages WHERE status IN ('pending', 'sending') AND created_at > :stuck)
)
""")
_EARLIEST = text("""
SELECT least((SELECT min(created_at) FROM messages), (SELECT min(created_at) FROM conversations),
             (SELECT min(created_at) FROM contacts))
""")


@dataclass(frozen=True)
class State:
    timezone: str
    folded_until: datetime | None


async def lock_shared(ts: TenantSession) -> State | None:
    """For a reader: wait for a running fold to end, and keep folds out until this transaction ends."""
    await ts.execute(_SHARED, {"tenant": str(ts.tenant_id)})
    return await _state(ts)


async def _state(ts: TenantSession) -> State | None:
    row = (await ts.execute(select(metrics_state.c.timezone, metrics_state.c.folded_until))).first()
    return None if row is None else State(row.timezone, row.folded_until)


async def _store_state(ts: TenantSession, tz: str, until: datetime | None, now: datetime) -> None:
    stmt = insert(metrics_state).values(id=1, timezone=tz, folded_until=until, folded_at=now)
    await ts.execute(
        stmt.on_conflict_do_update(
            index_elements=["id"], set_={"timezone": tz, "folded_until": until, "folded_at": now}
        )
    )


async def target(ts: TenantSession, now: datetime) -> datetime:
    """How far a fold may go now: behind the settle margin and the oldest message still settling."""
    unsettled = await ts.scalar(_UNSETTLED, {"stuck": now - STUCK})
    horizon = now - SETTLE
    return horizon if unsettled is None else min(horizon, unsettled)


async def step(ts: TenantSession, tz: str, now: datetime) -> bool:
    """One fold step in the caller's transaction; True when there is more to fold."""
    await ts.execute(_EXCLUSIVE, {"tenant": str(ts.tenant_id)})
    state = await _state(ts)
    if state is not None and state.timezone != tz:
        await rollups.clear(ts)  # the days were another calendar's: start again
        state = None
    since = state.folded_until if state is not None else None
    goal = await target(ts, now)
    if since is None:
        start = await ts.scalar(_EARLIEST)
        if start is None or start >= goal:  # nothing stored before ``goal``: the watermark starts there
            await _store_state(ts, tz, goal, now)
            return False
    elif since >= goal:
        return False
    else:
        start = since
    until = min(goal, start + STEP)
    delta = await raw.window(ts, tz, since if since is not None else raw.DAWN, until)
    await rollups.add(ts, delta)
    await _store_state(ts, tz, until, now)
    return bool(until < goal)


async def fold(db: Database, company_id: uuid.UUID, tz: str, now: datetime) -> int:
    """Fold a tenant up to date, one short transaction per step; returns the steps taken."""
    steps = 0
    while True:
        async with tenant_session(db, company_id) as ts:
            more = await step(ts, tz, now)
        steps += 1
        if not more:
            return steps


async def reset(db: Database, company_id: uuid.UUID) -> None:
    """Forget the rollups; the next fold counts everything again from the raw rows."""
    async with tenant_session(db, company_id) as ts:
        await ts.execute(_EXCLUSIVE, {"tenant": str(ts.tenant_id)})
        await rollups.clear(ts)
        await ts.execute(metrics_state.delete())
