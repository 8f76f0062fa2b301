"""Support's control-plane tables: the chat between a business and its manager (or the admins), managers'
availability for setup calls, and the calls booked."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from x8.kit.db import Base, now_column, updated_column, uuid_pk


class SupportMessage(Base):
    """One message of a business's support thread. There is one thread per business (``client_id``): its manager
    answers it, or any admin while it has none. ``read_at`` is when the other side read it."""

    __tablename__ = "support_messages"
    __table_args__ = (Index("ix_support_messages_client_id_created_at", "client_id", "created_at"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    client_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    sender_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL"))
    sender_role: Mapped[str] = mapped_column(String(16), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = now_column()
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ManagerAvailabilityRow(Base):
    """A manager's published hours for setup calls (``ManagerAvailability``, stored whole). Booking a call locks
    this row, so two calls with one manager are never checked at once."""

    __tablename__ = "manager_availability"

    manager_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    updated_at: Mapped[datetime] = updated_column()


class SetupCall(Base):
    __tablename__ = "setup_calls"
    __table_args__ = (Index("ix_setup_calls_manager_id_start", "manager_id", "start"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    manager_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    client_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    start: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    end: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    topic: Mapped[str] = mapped_column(String(500), nullable=False)
    meeting_url: Mapped[str] = mapped_column(String(300), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="confirmed")
    created_at: Mapped[datetime] = now_column()
