"""Queue jobs for the reply pipeline: take a turn when the buffer window has passed, send a stored message.

Both are idempotent (claims in ``x8.conversations.turns`` and ``x8.conversations.delivery``), so a job that runs
twice, or is retried after its worker died, answers once; docs/conversations.md says when a send can repeat.
Provider webhooks reach this pipeline through the inbox (``x8.platform.channels.ingest``).
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import cast

import procrastinate
from procrastinate.jobs import Job
from sqlalchemy import select

from x8.channel_adapters.base import ProviderError
from x8.conversations import turns
from x8.kit import job_alarm
from x8.kit.jobs import WorkerContext, context, queue_or_move_earlier
from x8.n8n_bridge import engine as n8n_engine
from x8.platform.companies.models import Company
from x8.platform.conversations import replies, service
from x8.tenancy.session import tenant_session

blueprint = procrastinate.Blueprint()
log = logging.getLogger(__name__)

SEND_ATTEMPTS = 12
SEND_PRIORITY = 10
MAX_BACKOFF_SECONDS = 600


class ProviderRetry(procrastinate.BaseRetryStrategy):
    """Retry provider errors marked retryable, after the provider's ``retry_after`` when it gives one (Telegram's
    429), else with exponential backoff. Other errors are not retried: the message is already marked failed."""

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> procrastinate.RetryDecision | None:
        if isinstance(exception, replies.SendInFlight):  # another job is sending it: look once its claim is over
            return procrastinate.RetryDecision(retry_in={"seconds": int(exception.retry_after) + 1})
        if not isinstance(exception, ProviderError) or not exception.retryable or job.attempts >= SEND_ATTEMPTS:
            return None
        wait = exception.retry_after if exception.retry_after is not None else min(2**job.attempts, MAX_BACKOFF_SECONDS)
        return procrastinate.RetryDecision(retry_in={"seconds": int(wait) or 1})


@blueprint.task(
    name="take_turn", retry=procrastinate.RetryStrategy(max_attempts=5, exponential_wait=2), pass_context=False
)
async def take_turn(company_id: str, conversation_id: str) -> None:
    await take_turn_now(context(), uuid.UUID(company_id), uuid.UUID(conversation_id))


# Not retried by the queue: a retry would put the job back among those waiting, where its queueing lock lets only
# one be (the retry would fail on the lock's index and leave the job stuck). A failed batch queues the company's
# next batch itself, and ``queue_waiting_turns`` finds any company whose turns were left without a job.
@blueprint.task(name="take_turns", pass_context=False)
async def take_turns(company_id: str) -> None:
    """Every turn of the company whose buffer window has passed, as one batch (``replies.run_due_turns``); then
    this job queues itself for when the company's next turn falls due. One such job waits per company (its
    queueing lock), moved earlier when a turn falls due before it (``schedule_turns``)."""
    company = uuid.UUID(company_id)
    try:
        await _take_turns(company)
    except Exception:
        try:
            await schedule_turns(company, delay=BATCH_RETRY_SECONDS)
        except Exception:
            log.exception("the turns of company %s could not be queued again", company)
        raise


async def _take_turns(company: uuid.UUID) -> None:
    ctx = context()
    elsewhere = (
        await n8n_engine.n8n_channels(ctx.db, company) if n8n_engine.n8n_configured(ctx.settings) else frozenset()
    )
    batch = await replies.run_due_turns(
        ctx.db, ctx.settings, company, elsewhere=elsewhere, when_full=lambda: schedule_turns(company, delay=0.0)
    )
    if batch.next_due is not None:
        # A batch that took nothing while a turn is due met it locked by another job: look again shortly.
        progressed = bool(batch.outcomes or batch.elsewhere)
        await schedule_turns(company, delay=max(batch.next_due, 0.0 if progressed else LOCKED_TURN_RETRY))
    for conversation_id in batch.elsewhere:  # channels on the n8n engine: each turn handed over on its own
        await take_turn_now(ctx, company, conversation_id)
    outgoing = []
    for outcome in batch.outcomes:
        await _follow_up(company, outcome)
        if outcome.outgoing is not None:
            outgoing.append(outcome.outgoing)
    try:
        again = await replies.deliver_many(ctx.db, ctx.settings, company, outgoing)
    except Exception:
        # Their outcomes may not be recorded: each is looked at again once its send claim has run out (a send
        # job finds nothing to do for one that was recorded sent).
        for claimed in outgoing:
            await schedule_send(company, claimed.id, delay=replies.send_lease_seconds(ctx.settings))
        raise
    for message_id, wait in again:
        await schedule_send(company, message_id, delay=wait)


async def take_turn_now(ctx: WorkerContext, company_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
    """Take the turn, then send its reply in the same job: a job per step cost more than the step itself under
    load. A send that fails in a way worth retrying moves to its own ``send_message`` job."""
    # A channel on the n8n engine hands the turn to n8n (None: the native engine takes it).
    outcome = await n8n_engine.hand_over_turn(ctx.db, ctx.settings, company_id, conversation_id)
    if outcome is None:
        outcome = await replies.run_turn(ctx.db, ctx.settings, company_id, conversation_id)
    if outcome.wait_seconds > 0:
        await schedule_turn(company_id, conversation_id, delay=outcome.wait_seconds)
    await _follow_up(company_id, outcome)
    if outcome.outgoing is not None:
        try:
            await replies.deliver(ctx.db, ctx.settings, company_id, outcome.outgoing.id, claimed=outcome.outgoing)
        except ProviderError as exc:
            log.warning("sending message %s failed, will retry: %s", outcome.outgoing.id, exc)
            await schedule_send(company_id, outcome.outgoing.id, delay=exc.retry_after or 1.0)


async def _follow_up(company_id: uuid.UUID, outcome: replies.TurnOutcome) -> None:
    """What a turn leaves to other jobs: the business's handover notice, and older replies still unsent."""
    if outcome.handover:
        conversation_id = outcome.conversation_id
        await notify_handover.defer_async(company_id=str(company_id), conversation_id=str(conversation_id))
    for message_id in outcome.pending_ids:
        if outcome.outgoing is not None and message_id == outcome.outgoing.id:
            continue
        # Older replies still unsent: left by a dead worker (no job yet), or waiting for a retry (its job holds
        # the queueing lock and keeps the provider's retry_after). A reply stored while its provider is failing
        # waits in its own job until it is worth trying again, rather than this message's job hanging on it.
        delay = replies.SEND_FAILURES.remaining(outcome.channel_id) if message_id == outcome.reply_id else 0.0
        await schedule_send(company_id, message_id, delay=delay)


