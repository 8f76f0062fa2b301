"""How many pieces of a long reply reached the provider (``messages.parts_sent``): Messenger and Instagram take
2,000 characters a message and Telegram 4,096, so a longer reply goes in pieces, and a retry after a failure
half-way sends only the pieces that did not go out (x8.channel_adapters.pieces).

Revision ID: t0016
Revises: t0015
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "t0016"
down_revision: str | None = "t0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("messages", sa.Column("parts_sent", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    op.drop_column("messages", "parts_sent")
