"""Channel events handled in batches (issue 16): a channel's message events (``batched``) are handled by one job
that takes every event waiting on the channel, instead of a job each; other events keep a job of their own.
``lock`` keeps one contact's events in order within it; ``retry_at`` is when a failed one is tried again (NULL
once it is given up, or for an event nothing handles yet: ``error`` says which).

A channel's batch job runs under a procrastinate lock, one at a time; the next one, queued while it ran, could not
be fetched then, and procrastinate sends no notice when a job ends: it would wait for the workers' next poll. The
trigger ``x8_wake_on_lock_released`` sends the notice an insert sends when a job holding a lock ends and a job due
on that lock waits (it helps any locked job: a contact's Stripe events, say).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


WAKE_FUNCTION = """
CREATE FUNCTION x8_wake_on_lock_released() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    waiting procrastinate_jobs;
    payload text;
BEGIN
    SELECT * INTO waiting FROM procrastinate_jobs
    WHERE lock = NEW.lock AND status = 'todo' AND (scheduled_at IS NULL OR scheduled_at <= now())
    ORDER BY priority DESC, id LIMIT 1;
    IF FOUND THEN
        payload := json_build_object('type', 'job_inserted', 'job_id', waiting.id)::text;
        PERFORM pg_notify('procrastinate_queue_v1#' || waiting.queue_name, payload);
        PERFORM pg_notify('procrastinate_any_queue_v1', payload);
    END IF;
    RETURN NEW;
END;
$$
"""
WAKE_TRIGGER = """
CREATE TRIGGER x8_wake_on_lock_released
    AFTER UPDATE OF status ON procrastinate_jobs
    FOR EACH ROW WHEN (OLD.status = 'doing' AND NEW.status <> 'doing' AND NEW.lock IS NOT NULL)
    EXECUTE FUNCTION x8_wake_on_lock_released()
"""


def upgrade() -> None:
    op.execute(WAKE_FUNCTION)
    op.execute(WAKE_TRIGGER)
    op.add_column("webhook_events", sa.Column("batched", sa.Boolean(), server_default=sa.text("false"), nullable=False))
    op.add_column("webhook_events", sa.Column("lock", sa.Text(), nullable=True))
    op.add_column("webhook_events", sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_webhook_events_channel_waiting",
        "webhook_events",
        ["channel_id", "id"],
        postgresql_where=sa.text("handled_at IS NULL AND batched"),
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS x8_wake_on_lock_released ON procrastinate_jobs")
    op.execute("DROP FUNCTION IF EXISTS x8_wake_on_lock_released()")
    op.drop_index("ix_webhook_events_channel_waiting", table_name="webhook_events")
    op.drop_column("webhook_events", "retry_at")
    op.drop_column("webhook_events", "lock")
    op.drop_column("webhook_events", "batched")
