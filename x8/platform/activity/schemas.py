from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class ActivityItem(BaseModel):
    id: uuid.UUID
    at: datetime
    company_id: uuid.UUID
    channel_id: uuid.UUID | None
    kind: str = Field(description="n8n_provisioning, webhook_registration, session_start, send_failed, …")
    status: Literal["ok", "error", "pending"]
    detail: str | None
    attempts: int
    retryable: bool


class ActivityList(BaseModel):
    items: list[ActivityItem]
    total: int
