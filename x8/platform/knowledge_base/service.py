"""Knowledge-base work shared by the dashboard's API and the tenant-scoped API for n8n."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from x8.kb_engine import search as kb_search
from x8.kb_engine.embeddings import EmbeddingsUnavailable, embedder_for
from x8.kit.db import Database
from x8.kit.ttl_cache import TtlCache
from x8.platform.companies.models import Company
from x8.platform.companies.scope import TenantScope
from x8.platform.knowledge_base import repository
from x8.settings import Settings

log = logging.getLogger(__name__)


async def search(scope: TenantScope, settings: Settings, query: str, *, limit: int) -> list[dict[str, Any]]:
    """Hybrid search over the company's KBs, best first. The embedder answers before any transaction opens."""
    vector, model = await _query_vector(settings, query)
    kb_ids = await kb_ids_of(scope.db, scope.id)
    async with scope.tenant() as ts:
        return await kb_search.search(
            ts, kb_ids, query, language=scope.company.language, limit=limit, query_vector=vector, model=model
        )


# A company's KBs only ever go from none to its default one (made with its first upload), and go with the company:
# a company's list is kept a minute once it has one, and read each time while it has none.
_KB_IDS: TtlCache[uuid.UUID, list[uuid.UUID]] = TtlCache(seconds=60.0)


async def kb_ids_of(db: Database, company_id: uuid.UUID) -> list[uuid.UUID]:
    async def load() -> list[uuid.UUID]:
        async with db.sessions() as session:
            return await repository.ids_of_company(session, company_id)

    return await _KB_IDS.get_or_load(company_id, load, keep=bool)


async def _query_vector(settings: Settings, query: str) -> tuple[list[float] | None, str | None]:
    """The query's embedding when an embedder is configured; without one (or when it is down), lexical only."""
    try:
        embedder = embedder_for(settings)
        if embedder is None:
            return None, None
        return (await embedder.embed([query]))[0], embedder.model
    except EmbeddingsUnavailable:
        log.warning("semantic search skipped: the embedder is unavailable")
        return None, None


async def ensure_default_kb(db: Database, company: Company) -> uuid.UUID:
    """The company's default KB, created (and committed) first if it has none: an upload's tenant rows commit in
    their own transaction, so the registry row they point to must exist before them. An empty KB is harmless."""
    async with db.sessions() as session, session.begin():
        return (await repository.default_for(session, company)).id
