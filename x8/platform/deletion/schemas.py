from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class DeleteAccountIn(BaseModel):
    """The password, or (for an account without one) the code sent by ``POST /api/v1/auth/send-verification-code``
    to the signed-in account's own address."""

    model_config = ConfigDict(extra="forbid")
    password: str | None = Field(None, max_length=200)  # an empty one is a wrong one: 400
    code: str | None = Field(None, pattern=r"^\d{6}$")


class DeletionStarted(BaseModel):
    job_id: uuid.UUID
    status_url: str


class DeletionStepOut(BaseModel):
    name: str
    status: Literal["pending", "running", "retrying", "done"]
    attempts: int
    last_error: str | None


class DeletionStatusOut(BaseModel):
    status: Literal["running", "done", "failed"]
    steps: list[DeletionStepOut]
