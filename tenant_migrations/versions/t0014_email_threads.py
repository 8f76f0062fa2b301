"""Email threads (SPEC.md R-CH5): per email channel and customer address, the customer's latest mail, which the
next reply answers (``In-Reply-To``/``References``, the ``Re:`` subject, Gmail's ``threadId``).

Revision ID: t0014
Revises: t0013
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from x8.tenancy.ddl import secure_table, tenant_id_column

revision: str = "t0014"
down_revision: str | None = "t0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "email_threads",
        sa.Column("channel_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("address", sa.String(320), primary_key=True),
        tenant_id_column(),
        sa.Column("message_id", sa.String(998)),
        sa.Column("references_chain", sa.Text, nullable=False, server_default=""),
        sa.Column("subject", sa.String(998), nullable=False, server_default=""),
        sa.Column("thread_id", sa.String(255)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
    )
    secure_table(op, "email_threads")


def downgrade() -> None:
    op.drop_table("email_threads")
