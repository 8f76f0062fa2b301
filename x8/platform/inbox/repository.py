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
    arrived (one contact's messages, say)."""

    source: str
    external_id: str
    payload: dict[str, Any]
    channel_id: uuid.UUID | None = None
    lock: str | None = None


# psycopg placeholders: this runs on the job queue's autocommit connections (x8.kit.jobs), so the statement is
# its own transaction.
STORE_AND_QUEUE: LiteralString = """
WITH incoming AS (
    SELECT * FROM jsonb_to_recordset(CAST(%(events)s AS jsonb))
        AS e(n integer, source text, external_id text, channel_id uuid, payload jsonb, lock text)
), stored AS (
    INSERT INTO webhook_events (source, external_id, channel_id, payload)
    SELECT DISTINCT ON (source, external_id) source, external_id, channel_id, payload
    FROM incoming ORDER BY source, external_id, n
    ON CONFLICT (source, external_id) DO NOTHING
    RETURNING id, source, external_id
), queued AS (
    SELECT procrastinate_defer_jobs_v1(ARRAY(
        SELECT ROW(%(queue)s, %(task)s, 0, first.lock, NULL, jsonb_build_object('event_id', stored.id),
                   NULL)::procrastinate_job_to_defer_v1
        FROM stored JOIN LATERAL (
            SELECT lock, n FROM incoming
            WHERE incoming.source = stored.source AND incoming.external_id = stored.external_id
            ORDER BY n LIMIT 1
        ) first ON true
        ORDER BY first.n
    )) AS ids
)
SELECT (SELECT count(*) FROM stored) AS stored, (SELECT cardinality(ids) FROM queued) AS queued
"""


def store_and_queue_params(events: list[IncomingEvent], *, queue: str, task: str) -> dict[str, Any]:
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
                }
                for n, e in enumerate(events)
            ]
        ),
        "queue": queue,
        "task": task,
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
_GET = text(
    "SELECT id, source, external_id, channel_id, payload, handled_at FROM webhook_events WHERE id = :id"
).columns(
    WebhookEvent.id,
    WebhookEvent.source,
    WebhookEvent.external_id,
    WebhookEvent.channel_id,
    WebhookEvent.payload,
    WebhookEvent.handled_at,
)
_MARK_HANDLED = text("UPDATE webhook_events SET handled_at = :at, error = NULL, attempts = attempts + 1 WHERE id = :id")


async def get(connection: AsyncConnection, event_id: int) -> StoredEvent | None:
    row = (await connection.execute(_GET, {"id": event_id})).first()
    return StoredEvent(*row) if row is not None else None


async def mark_handled(connection: AsyncConnection, event_id: int) -> None:
    await connection.execute(_MARK_HANDLED, {"id": event_id, "at": utcnow()})


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
