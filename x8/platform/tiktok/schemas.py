from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from x8.kit.fields import NOT_BLANK, STRIPPED


class TikTokConnectIn(BaseModel):
    company_id: uuid.UUID
    whatsapp_channel_id: uuid.UUID = Field(description="The company's connected WhatsApp channel leads land in.")


class LinkIn(BaseModel):
    channel_id: uuid.UUID = Field(description="The company's TikTok channel.")
    name: Annotated[
        str,
        Field(
            min_length=1,
            max_length=120,
            json_schema_extra=NOT_BLANK,
            description="What the business calls the link (an ad, a video).",
        ),
        STRIPPED,
    ]
    campaign: str | None = Field(None, max_length=200, description="The campaign name the leads are attributed to.")


class Revenue(BaseModel):
    currency: str
    amount: str = Field(description="Paid orders' total in major units, as a decimal string.")


class Link(BaseModel):
    id: uuid.UUID
    channel_id: uuid.UUID
    code: str
    url: str = Field(description="PUBLIC_BASE_URL/t/<code>: the ad's destination URL.")
    prefill: str = Field(description="The text WhatsApp opens with; it carries ref:<code>.")
    name: str
    campaign: str | None
    active: bool
    expires_at: datetime
    created_at: datetime


class LinkStats(Link):
    clicks: int = Field(description="Taps by people (crawlers and link previewers are in bot_clicks).")
    bot_clicks: int
    leads: int = Field(description="Contacts whose first message carried this link's code.")
    orders: int = Field(description="Paid orders of those contacts.")
    revenue: list[Revenue] = Field(description="Paid orders' totals, one per currency.")


class LinkList(BaseModel):
    items: list[LinkStats]
    total: int
