"""Folding and rebuilding every company's rollups: the periodic job's body and ``x8 metrics rebuild``."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import select

from x8.kit.clock import utcnow
from x8.kit.db import Database
from x8.platform.companies.models import Company
from x8.platform.metrics import fold
from x8.platform.metrics.overview import tz_name

log = logging.getLogger(__name__)


async def _companies(db: Database, only: uuid.UUID | None = None) -> list[tuple[uuid.UUID, str]]:
    async with db.sessions() as session:
        query = select(Company.id, Company.timezone).order_by(Company.created_at)
        if only is not None:
            query = query.where(Company.id == only)
        return [(row.id, tz_name(row.timezone)) for row in await session.execute(query)]


async def fold_all(db: Database) -> tuple[int, int]:
    """Fold every company up to date; one company's failure is logged and does not stop the others."""
    folded = failed = 0
    for company_id, tz in await _companies(db):
        try:
            await fold.fold(db, company_id, tz, utcnow())
            folded += 1
        except Exception:
            log.exception("metrics: folding company %s failed", company_id)
            failed += 1
    return folded, failed


async def rebuild(db: Database, only: uuid.UUID | None = None) -> list[uuid.UUID]:
    """Forget the rollups and fold them again from the raw rows: for every company, or only one. Returns the
    companies rebuilt (none when ``only`` names no company)."""
    done = []
    for company_id, tz in await _companies(db, only):
        await fold.reset(db, company_id)
        await fold.fold(db, company_id, tz, utcnow())
        done.append(company_id)
    return done


async def rebuild_command(app_url: str, only: uuid.UUID | None) -> list[str]:
    """``x8 metrics rebuild``: the lines it prints."""
    db = Database.connect(app_url, pool_size=1)
    try:
        done = await rebuild(db, only)
    finally:
        await db.dispose()
    if only is not None and not done:
        raise LookupError(f"no company with id {only}")
    return [f"rebuilt {company_id}" for company_id in done] + [f"rebuilt the metrics of {len(done)} companies"]
