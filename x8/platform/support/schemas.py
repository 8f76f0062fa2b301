"""The support API's shapes (SPEC.md "Shapes and flows for §12")."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from x8.kit.i18n import msg
from x8.platform.booking.availability import Weekly

MAX_TEXT = 4000


_ZONES = available_timezones() | {"UTC"}


def _zone(name: str) -> str:
    if name not in _ZONES:
        raise ValueError(msg("Unknown time zone: use an IANA name such as Europe/Berlin."))
    return name


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError(msg("The message is empty."))
    return text


class ChatMessageOut(BaseModel):
    id: uuid.UUID
    client_id: uuid.UUID
    sender_id: uuid.UUID | None
    sender_role: str = Field(description="CLIENT, MANAGER or ADMIN")
    text: str
    created_at: datetime
    read_at: datetime | None = Field(description="When the other side read it.")


class ChatPage(BaseModel):
    items: list[ChatMessageOut] = Field(description="Oldest first: the newest `limit` before `before`.")
    total: int
    unread: int = Field(description="Messages from the other side the caller has not read.")


class ChatMessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: uuid.UUID | None = Field(None, description="The business (managers and admins); a business omits it.")
    text: Annotated[str, Field(min_length=1, max_length=MAX_TEXT), AfterValidator(_not_blank)]


class ChatReadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: uuid.UUID | None = None


class ChatRead(BaseModel):
    marked: int
    unread: int


class UnreadCount(BaseModel):
    unread: int


class ChatThread(BaseModel):
    """A business's thread as its manager (or an admin) sees it in the list of chats."""

    client_id: uuid.UUID
    email: str
    full_name: str
    manager_id: uuid.UUID | None
    last_message_at: datetime | None
    last_message_preview: str | None
    unread: int


class ChatThreads(BaseModel):
    items: list[ChatThread]
    total: int


class SupportContact(BaseModel):
    """Who answers a business's chat: its manager, or the admins while it has none."""

    kind: Literal["manager", "admins"]
    manager_id: uuid.UUID | None
    name: str | None
    email: str | None


class StreamTicket(BaseModel):
    ticket: str
    expires_in: int


class FaqQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_not_blank)]


class FaqSource(BaseModel):
    id: str
    title: str


class FaqAnswer(BaseModel):
    answer: str
    sources: list[FaqSource]
    engine: Literal["builtin", "n8n"]


class FaqStatus(BaseModel):
    engine: Literal["builtin", "n8n"]
    entries: int = Field(description="FAQ entries the built-in engine knows, all languages together.")


class ManagerAvailability(BaseModel):
    """A manager's hours for setup calls: the availability shape of §11 without delivery cities."""

    model_config = ConfigDict(extra="forbid")

    timezone: Annotated[str, AfterValidator(_zone)] = "UTC"
    slot_minutes: int = Field(default=30, ge=5, le=1440)
    capacity: int = Field(default=1, ge=1, le=100, description="Calls at the same time (usually 1).")
    buffer_minutes: int = Field(default=0, ge=0, le=1440)
    weekly: Weekly = Field(default_factory=list)
    closed_dates: Annotated[list[date], Field(max_length=1000)] = Field(default_factory=list)


class SetupCallIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: datetime = Field(description="A free slot's start, ISO 8601 with an offset.")
    topic: Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_not_blank)]


class SetupCallOut(BaseModel):
    id: uuid.UUID
    manager_id: uuid.UUID
    manager_name: str
    client_id: uuid.UUID
    client_name: str
    client_email: str
    start: datetime
    end: datetime
    topic: str
    meeting_url: str
    status: Literal["confirmed", "cancelled"]
    created_at: datetime


class SetupCallList(BaseModel):
    items: list[SetupCallOut]
    total: int
