"""Support (SPEC.md §12 R-S1, setup calls of R-CH6): the manager ↔ business chat, managers' availability and the
setup calls booked with them.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "support_messages",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("sender_id", sa.UUID(), nullable=True),
        sa.Column("sender_role", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["users.id"], name=op.f("fk_support_messages_client_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"], ["users.id"], name=op.f("fk_support_messages_sender_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_messages")),
    )
    op.create_index(
        "ix_support_messages_client_id_created_at", "support_messages", ["client_id", "created_at"], unique=False
    )
    op.create_table(
        "manager_availability",
        sa.Column("manager_id", sa.UUID(), nullable=False),
        sa.Column("value", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["users.id"], name=op.f("fk_manager_availability_manager_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("manager_id", name=op.f("pk_manager_availability")),
    )
    op.create_table(
        "setup_calls",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("manager_id", sa.UUID(), nullable=False),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("topic", sa.String(length=500), nullable=False),
        sa.Column("meeting_url", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["users.id"], name=op.f("fk_setup_calls_manager_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["users.id"], name=op.f("fk_setup_calls_client_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_setup_calls")),
    )
    op.create_index("ix_setup_calls_manager_id_start", "setup_calls", ["manager_id", "start"], unique=False)
    op.create_index(op.f("ix_setup_calls_client_id"), "setup_calls", ["client_id"], unique=False)


def downgrade() -> None:
    op.drop_table("setup_calls")
    op.drop_table("manager_availability")
    op.drop_table("support_messages")
