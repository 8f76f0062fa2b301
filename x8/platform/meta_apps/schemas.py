from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from x8.kit.i18n import msg


class MetaProduct(enum.StrEnum):
    MESSENGER = "messenger"
    INSTAGRAM = "instagram"


class MetaAppStatus(enum.StrEnum):
    IN_REVIEW = "in_review"
    LIVE = "live"
    DISABLED = "disabled"


AppName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
AppId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{5,32}$")]
AppSecret = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9]{16,128}$")]
Products = Annotated[list[MetaProduct], Field(min_length=1, max_length=2)]
Capacity = Annotated[int, Field(ge=1, le=100_000, description="How many businesses the app may serve")]


def _distinct(products: list[MetaProduct]) -> list[MetaProduct]:
    if len(set(products)) != len(products):
        raise ValueError(msg("Each product may be named once."))
    return products


class MetaAppCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: AppName
    app_id: AppId = Field(description="The app's id in Meta's App Dashboard (digits)")
    app_secret: AppSecret = Field(description="Write-only: sealed when stored, answered masked")
    products: Products
    status: MetaAppStatus = MetaAppStatus.IN_REVIEW
    capacity: Capacity = 100

    _products = field_validator("products")(_distinct)


class MetaAppUpdate(BaseModel):
    """Only the fields sent change; none of them may be null."""

    model_config = ConfigDict(extra="forbid")

    name: AppName | None = None
    app_secret: AppSecret | None = Field(None, description="A new secret (after resetting it at Meta)")
    products: Products | None = None
    status: MetaAppStatus | None = None
    capacity: Capacity | None = None

    _products = field_validator("products")(lambda v: _distinct(v) if v is not None else v)

    @model_validator(mode="after")
    def _no_nulls(self) -> MetaAppUpdate:
        if any(getattr(self, field) is None for field in self.model_fields_set):
            raise ValueError(msg("A field sent cannot be null; leave it out to keep its value."))
        return self


class MetaAppOut(BaseModel):
    id: uuid.UUID
    name: str
    app_id: str
    app_secret: str = Field(description="Masked: only the last 4 characters")
    products: list[MetaProduct]
    status: MetaAppStatus
    capacity: int
    businesses_assigned: int
    created_at: datetime
    updated_at: datetime


class MetaAppList(BaseModel):
    items: list[MetaAppOut]
    total: int
