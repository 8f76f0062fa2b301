"""Assistant behaviour settings (SPEC.md R-M4): versioned, per company, channel and scenario."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from x8.kit.db import Base, now_column, uuid_pk


class AssistantSettings(Base):
    """One version of the settings for one scope. Saving never overwrites: it adds the next version."""

    __tablename__ = "assistant_settings"
    __table_args__ = (
        UniqueConstraint("company_id", "scope", "scope_key", "version", name="uq_assistant_settings_version"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    company_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("companies.id", ondelete="CASCADE"), nullable=False, index=True
    )
    scope: Mapped[str] = mapped_column(String(16), nullable=False)  # company | channel | scenario
    scope_key: Mapped[str] = mapped_column(String(64), nullable=False, default="")  # channel id or scenario name
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    settings: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    created_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = now_column()
