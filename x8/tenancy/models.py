from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from x8.kit.db import Base


class LedgerEntry(Base):
    """One tenant's step in one run of ``x8 tenants migrate`` (R-T7)."""

    __tablename__ = "tenant_migration_ledger"
    __table_args__ = (CheckConstraint("status IN ('running', 'done', 'failed', 'aborted')", name="status"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    run_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False, index=True)
    tenant_schema: Mapped[str] = mapped_column(String(63), nullable=False, index=True)
    from_revision: Mapped[str | None] = mapped_column(String(32))
    to_revision: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("1"))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=text("now()"))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
