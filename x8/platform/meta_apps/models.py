"""The pool of pre-reviewed Meta apps (SPEC.md R-CH4) on the control plane, which app each business was given, and
the data-deletion requests Meta sent.

The app secret lives in the vault (kind ``meta_app_secret``, ``ref`` ``meta_app:<id>``, no client: a platform
secret), never in this table.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from x8.kit.db import Base, now_column, updated_column, uuid_pk


class MetaApp(Base):
    __tablename__ = "meta_apps"

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    app_id: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)  # Meta's numeric app id
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


class MetaDataDeletion(Base):
    """A data-deletion request Meta forwarded for one of its users (their app-scoped id), and what was removed: the
    channels that person connected. The confirmation code is what Meta shows the person, with the status URL."""

    __tablename__ = "meta_data_deletions"

    confirmation_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    meta_app_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("meta_apps.id", ondelete="SET NULL")
    )
    meta_user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    channels_removed: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    requested_at: Mapped[datetime] = now_column()
