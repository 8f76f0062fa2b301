"""`python -m bench booking` at toy sizes: the booking benchmarks keep working as the product changes (they drive
the real server and check their own results: the slot list accounts for every booking, each race books once)."""

from __future__ import annotations

import pytest

from bench import booking


def test_booking_benchmarks_run(owner_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(booking, "BOOKINGS", 120)
    monkeypatch.setattr(booking, "SLOT_READS", 20)
    monkeypatch.setattr(booking, "RACE_ROUNDS", 2)
    monkeypatch.setattr(booking, "RACERS", 10)
    lines = booking.run(owner_url)
    assert len(lines) == 2 and "slots, 30 days" in lines[0] and "exactly 1 booked" in lines[1]
