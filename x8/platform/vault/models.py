"""The SystemData vault (SPEC.md §12 R-V1): every connection secret the platform holds, sealed, in one table."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, LargeBinary, String, Text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from x8.kit.db import Base, now_column, updated_column, uuid_pk


class SecretKind(enum.StrEnum):
    TELEGRAM_BOT_TOKEN = "telegram_bot_token"
    WAHA_SESSION = "waha_session"
    META_PAGE_TOKEN = "meta_page_token"
    META_APP_SECRET = "meta_app_secret"
    GOOGLE_OAUTH = "google_oauth"
    GMAIL_OAUTH = "gmail_oauth"
    IMAP_PASSWORD = "imap_password"
    STRIPE_CONNECTED_ACCOUNT = "stripe_connected_account"
    N8N_CREDENTIAL = "n8n_credential"
    N8N_TENANT_KEY = "n8n_tenant_key"
    OTHER = "other"


class SecretStatus(enum.StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"
    ERROR = "error"


class VaultSecret(Base):
    """One secret of one business (``client_id``), usually for one of its companies, or of the platform itself
    (no ``client_id``: the Meta app pool's secrets, which only admins see). ``ciphertext`` is sealed
    with the vault key named by ``key_id`` and bound to the row's id (x8.kit.secretbox). ``ref`` names the row
    that uses the secret (``channel:<id>``), which is how the owning module finds it again."""

    __tablename__ = "vault_secrets"

    id: Mapped[uuid.UUID] = uuid_pk()
    client_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    company_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    label: Mapped[str] = mapped_column(String(200), nullable=False)
    ref: Mapped[str | None] = mapped_column(String(200), unique=True)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    key_id: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=SecretStatus.ACTIVE)
    last_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = now_column()
    updated_at: Mapped[datetime] = updated_column()
