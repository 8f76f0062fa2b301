"""Orders made in chat (SPEC.md R-P2, R-P3) and the conversation's payment status.

An order is stored ``pending`` with its items before any provider is called; each item copies the KB row's name
and price at order time (minor units), so the purchase log stays true when the catalogue changes. The order also
copies who bought (contact name and handle), the channel and the lead source, because it must outlive the
conversation (``ON DELETE SET NULL``). ``provider`` says which checkout it was made for (``stripe`` or the local
``sandbox``): the sandbox's pay endpoint only ever pays a sandbox order. A conversation's ``payment_status`` is
``no_payment_link`` → ``payment_link_sent`` → ``paid``; a new order starts it again.

Revision ID: t0008
Revises: t0007
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from x8.tenancy.ddl import secure_table, tenant_id_column

revision: str = "t0008"
down_revision: str | None = "t0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
NOW = sa.text("now()")
NEW_ID = sa.text("gen_random_uuid()")


def upgrade() -> None:
    op.add_column(
        "conversations",
        sa.Column("payment_status", sa.String(20), nullable=False, server_default="no_payment_link"),
    )
    op.create_check_constraint(
        "ck_conversations_payment_status",
        "conversations",
        "payment_status IN ('no_payment_link', 'payment_link_sent', 'paid')",
    )

    op.create_table(
        "orders",
        sa.Column("id", UUID(as_uuid=True), primary_key=True, server_default=NEW_ID),
        tenant_id_column(),
        sa.Column("conversation_id", UUID(as_uuid=True), sa.ForeignKey("conversations.id", ondelete="SET NULL")),
        sa.Column("contact_name", sa.String(255), nullable=False, server_default=""),
        sa.Column("contact_handle", sa.String(255), nullable=False, server_default=""),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("lead_source", sa.String(32)),
        sa.Column("language", sa.String(8)),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(12), nullable=False, server_default="pending"),
        sa.Column("provider", sa.String(12), nullable=False),
        sa.Column("checkout_session_id", sa.String(255)),
        sa.Column("checkout_url", sa.Text),
        sa.Column("payment_intent_id", sa.String(255)),
        sa.Column("failure_reason", sa.String(64)),
        sa.Column("paid_at", TS),
        sa.Column("link_message_id", UUID(as_uuid=True)),
        sa.Column("after_payment_message_id", UUID(as_uuid=True)),
        sa.Column("reminder_message_id", UUID(as_uuid=True)),
        sa.Column("created_at", TS, nullable=False, server_default=NOW),
        sa.Column("updated_at", TS, nullable=False, server_default=NOW),
        sa.CheckConstraint("amount >= 0", name="ck_orders_amount"),
        sa.CheckConstraint("status IN ('pending', 'paid', 'failed', 'expired', 'refunded')", name="ck_orders_status"),
        sa.CheckConstraint("provider IN ('stripe', 'sandbox')", name="ck_orders_provider"),
    )
    op.create_index("ix_orders_created_at", "orders", ["created_at"])
    op.create_index("ix_orders_status_created_at", "orders", ["status", "created_at"])
    op.create_index("ix_orders_conversation_created_at", "orders", ["conversation_id", "created_at"])
    op.create_index(
        "uq_orders_checkout_session_id",
        "orders",
        ["checkout_session_id"],
        unique=True,
        postgresql_where=sa.text("checkout_session_id IS NOT NULL"),
    )
    secure_table(op, "orders")

    op.create_table(
        "order_items",
        sa.Column("id", UUID(as_uuid=True), primary_key=True, server_default=NEW_ID),
        tenant_id_column(),
        sa.Column("order_id", UUID(as_uuid=True), sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        # No foreign key: the row may leave the catalogue later, and the order keeps what was bought.
        sa.Column("kb_row_id", UUID(as_uuid=True)),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("unit_amount", sa.BigInteger, nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.CheckConstraint("unit_amount >= 0", name="ck_order_items_unit_amount"),
        sa.CheckConstraint("quantity >= 1", name="ck_order_items_quantity"),
        sa.UniqueConstraint("order_id", "position", name="uq_order_items_order_position"),
    )
    secure_table(op, "order_items")


def downgrade() -> None:
    op.drop_table("order_items")
    op.drop_table("orders")
    op.drop_constraint("ck_conversations_payment_status", "conversations")
    op.drop_column("conversations", "payment_status")
