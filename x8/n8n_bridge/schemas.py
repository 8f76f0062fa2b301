from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

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
