"""Payments in chat (SPEC.md R-P1, R-P2): each business's Stripe connected account, and which company each order
(stored in its tenant schema) belongs to.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "connected_accounts",
        sa.Column("business_id", sa.UUID(), nullable=False),
        sa.Column("account_id", sa.String(length=255), nullable=True),
        sa.Column("generation", sa.Integer(), server_default="0", nullable=False),
        sa.Column("charges_enabled", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("payouts_enabled", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("details_submitted", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("transfers_active", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("requirements", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False),
        sa.Column("disabled_reason", sa.String(length=255), nullable=True),
        sa.Column("state_as_of", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"], ["users.id"], name=op.f("fk_connected_accounts_business_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("business_id", name=op.f("pk_connected_accounts")),
        sa.UniqueConstraint("account_id", name=op.f("uq_connected_accounts_account_id")),
    )
    op.create_table(
        "order_refs",
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column("company_id", sa.UUID(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_order_refs_company_id_companies"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_order_refs")),
    )
    op.create_index(op.f("ix_order_refs_company_id"), "order_refs", ["company_id"], unique=False)


def downgrade() -> None:
    op.drop_table("order_refs")
    op.drop_table("connected_accounts")
