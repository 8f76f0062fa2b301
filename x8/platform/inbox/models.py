"""The provider-event inbox: every verified webhook event, stored once by its external id before work is queued."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from x8.kit.db import Base, now_column


class WebhookEvent(Base):
    """``source`` names the provider (``telegram``, ``waha``, later ``stripe``, ``meta``, ``gmail``);
    ``external_id`` is the provider's id of the event, made unique across tenants where the provider's is not.
    ``channel_id``: the channel it arrived for, when it is a channel's; the event goes with the channel.
    A channel's message events are ``batched``: handled by one job per channel (``tasks.handle_channel_events``);
    ``lock`` keeps one
    contact's in order, ``retry_at`` is when a failed one is tried again (NULL: given up, or nothing handles it
    yet; ``error`` says which)."""

    __tablename__ = "webhook_events"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_webhook_events_source_external_id"),
        Index("ix_webhook_events_received_at", "received_at"),
        Index(
            "ix_webhook_events_channel_waiting",
            "channel_id",
            "id",
            postgresql_where=text("handled_at IS NULL AND batched"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(32), nullable=False)
    external_id: Mapped[str] = mapped_column(String(255), nullable=False)
    channel_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("channels.id", ondelete="CASCADE"), index=True
    )
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    received_at: Mapped[datetime] = now_column()
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(nullable=False, default=0, server_default="0")
    error: Mapped[str | None] = mapped_column(Text)
    batched: Mapped[bool] = mapped_column(nullable=False, default=False, server_default=text("false"))
    lock: Mapped[str | None] = mapped_column(Text)
    retry_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
