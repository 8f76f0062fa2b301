"""TikTok tracking links (SPEC.md R-CH6): ``tiktok_links`` on the control plane, because the public redirect
``GET /t/{code}`` must find a code's company before it can open the tenant schema. Clicks and attribution live in
the tenant schema (tenant migration t0012).

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tiktok_links",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("company_id", sa.UUID(), nullable=False),
        sa.Column("channel_id", sa.UUID(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("campaign", sa.String(length=200), nullable=True),
        sa.Column("prefill", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["channels.id"], name=op.f("fk_tiktok_links_channel_id_channels"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_tiktok_links_company_id_companies"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tiktok_links")),
        sa.UniqueConstraint("code", name=op.f("uq_tiktok_links_code")),
    )
    op.create_index(op.f("ix_tiktok_links_channel_id"), "tiktok_links", ["channel_id"], unique=False)
    op.create_index(op.f("ix_tiktok_links_company_id"), "tiktok_links", ["company_id"], unique=False)


def downgrade() -> None:
    op.drop_table("tiktok_links")
