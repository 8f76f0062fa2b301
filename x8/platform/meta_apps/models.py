"""The pool of pre-reviewed Meta apps (SPEC.md R-CH4) on the control plane, and which app each business was given.

The app secret is sealed with X8_VAULT_KEY (``x8/kit/secretbox.py``), bound to the app's row; only its last four
characters are kept in clear, for the masked value answers show.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from x8.kit.db import Base, now_column, updated_column, uuid_pk


class MetaApp(Base):
    __tablename__ = "meta_apps"

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    app_id: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)  # Meta's numeric app id
    sealed_secret: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    secret_last4: Mapped[str] = mapped_column(String(4), nullable=False)
    products: Mapped[list[str]] = mapped_column(ARRAY(String(16)), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    capacity: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = now_column()
    updated_at: Mapped[datetime] = updated_column()


class MetaAppAssignment(Base):
    """The app a business logs in to Meta with: given on its first Meta login, then kept (its pages are
    subscribed to that app, and their webhooks are signed with that app's secret)."""

    __tablename__ = "meta_app_assignments"

    business_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    meta_app_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("meta_apps.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    assigned_at: Mapped[datetime] = now_column()
