"""Billing's jobs: the daily trial sweep (``trials``)."""

from __future__ import annotations

import logging

import procrastinate

from x8.kit.jobs import context
from x8.platform.billing import trials

blueprint = procrastinate.Blueprint()
log = logging.getLogger(__name__)


@blueprint.periodic(cron="7 9 * * *")
@blueprint.task(name="sweep_trials", queueing_lock="sweep_trials", pass_context=False)
async def sweep_trials(timestamp: int) -> None:
    """Daily: expire ended trials, and send the trial reminders due (3 days and 1 day before, and on the end)."""
    ctx = context()
    sent = await trials.sweep(ctx.db, ctx.settings)
    log.info("trial sweep: %d reminders sent", len(sent))
