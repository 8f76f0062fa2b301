from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from x8.kit.clock import utcnow
from x8.kit.db import SessionDep
from x8.kit.deps import DatabaseDep
from x8.platform.auth.deps import CurrentUser
from x8.platform.metrics import service
from x8.platform.metrics.schemas import MessagesPerDay

router = APIRouter(prefix="/api/v1/metrics", tags=["metrics"])

Days = Annotated[int, Query(ge=1, le=90, description="How many calendar days, ending today (1 to 90).")]


@router.get("/messages-per-day", response_model=MessagesPerDay)
async def messages_per_day(user: CurrentUser, session: SessionDep, db: DatabaseDep, days: Days = 14) -> MessagesPerDay:
    """Messages in and out per day for every company the caller may see (a business: its own; a manager: the
    assigned businesses'; an admin: all), zero-filled, each company on its own time zone's calendar. Counted
    directly from the conversations; the metrics overview will bring rollups."""
    return await service.messages_per_day(session, db, user, days=days, now=utcnow())
