"""Writing and reading the activity log.

``record`` is what other modules call, AFTER their provider call has returned: it opens its own short transaction
(never one that waits on a provider) and never raises into the caller: a log that cannot be written must not fail
the sync it describes.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.db import Database
from x8.platform.activity.models import ActivityEntry, ActivityKind, ActivityStatus
from x8.platform.companies.models import Company
from x8.platform.companies.service import visible_companies
from x8.platform.users.models import Role, User

log = logging.getLogger(__name__)

DETAIL_LIMIT = 2000
COMPANY = "company"


def channel_subject(channel_id: uuid.UUID) -> str:
    return f"channel:{channel_id}"


def message_subject(message_id: uuid.UUID) -> str:
    return f"message:{message_id}"


def booking_subject(booking_id: uuid.UUID) -> str:
    return f"booking:{booking_id}"


async def record(
    db: Database,
    company_id: uuid.UUID,
    kind: ActivityKind,
    status: ActivityStatus,
    *,
    subject: str = COMPANY,
    channel_id: uuid.UUID | None = None,
    detail: str | None = None,
    retry: dict[str, Any] | None = None,
) -> uuid.UUID | None:
    """Record one attempt at a sync. It folds into the subject's open (not ``ok``) entry if there is one, counting
    the attempt; otherwise it opens a new entry. ``retry`` is what a retry queues (None: not retryable). Returns the
    entry's id, or None when the log could not be written (logged, never raised)."""
    try:
        async with db.sessions() as session, session.begin():
            return await _record(session, company_id, kind, status, subject, channel_id, detail, retry)
    except SQLAlchemyError:
        log.exception("could not write the activity log (%s, %s) for company %s", kind, status, company_id)
        return None


async def _record(
    session: AsyncSession,
    company_id: uuid.UUID,
    kind: ActivityKind,
    status: ActivityStatus,
    subject: str,
    channel_id: uuid.UUID | None,
    detail: str | None,
    retry: dict[str, Any] | None,
) -> uuid.UUID:
    values = {"status": status.value, "detail": detail[:DETAIL_LIMIT] if detail else None, "retry": retry}
    open_entry = (
        select(ActivityEntry.id)
        .where(
            ActivityEntry.company_id == company_id,
            ActivityEntry.kind == kind.value,
            ActivityEntry.subject == subject,
            ActivityEntry.status != ActivityStatus.OK.value,
        )
        .order_by(ActivityEntry.at.desc())
        .limit(1)
        .with_for_update()
        .scalar_subquery()
    )
    folded = await session.execute(
        update(ActivityEntry)
        .where(ActivityEntry.id == open_entry)
        .values(
            **values,
            attempts=ActivityEntry.attempts + 1,
            at=func.now(),
            channel_id=func.coalesce(channel_id, ActivityEntry.channel_id),
        )
        .returning(ActivityEntry.id)
    )
    found = folded.scalar_one_or_none()
    if found is not None:
        return uuid.UUID(str(found))
    entry = ActivityEntry(
        company_id=company_id, channel_id=channel_id, kind=kind.value, subject=subject, attempts=1, **values
    )
    session.add(entry)
    await session.flush()
    return entry.id


def is_retryable(entry: ActivityEntry) -> bool:
    return entry.retry is not None and entry.status != ActivityStatus.OK


async def listed(
    session: AsyncSession,
    user: User,
    *,
    company_id: uuid.UUID | None,
    status: ActivityStatus | None,
    kind: str | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[ActivityEntry], int]:
    """The entries the user may see, newest first: their own companies' (a business), their businesses' (a
    manager), every company's (an admin, including companies deleted since)."""
    query = select(ActivityEntry)
    if user.role != Role.ADMIN:
        visible = visible_companies(user).with_only_columns(Company.id)
        query = query.where(ActivityEntry.company_id.in_(visible))
    if company_id is not None:
        query = query.where(ActivityEntry.company_id == company_id)
    if status is not None:
        query = query.where(ActivityEntry.status == status.value)
    if kind is not None:
        query = query.where(ActivityEntry.kind == kind)
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = await session.execute(query.order_by(ActivityEntry.at.desc(), ActivityEntry.id).limit(limit).offset(offset))
    return rows.scalars().all(), total


RETENTION_DAYS = 90


async def prune(db: Database, *, days: int = RETENTION_DAYS) -> int:
    """Forget entries older than ``days`` (an open one too: its sync has long been given up); how many went."""
    async with db.sessions() as session, session.begin():
        gone = await session.execute(
            delete(ActivityEntry)
            .where(ActivityEntry.at < func.now() - func.make_interval(0, 0, 0, days))
            .returning(ActivityEntry.id)
        )
        return len(gone.scalars().all())