@blueprint.task(
    name="notify_handover", retry=procrastinate.RetryStrategy(max_attempts=6, exponential_wait=10), pass_context=False
)
async def notify_handover(company_id: str, conversation_id: str) -> None:
    """R-M5: a customer asked for a person; the business hears of it by email (retried while mail is down)."""
    ctx = context()
    await service.notify_handover(ctx.db, ctx.settings, uuid.UUID(company_id), uuid.UUID(conversation_id))


@blueprint.task(name="send_message", retry=ProviderRetry(), pass_context=True)
async def send_message(job_context: procrastinate.JobContext, company_id: str, message_id: str) -> None:
    ctx = context()
    assert job_context.job is not None
    # The last try: a failure now is final, so the message shows as failed rather than pending for ever.
    last_try = job_context.job.attempts >= SEND_ATTEMPTS
    try:
        status = await replies.deliver(
            ctx.db, ctx.settings, uuid.UUID(company_id), uuid.UUID(message_id), last_try=last_try
        )
    except ProviderError as exc:
        log.warning("sending message %s failed, will retry: %s", message_id, exc)
        raise
    log.info("message %s: %s", message_id, status)


@blueprint.periodic(cron="17 3 * * *")
@blueprint.task(name="prune_history", queueing_lock="prune_history", pass_context=False)
async def prune_history(timestamp: int) -> None:
    """Daily: every company's messages older than X8_HISTORY_RETENTION_DAYS are deleted (R-M6)."""
    ctx = context()
    if ctx.settings.history_retention_days == 0:
        return
    removed = await service.prune_history(ctx.db, ctx.settings.history_retention_days)
    log.info("history retention: %d old messages removed", removed)


async def schedule_turn(company_id: uuid.UUID, conversation_id: uuid.UUID, *, delay: float) -> None:
    """Take the conversation's turn in ``delay`` seconds: at once in a job of its own, or later in the company's
    batch of turns falling due (``take_turns``), which wakes the workers when it falls due (``x8.kit.job_alarm``),
    so the turn runs as its buffer window closes, not on a worker's next poll."""
    if delay <= 0:
        await take_turn.defer_async(company_id=str(company_id), conversation_id=str(conversation_id))
        return
    await schedule_turns(company_id, delay=delay)


# A batch that found its due turn locked by another job looks again after this long; one that failed, after this.
LOCKED_TURN_RETRY = 0.5
BATCH_RETRY_SECONDS = 5.0


# The sweep leaves a turn whose last message came in this long ago: it is on its way to its job (the message is
# stored, then its turn queued), and a worker runs the sweep as it starts, beside the jobs already queued.
SWEEP_QUIET_SECONDS = 60.0


