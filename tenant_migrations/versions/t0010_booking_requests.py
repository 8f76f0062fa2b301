"""Booking in chat (SPEC.md §11 "After payment"): what the assistant is arranging with a customer.

A ``booking_requests`` row is opened when an order that needs a booking is paid (or a free service is asked for)
and walks ``city`` → ``slot`` → ``address`` → ``booked`` (or ``handed_over`` when the customer could not be
understood, ``superseded`` when a newer request took its place). ``offered`` keeps the numbered slots last shown,
so "2" means what the customer saw. At most one request per conversation is open, and one per order ever.

Revision ID: t0010
Revises: t0009
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from x8.tenancy.ddl import secure_table, tenant_id_column

revision: str = "t0010"
down_revision: str | None = "t0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
NOW = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "booking_requests",
        sa.Column("id", UUID(as_uuid=True), primary_key=True, server_default=sa.text("gen_random_uuid()")),
        tenant_id_column(),
        sa.Column(
            "conversation_id",
            UUID(as_uuid=True),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("order_id", UUID(as_uuid=True)),
        sa.Column("service_id", UUID(as_uuid=True)),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("stage", sa.String(12), nullable=False),
        sa.Column("city", sa.String(200)),
        sa.Column("address", sa.String(500)),
        sa.Column("offered", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("chosen_start", TS),
        sa.Column("misunderstood", sa.Integer, nullable=False, server_default="0"),
        sa.Column("language", sa.String(8)),  # the customer's, so "2" is answered in the language they wrote in
        sa.Column("booking_id", UUID(as_uuid=True), sa.ForeignKey("bookings.id", ondelete="SET NULL")),
        sa.Column("created_at", TS, nullable=False, server_default=NOW),
        sa.Column("updated_at", TS, nullable=False, server_default=NOW),
        sa.CheckConstraint("kind IN ('delivery', 'appointment')", name="ck_booking_requests_kind"),
        sa.CheckConstraint(
            "stage IN ('city', 'slot', 'address', 'booked', 'handed_over', 'superseded')",
            name="ck_booking_requests_stage",
        ),
    )
    op.create_index(
        "uq_booking_requests_open",
        "booking_requests",
        ["conversation_id"],
        unique=True,
        postgresql_where=sa.text("stage IN ('city', 'slot', 'address')"),
    )
    op.create_index(
        "uq_booking_requests_order",
        "booking_requests",
        ["order_id"],
        unique=True,
        postgresql_where=sa.text("order_id IS NOT NULL"),
    )
    secure_table(op, "booking_requests")


def downgrade() -> None:
    op.drop_table("booking_requests")
