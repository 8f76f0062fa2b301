"""The scheduling port: how the assistant offers free slots and books one, without importing the platform.

The turn passes a ``Scheduler`` (``x8.platform.conversations.scheduling``) whose answers are already worded for the
customer or shaped for an LLM tool. Booking follows payment (SPEC.md R-CAL2): ``book`` books only for an order paid
in this conversation or a free service; anything else comes back as ``payment_required``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Offer:
    """What to tell the customer to start a booking: the numbered slots (or the city question); ``handover`` when
    there is no free time and a person takes over."""

    text: str
    handover: bool = False


class Scheduler(Protocol):
    async def start(self, service_row_id: str, language: str, /) -> Offer | None:
        """A free service is booked without payment: open its booking and offer the slots. None: this business
        books nothing in chat (it set no opening hours), so a person agrees the time."""
        ...

    async def slots(self, arguments: dict[str, Any], /) -> dict[str, Any]:
        """The ``list_slots`` tool: ``kb_row_id``?, ``city``?, ``day``? (YYYY-MM-DD) → numbered free slots."""
        ...

    async def book(self, arguments: dict[str, Any], /) -> dict[str, Any]:
        """The ``book_slot`` tool: ``slot`` (a start from list_slots, or its number), ``kb_row_id``?, ``city``?,
        ``address``? → the booking, or what is missing."""
        ...
