from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class ConnectOnboarding(BaseModel):
    account_id: str = Field(description="The business's Stripe Express account (the same one on every call).")
    url: str = Field(description="A fresh Stripe onboarding link: single use, valid for minutes.")


class ConnectStatusOut(BaseModel):
    account_id: str | None
    charges_enabled: bool
    payouts_enabled: bool
    requirements: list[str] = Field(description="What Stripe still needs from the business (past due first).")
    status: Literal["not_connected", "pending", "enabled", "restricted"]
    checkout: Literal["stripe", "sandbox", "off"] = Field(
        description="How chat orders are paid on this server: through Stripe (needs status enabled), the local "
        "sandbox checkout (development, no Stripe key), or not at all (production without Stripe)."
    )


class SandboxPaid(BaseModel):
    order_id: uuid.UUID
    status: Literal["paid"]
    paid_at: datetime | None
