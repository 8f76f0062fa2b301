from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from x8.kit.db import Base, now_column, uuid_pk


class DevMail(Base):
    """Mail captured in development when no SMTP host is configured (shown at /dev/mailbox)."""

    __tablename__ = "dev_mailbox"

    id: Mapped[uuid.UUID] = uuid_pk()
    to_email: Mapped[str] = mapped_column(String(320), nullable=False, index=True)
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = now_column()
