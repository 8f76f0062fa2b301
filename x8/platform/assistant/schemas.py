from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from x8.kit.fields import NOT_BLANK, STRIPPED

Rule = Annotated[str, Field(min_length=1, max_length=500, json_schema_extra=NOT_BLANK), STRIPPED]


class BehaviourIn(BaseModel):
    """Leave a field out (or null) to inherit it from the wider scope: scenario > channel > company."""

    instructions: str | None = Field(None, max_length=4000, description="Custom prompt: tone, what to stress, policies")
    rules: list[Rule] | None = Field(None, max_length=50, description="Rules the assistant must follow")
    greeting: str | None = Field(None, max_length=1000, description="The greeting, word for word")
    enabled: bool | None = Field(None, description="False switches the assistant off here (company or channel)")
    buffer_seconds: float | None = Field(
        None, ge=0, le=60, description="Company level: messages within this many seconds become one turn (R-M2)"
    )


class BehaviourOut(BaseModel):
    scope: str
    key: str
    version: int  # 0: nothing saved yet
    settings: BehaviourIn
    created_at: datetime | None
    changed: bool | None = Field(
        None, description="On a save: whether it made a new version (false: the settings equal the latest version)"
    )


class PreviewIn(BaseModel):
    text: str = Field(min_length=1, max_length=4000)
    channel_id: uuid.UUID | None = None
    draft: BehaviourIn | None = Field(None, description="Unsaved company-level settings to try")


class PreviewOut(BaseModel):
    reply: str
    intent: str
    scenario: str | None
    language: str
