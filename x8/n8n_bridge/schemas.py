from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from x8.platform.assistant.schemas import BehaviourIn


class TenantKeyOut(BaseModel):
    key: str = Field(description="Shown once: store it in n8n's httpHeaderAuth credential")
    created_at: datetime


class EffectiveSettings(BaseModel):
    """The assistant settings in force for one channel: channel settings over the company's, and each scenario's
    over those."""

    company_id: uuid.UUID
    channel_id: uuid.UUID | None
    company_type: str
    language: str
    settings: BehaviourIn
    scenarios: dict[str, BehaviourIn]


class ProvisionIn(BaseModel):
    company_id: uuid.UUID


class ProvisionQueued(BaseModel):
    company_id: uuid.UUID
    status: Literal["queued"] = "queued"


class BindingOut(BaseModel):
    kind: Literal["credential", "workflow"]
    name: str
    n8n_id: str | None
    channel_id: uuid.UUID | None
    template_version: int | None
    status: Literal["active", "pending", "error"]
    last_error: str | None


class BindingList(BaseModel):
    items: list[BindingOut]
    total: int


class MessageIn(BaseModel):
    """A message from n8n. ``out``: a reply to send in ``conversation_id`` (on ``channel_id``)."""

    model_config = ConfigDict(extra="forbid")

    channel_id: uuid.UUID
    contact_id: uuid.UUID | None = None
    conversation_id: uuid.UUID | None = None
    direction: Literal["in", "out"]
    text: str = Field(min_length=1, max_length=4000)
    provider_message_id: str | None = Field(None, max_length=200)


class ContextContact(BaseModel):
    id: uuid.UUID
    display_name: str
    language: str | None
    lead_source: str | None


class ContextMessage(BaseModel):
    direction: Literal["in", "out"]
    sender: str
    body: str
    status: str
    created_at: datetime


class CompanyFacts(BaseModel):
    name: str
    company_type: str
    shop_type: str | None
    language: str
    timezone: str
    privacy_policy_url: str | None


class ConversationContext(BaseModel):
    """What a workflow needs to answer a turn itself: the recent messages (oldest first), who writes, the company,
    and the assistant settings in force on the conversation's channel."""

    conversation_id: uuid.UUID
    channel_id: uuid.UUID | None
    status: str
    contact: ContextContact
    messages: list[ContextMessage]
    company: CompanyFacts
    settings: BehaviourIn


class PaymentLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kb_row_id: uuid.UUID
    quantity: int = Field(ge=1, le=1000)


class PaymentLinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: uuid.UUID
    items: list[PaymentLineIn] = Field(min_length=1, max_length=50)
    language: Literal["en", "ru"] | None = Field(None, description="The customer's: the checkout page uses it")


class PaymentLinkOut(BaseModel):
    """``ready``: send ``url`` to the customer. ``pending``: the provider is not answering; X8 sends the link itself
    once it can."""

    status: Literal["ready", "pending"]
    order_id: uuid.UUID | None
    url: str | None = None
    amount: str | None = Field(None, description="Major units, e.g. 49.80")
    currency: str | None = None
    sandbox: bool = False
