"""The slot grid in wall-clock time (x8.platform.booking.slots): DST days neither shift nor drop slots, buffers
space them, closed dates have none, and busy spans take capacity away."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from x8.platform.booking.availability import Availability
from x8.platform.booking.slots import Busy, free_slots, grid

SUNDAY_HOURS = [{"weekday": 6, "start": "09:00", "end": "12:00"}]


def _starts(availability: Availability, day: date, duration: int = 60) -> list[str]:
    return [s.isoformat() for s, _ in grid(availability, day, day, duration=duration, city=None)]


def test_spring_forward_keeps_every_slot_at_its_wall_time() -> None:
    berlin = Availability(timezone="Europe/Berlin", weekly=SUNDAY_HOURS)
    # 2027-03-28: Berlin moves from +01:00 to +02:00 at 02:00.
    assert _starts(berlin, date(2027, 3, 21)) == [
        "2027-03-21T09:00:00+01:00",
        "2027-03-21T10:00:00+01:00",
        "2027-03-21T11:00:00+01:00",
    ]
    assert _starts(berlin, date(2027, 3, 28)) == [
        "2027-03-28T09:00:00+02:00",
        "2027-03-28T10:00:00+02:00",
        "2027-03-28T11:00:00+02:00",
    ]


def test_fall_back_keeps_every_slot_at_its_wall_time() -> None:
    new_york = Availability(timezone="America/New_York", weekly=SUNDAY_HOURS)
    # 2027-11-07: New York moves from -04:00 to -05:00 at 02:00.
    assert _starts(new_york, date(2027, 11, 7)) == [
        "2027-11-07T09:00:00-05:00",
        "2027-11-07T10:00:00-05:00",
        "2027-11-07T11:00:00-05:00",
    ]
    assert _starts(new_york, date(2027, 10, 31))[0] == "2027-10-31T09:00:00-04:00"


def test_hours_across_the_changes_follow_the_clock() -> None:
    night = [{"weekday": 6, "start": "00:00", "end": "04:00"}]
    berlin = Availability(timezone="Europe/Berlin", weekly=night)
    # 02:00 does not exist that night: no slot starts then; the 01:00 one ends at 03:00 local (an hour later).
    slots = list(grid(berlin, date(2027, 3, 28), date(2027, 3, 28), duration=60, city=None))
    assert [(s.isoformat(), e.astimezone(UTC) - s.astimezone(UTC)) for s, e in slots] == [
        ("2027-03-28T00:00:00+01:00", timedelta(hours=1)),
        ("2027-03-28T01:00:00+01:00", timedelta(hours=1)),
        ("2027-03-28T03:00:00+02:00", timedelta(hours=1)),
    ]
    # 01:00 happens twice on the fall-back night: one slot, the first.
    autumn = list(grid(berlin, date(2027, 10, 31), date(2027, 10, 31), duration=60, city=None))
    assert [s.isoformat() for s, _ in autumn] == [
        "2027-10-31T00:00:00+02:00",
        "2027-10-31T01:00:00+02:00",
        "2027-10-31T02:00:00+02:00",
        "2027-10-31T03:00:00+01:00",
    ]


def test_buffers_space_slots_and_closed_dates_have_none() -> None:
    spaced = Availability(
        timezone="UTC",
        buffer_minutes=15,
        weekly=[{"weekday": 0, "start": "09:00", "end": "11:00"}],
        closed_dates=[date(2027, 1, 11)],
    )
    assert _starts(spaced, date(2027, 1, 4), duration=30) == [
        "2027-01-04T09:00:00+00:00",
        "2027-01-04T09:45:00+00:00",
        "2027-01-04T10:30:00+00:00",
    ]
    assert _starts(spaced, date(2027, 1, 11), duration=30) == []
    assert _starts(spaced, date(2027, 1, 5), duration=30) == []  # a Tuesday: no hours


def test_busy_spans_take_capacity_and_past_slots_are_not_offered() -> None:
    day = Availability(timezone="UTC", capacity=2, weekly=[{"weekday": 0, "start": "09:00", "end": "12:00"}])
    candidates = list(grid(day, date(2027, 1, 4), date(2027, 1, 4), duration=60, city=None))
    nine = datetime(2027, 1, 4, 9, tzinfo=UTC)
    busy = [
        Busy(nine, nine + timedelta(hours=1), 1),
        Busy(nine + timedelta(hours=1), nine + timedelta(hours=1, minutes=30), 2),
    ]
    free = free_slots(
        candidates,
        capacity=2,
        busy=busy,
        after=nine - timedelta(days=1),
        window=(nine - timedelta(days=1), nine + timedelta(days=1)),
    )
    assert [(s.start.hour, s.remaining) for s in free] == [(9, 1), (11, 2)]
    later = free_slots(
        candidates, capacity=2, busy=[], after=nine, window=(nine - timedelta(days=1), nine + timedelta(days=1))
    )
    assert [s.start.hour for s in later] == [10, 11]
