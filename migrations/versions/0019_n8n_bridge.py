"""The n8n bridge's bindings (SPEC.md R-N2): every object X8 made in n8n for a company, with its n8n id. No foreign
key to companies: the rows must outlive a deleted company until its n8n objects are removed.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "n8n_bindings",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("company_id", sa.UUID(), nullable=False),
        sa.Column("channel_id", sa.UUID(), nullable=True),
        sa.Column("slot", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("n8n_id", sa.String(length=64), nullable=True),
        sa.Column("template", sa.String(length=64), nullable=True),
        sa.Column("template_version", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_n8n_bindings")),
        sa.UniqueConstraint("company_id", "slot", name="uq_n8n_bindings_company_slot"),
    )
    op.create_index(op.f("ix_n8n_bindings_company_id"), "n8n_bindings", ["company_id"], unique=False)


def downgrade() -> None:
    op.drop_table("n8n_bindings")
