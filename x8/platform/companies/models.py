from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from x8.kit.db import Base, now_column, updated_column, uuid_pk


class CompanyType(enum.StrEnum):
    PRODUCT = "Product"
    SERVICE = "Service"
    HYBRID = "Hybrid"


class CompanyStatus(enum.StrEnum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    SUSPENDED = "SUSPENDED"


class ChannelPlatform(enum.StrEnum):
    WHATSAPP = "whatsapp"
    TELEGRAM = "telegram"
    INSTAGRAM = "instagram"
    FACEBOOK = "facebook"
    EMAIL = "email"
    TIKTOK = "tiktok"
    WEB = "web"


class Company(Base):
    __tablename__ = "companies"

    id: Mapped[uuid.UUID] = uuid_pk()
    company_id: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    owner_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    company_type: Mapped[str] = mapped_column(String(16), nullable=False)
    shop_type: Mapped[str | None] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64), nullable=False, default="UTC")
    language: Mapped[str] = mapped_column(String(8), nullable=False, default="en")
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=CompanyStatus.ACTIVE)
    tenant_schema: Mapped[str] = mapped_column(String(63), unique=True, nullable=False)
    channels: Mapped[list[str]] = mapped_column(ARRAY(String(16)), nullable=False, default=list)
    privacy_policy_url: Mapped[str | None] = mapped_column(String(2048))
    # Message statistics (R-M8), maintained by the conversation pipeline.
    total_messages: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    type1_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    type2_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    type2_unpaid: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    type3_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    type3_paid: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    avg_response_time: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = now_column()
    updated_at: Mapped[datetime] = updated_column()
