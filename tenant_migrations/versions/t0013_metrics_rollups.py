"""Metrics rollups (SPEC.md R-X1, R-X3): exact per-day counters that the metrics overview reads instead of the raw
messages, and the fold's own state.

``metrics_state`` (one row) holds the fold's watermark ``folded_until``: every message, contact and conversation
stored before it is counted in the rollups, nothing after it is; and the time zone whose calendar days the rollups
follow (a company that changes its zone is rebuilt). ``metrics_daily`` holds counters per (local day, channel, lead
source; ``''`` for no lead source), ``metrics_response_times`` a mergeable histogram of first-response times per
the same key (fixed logarithmic buckets), and ``metrics_conversations`` what the rollups hold of each conversation,
so a conversation that changes after it was folded (a late reply, a handover) moves its counts exactly once.
See docs/metrics.md.

Revision ID: t0013
Revises: t0012
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from x8.tenancy.ddl import secure_table, tenant_id_column

revision: str = "t0013"
down_revision: str | None = "t0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
COUNTERS = (
    "messages_in",
    "messages_out",
    "type1",
    "type2",
    "type3",
    "new_contacts",
    "conversations",
    "assisted",
    "handovers",
)


def _key() -> list[sa.Column[object]]:
    return [
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("lead_source", sa.String(32), nullable=False, server_default=""),
    ]


def upgrade() -> None:
    op.create_table(
        "metrics_state",
        sa.Column("id", sa.SmallInteger, primary_key=True, server_default="1"),
        tenant_id_column(),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("folded_until", TS),
        sa.Column("folded_at", TS),
        sa.CheckConstraint("id = 1", name="ck_metrics_state_single_row"),
    )
    secure_table(op, "metrics_state")

    op.create_table(
        "metrics_daily",
        tenant_id_column(),
        *_key(),
        *[sa.Column(name, sa.BigInteger, nullable=False, server_default="0") for name in COUNTERS],
        sa.PrimaryKeyConstraint("day", "channel", "lead_source"),
    )
    secure_table(op, "metrics_daily")

    op.create_table(
        "metrics_response_times",
        tenant_id_column(),
        *_key(),
        sa.Column("bucket", sa.SmallInteger, nullable=False),
        sa.Column("conversations", sa.BigInteger, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("day", "channel", "lead_source", "bucket"),
    )
    secure_table(op, "metrics_response_times")

    op.create_table(
        "metrics_conversations",
        sa.Column("conversation_id", UUID(as_uuid=True), primary_key=True),
        tenant_id_column(),
        *_key(),
        sa.Column("first_response_ms", sa.BigInteger),
        sa.Column("handed_over", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("human_replied", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    secure_table(op, "metrics_conversations")

    # The overview counts orders and bookings straight from their tables, by the time of each event.
    op.create_index("ix_orders_paid_at", "orders", ["paid_at"], postgresql_where=sa.text("paid_at IS NOT NULL"))
    op.create_index("ix_bookings_created_at", "bookings", ["created_at"])
    op.create_index("ix_contacts_created_at", "contacts", ["created_at"])
    op.create_index("ix_conversations_created_at", "conversations", ["created_at"])
    op.create_index("ix_messages_created_at", "messages", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_messages_created_at", "messages")
    op.drop_index("ix_conversations_created_at", "conversations")
    op.drop_index("ix_contacts_created_at", "contacts")
    op.drop_index("ix_bookings_created_at", "bookings")
    op.drop_index("ix_orders_paid_at", "orders")
    op.drop_table("metrics_conversations")
    op.drop_table("metrics_response_times")
    op.drop_table("metrics_daily")
    op.drop_table("metrics_state")
