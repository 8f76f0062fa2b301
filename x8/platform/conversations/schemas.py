from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_PAUSE_MINUTES = 7 * 24 * 60  # a week: longer than that, a person should switch the assistant off


class ContactOut(BaseModel):
    id: uuid.UUID
    display_name: str
    external_id: str
    language: str | None
    lead_source: str | None


class ConversationOut(BaseModel):
    id: uuid.UUID
    company_id: uuid.UUID
    channel: str
    channel_id: uuid.UUID | None
    status: str
    contact: ContactOut
    last_message_at: datetime | None
    last_message_preview: str
    unread_count: int
    bot_paused: bool
    bot_paused_until: datetime | None
    handover: bool
    payment_status: Literal["no_payment_link", "payment_link_sent", "paid"]
    lead_source: str | None


class ConversationList(BaseModel):
    items: list[ConversationOut]
    total: int


class ConversationMessage(BaseModel):
    id: uuid.UUID
    direction: str
    sender: str
    body: str
    status: str
    intent: str | None
    message_type: str | None
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


class ConversationMessages(BaseModel):
    items: list[ConversationMessage]
    total: int


class HumanReplyIn(BaseModel):
    text: str = Field(min_length=1, max_length=4000)


class PauseBotIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minutes: int | None = Field(
        None, ge=1, le=MAX_PAUSE_MINUTES, strict=True, description="How long; default X8_HUMAN_PAUSE_MINUTES."
    )


class WebMessageIn(BaseModel):
    text: str = Field(min_length=1, max_length=4000)
    visitor_id: str | None = Field(None, min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")
    message_id: uuid.UUID | None = Field(None, description="Client-made id; sending it again is accepted once.")


class Accepted(BaseModel):
    conversation_id: uuid.UUID
    message_id: uuid.UUID | None
    duplicate: bool


class StreamTicketIn(BaseModel):
    company_id: uuid.UUID


class StreamTicket(BaseModel):
    ticket: str = Field(description="Pass as ?ticket= to GET /api/v1/conversations/events within expires_in seconds.")
    expires_in: int
