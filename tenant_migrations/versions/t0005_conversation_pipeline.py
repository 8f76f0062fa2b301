"""The reply pipeline's state: who sent a message, its delivery status, which inbound messages a turn consumed,
bot pauses and handovers, unread counts, and a full-text vector for inbox search.

An inbound message is part of the buffer until ``processed_at`` is set by the turn that answered it; an outbound
message is stored ``pending`` before it is sent, and becomes ``sent`` or ``failed`` (R-R1).

Revision ID: t0005
Revises: t0004
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR, UUID

revision: str = "t0005"
down_revision: str | None = "t0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("contacts", sa.Column("privacy_policy_sent_at", TS))
    op.add_column("conversations", sa.Column("channel_id", UUID(as_uuid=True)))
    op.add_column("conversations", sa.Column("bot_paused_until", TS))
    op.add_column("conversations", sa.Column("handover_at", TS))
    op.add_column("conversations", sa.Column("unread_count", sa.Integer, nullable=False, server_default="0"))
    op.add_column("conversations", sa.Column("last_message_preview", sa.String(200), nullable=False, server_default=""))
    op.create_index("ix_conversations_last_message_at", "conversations", ["last_message_at"])
    op.create_index("uq_conversations_contact_channel", "conversations", ["contact_id", "channel_id"], unique=True)

    op.add_column("messages", sa.Column("sender", sa.String(8), nullable=False, server_default="customer"))
    op.add_column("messages", sa.Column("status", sa.String(12), nullable=False, server_default="received"))
    op.add_column("messages", sa.Column("attempts", sa.Integer, nullable=False, server_default="0"))
    op.add_column("messages", sa.Column("last_error", sa.Text))
    op.add_column("messages", sa.Column("sent_at", TS))
    op.add_column("messages", sa.Column("processed_at", TS))
    op.add_column("messages", sa.Column("message_type", sa.String(8)))
    op.add_column("messages", sa.Column("intent", sa.String(16)))
    op.add_column("messages", sa.Column("reply_to_id", UUID(as_uuid=True)))
    op.add_column(
        "messages",
        sa.Column("search_vector", TSVECTOR, sa.Computed("to_tsvector('simple', body)", persisted=True)),
    )
    op.create_check_constraint("ck_messages_sender", "messages", "sender IN ('customer', 'bot', 'human', 'owner')")
    op.create_check_constraint(
        "ck_messages_status", "messages", "status IN ('received', 'pending', 'sending', 'sent', 'failed')"
    )
    op.create_index("ix_messages_search", "messages", ["search_vector"], postgresql_using="gin")
    op.create_index(
        "ix_messages_unprocessed",
        "messages",
        ["conversation_id", "created_at"],
        postgresql_where=sa.text("direction = 'in' AND processed_at IS NULL"),
    )
    op.create_index(
        "ix_messages_pending", "messages", ["conversation_id"], postgresql_where=sa.text("status = 'pending'")
    )


def downgrade() -> None:
    op.drop_index("ix_messages_pending", table_name="messages")
    op.drop_index("ix_messages_unprocessed", table_name="messages")
    op.drop_index("ix_messages_search", table_name="messages")
    op.drop_constraint("ck_messages_status", "messages")
    op.drop_constraint("ck_messages_sender", "messages")
    for column in (
        "search_vector",
        "reply_to_id",
        "intent",
        "message_type",
        "processed_at",
        "sent_at",
        "last_error",
        "attempts",
        "status",
        "sender",
    ):
        op.drop_column("messages", column)
    op.drop_index("uq_conversations_contact_channel", table_name="conversations")
    op.drop_index("ix_conversations_last_message_at", table_name="conversations")
    for column in ("last_message_preview", "unread_count", "handover_at", "bot_paused_until", "channel_id"):
        op.drop_column("conversations", column)
    op.drop_column("contacts", "privacy_policy_sent_at")
