"""Background work for knowledge bases: computing semantic embeddings after imports and edits."""

from __future__ import annotations

import logging
import uuid

import procrastinate

from x8.kb_engine import store
from x8.kb_engine.embeddings import EmbeddingsUnavailable, embedder_for
from x8.kit.db import Database
from x8.kit.jobs import context
from x8.settings import Settings
from x8.tenancy.session import tenant_sessions

blueprint = procrastinate.Blueprint()
log = logging.getLogger(__name__)


async def embed_company_items(db: Database, settings: Settings, company_id: uuid.UUID) -> int:
    """Embed every row of the company that has no vector from the configured model yet.

    Short tenant transactions around each call to the embeddings service, never one across it."""
    embedder = embedder_for(settings)
    if embedder is None:
        return 0
    return await store.embed_pending(tenant_sessions(db, company_id), embedder)


@blueprint.task(
    name="embed_items", retry=procrastinate.RetryStrategy(max_attempts=8, exponential_wait=5), pass_context=False
)
async def embed_items(company_id: str) -> None:
    """Retried with backoff while the embeddings service is down: a provider outage delays, never skips."""
    ctx = context()
    try:
        count = await embed_company_items(ctx.db, ctx.settings, uuid.UUID(company_id))
    except EmbeddingsUnavailable:
        log.warning("embeddings for company %s postponed: the embedder is unavailable", company_id)
        raise
    log.info("embedded %s knowledge-base rows for company %s", count, company_id)


async def schedule_embeddings(settings: Settings, company_id: uuid.UUID) -> None:
    """Queue one embedding run per company; if one is already waiting, it will pick these rows up too."""
    if not settings.embeddings:
        return
    try:
        await embed_items.configure(queueing_lock=f"kb_embed:{company_id}").defer_async(company_id=str(company_id))
    except procrastinate.exceptions.AlreadyEnqueued:
        log.debug("an embedding run for company %s is already queued", company_id)
