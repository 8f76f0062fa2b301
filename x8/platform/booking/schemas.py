"""Request and response bodies of the booking API, in SPEC.md §11's shapes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

BookingKind = Literal["delivery", "appointment"]
BookingStatus = Literal["confirmed", "cancelled"]
Format = Literal["online", "offline"]


class SlotOut(BaseModel):
    start: datetime = Field(description="ISO 8601 with the company's UTC offset.")
    end: datetime
    remaining: int


class SlotList(BaseModel):
    items: list[SlotOut]


class ServiceOut(BaseModel):
    id: uuid.UUID
    name: str
    duration_minutes: int | None = Field(description="The length of its slots; null: the availability's slot length.")
    format: Format | None


class ServiceList(BaseModel):
    items: list[ServiceOut]
    total: int


class BookingFields(BaseModel):
    """A booking's body, whoever names the company (a user in the body, n8n by its tenant key)."""

    model_config = ConfigDict(extra="forbid")

    start: AwareDatetime = Field(description="A slot's start, with its UTC offset, as the slots list gives it.")
    service_id: uuid.UUID | None = None
    city: str | None = Field(default=None, min_length=1, max_length=200)
    address: str | None = Field(default=None, max_length=500)
    format: Format | None = None
    order_id: uuid.UUID | None = None
    conversation_id: uuid.UUID | None = None
    contact_name: str | None = Field(default=None, max_length=255)
    contact_phone: str | None = Field(default=None, max_length=64)


class BookingIn(BookingFields):
    company_id: uuid.UUID


class BookingOut(BaseModel):
    id: uuid.UUID
    kind: BookingKind
    start: datetime
    end: datetime
    status: BookingStatus
    city: str | None
    address: str | None
    format: Format | None
    order_id: uuid.UUID | None
    conversation_id: uuid.UUID | None
    calendar_event_id: str | None
    service_id: uuid.UUID | None
    contact_name: str | None
    contact_phone: str | None
    lead_source: str | None = Field(
        None, description="Where the customer came from (tiktok, meta_ads…), for a booking made in a conversation."
    )


class BookingList(BaseModel):
    items: list[BookingOut]
    total: int
