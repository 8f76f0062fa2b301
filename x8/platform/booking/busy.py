"""Busy time arithmetic: Google's busy spans minus the platform's own events (already counted as bookings)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime


def subtract(
    spans: Iterable[tuple[datetime, datetime]], own: Sequence[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    """The parts of ``spans`` that no span of ``own`` covers."""
    ordered = sorted(own)
    result: list[tuple[datetime, datetime]] = []
    for start, end in spans:
        cursor = start
        for own_start, own_end in ordered:
            if own_end <= cursor or own_start >= end:
                continue
            if own_start > cursor:
                result.append((cursor, own_start))
            cursor = max(cursor, own_end)
            if cursor >= end:
                break
        if cursor < end:
            result.append((cursor, end))
    return result
