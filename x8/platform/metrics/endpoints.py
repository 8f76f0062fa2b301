from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BeforeValidator

from x8.kit.clock import utcnow
from x8.kit.db import SessionDep
from x8.kit.deps import DatabaseDep
from x8.kit.errors import NotFound, error_responses
from x8.kit.i18n import msg
from x8.platform.auth.deps import CurrentUser
from x8.platform.metrics import overview as overview_service
from x8.platform.metrics import service
from x8.platform.metrics.errors import BadRange
from x8.platform.metrics.periods import Granularity
from x8.platform.metrics.schemas import MessagesPerDay, Overview

router = APIRouter(prefix="/api/v1/metrics", tags=["metrics"])


def _iso_day(value: object) -> object:
    """Only a calendar date written YYYY-MM-DD: pydantic alone would also read "0" as 1 January 1970."""
    if isinstance(value, str) and not ISO_DAY.fullmatch(value):
        raise ValueError(msg("Write a day as YYYY-MM-DD, for example 2026-12-01."))
    return value


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
Day = Annotated[date, BeforeValidator(_iso_day)]
Days = Annotated[int, Query(ge=1, le=90, description="How many calendar days, ending today (1 to 90).")]


@router.get("/messages-per-day", response_model=MessagesPerDay)
async def messages_per_day(user: CurrentUser, session: SessionDep, db: DatabaseDep, days: Days = 14) -> MessagesPerDay:
    """Messages in and out per day for every company the caller may see (a business: its own; a manager: the
    assigned businesses'; an admin: all), zero-filled, each company on its own time zone's calendar. Counted
    directly from the conversations (the overview below reads the rollups)."""
    return await service.messages_per_day(session, db, user, days=days, now=utcnow())


@router.get("/overview", response_model=Overview, responses=error_responses(NotFound, BadRange))
async def overview(
    user: CurrentUser,
    session: SessionDep,
    db: DatabaseDep,
    company_id: Annotated[
        uuid.UUID | None, Query(description="One company; without it, every company the caller may see.")
    ] = None,
    channel: Annotated[
        str | None, Query(pattern=r"^[a-z][a-z0-9_]{0,15}$", description="Only this channel (telegram, web, ...).")
    ] = None,
    lead_source: Annotated[
        str | None,
        Query(
            pattern=r"^[a-z][a-z0-9_]{0,31}$",
            description="Only customers from this lead source (tiktok, ...); `none` for customers with none.",
        ),
    ] = None,
    from_: Annotated[
        Day | None, Query(alias="from", description="First day, YYYY-MM-DD (inclusive); default: 30 days before `to`.")
    ] = None,
    to: Annotated[Day | None, Query(description="Last day, YYYY-MM-DD (inclusive); default: today.")] = None,
    granularity: Annotated[Granularity, Query(description="Length of each period of `series`.")] = "day",
) -> Overview:
    """Every figure of SPEC.md R-X1 (defined in docs/metrics.md) for the range: in total, per period, per company,
    per channel and per lead source. A business sees its own companies, a manager the assigned businesses', an
    admin all; another's company is 404. Periods are calendar days in the company's time zone (with several
    companies, each is counted on its own calendar and the range defaults end today in the caller's). A range
    that ends before it starts, or one longer than 366 days by day (1,098 by week or month), is 422."""
    query = overview_service.Query(company_id, channel, lead_source, from_, to, granularity)
    return await overview_service.overview(session, db, user, query, now=utcnow())
