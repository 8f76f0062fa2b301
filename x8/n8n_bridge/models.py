"""What X8 has made in n8n for each company (R-N2): one row per n8n object, so provisioning can find, upgrade and
remove it (n8n's public API cannot list credentials, so a credential id X8 does not record is lost)."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from x8.kit.db import Base, now_column, updated_column, uuid_pk


class BindingKind(enum.StrEnum):
    CREDENTIAL = "credential"
    WORKFLOW = "workflow"


class BindingStatus(enum.StrEnum):
    ACTIVE = "active"
    PENDING = "pending"  # not (or not fully) in n8n yet: a job will try again
    ERROR = "error"  # n8n refused it: retrying the same request will not help


class N8nBinding(Base):
    """``slot`` names the object's role for the company (``tenant_key``, ``telegram_ingress:<channel id>``), so a
    re-run finds the row it made before. ``n8n_id`` is None until n8n has answered with one. ``source`` is what the
    object was built from when that can change under it (the tenant key's id for the credential; the credential id
    for a workflow), so a rotation is noticed without asking n8n. ``company_id`` and ``channel_id`` have no foreign
    key on purpose: a row must outlive its company or channel until the n8n objects it records are deleted
    (``deprovision``), since n8n cannot list credentials and the ids would otherwise be lost."""

    __tablename__ = "n8n_bindings"
    __table_args__ = (UniqueConstraint("company_id", "slot", name="uq_n8n_bindings_company_slot"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    company_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False, index=True)
    channel_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    slot: Mapped[str] = mapped_column(String(80), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    n8n_id: Mapped[str | None] = mapped_column(String(64))
    template: Mapped[str | None] = mapped_column(String(64))
    template_version: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=BindingStatus.PENDING)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = now_column()
    updated_at: Mapped[datetime] = updated_column()
