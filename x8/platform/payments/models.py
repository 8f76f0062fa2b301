"""The business's Stripe connected account (SPEC.md R-P1), one row per business, on the control plane.

The account id is not a secret, but SPEC's vault lists it among a connection's records; it lives here, read and
written only through ``x8.platform.payments.accounts``, so moving it into the vault is a change to one module.
The row outlives a disconnect: ``generation`` counts the accounts the business has had, and names the next one's
creation request (its idempotency key), so reconnecting makes a new account instead of replaying the old one.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from x8.kit.db import Base, now_column, updated_column


class ConnectedAccount(Base):
    __tablename__ = "connected_accounts"

    business_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    generation: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    charges_enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default="false")
    payouts_enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default="false")
    details_submitted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default="false")
    transfers_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default="false")
    requirements: Mapped[list[Any]] = mapped_column(JSONB, nullable=False, default=list, server_default="[]")
    disabled_reason: Mapped[str | None] = mapped_column(String(255))
    # When Stripe's view of the account that is stored here was taken (an event's ``created``, or the moment a
    # retrieve was sent): an older view arriving late never overwrites a newer one.
    state_as_of: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = now_column()
    updated_at: Mapped[datetime] = updated_column()
