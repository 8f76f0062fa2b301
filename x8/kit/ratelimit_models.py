from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from x8.kit.db import Base


class RateLimitHit(Base):
    """Fixed-window counters, kept in PostgreSQL so limits hold across processes."""

    __tablename__ = "rate_limit_hits"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    hits: Mapped[int] = mapped_column(nullable=False, default=0)
