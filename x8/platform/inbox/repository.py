"""Inbox queries. Storing events and queueing their jobs is one statement: the event row and its job commit
together or not at all, and a redelivered event (same source and external id) stores nothing and queues nothing.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, LiteralString

from sqlalchemy import delete, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from x8.kit.clock import utcnow
from x8.platform.inbox.models import WebhookEvent


@dataclass(frozen=True)
class IncomingEvent:
    """A verified provider event, before it is stored. Events sharing a ``lock`` are handled in the order they
    arrived (one contact's messages, say). ``batched``: a channel's event handled with the others waiting on that
    channel, by one job (``tasks.handle_channel_events``), rather than by a job of its own."""

    source: str
    external_id: str
    payload: dict[str, Any]
    channel_id: uuid.UUID | None = None
    lock: str | None = None
    batched: bool = False


# psycopg placeholders: this runs on the job queue's autocommit connections (x8.kit.jobs), so the statement is
# its own transaction. An event of its own gets a job of its own (procrastinate's defer function); a batched one
# queues its channel's batch job unless one waits already (the insert's conflict on procrastinate's unique index
# of waiting jobs' queueing locks: a job already running took what it read, and the waiting one takes the rest).
# A statement that found the batch job waiting holds the channel's store barrier (a shared advisory lock) until it
# commits, and a batch job takes the barrier (``pass_store_barrier``) before it reads: were the waiting job fetched
# and to read between this statement's look and its commit, the event would otherwise wait for a later one.
STORE_AND_QUEUE: LiteralString = """
WITH incoming AS (
    SELECT * FROM jsonb_to_recordset(CAST(%(events)s AS jsonb))
        AS e(n integer, source text, external_id text, channel_id uuid, payload jsonb, lock text, batched boolean)
), stored AS (
    INSERT INTO webhook_events (source, external_id, channel_id, payload, lock, batched)
    SELECT source, external_id, channel_id, payload, lock, batched AND channel_id IS NOT NULL FROM (
        SELECT DISTINCT ON (source, external_id) * FROM incoming ORDER BY source, external_id, n
    ) firsts ORDER BY n  -- ids in the order the events arrived: a channel's batch handles them in id order
    ON CONFLICT (source, external_id) DO NOTHING
    RETURNING id, source, external_id, channel_id, lock, batched
), first AS (
    SELECT stored.id, stored.channel_id, stored.lock, stored.batched, one.n
    FROM stored JOIN LATERAL (
        SELECT n FROM incoming
        WHERE incoming.source = stored.source AND incoming.external_id = stored.external_id
        ORDER BY n LIMIT 1
    ) one ON true
), queued AS (
    SELECT procrastinate_defer_jobs_v1(ARRAY(
        SELECT ROW(%(queue)s, %(task)s, 0, first.lock, NULL, jsonb_build_object('event_id', first.id),
                   NULL)::procrastinate_job_to_defer_v1
        FROM first WHERE NOT first.batched ORDER BY first.n
    )) AS ids
), batches AS (
    INSERT INTO procrastinate_jobs (queue_name, task_name, priority, lock, queueing_lock, args)
    SELECT %(queue)s, %(batch_task)s, 0, 'events:' || channels.channel_id, 'events:' || channels.channel_id,
           jsonb_build_object('channel_id', channels.channel_id)
    FROM (SELECT DISTINCT channel_id FROM first WHERE first.batched) channels
    CROSS JOIN LATERAL (
        SELECT pg_advisory_xact_lock_shared(hashtextextended('x8-events:' || channels.channel_id, 0))
    ) store_barrier
    ON CONFLICT (queueing_lock) WHERE status = 'todo' DO NOTHING
    RETURNING id
)
SELECT (SELECT count(*) FROM stored) AS stored,
       (SELECT cardinality(ids) FROM queued) + (SELECT count(*) FROM first WHERE batched) AS queued
"""


def store_and_queue_params(events: list[IncomingEvent], *, queue: str, task: str, batch_task: str) -> dict[str, Any]:
    return {
        "events": json.dumps(
            [
                {
                    "n": n,
                    "source": e.source,
                    "external_id": e.external_id,
                    "channel_id": str(e.channel_id) if e.channel_id else None,
                    "payload": e.payload,
                    "lock": e.lock,
                    "batched": e.batched,
                }
                for n, e in enumerate(events)
            ]
        ),
        "queue": queue,
        "task": task,
        "batch_task": batch_task,
    }


@dataclass(frozen=True)
class StoredEvent:
    """A stored event as its handler reads it."""

    id: int
    source: str
    external_id: str
    channel_id: uuid.UUID | None
    payload: dict[str, Any]
    handled_at: datetime | None


# Built once: every event is read and marked, and building a statement cost more than running it.
_STORED_COLUMNS = (
    WebhookEvent.id,
    WebhookEvent.source,
    WebhookEvent.external_id,
    WebhookEvent.channel_id,
    WebhookEvent.payload,
    WebhookEvent.handled_at,
)
_GET = text(
    "SELECT id, source, external_id, channel_id, payload, handled_at FROM webhook_events WHERE id = :id"
).columns(*_STORED_COLUMNS)
_MARK_HANDLED = text("UPDATE webhook_events SET handled_at = :at, error = NULL, attempts = attempts + 1 WHERE id = :id")


async def get(connection: AsyncConnection, event_id: int) -> StoredEvent | None:
    row = (await connection.execute(_GET, {"id": event_id})).first()
    return StoredEvent(*row) if row is not None else None


async def mark_handled(connection: AsyncConnection, event_id: int) -> None:
    await connection.execute(_MARK_HANDLED, {"id": event_id, "at": utcnow()})


@dataclass(frozen=True)
class WaitingEvent:
    """A batched event not handled yet, as its channel's batch job reads it."""

    event: StoredEvent
    lock: str | None
    attempts: int
    retry_at: datetime | None


# Waiting: not handled, and not given up (a failed event that is to be tried again keeps its ``retry_at``).
_WAITING = text(
    "SELECT id, source, external_id, channel_id, payload, handled_at, lock, attempts, retry_at FROM webhook_events"
    " WHERE channel_id = :channel AND handled_at IS NULL AND batched AND id > :after"
    " AND (error IS NULL OR retry_at IS NOT NULL) ORDER BY id LIMIT :limit"
).columns(*_STORED_COLUMNS, WebhookEvent.lock, WebhookEvent.attempts, WebhookEvent.retry_at)
_MARK_MANY_HANDLED = text(
    "UPDATE webhook_events SET handled_at = :at, error = NULL, retry_at = NULL, attempts = attempts + 1"
    " WHERE id = ANY(CAST(:ids AS bigint[]))"
)
_MARK_TO_RETRY = text(
    "UPDATE webhook_events SET error = :error, retry_at = :retry_at, attempts = attempts + 1 WHERE id = :id"
)


_PASS_STORE_BARRIER = text("SELECT pg_advisory_xact_lock(hashtextextended('x8-events:' || CAST(:channel AS text), 0))")


async def pass_store_barrier(connection: AsyncConnection, channel_id: uuid.UUID) -> None:
    """Wait until every store of the channel's events in flight has committed (on an autocommit connection: the
    lock is held only for this statement), so the read that follows sees their events."""
    await connection.execute(_PASS_STORE_BARRIER, {"channel": str(channel_id)})


async def waiting(connection: AsyncConnection, channel_id: uuid.UUID, *, after: int, limit: int) -> list[WaitingEvent]:
    """The channel's batched events waiting to be handled, oldest first, from after the event id ``after``."""
    rows = await connection.execute(_WAITING, {"channel": channel_id, "after": after, "limit": limit})
    return [WaitingEvent(StoredEvent(*row[:6]), row[6], row[7], row[8]) for row in rows]


async def mark_many_handled(connection: AsyncConnection, event_ids: list[int]) -> None:
    await connection.execute(_MARK_MANY_HANDLED, {"ids": event_ids, "at": utcnow()})


async def mark_to_retry(connection: AsyncConnection, event_id: int, error: str, retry_at: datetime | None) -> None:
    """A batched event that failed: tried again at ``retry_at``, or given up when it is None."""
    await connection.execute(_MARK_TO_RETRY, {"id": event_id, "error": error[:1000], "retry_at": retry_at})


# A channel's batch job, unless one waits already.
QUEUE_CHANNEL: LiteralString = """
INSERT INTO procrastinate_jobs (queue_name, task_name, priority, lock, queueing_lock, args)
VALUES (%(queue)s, %(batch_task)s, 0, 'events:' || %(channel_id)s, 'events:' || %(channel_id)s,
        jsonb_build_object('channel_id', %(channel_id)s))
ON CONFLICT (queueing_lock) WHERE status = 'todo' DO NOTHING
"""

# Every channel with batched events due and no batch job waiting or running gets one (the periodic sweep's
# statement; a dead worker's running job is the stalled-job recovery's).
QUEUE_WAITING_CHANNELS: LiteralString = """
INSERT INTO procrastinate_jobs (queue_name, task_name, priority, lock, queueing_lock, args)
SELECT DISTINCT %(queue)s, %(batch_task)s, 0, 'events:' || channel_id, 'events:' || channel_id,
       jsonb_build_object('channel_id', channel_id)
FROM webhook_events
WHERE handled_at IS NULL AND batched AND (error IS NULL OR retry_at <= now())
  AND NOT EXISTS (
      SELECT 1 FROM procrastinate_jobs
      WHERE lock = 'events:' || webhook_events.channel_id AND status IN ('todo', 'doing')
  )
ON CONFLICT (queueing_lock) WHERE status = 'todo' DO NOTHING
RETURNING id
"""


async def mark_failed(session: AsyncSession, event_id: int, error: str) -> None:
    await session.execute(
        update(WebhookEvent)
        .where(WebhookEvent.id == event_id)
        .values(error=error[:1000], attempts=WebhookEvent.attempts + 1)
    )


async def prune(session: AsyncSession, *, older_than_days: int, batch: int = 5000) -> int:
    """Delete handled events older than the retention period, a batch at a time (unhandled ones stay)."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    old = (
        select(WebhookEvent.id)
        .where(WebhookEvent.handled_at.is_not(None), WebhookEvent.received_at < cutoff)
        .limit(batch)
        .scalar_subquery()
    )
    result = await session.execute(delete(WebhookEvent).where(WebhookEvent.id.in_(old)))
    return int(getattr(result, "rowcount", 0) or 0)
