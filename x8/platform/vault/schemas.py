from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from x8.platform.vault.audit_log import VaultAction
from x8.platform.vault.models import SecretKind, SecretStatus

MAX_VALUE_CHARS = 10_000


class SecretOut(BaseModel):
    id: uuid.UUID
    client_id: uuid.UUID | None = Field(description="The business; null for a platform secret (admins only)")
    company_id: uuid.UUID | None
    kind: SecretKind
    label: str
    masked: str = Field(description="At most the last 4 characters of the value")
    status: SecretStatus
    last_checked_at: datetime | None
    updated_at: datetime


class SecretList(BaseModel):
    items: list[SecretOut]
    total: int


class Revealed(BaseModel):
    value: str


class SecretUpdate(BaseModel):
    value: str = Field(min_length=1, max_length=MAX_VALUE_CHARS, pattern=r"\S")
    label: str | None = Field(None, min_length=1, max_length=200)


class AuditItem(BaseModel):
    at: datetime
    actor_id: uuid.UUID | None
    actor_role: str
    action: VaultAction
    secret_id: uuid.UUID | None
    ip: str | None
    denied: bool = Field(description="A reveal refused for lack of rights (it answered 404)")


class AuditList(BaseModel):
    items: list[AuditItem]
    total: int
