from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from x8.platform.auth.schemas import Email, StrongPassword


class StaffCreate(BaseModel):
    email: Email
    password: StrongPassword
    full_name: str = Field(min_length=1, max_length=200)


class ManagerOut(BaseModel):
    id: uuid.UUID
    email: str
    full_name: str
    is_active: bool
    client_count: int
    created_at: datetime


class ManagerList(BaseModel):
    items: list[ManagerOut]
    total: int


class ClientOut(BaseModel):
    id: uuid.UUID
    email: str
    full_name: str
    plan: str
    subscription_status: str
    trial_ends_at: datetime | None
    subscription_ends_at: datetime | None
    manager_id: uuid.UUID | None
    company_count: int
    channel_limit_override: int | None = None
    company_limit_override: int | None = None
    created_at: datetime


class ClientLimitsIn(BaseModel):
    """An admin's overrides of one business's limits; null restores the plan's (channels) or X8_MAX_COMPANIES
    (companies). Plan and trial overrides arrive with SaaS billing."""

    model_config = ConfigDict(extra="forbid")

    channel_limit_override: int | None = Field(None, ge=0, le=10_000)
    company_limit_override: int | None = Field(None, ge=0, le=10_000)


class ClientList(BaseModel):
    items: list[ClientOut]
    total: int


class AssignmentIn(BaseModel):
    manager_id: uuid.UUID
    client_id: uuid.UUID
    reassign: bool = False


class AssignmentOut(BaseModel):
    client_id: uuid.UUID
    manager_id: uuid.UUID | None
    previous_manager_id: uuid.UUID | None