@blueprint.periodic(cron="*/10 * * * *")
@blueprint.task(name="queue_waiting_turns", queueing_lock="queue_waiting_turns", pass_context=False)
async def queue_waiting_turns(timestamp: int) -> None:
    """Every ten minutes (and as a worker starts): a company with turns waiting and no job queued for them (its
    last batch failed while the database was down, say) gets one. A read of the queue, and a short read a company."""
    ctx = context()
    async with ctx.db.sessions() as session:
        companies = list((await session.execute(select(Company.id))).scalars())
    own_jobs = await _turns_with_own_jobs(_queue())
    queued = 0
    for company_id in companies:
        try:
            buffer = await service.buffer_seconds_for(ctx.db, ctx.settings, company_id)
            leaving, quiet = own_jobs.get(company_id, set()), SWEEP_QUIET_SECONDS
            async with tenant_session(ctx.db, company_id) as ts:
                due = await turns.left_due(ts, buffer_seconds=buffer, leaving=leaving, quiet_seconds=quiet)
            if due is not None:
                await schedule_turns(company_id, delay=max(due, 0.0))  # moves nothing when a job waits already
                queued += 1
        except Exception:  # one company (being deleted, say) does not hold up the others
            log.warning("could not look for waiting turns in company %s", company_id, exc_info=True)
    if queued:
        log.info("turns waiting in %d companies were queued", queued)


# Conversations whose turn a job of their own takes, waiting or running (``take_turn``: no window).
_OWN_TURN_JOBS = """
SELECT args->>'company_id' AS company, args->>'conversation_id' AS conversation FROM procrastinate_jobs
WHERE status IN ('todo', 'doing') AND task_name = %(task)s
"""


async def _turns_with_own_jobs(queue: procrastinate.App) -> dict[uuid.UUID, set[uuid.UUID]]:
    """Per company, the conversations whose turn a queued ``take_turn`` job takes. The sweep leaves them out: a
    batch queued for them would race those jobs for the same turns (after a worker was down a while, say). (A
    company's batch needs no such care: the sweep moves its waiting job earlier.)"""
    found: dict[uuid.UUID, set[uuid.UUID]] = {}
    for row in await queue.connector.execute_query_all_async(_OWN_TURN_JOBS, task=take_turn.name):
        found.setdefault(uuid.UUID(row["company"]), set()).add(uuid.UUID(row["conversation"]))
    return found


# Within one batch of a channel's events (``turns_asked_once``): per company, when its batch of turns was asked
# for (monotonic seconds). A later message of the batch whose turn falls due no sooner need not ask again: that
# job has not run yet (it is due ahead by more than the margin), and when it runs it queues itself for the next
# turn due, this message's among them (stored and committed before now).
_ASKED: ContextVar[dict[uuid.UUID, float] | None] = ContextVar("turns_asked", default=None)
_ASKED_MARGIN_SECONDS = 0.1


@contextmanager
def turns_asked_once() -> Iterator[None]:
    """While it lasts, a company's batch of turns is asked for once for all the messages stored (in the channel's
    batch of events, ``x8.platform.inbox.handlers.BATCH_SCOPES``): one queue statement, with its row lock on the
    waiting job, instead of one a message."""
    token = _ASKED.set({})
    try:
        yield
    finally:
        _ASKED.reset(token)


async def schedule_turns(company_id: uuid.UUID, *, delay: float) -> None:
    """Have the company's batch of turns run in ``delay`` seconds, or sooner if it is already queued sooner:
    one batch job waits per company, whatever the number of conversations whose turns are coming."""
    delay = _milliseconds(delay) / 1000
    asked, now = _ASKED.get(), time.monotonic()
    due = now + delay
    if asked is not None:
        earlier = asked.get(company_id)
        if earlier is not None and now + _ASKED_MARGIN_SECONDS < earlier <= due:
            return
    queue = _queue()
    await queue_or_move_earlier(
        queue, task=take_turns, queueing_lock=f"turns:{company_id}", args={"company_id": str(company_id)}, delay=delay
    )
    if asked is not None:
        asked[company_id] = min(due, asked.get(company_id, due))


async def schedule_send(company_id: uuid.UUID, message_id: uuid.UUID, *, delay: float = 0.0) -> None:
    try:
        # Sending what is already written goes before taking new turns: under load, replies never starve.
        await send_message.configure(
            queueing_lock=f"send:{message_id}",
            priority=SEND_PRIORITY,
            schedule_in={"milliseconds": _milliseconds(delay)},
        ).defer_async(company_id=str(company_id), message_id=str(message_id))
    except procrastinate.exceptions.AlreadyEnqueued:
        log.debug("message %s is already queued for sending", message_id)
        return
    job_alarm.wake_workers_in(_queue(), _milliseconds(delay) / 1000)


def _milliseconds(delay: float) -> int:
    # Rounded up: a job never falls due before the moment it waits for (a turn run early only waits again).
    return math.ceil(delay * 1000)


def _queue() -> procrastinate.App:
    return cast(procrastinate.App, take_turn.blueprint)  # the app the blueprint's tasks were added to
