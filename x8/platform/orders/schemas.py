"""The purchase log's shapes (SPEC.md §11, "Orders"): amounts are decimal strings in major units ("2490.00")."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field

from x8.kit.i18n import msg

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _moment(value: Any) -> Any:
    """A day ("2026-12-01", in the company's time zone) or an ISO 8601 instant; anything else is refused."""
    if not isinstance(value, str):
        return value
    try:
        return date.fromisoformat(value) if _DAY.fullmatch(value) else datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(msg("Use a date (2026-12-01) or a date and time (2026-12-01T09:00:00+03:00).")) from None


Moment = Annotated[date | datetime, BeforeValidator(_moment)]


class PurchaseContact(BaseModel):
    name: str
    handle: str = Field(description="The customer's id on the channel (a Telegram chat id, a phone number…).")


class PurchaseItem(BaseModel):
    kb_row_id: uuid.UUID | None
    name: str
    quantity: int
    unit_amount: str = Field(description="Price of one, in major units, as a decimal string.")
    currency: str


class PurchaseBooking(BaseModel):
    """The order's confirmed booking: its times with the company's UTC offset."""

    id: uuid.UUID
    kind: Literal["delivery", "appointment"]
    start: datetime
    end: datetime
    status: Literal["confirmed", "cancelled"]
    city: str | None
    address: str | None
    format: Literal["online", "offline"] | None


class Purchase(BaseModel):
    id: uuid.UUID
    company_id: uuid.UUID
    conversation_id: uuid.UUID | None
    contact: PurchaseContact
    channel: str
    lead_source: str | None
    items: list[PurchaseItem]
    amount: str = Field(description="The order's total in major units, as a decimal string (2490.00).")
    currency: str
    status: Literal["pending", "paid", "failed", "expired", "refunded"]
    paid_at: datetime | None
    booking: PurchaseBooking | None = Field(
        None, description="The booking made for the order, in chat or by hand; null when none."
    )
    created_at: datetime


class PurchaseList(BaseModel):
    items: list[Purchase]
    total: int
