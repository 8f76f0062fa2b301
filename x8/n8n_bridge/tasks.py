"""The n8n bridge's jobs: provisioning a company in n8n and removing it from n8n (R-N2), retried with backoff
while n8n is down."""

from __future__ import annotations

import logging
import uuid

import procrastinate

from x8.integrations.n8n import N8nRefused, N8nUnavailable, n8n_api_for
from x8.kit.jobs import context
from x8.n8n_bridge.provisioning import ProvisioningFailed, deprovision, provision
from x8.n8n_bridge.sweep import sweep_orphans
from x8.n8n_bridge.templates import TemplateError
from x8.platform.activity import hooks as activity

blueprint = procrastinate.Blueprint()
log = logging.getLogger(__name__)

ATTEMPTS = 12
FIRST_BACKOFF_SECONDS = 10
MAX_BACKOFF_SECONDS = 1800


def backoff_seconds(attempt: int) -> int:
    """10 s, 20 s, 40 s … at most half an hour: about six hours of n8n being down before the job gives up (the
    bindings stay ``pending``, and the next channel change or an on-demand run starts again)."""
    return int(min(FIRST_BACKOFF_SECONDS * 2**attempt, MAX_BACKOFF_SECONDS))


@blueprint.task(name="provision_company", pass_context=False)
async def provision_company(company_id: str, attempt: int = 0, asked: bool = False) -> None:
    ctx = context()
    api = n8n_api_for(ctx.settings)
    if api is None:
        log.info("n8n is not configured (N8N_API_URL, N8N_API_KEY): company %s is not provisioned", company_id)
        return
    if asked:  # someone asked for this run: if n8n is back, its recent failures must not make it fail fast
        await api.ready()
    try:
        outcome = await provision(ctx.db, ctx.settings, api, uuid.UUID(company_id))
    except ProvisioningFailed as failure:
        will_retry = failure.retryable and attempt + 1 < ATTEMPTS
        if will_retry:
            log.warning("provisioning company %s in n8n failed, retrying: %s", company_id, failure.message)
            await schedule_provisioning(uuid.UUID(company_id), attempt=attempt + 1)
        else:
            log.error("provisioning company %s in n8n failed: %s", company_id, failure.message)
        await activity.n8n_provisioning(ctx.db, uuid.UUID(company_id), failure.message, will_retry=will_retry)
        return
    except TemplateError as broken:
        log.exception("an n8n template is broken; company %s is not provisioned", company_id)
        await activity.n8n_provisioning(ctx.db, uuid.UUID(company_id), str(broken), retryable=False)
        return
    await activity.n8n_provisioning(ctx.db, uuid.UUID(company_id), None)
    if outcome.changed:
        log.info("provisioned company %s in n8n (%d API calls): %s", company_id, outcome.calls, outcome.changed)


def company_lock(company_id: uuid.UUID) -> str:
    """One n8n run per company at a time: a run queued while another works (a channel connected during a
    provisioning) waits for it, so two runs never create the same workflow side by side."""
    return f"n8n_company:{company_id}"


async def schedule_provisioning(company_id: uuid.UUID, *, attempt: int = 0, asked: bool = False) -> None:
    """Queue one provisioning run for the company (a retry waits ``backoff_seconds``); one already waiting is
    enough, since every run provisions the whole company. ``asked``: a person asked for it now (a retry from the
    activity log): a backoff retry still waiting is cancelled, so this run takes its place at once."""
    queueing_lock = f"n8n_provision:{company_id}"
    if asked:
        manager = provision_company.blueprint.job_manager  # type: ignore[attr-defined]
        for waiting in await manager.list_jobs_async(queueing_lock=queueing_lock, status="todo"):
            if waiting.id is not None:
                await manager.cancel_job_by_id_async(waiting.id)
    job = provision_company.configure(
        lock=company_lock(company_id),
        queueing_lock=queueing_lock,
        schedule_in={"seconds": backoff_seconds(attempt - 1)} if attempt else None,
    )
    try:
        await job.defer_async(company_id=str(company_id), attempt=attempt, asked=asked)
    except procrastinate.exceptions.AlreadyEnqueued:
        log.debug("provisioning of company %s in n8n is already queued", company_id)


@blueprint.task(name="deprovision_company", pass_context=False)
async def deprovision_company(company_id: str, attempt: int = 0) -> None:
    """Remove the company's n8n objects: queue it when a company is deleted (its bindings outlive it)."""
    ctx = context()
    api = n8n_api_for(ctx.settings)
    if api is None:
        log.warning("n8n is not configured: the n8n objects of company %s are left in place", company_id)
        return
    try:
        await deprovision(ctx.db, api, uuid.UUID(company_id))
    except ProvisioningFailed as failure:
        will_retry = failure.retryable and attempt + 1 < ATTEMPTS
        if will_retry:
            log.warning("removing company %s from n8n failed, retrying: %s", company_id, failure.message)
            await schedule_deprovisioning(uuid.UUID(company_id), attempt=attempt + 1)
        else:
            log.error("removing company %s from n8n failed: %s", company_id, failure.message)
        await activity.n8n_deprovisioning(ctx.db, uuid.UUID(company_id), failure.message, will_retry=will_retry)


async def schedule_deprovisioning(company_id: uuid.UUID, *, attempt: int = 0) -> None:
    job = deprovision_company.configure(
        lock=company_lock(company_id),
        queueing_lock=f"n8n_deprovision:{company_id}",
        schedule_in={"seconds": backoff_seconds(attempt - 1)} if attempt else None,
    )
    try:
        await job.defer_async(company_id=str(company_id), attempt=attempt)
    except procrastinate.exceptions.AlreadyEnqueued:
        log.debug("removing company %s from n8n is already queued", company_id)


@blueprint.periodic(cron="41 4 * * *")
@blueprint.task(name="sweep_orphans", queueing_lock="n8n_sweep_orphans", pass_context=False)
async def sweep_orphaned_workflows(timestamp: int) -> None:
    """Daily: X8's workflows in n8n that no binding records are deleted (``x8.n8n_bridge.sweep``)."""
    ctx = context()
    api = n8n_api_for(ctx.settings)
    if api is None:
        return
    try:
        swept = await sweep_orphans(ctx.db, api)
    except (N8nUnavailable, N8nRefused) as exc:
        log.warning("sweeping orphaned n8n workflows failed (tomorrow's run tries again): %s", exc)
        return
    if swept.deleted:
        log.info("deleted %d orphaned n8n workflows: %s", len(swept.deleted), swept.deleted)
