"""Booking (SPEC.md R-CAL1, R-CAL2): the company's availability, its bookings, one counter row per booked slot, and
its Google Calendar connection.

``availability`` has at most one row per tenant (its primary key is the tenant id). A booking takes capacity by
upserting its slot's ``booking_slots`` row with ``booked = booked + 1 WHERE booked < capacity`` in the booking's own
transaction: Postgres locks that row, so concurrent requests for one slot queue on it and never overbook; a cancel
gives the unit back. ``city`` is ``''`` for a slot without a city, so the unique key has no NULLs.

Revision ID: t0009
Revises: t0008
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from x8.tenancy.ddl import secure_table, tenant_id_column

revision: str = "t0009"
down_revision: str | None = "t0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
NOW = sa.text("now()")
NEW_ID = sa.text("gen_random_uuid()")


def upgrade() -> None:
    op.create_table(
        "availability",
        sa.Column("id", sa.SmallInteger, primary_key=True, server_default="1"),
        tenant_id_column(),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("slot_minutes", sa.Integer, nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("buffer_minutes", sa.Integer, nullable=False),
        sa.Column("weekly", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("cities", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("closed_dates", sa.ARRAY(sa.Date), nullable=False, server_default="{}"),
        sa.Column("updated_at", TS, nullable=False, server_default=NOW),
        sa.CheckConstraint("id = 1", name="ck_availability_single_row"),
    )
    secure_table(op, "availability")

    op.create_table(
        "booking_slots",
        sa.Column("id", UUID(as_uuid=True), primary_key=True, server_default=NEW_ID),
        tenant_id_column(),
        sa.Column("start", TS, nullable=False),
        sa.Column("city", sa.String(200), nullable=False, server_default=""),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("booked", sa.Integer, nullable=False, server_default="0"),
        sa.CheckConstraint("booked >= 0", name="ck_booking_slots_booked"),
        sa.UniqueConstraint("start", "city", name="uq_booking_slots_start_city"),
    )
    secure_table(op, "booking_slots")

    op.create_table(
        "bookings",
        sa.Column("id", UUID(as_uuid=True), primary_key=True, server_default=NEW_ID),
        tenant_id_column(),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("start", TS, nullable=False),
        sa.Column("end", TS, nullable=False),
        sa.Column("status", sa.String(12), nullable=False, server_default="confirmed"),
        sa.Column("city", sa.String(200)),
        sa.Column("address", sa.String(500)),
        sa.Column("format", sa.String(10)),
        # No foreign keys to the KB row or the order: a booking outlives both.
        sa.Column("service_id", UUID(as_uuid=True)),
        sa.Column("order_id", UUID(as_uuid=True)),
        sa.Column("conversation_id", UUID(as_uuid=True), sa.ForeignKey("conversations.id", ondelete="SET NULL")),
        sa.Column("contact_name", sa.String(255)),
        sa.Column("contact_phone", sa.String(64)),
        sa.Column("calendar_event_id", sa.String(1024)),
        sa.Column("created_at", TS, nullable=False, server_default=NOW),
        sa.Column("cancelled_at", TS),
        sa.CheckConstraint("kind IN ('delivery', 'appointment')", name="ck_bookings_kind"),
        sa.CheckConstraint("status IN ('confirmed', 'cancelled')", name="ck_bookings_status"),
        sa.CheckConstraint("format IS NULL OR format IN ('online', 'offline')", name="ck_bookings_format"),
        sa.CheckConstraint('"end" > start', name="ck_bookings_span"),
    )
    op.create_index("ix_bookings_start", "bookings", ["start"])
    secure_table(op, "bookings")

    op.create_table(
        "calendar_connections",
        sa.Column("id", sa.SmallInteger, primary_key=True, server_default="1"),
        tenant_id_column(),
        sa.Column("calendar_id", sa.String(1024), nullable=False, server_default="primary"),
        # The Google tokens, sealed with X8_VAULT_KEY and bound to the company (x8.kit.secretbox).
        sa.Column("sealed_tokens", sa.LargeBinary, nullable=False),
        sa.Column("connected_at", TS, nullable=False, server_default=NOW),
        sa.Column("last_error", sa.Text),
        sa.Column("last_error_at", TS),
        sa.CheckConstraint("id = 1", name="ck_calendar_connections_single_row"),
    )
    secure_table(op, "calendar_connections")


def downgrade() -> None:
    op.drop_table("calendar_connections")
    op.drop_table("bookings")
    op.drop_table("booking_slots")
    op.drop_table("availability")
