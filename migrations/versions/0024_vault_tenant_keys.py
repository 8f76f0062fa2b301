"""Tenant API keys' values move into the vault (SPEC.md R-V1): the live key of each company becomes a vault secret
of kind ``n8n_tenant_key`` (``ref`` = ``tenant_api_key:<company id>``), which n8n provisioning reads to write the
tenant's credential into n8n. Requests are still checked against ``tenant_api_keys.key_hash``; a revoked key's
value is not needed by anyone, so it is not kept. The copy and the drop of ``tenant_api_keys.sealed`` happen in
this migration's one transaction: a key that does not open stops the migration with its row named.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06
"""

import json
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from x8.kit.secretbox import Keyring, SealBroken, parse_old_keys
from x8.settings import Settings

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KIND = "n8n_tenant_key"
LABEL = "n8n tenant API key"


def _keys() -> Keyring:
    settings = Settings()
    return Keyring(settings.vault_key, parse_old_keys(settings.vault_old_keys))


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT k.id, k.company_id, co.owner_id, k.sealed FROM tenant_api_keys k "
            "JOIN companies co ON co.id = k.company_id WHERE k.revoked_at IS NULL"
        )
    ).all()
    keys = _keys() if rows else None
    for key_id, company_id, owner_id, sealed in rows:
        assert keys is not None
        try:
            value = json.loads(keys.open_bytes(bytes(sealed), bound_to=f"tenant_api_key:{key_id}"))["key"]
        except SealBroken as exc:
            raise RuntimeError(
                f"tenant API key {key_id}: the sealed value does not open with X8_VAULT_KEY or X8_VAULT_OLD_KEYS "
                f"({exc}); set the key it was sealed with and migrate again"
            ) from exc
        secret_id = uuid.uuid4()
        connection.execute(
            sa.text(
                "INSERT INTO vault_secrets (id, client_id, company_id, kind, label, ref, ciphertext, key_id, status, "
                "last_checked_at) VALUES (:id, :client_id, :company_id, :kind, :label, :ref, :ciphertext, :key_id, "
                "'active', now())"
            ),
            {
                "id": secret_id,
                "client_id": owner_id,
                "company_id": company_id,
                "kind": KIND,
                "label": LABEL,
                "ref": f"tenant_api_key:{company_id}",
                "ciphertext": keys.seal_text(value, bound_to=f"vault:{secret_id}"),
                "key_id": keys.current_id,
            },
        )
    op.drop_column("tenant_api_keys", "sealed")


def downgrade() -> None:
    """The live keys go back into their rows, sealed as before; the revoked ones get an empty value (nobody reads a
    revoked key's value)."""
    op.add_column("tenant_api_keys", sa.Column("sealed", sa.LargeBinary(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT k.id, v.id, v.ciphertext FROM tenant_api_keys k JOIN vault_secrets v "
            "ON v.ref = 'tenant_api_key:' || k.company_id::text WHERE k.revoked_at IS NULL"
        )
    ).all()
    keys = _keys() if rows else None
    for key_id, secret_id, ciphertext in rows:
        assert keys is not None
        value = keys.open_text(bytes(ciphertext), bound_to=f"vault:{secret_id}")
        sealed = keys.seal_bytes(
            json.dumps({"key": value}, separators=(",", ":")).encode(), bound_to=f"tenant_api_key:{key_id}"
        )
        connection.execute(
            sa.text("UPDATE tenant_api_keys SET sealed = :s WHERE id = :id"), {"s": sealed, "id": key_id}
        )
    connection.execute(sa.text("UPDATE tenant_api_keys SET sealed = ''::bytea WHERE sealed IS NULL"))
    op.alter_column("tenant_api_keys", "sealed", nullable=False)
    connection.execute(sa.text("DELETE FROM vault_secrets WHERE kind = :kind"), {"kind": KIND})
