"""Connected channels (control plane). Messages themselves live in the company's tenant schema."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from x8.channel_adapters.base import ChannelStatus
from x8.kit.db import Base, now_column, updated_column, uuid_pk


class Channel(Base):
    """One platform connected for one company. Its credentials live in the vault (``channel_secret_ref``)."""

    __tablename__ = "channels"
    __table_args__ = (
        UniqueConstraint("company_id", "platform", name="uq_channels_company_platform"),
        # The Meta webhook names a page (or Instagram account) by its Meta id (x8.platform.channels.meta_lookup).
        Index(
            "ix_channels_meta_account",
            text("(config ->> 'meta_account_id')"),
            postgresql_where=text("platform IN ('facebook', 'instagram')"),
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    company_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("companies.id", ondelete="CASCADE"), nullable=False, index=True
    )
    platform: Mapped[str] = mapped_column(String(16), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=ChannelStatus.DISCONNECTED)
    display_name: Mapped[str | None] = mapped_column(String(200))
    webhook_secret_hash: Mapped[str | None] = mapped_column(String(64))
    config: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    last_error: Mapped[str | None] = mapped_column(Text)
    error_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    engine: Mapped[str] = mapped_column(String(8), nullable=False, default="native", server_default="native")
    connected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = now_column()
    updated_at: Mapped[datetime] = updated_column()


def channel_secret_ref(channel_id: uuid.UUID) -> str:
    """How the channel's credentials are found in the vault (``vault_secrets.ref``)."""
    return f"{_SECRET_REF_PREFIX}{channel_id}"


def channel_of_secret_ref(ref: str | None) -> uuid.UUID | None:
    """The channel a vault secret belongs to (None: it is not a channel's)."""
    if ref is None or not ref.startswith(_SECRET_REF_PREFIX):
        return None
    return uuid.UUID(ref.removeprefix(_SECRET_REF_PREFIX))


_SECRET_REF_PREFIX = "channel:"


class ConversationRef(Base):
    """Which company a conversation belongs to, so ``/api/v1/conversations/{id}`` finds its tenant schema.
    Written before the tenant row; a ref whose conversation never got written simply answers 404."""

    __tablename__ = "conversation_refs"

    conversation_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    company_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("companies.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at: Mapped[datetime] = now_column()
