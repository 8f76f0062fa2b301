"""Calendar periods of the overview: days, ISO weeks (Monday first) and months, named by their first day."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy import ColumnElement, Date, DateTime, cast, func

Granularity = Literal["day", "week", "month"]


def period_of(day: date, granularity: Granularity) -> date:
    """The first day of the period holding ``day`` (it may fall before the requested range: a range starting on a
    Wednesday has its first week named by that week's Monday, and counts only the days in the range)."""
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def periods(first: date, last: date, granularity: Granularity) -> list[date]:
    """Every period touching ``first`` … ``last``, in order."""
    result: list[date] = []
    day = first
    while day <= last:
        start = period_of(day, granularity)
        if not result or result[-1] != start:
            result.append(start)
        day += timedelta(days=1)
    return result


def period_column(day: ColumnElement[date], granularity: Granularity) -> ColumnElement[date]:
    """The first day of the period holding the date column ``day`` (the rule of ``period_of``: PostgreSQL's
    ``date_trunc('week')`` is the ISO week's Monday), so the database sums a range per period."""
    if granularity == "day":
        return day
    return cast(func.date_trunc(granularity, cast(day, DateTime())), Date)


def local_day(instant: ColumnElement[datetime], tz: str) -> ColumnElement[date]:
    """The calendar day of a ``timestamptz`` in the zone ``tz`` (``instant AT TIME ZONE tz``)."""
    return cast(func.timezone(tz, instant), Date)
