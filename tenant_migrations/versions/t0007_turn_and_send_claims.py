"""Claims, so no transaction stays open while the assistant or a provider is called.

A turn is claimed on its conversation (``turn_claim``, a token, and ``turn_claimed_until``, its lease) and the
claim is committed before the assistant runs; the reply is stored only by the holder of the claim. An outbound
message is ``sending`` with a lease (``send_claimed_until``) while its provider call is in flight; a lease that
ran out (its worker died) makes it sendable again.

Revision ID: t0007
Revises: t0006
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "t0007"
down_revision: str | None = "t0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("conversations", sa.Column("turn_claim", UUID(as_uuid=True)))
    op.add_column("conversations", sa.Column("turn_claimed_until", TS))
    op.add_column("messages", sa.Column("send_claimed_until", TS))
    op.drop_index("ix_messages_pending", table_name="messages")
    op.create_index(
        "ix_messages_pending",
        "messages",
        ["conversation_id"],
        postgresql_where=sa.text("status IN ('pending', 'sending')"),
    )


def downgrade() -> None:
    op.drop_index("ix_messages_pending", table_name="messages")
    op.create_index(
        "ix_messages_pending", "messages", ["conversation_id"], postgresql_where=sa.text("status = 'pending'")
    )
    op.drop_column("messages", "send_claimed_until")
    op.drop_column("conversations", "turn_claimed_until")
    op.drop_column("conversations", "turn_claim")
