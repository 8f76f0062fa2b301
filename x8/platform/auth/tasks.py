"""Housekeeping for authentication data."""

from __future__ import annotations

import logging
from datetime import timedelta

import procrastinate
from sqlalchemy import delete

from x8.kit.clock import utcnow
from x8.kit.jobs import context
from x8.kit.ratelimit import purge_expired
from x8.platform.users.models import AuthSession, EmailCode

blueprint = procrastinate.Blueprint()
log = logging.getLogger(__name__)


@blueprint.periodic(cron="17 * * * *")
@blueprint.task(name="purge_auth_data", queueing_lock="purge_auth_data", pass_context=False)
async def purge_auth_data(timestamp: int) -> None:
    """Delete codes, rate-limit windows and sessions that can no longer be used (hourly)."""
    ctx = context()
    now = utcnow()
    async with ctx.db.sessions() as session, session.begin():
        codes = await session.execute(delete(EmailCode).where(EmailCode.expires_at < now - timedelta(days=1)))
        sessions = await session.execute(delete(AuthSession).where(AuthSession.expires_at < now - timedelta(days=1)))
    windows = await purge_expired(ctx.db, older_than=now - timedelta(days=1))
    log.info(
        "purged %s codes, %s sessions, %s rate-limit windows",
        getattr(codes, "rowcount", 0),
        getattr(sessions, "rowcount", 0),
        windows,
    )
