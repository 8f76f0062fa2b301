"""Account deletion (SPEC.md R-S5): one row per deletion job and one per step, in the order the job runs them.
``subject`` holds what the steps need after the rows they come from are gone (company ids, the email); it is
cleared when the job is done, so the finished job keeps nothing personal. No foreign key to ``users``: the job
outlives the user it deletes.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account_deletions",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("subject", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_deletions")),
    )
    op.create_index(
        "ix_account_deletions_user_id_running",
        "account_deletions",
        ["user_id"],
        unique=True,
        postgresql_where=sa.text("status = 'running'"),
    )
    op.create_table(
        "account_deletion_steps",
        sa.Column("deletion_id", sa.UUID(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["deletion_id"],
            ["account_deletions.id"],
            name=op.f("fk_account_deletion_steps_deletion_id_account_deletions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("deletion_id", "position", name=op.f("pk_account_deletion_steps")),
    )


def downgrade() -> None:
    op.drop_table("account_deletion_steps")
    op.drop_index("ix_account_deletions_user_id_running", table_name="account_deletions")
    op.drop_table("account_deletions")
