"""Jobs of the provider-event inbox: handle a stored event once, and prune old handled ones.

Webhooks store the verified event and queue its job in one statement (``store``), then answer. The job looks the
event up, runs the source's handler, and stamps ``handled_at``; a failure is kept on the event (``error``,
``attempts``) and the event is tried again later, up to ten times. An event already handled is not handled
again. An event no handler acts on yet (``NotHandledYet``) keeps its reason in ``error``, unhandled, and is not
retried.

Two kinds of job do it. A channel's message events (``batched``) are handled by one job per channel,
``handle_channel_events``, which takes every event waiting on the channel: at volume a job, its queue round trips
and its reads are shared by all the messages that arrived while the last one ran (issue 16, docs/performance.md).
One contact's events (one ``lock``) are handled one after another in the order they arrived, different contacts'
side by side; a failed event holds its contact's later ones until it is handled or given up. Other events
(Stripe's, Gmail's pushes) have a ``handle_event`` job each, retried by the queue, in order by their job's lock.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from contextlib import ExitStack
from datetime import datetime, timedelta

import procrastinate

from x8.kit.clock import utcnow
from x8.kit.group_defer import GroupWriter
from x8.kit.jobs import WorkerContext, context, queue_or_move_earlier, worker_stopping
from x8.platform.inbox import repository
from x8.platform.inbox.handlers import BATCH_SCOPES, HANDLERS, NotHandledYet
from x8.platform.inbox.repository import IncomingEvent, StoredEvent, WaitingEvent

blueprint = procrastinate.Blueprint()
log = logging.getLogger(__name__)
RETENTION_DAYS = 30
# A batched event is tried this many times, waiting 2, 4, 8 ... s between tries (as ``handle_event``'s retries).
MAX_ATTEMPTS = 10
# Events read at a time; contacts handled side by side within them.
BATCH_SIZE = 200
CONTACTS_AT_ONCE = 8
# A batch that failed as a whole (the database away) is queued again after this long.
BATCH_RETRY_SECONDS = 5.0


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


@blueprint.task(name="handle_channel_events", pass_context=False)
async def handle_channel_events(channel_id: str) -> None:
    """Handle every batched event waiting on a channel. One such job runs per channel at a time (its lock) and one
    more waits (its queueing lock), so an event stored while this one runs is taken by the next. No queue retry:
    an event's failure is kept on the event, and a failure of the whole batch queues the next one."""
    ctx = context()
    held: dict[str, datetime] = {}  # a contact's lock → when its failed event is tried again
    try:
        with ExitStack() as scopes:
            for scope in BATCH_SCOPES:
                scopes.enter_context(scope())
            await _handle_channel(ctx, uuid.UUID(channel_id), held)
    except Exception:
        # The events stay waiting; were this to fail too, ``queue_waiting_events`` finds them within ten minutes.
        log.exception("the events of channel %s could not be handled; trying again shortly", channel_id)
        await _retry_channel_events_in(channel_id, BATCH_RETRY_SECONDS)
        return
    if held:
        await _retry_channel_events_in(channel_id, (min(held.values()) - utcnow()).total_seconds())


async def _handle_channel(ctx: WorkerContext, channel_id: uuid.UUID, held: dict[str, datetime]) -> None:
    after = 0
    while True:
        async with ctx.db.autocommit_connection() as connection:
            if after == 0:
                await repository.pass_store_barrier(connection, channel_id)
            events = await repository.waiting(connection, channel_id, after=after, limit=BATCH_SIZE)
        handled = await _handle_events(ctx, events, held)
        if handled:
            async with ctx.db.autocommit_connection() as connection:
                await repository.mark_many_handled(connection, handled)
        if len(events) < BATCH_SIZE:
            return
        if worker_stopping():  # the rest is the channel's next batch job's, on a worker that goes on
            await _queue_channel_events(str(channel_id))
            return
        after = events[-1].event.id


@blueprint.task(name="retry_channel_events", pass_context=False)
async def retry_channel_events(channel_id: str) -> None:
    """When a channel's failed event is due to be tried again: queue its batch (unless one waits already)."""
    await _queue_channel_events(channel_id)


async def _queue_channel_events(channel_id: str) -> None:
    manager = handle_channel_events.configure().job_manager
    await manager.connector.execute_query_async(
        repository.QUEUE_CHANNEL,
        queue=handle_channel_events.queue,
        batch_task=handle_channel_events.name,
        channel_id=channel_id,
    )


