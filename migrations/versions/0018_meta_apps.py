"""The Meta app pool (SPEC.md R-CH4, R-S3): pre-reviewed apps with sealed secrets, and the app each business keeps.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meta_apps",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("app_id", sa.String(length=32), nullable=False),
        sa.Column("sealed_secret", sa.LargeBinary(), nullable=False),
        sa.Column("secret_last4", sa.String(length=4), nullable=False),
        sa.Column("products", postgresql.ARRAY(sa.String(length=16)), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_apps")),
        sa.UniqueConstraint("app_id", name=op.f("uq_meta_apps_app_id")),
    )
    op.create_table(
        "meta_app_assignments",
        sa.Column("business_id", sa.UUID(), nullable=False),
        sa.Column("meta_app_id", sa.UUID(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"], ["users.id"], name=op.f("fk_meta_app_assignments_business_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["meta_app_id"],
            ["meta_apps.id"],
            name=op.f("fk_meta_app_assignments_meta_app_id_meta_apps"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("business_id", name=op.f("pk_meta_app_assignments")),
    )
    op.create_index(op.f("ix_meta_app_assignments_meta_app_id"), "meta_app_assignments", ["meta_app_id"], unique=False)


def downgrade() -> None:
    op.drop_table("meta_app_assignments")
    op.drop_table("meta_apps")
