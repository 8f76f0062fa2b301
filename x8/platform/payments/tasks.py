"""Jobs of chat payments: the late payment link, and the payment reminder. Both take ids and are idempotent (see
``late_links`` and ``reminders``); the inbox's ``handle_event`` job runs the Stripe webhook handlers."""

from __future__ import annotations

import logging
import uuid

import procrastinate
from procrastinate.jobs import Job

from x8.integrations.stripe import STRIPE_FAILURES
from x8.kit.jobs import context
from x8.platform.payments import late_links, reminders

blueprint = procrastinate.Blueprint()
log = logging.getLogger(__name__)

LINK_ATTEMPTS = 8  # about 15 minutes of trying, counting the waits below
MAX_LINK_WAIT_SECONDS = 300


class LinkNotReady(Exception):
    """Stripe is still not answering; the job tries again later."""


class LinkRetry(procrastinate.BaseRetryStrategy):
    def get_retry_decision(self, *, exception: BaseException, job: Job) -> procrastinate.RetryDecision | None:
        if not isinstance(exception, LinkNotReady) or job.attempts >= LINK_ATTEMPTS:
            return None
        return procrastinate.RetryDecision(retry_in={"seconds": min(2 ** (job.attempts + 2), MAX_LINK_WAIT_SECONDS)})


@blueprint.task(name="deliver_late_link", retry=LinkRetry(), pass_context=True)
async def deliver_late_link(job_context: procrastinate.JobContext, company_id: str, order_id: str) -> None:
    ctx = context()
    assert job_context.job is not None
    company, order = uuid.UUID(company_id), uuid.UUID(order_id)
    outcome = await late_links.deliver(ctx.db, ctx.settings, company, order)
    if outcome == "sent":
        await schedule_reminder(company, order, minutes=ctx.settings.payment_reminder_minutes)
    elif outcome == "retry":
        if job_context.job.attempts >= LINK_ATTEMPTS:
            await late_links.give_up(ctx.db, company, order)
            return
        raise LinkNotReady(f"Stripe is not answering; the link of order {order_id} waits")


@blueprint.task(
    name="remind_unpaid", retry=procrastinate.RetryStrategy(max_attempts=5, exponential_wait=2), pass_context=False
)
async def remind_unpaid(company_id: str, order_id: str) -> None:
    ctx = context()
    await reminders.remind(ctx.db, uuid.UUID(company_id), uuid.UUID(order_id))


async def schedule_reminder(company_id: uuid.UUID, order_id: uuid.UUID, *, minutes: int) -> None:
    """The reminder's job, due ``minutes`` from now (0: reminders are off)."""
    if minutes <= 0:
        return
    try:
        await remind_unpaid.configure(
            queueing_lock=f"payment_reminder:{order_id}", schedule_in={"minutes": minutes}
        ).defer_async(company_id=str(company_id), order_id=str(order_id))
    except procrastinate.exceptions.AlreadyEnqueued:
        log.debug("the reminder of order %s is already queued", order_id)


async def schedule_late_link(company_id: uuid.UUID, order_id: uuid.UUID) -> None:
    """Try the order's checkout again once Stripe's failure window (no calls while it is open) has passed."""
    try:
        await deliver_late_link.configure(
            queueing_lock=f"late_link:{order_id}", schedule_in={"seconds": int(STRIPE_FAILURES.seconds)}
        ).defer_async(company_id=str(company_id), order_id=str(order_id))
    except procrastinate.exceptions.AlreadyEnqueued:
        log.debug("the late link of order %s is already queued", order_id)
