"""Tenancy: the runtime role stops inheriting, and the tenant migration ledger.

The runtime role is granted every tenant's app role so that it can ``SET LOCAL ROLE`` into one tenant at a
time. NOINHERIT makes sure it holds none of those privileges otherwise.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    attributes = op.get_context().config.attributes  # type: ignore[union-attr]
    op.get_bind().execute(sa.text("SELECT set_config('x8.app_role', :r, true)"), {"r": attributes["app_role"]})
    op.execute("DO $$ BEGIN EXECUTE format('ALTER ROLE %I NOINHERIT', current_setting('x8.app_role')); END $$")
    op.create_table(
        "tenant_migration_ledger",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("run_id", UUID(as_uuid=True), nullable=False, index=True),
        sa.Column("tenant_schema", sa.String(63), nullable=False, index=True),
        sa.Column("from_revision", sa.String(32)),
        sa.Column("to_revision", sa.String(32)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("status IN ('running', 'done', 'failed', 'aborted')", name="status"),
    )


def downgrade() -> None:
    op.drop_table("tenant_migration_ledger")