async def _retry_channel_events_in(channel_id: str, delay: float) -> None:
    await queue_or_move_earlier(
        handle_channel_events.blueprint,  # type: ignore[arg-type]  # the app the blueprint's tasks were added to
        task=retry_channel_events,
        queueing_lock=f"events-retry:{channel_id}",
        args={"channel_id": channel_id},
        delay=max(delay, 0.0),
    )


async def _handle_events(ctx: WorkerContext, events: list[WaitingEvent], held: dict[str, datetime]) -> list[int]:
    """Handle one page of a channel's waiting events; returns the ids of those handled. Each contact's events in
    order, up to ``CONTACTS_AT_ONCE`` contacts side by side. A contact whose event is to be tried again later is
    noted in ``held`` with when, and its later events wait."""
    handled: list[int] = []
    gate = asyncio.Semaphore(CONTACTS_AT_ONCE)

    def key(waiting: WaitingEvent) -> str:
        return waiting.lock if waiting.lock is not None else f"#{waiting.event.id}"

    async def contact(lock: str, own: list[WaitingEvent]) -> None:
        async with gate:
            for waiting in own:
                if lock in held:
                    return
                outcome = await _handle_one(ctx, waiting)
                if outcome is True:
                    handled.append(waiting.event.id)
                elif isinstance(outcome, datetime):
                    held[lock] = outcome

    contacts: dict[str, list[WaitingEvent]] = {}
    for waiting in events:  # oldest first, so each contact's list is in order
        contacts.setdefault(key(waiting), []).append(waiting)
    # Every contact finishes before a failure (the database away while recording one) fails the page: none is
    # left running beside the batch that is queued next.
    outcomes = await asyncio.gather(*(contact(lock, own) for lock, own in contacts.items()), return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    return handled


async def _handle_one(ctx: WorkerContext, waiting: WaitingEvent) -> bool | datetime:
    """Handle one event: True when it is handled; when it failed and is to be tried again, the time (its contact's
    later events wait till then); False when it is recorded as given up or as nothing handles it yet (its
    contact's next events go on)."""
    event = waiting.event
    now = utcnow()
    if waiting.retry_at is not None and waiting.retry_at > now:
        return waiting.retry_at
    try:
        await _run_handler(ctx, event)
    except NotHandledYet as exc:
        log.info("%s event %s is kept for later: %s", event.source, event.external_id, exc)
        await _record_failure(ctx, event.id, f"not handled yet: {exc}", None)
        return False
    except Exception as exc:
        attempts = waiting.attempts + 1
        retry_at = now + timedelta(seconds=2**attempts) if attempts < MAX_ATTEMPTS else None
        log.warning(
            "%s event %s failed (try %d of %d)%s",
            event.source,
            event.external_id,
            attempts,
            MAX_ATTEMPTS,
            "" if retry_at else "; given up",
            exc_info=True,
        )
        await _record_failure(ctx, event.id, f"{type(exc).__name__}: {exc}", retry_at)
        return retry_at if retry_at is not None else False
    return True


async def _run_handler(ctx: WorkerContext, event: StoredEvent) -> None:
    handler = HANDLERS.get(event.source)
    if handler is None:
        raise LookupError(f"no handler for {event.source!r} events")
    await handler(ctx, event)


async def _record_failure(ctx: WorkerContext, event_id: int, error: str, retry_at: datetime | None) -> None:
    async with ctx.db.autocommit_connection() as connection:
        await repository.mark_to_retry(connection, event_id, error, retry_at)


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


@blueprint.periodic(cron="*/10 * * * *")
@blueprint.task(name="queue_waiting_events", queueing_lock="queue_waiting_events", pass_context=False)
async def queue_waiting_events(timestamp: int) -> None:
    """Every ten minutes: a channel with batched events due and no batch job waiting or running gets one (its last
    batch could not queue the next while the database was away, say)."""
    manager = handle_channel_events.configure().job_manager
    queued = await manager.connector.execute_query_all_async(
        repository.QUEUE_WAITING_CHANNELS, queue=handle_channel_events.queue, batch_task=handle_channel_events.name
    )
    if queued:
        log.info("events waiting on %d channels were queued", len(queued))


async def _store_many(events: list[IncomingEvent]) -> None:
    manager = handle_event.configure().job_manager
    params = repository.store_and_queue_params(
        events, queue=handle_event.queue, task=handle_event.name, batch_task=handle_channel_events.name
    )
    await manager.connector.execute_query_one_async(repository.STORE_AND_QUEUE, **params)


_WRITER: GroupWriter[IncomingEvent] = GroupWriter(_store_many)


async def store(event: IncomingEvent) -> None:
    """Store a verified event and queue its job; returns once both are committed. Events arriving together are
    written together (group commit); a redelivery stores and queues nothing."""
    await _WRITER.submit(event)
