"""``GET /api/v1/activity`` and ``POST /api/v1/activity/{id}/retry`` (SPEC.md §8 "Activity log"). Scoped like the
companies: a business sees its own, a manager their businesses', an admin all; anyone else's entry is 404."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from x8.kit.db import SessionDep, after_commit
from x8.kit.errors import Conflict, NotFound, error_responses
from x8.kit.i18n import msg
from x8.platform.activity import retry
from x8.platform.activity.models import ActivityEntry, ActivityKind, ActivityStatus
from x8.platform.activity.schemas import ActivityItem, ActivityList
from x8.platform.activity.service import is_retryable, listed
from x8.platform.auth.deps import CurrentUser
from x8.platform.companies.service import get_visible
from x8.platform.users.models import Role

router = APIRouter(prefix="/api/v1/activity", tags=["activity"])


def _item(entry: ActivityEntry) -> ActivityItem:
    return ActivityItem(
        id=entry.id,
        at=entry.at,
        company_id=entry.company_id,
        channel_id=entry.channel_id,
        kind=entry.kind,
        status=ActivityStatus(entry.status).value,
        detail=entry.detail,
        attempts=entry.attempts,
        retryable=is_retryable(entry),
    )


@router.get("", response_model=ActivityList, responses=error_responses(NotFound))
async def list_activity(
    user: CurrentUser,
    session: SessionDep,
    company_id: uuid.UUID | None = None,
    status: ActivityStatus | None = None,
    kind: ActivityKind | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> ActivityList:
    """Every provider sync attempt of the companies the caller may see, newest first."""
    if company_id is not None and user.role != Role.ADMIN:
        await get_visible(session, user, company_id)  # 404 for a company the caller may not see
    rows, total = await listed(
        session,
        user,
        company_id=company_id,
        status=status,
        kind=kind.value if kind else None,
        limit=limit,
        offset=offset,
    )
    return ActivityList(items=[_item(row) for row in rows], total=total)


@router.post(
    "/{entry_id}/retry", status_code=202, response_model=ActivityItem, responses=error_responses(NotFound, Conflict)
)
async def retry_activity(entry_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> ActivityItem:
    """Queue the sync again (n8n provisioning, a webhook registration, a session restart, a failed send, a calendar
    write); the entry shows ``pending`` until the job records its outcome. 409 when it is not retryable."""
    entry = await session.get(ActivityEntry, entry_id, with_for_update=True)
    if entry is None:
        raise NotFound(msg("Activity entry not found."))
    if user.role != Role.ADMIN:
        try:
            await get_visible(session, user, entry.company_id)
        except NotFound as exc:
            raise NotFound(msg("Activity entry not found.")) from exc
    if not is_retryable(entry) or entry.retry is None:
        raise Conflict(msg("This entry cannot be retried: it succeeded, or retrying would not help."))
    entry.status = ActivityStatus.PENDING.value
    entry.detail = msg("Retry queued.")
    company_id, action = entry.company_id, dict(entry.retry)

    async def queue() -> None:
        await retry.carry_out(company_id, action)

    after_commit(session, queue)
    await session.flush()
    await session.refresh(entry)
    return _item(entry)
