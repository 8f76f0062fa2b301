"""What the overview adds up: the counters of one (local day, channel, lead source), and how two of them merge.

Every counter is a sum, and the first-response histogram merges bucket by bucket, so a day, a week, a channel and
a company are all read the same way: add the tallies, then derive the rates and percentiles once (``figures``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import date
from typing import NamedTuple

# Counters kept in the rollups (``metrics_daily``), in the order of its columns.
ROLLED = (
    "messages_in",
    "messages_out",
    "type1",
    "type2",
    "type3",
    "new_contacts",
    "conversations",
    "assisted",
    "handovers",
)
# Counters read from orders and bookings at request time (their rows change after the fact: a late payment, a
# refund, a cancelled booking).
COMMERCE = ("payment_links_sent", "links_paid", "orders_paid", "paid_booked", "bookings")


class Key(NamedTuple):
    """Where a tally belongs: a company's local calendar day, the channel, and the lead source ('' for none)."""

    day: date
    channel: str
    lead_source: str


@dataclass
class Tally:
    messages_in: int = 0
    messages_out: int = 0
    type1: int = 0
    type2: int = 0
    type3: int = 0
    new_contacts: int = 0
    conversations: int = 0
    assisted: int = 0  # conversations a person took part in: a handover, or a reply from the dashboard or phone
    handovers: int = 0
    payment_links_sent: int = 0
    links_paid: int = 0  # of those links, the orders paid now
    orders_paid: int = 0
    paid_booked: int = 0  # of those paid orders, the ones with a confirmed booking now
    bookings: int = 0
    response_times: Counter[int] = field(default_factory=Counter)  # histogram bucket → conversations
    revenue: Counter[str] = field(default_factory=Counter)  # currency → minor units

    def add(self, other: Tally) -> None:
        for f in fields(self):
            mine = getattr(self, f.name)
            if isinstance(mine, Counter):
                mine.update(getattr(other, f.name))
            else:
                setattr(self, f.name, mine + getattr(other, f.name))


Tallies = dict[Key, Tally]


def merge_into(target: Tallies, source: Tallies) -> None:
    for key, tally in source.items():
        target.setdefault(key, Tally()).add(tally)


def total(tallies: Tallies | list[Tally]) -> Tally:
    result = Tally()
    for tally in tallies.values() if isinstance(tallies, dict) else tallies:
        result.add(tally)
    return result


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole > 0 else None
