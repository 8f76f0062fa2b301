"""PostgreSQL-backed fixed-window rate limiting (R-A6).

Counting happens in its own short transaction on the runtime pool, so a refused request still counts
even when the request's own transaction rolls back.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import text

from x8.kit.clock import utcnow
from x8.kit.db import Database
from x8.kit.errors import RateLimited
from x8.kit.i18n import Message, msg

_HIT = text(
    """
    INSERT INTO rate_limit_hits (key, window_start, hits) VALUES (:key, :window, 1)
    ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit_hits.hits + 1
    RETURNING hits
    """
)


_COUNT = text("SELECT hits FROM rate_limit_hits WHERE key = :key AND window_start = :window")


def _window_start(now: datetime, window_seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % window_seconds, tz=now.tzinfo)


async def hit(db: Database, *, keys: list[tuple[str, int]], window_seconds: int, what: Message) -> None:
    """Count one hit on every key; raise 429 with Retry-After when any key is over its limit. ``what`` names what
    is counted, in the plural ("code requests"; in Russian, the genitive: "запросов кода")."""
    now = utcnow()
    window = _window_start(now, window_seconds)
    over = False
    async with db.sessions() as session, session.begin():
        for key, limit in keys:
            hits = (await session.execute(_HIT, {"key": key, "window": window})).scalar_one()
            over = over or hits > limit
    if over:
        retry_after = max(1, math.ceil((window + timedelta(seconds=window_seconds) - now).total_seconds()))
        raise RateLimited(_too_many(what, retry_after), retry_after=retry_after)


async def refuse_if_over(db: Database, *, keys: list[tuple[str, int]], window_seconds: int, what: Message) -> None:
    """429 when any key already reached its limit in this window, counting nothing: for limits on failures only,
    which ``hit`` counts once the attempt failed."""
    now = utcnow()
    window = _window_start(now, window_seconds)
    async with db.sessions() as session:
        counts = [
            ((await session.execute(_COUNT, {"key": key, "window": window})).scalar_one_or_none() or 0, limit)
            for key, limit in keys
        ]
    if any(count >= limit for count, limit in counts):
        retry_after = max(1, math.ceil((window + timedelta(seconds=window_seconds) - now).total_seconds()))
        raise RateLimited(_too_many(what, retry_after), retry_after=retry_after)


def _too_many(what: Message, retry_after: int) -> Message:
    return msg(
        "Too many {what}. Try again in {seconds} {seconds:plural:second|seconds}.", what=what, seconds=retry_after
    )


async def purge_expired(db: Database, *, older_than: datetime) -> int:
    async with db.sessions() as session, session.begin():
        result = await session.execute(text("DELETE FROM rate_limit_hits WHERE window_start < :t"), {"t": older_than})
        return int(getattr(result, "rowcount", 0) or 0)
