"""The metrics job: every few minutes, each company's rollups are folded up to date (``fold``), one short tenant
transaction per step. Between runs the overview counts the raw rows after the watermark, so figures are always
current; the job only keeps that tail short."""

from __future__ import annotations

import logging

import procrastinate

from x8.kit.jobs import context
from x8.platform.metrics.maintenance import fold_all

log = logging.getLogger(__name__)

blueprint = procrastinate.Blueprint()


@blueprint.periodic(cron="*/5 * * * *")
@blueprint.task(name="fold_rollups", queueing_lock="fold_rollups", pass_context=False)
async def fold_rollups(timestamp: int) -> None:
    ctx = context()
    folded, failed = await fold_all(ctx.db)
    log.info("metrics: %d companies folded, %d failed", folded, failed)
