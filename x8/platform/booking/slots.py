"""Free slots (SPEC.md R-CAL1): the availability's grid over a range, minus what is booked and what is busy.

The grid is laid in wall-clock time, day by day, in the availability's time zone, and only then turned into instants:
a 09:00 slot stays at 09:00 on the days clocks change, and no slot is dropped or doubled by the shift. A wall time
that does not exist (inside a spring-forward gap) starts no slot, since the clock never shows it that day (a slot
may still end there: its end is the instant the wall time names); an ambiguous one (a fall-back hour) is its first
occurrence. Slots are ``duration`` long and start every
``duration + buffer`` minutes from each range's start, and must end by the range's end.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from x8.platform.booking.availability import Availability, WeeklyRange, clock_time, minutes_of


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    remaining: int


@dataclass(frozen=True)
class Busy:
    """A span that takes ``units`` of a slot's capacity (a booking takes 1; a calendar's busy time takes all)."""

    start: datetime
    end: datetime
    units: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", self.start.astimezone(UTC))
        object.__setattr__(self, "end", self.end.astimezone(UTC))


def _wall(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day + timedelta(days=minutes // 1440), clock_time(minutes % 1440), tzinfo=zone)


def _instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The real instant a wall time names, normalised (a wall time inside a gap moves past it)."""
    return wall.astimezone(UTC).astimezone(zone)


def _offset(day: date, zone: ZoneInfo) -> timedelta | None:
    return datetime.combine(day, time(), tzinfo=zone).utcoffset()


def _exists(wall: datetime, zone: ZoneInfo) -> bool:
    return _instant(wall, zone).replace(tzinfo=None) == wall.replace(tzinfo=None)


def days_of(availability: Availability, city: str | None) -> tuple[Sequence[WeeklyRange], int]:
    """The weekly ranges and capacity that apply (a city's own, else the company's)."""
    if city is not None:
        zone = availability.city(city)
        if zone is not None:
            return (zone.weekly if zone.weekly is not None else availability.weekly), (
                zone.capacity if zone.capacity is not None else availability.capacity
            )
    return availability.weekly, availability.capacity


def grid(
    availability: Availability, first: date, last: date, *, duration: int, city: str | None
) -> Iterator[tuple[datetime, datetime]]:
    """Every slot (start, end) of the days ``first``..``last`` (local dates, inclusive), in time order."""
    zone = ZoneInfo(availability.timezone)
    weekly, _ = days_of(availability, city)
    closed = set(availability.closed_dates)
    step = duration + availability.buffer_minutes
    day = first
    while day <= last:
        # On a day without a clock change a wall time is its own instant: the normalising round trips (most of the
        # grid's cost over a month) are only needed on the two days a year that have one.
        steady = _offset(day, zone) == _offset(day + timedelta(days=1), zone)
        if day not in closed:
            for opening in sorted((r for r in weekly if r.weekday == day.weekday()), key=lambda r: r.start):
                start, end = minutes_of(opening.start), minutes_of(opening.end)
                while start + duration <= end:
                    wall = _wall(day, start, zone)
                    if steady:
                        yield wall, _wall(day, start + duration, zone)
                    elif _exists(wall, zone):
                        yield _instant(wall, zone), _instant(_wall(day, start + duration, zone), zone)
                    start += step
        day += timedelta(days=1)


def peak(items: Iterable[Busy], start: datetime, end: datetime) -> int:
    """The most units ``items`` hold at any one instant of [start, end) (all in UTC). A 60-minute slot with two
    30-minute bookings one after the other is held once, not twice: capacity is how many at the same time."""
    edges: list[tuple[datetime, int]] = []
    for item in items:
        if item.start < end and item.end > start:
            edges += [(max(item.start, start), item.units), (min(item.end, end), -item.units)]
    level = highest = 0
    for _, units in sorted(edges):  # at one instant an end (negative) comes before a start: spans are half-open
        level += units
        highest = max(highest, level)
    return highest


def free_slots(
    candidates: Iterable[tuple[datetime, datetime]],
    *,
    capacity: int,
    busy: Sequence[Busy],
    after: datetime,
    window: tuple[datetime, datetime],
) -> list[Slot]:
    """The candidates inside ``window`` that start after ``after`` and have capacity left once ``busy`` is taken
    away (at its peak inside the slot). One pass over both sorted lists: no per-slot query. Booking checks a slot
    with this same function, so the list and what booking accepts agree."""
    ordered = sorted(busy, key=lambda b: b.start)
    result: list[Slot] = []
    first_open = 0
    after, low, high = (moment.astimezone(UTC) for moment in (after, *window))
    for start, end in candidates:
        # Compared in UTC: Python compares two times of one ZoneInfo by their wall clocks, which repeat on DST nights.
        start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
        if start_utc <= after or start_utc < low or start_utc >= high:
            continue
        # Candidates come in time order, so a busy span that ended before this one ends before all the rest.
        while first_open < len(ordered) and ordered[first_open].end <= start_utc:
            first_open += 1
        overlapping = []
        for item in ordered[first_open:]:
            if item.start >= end_utc:
                break
            if item.end > start_utc:
                overlapping.append(item)
        taken = peak(overlapping, start_utc, end_utc)
        if taken < capacity:
            result.append(Slot(start, end, capacity - taken))
    return result
