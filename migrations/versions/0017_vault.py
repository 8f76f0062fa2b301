"""The SystemData vault (SPEC.md §12 R-V1): one table of sealed secrets; channel credentials and Google Calendar
tokens move into it.

Each channel's sealed credentials and each tenant's sealed calendar tokens are opened with the vault keys
(X8_VAULT_KEY, X8_VAULT_OLD_KEYS) and sealed again into a vault row (with the key id), all in this migration's
transaction; the channels' column is dropped here, the tenants' by tenant migration t0011, which runs after this
one. A value that does not open stops the migration with its row named, and nothing is lost.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

import json
import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

from x8.kit.secretbox import Keyring, SealBroken, parse_old_keys
from x8.settings import Settings

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# How each platform's credentials become one vault value (the adapters keep one field today).
CHANNEL_SECRETS = {"telegram": ("telegram_bot_token", "bot_token", "Telegram bot token")}


def upgrade() -> None:
    op.create_table(
        "vault_secrets",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("client_id", sa.UUID(), nullable=True),
        sa.Column("company_id", sa.UUID(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=True),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("last_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["users.id"], name=op.f("fk_vault_secrets_client_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_vault_secrets_company_id_companies"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vault_secrets")),
        sa.UniqueConstraint("ref", name=op.f("uq_vault_secrets_ref")),
    )
    op.create_index(op.f("ix_vault_secrets_client_id"), "vault_secrets", ["client_id"], unique=False)
    op.create_index(op.f("ix_vault_secrets_company_id"), "vault_secrets", ["company_id"], unique=False)
    op.create_index(op.f("ix_vault_secrets_key_id"), "vault_secrets", ["key_id"], unique=False)
    connection = op.get_bind()
    _move_channel_credentials(connection)
    _move_calendar_tokens(connection)
    op.drop_column("channels", "credentials")


def _keys() -> Keyring:
    settings = Settings()
    return Keyring(settings.vault_key, parse_old_keys(settings.vault_old_keys))


def _open(keys: Keyring, sealed: bytes, bound_to: str, what: str) -> dict[str, Any]:
    try:
        value: dict[str, Any] = json.loads(keys.open_bytes(bytes(sealed), bound_to=bound_to))
    except SealBroken as exc:
        raise RuntimeError(
            f"{what}: the sealed value does not open with X8_VAULT_KEY or X8_VAULT_OLD_KEYS ({exc}); set the key it "
            "was sealed with and migrate again"
        ) from exc
    return value


def _insert(connection: Connection, keys: Keyring, row: dict[str, Any], value: str) -> None:
    secret_id = uuid.uuid4()
    connection.execute(
        sa.text(
            "INSERT INTO vault_secrets (id, client_id, company_id, kind, label, ref, ciphertext, key_id, status, "
            "last_checked_at) VALUES (:id, :client_id, :company_id, :kind, :label, :ref, :ciphertext, :key_id, "
            "'active', now())"
        ),
        row
        | {
            "id": secret_id,
            "ciphertext": keys.seal_text(value, bound_to=f"vault:{secret_id}"),
            "key_id": keys.current_id,
        },
    )


def _move_channel_credentials(connection: Connection) -> None:
    rows = connection.execute(
        sa.text(
            "SELECT ch.id, ch.company_id, co.owner_id, ch.platform, ch.credentials FROM channels ch "
            "JOIN companies co ON co.id = ch.company_id WHERE ch.credentials IS NOT NULL"
        )
    ).all()
    keys = _keys() if rows else None
    for channel_id, company_id, owner_id, platform, sealed in rows:
        assert keys is not None
        credentials = _open(keys, sealed, str(channel_id), f"channel {channel_id}")
        kind, field, label = CHANNEL_SECRETS.get(platform, ("other", None, f"{platform} credentials"))
        value = str(credentials[field]) if field is not None else json.dumps(credentials, separators=(",", ":"))
        row = {"client_id": owner_id, "company_id": company_id, "kind": kind, "label": label}
        _insert(connection, keys, row | {"ref": f"channel:{channel_id}"}, value)


def _move_calendar_tokens(connection: Connection) -> None:
    """Every tenant schema that has calendar tokens (those below t0009 have no such table, hence none)."""
    schemas = connection.execute(
        sa.text(
            "SELECT c.table_schema FROM information_schema.columns c WHERE c.table_name = 'calendar_connections' "
            "AND c.column_name = 'sealed_tokens' AND c.table_schema LIKE 't\\_%'"
        )
    ).scalars()
    keys: Keyring | None = None
    for schema in list(schemas):
        try:
            company_id = uuid.UUID(hex=schema.removeprefix("t_"))
        except ValueError:
            continue  # not a company's schema (a template)
        found = connection.execute(sa.text(f'SELECT sealed_tokens FROM "{schema}".calendar_connections')).first()
        owner_id = connection.execute(
            sa.text("SELECT owner_id FROM companies WHERE id = :id"), {"id": company_id}
        ).scalar_one_or_none()
        if found is None or owner_id is None:
            continue
        keys = keys or _keys()
        tokens = _open(keys, found[0], f"google-calendar:{company_id}", f"the calendar of company {company_id}")
        refresh = tokens.pop("refresh_token", None)
        value = json.dumps(tokens | {"refresh_token": refresh}, separators=(",", ":"))
        row = {"client_id": owner_id, "company_id": company_id, "kind": "google_oauth", "label": "Google Calendar"}
        _insert(connection, keys, row | {"ref": f"google_calendar:{company_id}"}, value)


def downgrade() -> None:
    # The credentials stay in the vault; a downgrade leaves the channels without them (reconnect to restore).
    op.add_column("channels", sa.Column("credentials", sa.LargeBinary(), nullable=True))
    op.drop_index(op.f("ix_vault_secrets_key_id"), table_name="vault_secrets")
    op.drop_index(op.f("ix_vault_secrets_company_id"), table_name="vault_secrets")
    op.drop_index(op.f("ix_vault_secrets_client_id"), table_name="vault_secrets")
    op.drop_table("vault_secrets")
