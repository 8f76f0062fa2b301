"""A company's availability (SPEC.md R-CAL1): its shape, the rules a valid one follows, and its storage.

Hours are wall-clock times in the availability's own IANA time zone; ``weekly`` ranges of one weekday must not
overlap. ``cities`` (delivery zones) exist only for companies that sell products; a city may have its own weekly
hours and capacity, else it inherits the company's.
"""

from __future__ import annotations

import re
from datetime import date, time
from itertools import pairwise
from typing import Annotated, Any, Self
from zoneinfo import available_timezones

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from x8.kit.i18n import msg
from x8.tenancy.session import TenantSession
from x8.tenancy.tables import availability

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")
MAX_RANGES = 50
MAX_CITIES = 200
MAX_CLOSED_DATES = 1000


def _clock(value: str) -> str:
    if not _HHMM.match(value):
        raise ValueError(msg("Use a time of day as HH:MM, from 00:00 to 24:00."))
    return value


Clock = Annotated[str, AfterValidator(_clock)]


def minutes_of(clock: str) -> int:
    """Minutes since midnight of an ``HH:MM`` (``24:00`` is 1440, the end of the day)."""
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def clock_time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


class WeeklyRange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weekday: int = Field(ge=0, le=6, description="0 is Monday, 6 is Sunday.")
    start: Clock
    end: Clock

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if minutes_of(self.end) <= minutes_of(self.start):
            raise ValueError(msg("A range must end after it starts."))
        return self


def _no_overlaps(ranges: list[WeeklyRange]) -> list[WeeklyRange]:
    ordered = sorted(ranges, key=lambda r: (r.weekday, minutes_of(r.start)))
    for before, after in pairwise(ordered):
        if before.weekday == after.weekday and minutes_of(after.start) < minutes_of(before.end):
            raise ValueError(msg("Two ranges of the same weekday overlap."))
    return ranges


Weekly = Annotated[list[WeeklyRange], Field(max_length=MAX_RANGES), AfterValidator(_no_overlaps)]


_ZONES = available_timezones() | {"UTC"}


def _zone(name: str) -> str:
    if name not in _ZONES:
        raise ValueError(msg("Unknown time zone: use an IANA name such as Europe/Berlin."))
    return name


class City(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    weekly: Weekly | None = None
    capacity: int | None = Field(default=None, ge=1, le=1000)


def _unique_cities(cities: list[City]) -> list[City]:
    names = [c.name.strip().casefold() for c in cities]
    if len(set(names)) != len(names):
        raise ValueError(msg("A city is listed twice."))
    return cities


class Availability(BaseModel):
    """SPEC's availability shape, read and written whole."""

    model_config = ConfigDict(extra="forbid")

    timezone: Annotated[str, AfterValidator(_zone)] = "UTC"
    slot_minutes: int = Field(default=60, ge=5, le=1440)
    capacity: int = Field(default=1, ge=1, le=1000)
    buffer_minutes: int = Field(default=0, ge=0, le=1440)
    weekly: Weekly = Field(default_factory=list)
    cities: Annotated[list[City], Field(max_length=MAX_CITIES), AfterValidator(_unique_cities)] = Field(
        default_factory=list
    )
    closed_dates: Annotated[list[date], Field(max_length=MAX_CLOSED_DATES)] = Field(default_factory=list)

    def city(self, name: str) -> City | None:
        wanted = name.strip().casefold()
        return next((c for c in self.cities if c.name.strip().casefold() == wanted), None)


def default_availability(timezone: str) -> Availability:
    """What a company that never set its availability has: its own time zone and no open hours."""
    return Availability(timezone=timezone if timezone in _ZONES else "UTC")


async def load(session: TenantSession, *, lock: bool = False) -> Availability | None:
    """The stored availability. ``lock`` also locks its row until the transaction ends: a booking's transaction
    does, so bookings of one company are checked against capacity one at a time (docs/booking.md)."""
    query = select(availability).with_for_update() if lock else select(availability)
    row = (await session.execute(query)).mappings().first()
    if row is None:
        return None
    return Availability.model_validate(
        {k: row[k] for k in ("timezone", "slot_minutes", "capacity", "buffer_minutes", "weekly", "cities")}
        | {"closed_dates": row["closed_dates"]}
    )


async def save(session: TenantSession, value: Availability) -> None:
    values: dict[str, Any] = {
        "timezone": value.timezone,
        "slot_minutes": value.slot_minutes,
        "capacity": value.capacity,
        "buffer_minutes": value.buffer_minutes,
        "weekly": [r.model_dump() for r in value.weekly],
        "cities": [c.model_dump(exclude_none=True) for c in value.cities],
        "closed_dates": sorted(set(value.closed_dates)),
    }
    statement = insert(availability).values(id=1, **values)
    await session.execute(
        statement.on_conflict_do_update(index_elements=["id"], set_=values | {"updated_at": func.now()})
    )
