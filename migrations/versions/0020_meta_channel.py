"""The Meta channel (SPEC.md R-CH4, §12 R-V1): the pool's app secrets move into the vault, webhooks find a page by
its Meta id, and Meta's data-deletion requests are kept.

Each pool app's sealed secret is opened with the vault keys (X8_VAULT_KEY, X8_VAULT_OLD_KEYS) and sealed again into
a platform-owned vault row (no client: only admins see it) of kind ``meta_app_secret``, ``ref`` ``meta_app:<id>``,
in this migration's transaction; then the column and its clear last four characters go (answers mask the vault's
value). A secret that does not open stops the migration with its app named, and nothing is lost.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

import json
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

from x8.kit.secretbox import Keyring, SealBroken, parse_old_keys
from x8.settings import Settings

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _keys() -> Keyring:
    settings = Settings()
    return Keyring(settings.vault_key, parse_old_keys(settings.vault_old_keys))


def upgrade() -> None:
    connection = op.get_bind()
    _move_app_secrets(connection)
    op.drop_column("meta_apps", "sealed_secret")
    op.drop_column("meta_apps", "secret_last4")
    # The Meta webhook names a page (or an Instagram account) by its Meta id: channels are found by it.
    op.create_index(
        "ix_channels_meta_account",
        "channels",
        [sa.text("(config ->> 'meta_account_id')")],
        postgresql_where=sa.text("platform IN ('facebook', 'instagram')"),
    )
    op.create_table(
        "meta_data_deletions",
        sa.Column("confirmation_code", sa.String(length=64), nullable=False),
        sa.Column("meta_app_id", sa.UUID(), nullable=True),
        sa.Column("meta_user_id", sa.String(length=64), nullable=False),
        sa.Column("channels_removed", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["meta_app_id"],
            ["meta_apps.id"],
            name=op.f("fk_meta_data_deletions_meta_app_id_meta_apps"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("confirmation_code", name=op.f("pk_meta_data_deletions")),
    )


def _move_app_secrets(connection: Connection) -> None:
    rows = connection.execute(sa.text("SELECT id, name, sealed_secret FROM meta_apps")).all()
    keys = _keys() if rows else None
    for app_id, name, sealed in rows:
        assert keys is not None
        try:
            secret = str(json.loads(keys.open_bytes(bytes(sealed), bound_to=f"meta_app:{app_id}"))["app_secret"])
        except SealBroken as exc:
            raise RuntimeError(
                f"Meta app {app_id} ({name}): its secret does not open with X8_VAULT_KEY or X8_VAULT_OLD_KEYS "
                f"({exc}); set the key it was sealed with and migrate again"
            ) from exc
        secret_id = uuid.uuid4()
        connection.execute(
            sa.text(
                "INSERT INTO vault_secrets (id, client_id, company_id, kind, label, ref, ciphertext, key_id, status, "
                "last_checked_at) VALUES (:id, NULL, NULL, 'meta_app_secret', :label, :ref, :ciphertext, :key_id, "
                "'active', now()) ON CONFLICT (ref) DO NOTHING"
            ),
            {
                "id": secret_id,
                "label": f"Meta app {name}"[:200],
                "ref": f"meta_app:{app_id}",
                "ciphertext": keys.seal_text(secret, bound_to=f"vault:{secret_id}"),
                "key_id": keys.current_id,
            },
        )


def downgrade() -> None:
    op.drop_table("meta_data_deletions")
    op.drop_index("ix_channels_meta_account", table_name="channels")
    op.add_column("meta_apps", sa.Column("sealed_secret", sa.LargeBinary(), nullable=True))
    op.add_column("meta_apps", sa.Column("secret_last4", sa.String(length=4), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT a.id, s.id, s.ciphertext FROM meta_apps a JOIN vault_secrets s ON s.ref = 'meta_app:' || a.id")
    ).all()
    keys = _keys() if rows else None
    for app_id, secret_id, ciphertext in rows:
        assert keys is not None
        secret = keys.open_text(bytes(ciphertext), bound_to=f"vault:{secret_id}")
        sealed = keys.seal_bytes(
            json.dumps({"app_secret": secret}, separators=(",", ":")).encode(), bound_to=f"meta_app:{app_id}"
        )
        connection.execute(
            sa.text("UPDATE meta_apps SET sealed_secret = :sealed, secret_last4 = :last4 WHERE id = :id"),
            {"sealed": sealed, "last4": secret[-4:], "id": app_id},
        )
    connection.execute(sa.text("DELETE FROM vault_secrets WHERE kind = 'meta_app_secret'"))
    op.alter_column("meta_apps", "sealed_secret", nullable=False)
    op.alter_column("meta_apps", "secret_last4", nullable=False)
