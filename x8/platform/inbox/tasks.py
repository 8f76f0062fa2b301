"""Jobs of the provider-event inbox: handle a stored event once, and prune old handled ones.

Webhooks store the verified event and queue its ``handle_event`` job in one statement (``store``), then answer.
The job looks the event up, runs the source's handler, and stamps ``handled_at``; a failure is kept on the event
(``error``, ``attempts``) and the job is retried. An event already handled is not handled again. An event no
handler acts on yet (``NotHandledYet``) keeps its reason in ``error``, unhandled, and is not retried.
"""

from __future__ import annotations

import logging

import procrastinate

from x8.kit.group_defer import GroupWriter
from x8.kit.jobs import context
from x8.platform.inbox import repository
from x8.platform.inbox.handlers import HANDLERS, NotHandledYet
from x8.platform.inbox.repository import IncomingEvent

blueprint = procrastinate.Blueprint()
log = logging.getLogger(__name__)
RETENTION_DAYS = 30


@blueprint.task(name="handle_event", retry=procrastinate.RetryStrategy(max_attempts=10, exponential_wait=2))
async def handle_event(event_id: int) -> None:
    ctx = context()
    async with ctx.db.autocommit_connection() as connection:
        event = await repository.get(connection, event_id)
    if event is None or event.handled_at is not None:
        return  # deleted with its channel, or handled by an earlier run of this job
    handler = HANDLERS.get(event.source)
    if handler is None:
        raise LookupError(f"no handler for {event.source!r} events")
    try:
        await handler(ctx, event)
    except NotHandledYet as exc:
        log.info("%s event %s is kept for later: %s", event.source, event.external_id, exc)
        async with ctx.db.sessions() as session, session.begin():
            await repository.mark_failed(session, event_id, f"not handled yet: {exc}")
        return
    except Exception as exc:
        async with ctx.db.sessions() as session, session.begin():
            await repository.mark_failed(session, event_id, f"{type(exc).__name__}: {exc}")
        raise
    async with ctx.db.autocommit_connection() as connection:
        await repository.mark_handled(connection, event_id)


@blueprint.periodic(cron="41 3 * * *")
@blueprint.task(name="prune_events", queueing_lock="prune_webhook_events", pass_context=False)
async def prune_events(timestamp: int) -> None:
    """Daily: handled events older than 30 days go (unhandled ones stay, to be looked at)."""
    ctx = context()
    removed = 0
    while True:
        async with ctx.db.sessions() as session, session.begin():
            count = await repository.prune(session, older_than_days=RETENTION_DAYS)
        removed += count
        if count == 0:
            break
    log.info("webhook inbox: %d old handled events removed", removed)


async def _store_many(events: list[IncomingEvent]) -> None:
    manager = handle_event.configure().job_manager
    params = repository.store_and_queue_params(events, queue=handle_event.queue, task=handle_event.name)
    await manager.connector.execute_query_one_async(repository.STORE_AND_QUEUE, **params)


_WRITER: GroupWriter[IncomingEvent] = GroupWriter(_store_many)


async def store(event: IncomingEvent) -> None:
    """Store a verified event and queue its job; returns once both are committed. Events arriving together are
    written together (group commit); a redelivery stores and queues nothing."""
    await _WRITER.submit(event)
