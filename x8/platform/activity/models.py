"""One row per provider sync of a company (webhook registration, n8n provisioning, a send that failed for good, a
calendar write…): its latest outcome and how many attempts it took.

Attempts at the same thing (``subject``: ``company``, ``channel:<id>``, ``message:<id>``, ``booking:<id>``) fold
into one row while it is not ``ok``; the first ``ok`` closes the row, and a later attempt opens a new one. So the log
reads as a history of syncs rather than a stream of retries. ``retry`` is what ``POST /api/v1/activity/{id}/retry``
queues (``{"action", ...arguments}``), None when retrying makes no sense. ``company_id`` has no foreign key: the
removal of a deleted company's n8n objects is logged after the company is gone.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from x8.kit.db import Base, now_column, uuid_pk


class ActivityStatus(enum.StrEnum):
    OK = "ok"
    ERROR = "error"
    PENDING = "pending"  # failed for now; a job tries again (or a retry was queued)


class ActivityKind(enum.StrEnum):
    N8N_PROVISIONING = "n8n_provisioning"
    N8N_DEPROVISIONING = "n8n_deprovisioning"
    N8N_HANDOVER = "n8n_handover"  # a turn n8n could not take: the native engine answered it
    WEBHOOK_REGISTRATION = "webhook_registration"
    SESSION_START = "session_start"
    SEND_FAILED = "send_failed"
    CALENDAR_WRITE = "calendar_write"
    MAIL_SYNC = "mail_sync"  # reading an email channel's new mail (Gmail history, IMAP)
    MAIL_WATCH = "mail_watch"  # renewing a Gmail watch (its push of new mail)
    MAIL_LOGIN = "mail_login"  # a connected mailbox refusing the login that reads it (IMAP, Gmail's grant)
    MAIL_SMTP_LOGIN = "mail_smtp_login"  # a connected mailbox's SMTP server refusing the login that sends replies


class ActivityEntry(Base):
    __tablename__ = "activity_log"
    __table_args__ = (Index("ix_activity_log_company_at", "company_id", "at"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    company_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    channel_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    subject: Mapped[str] = mapped_column(String(80), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    detail: Mapped[str | None] = mapped_column(Text)
    retry: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = now_column()
    at: Mapped[datetime] = now_column()
