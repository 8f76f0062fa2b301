"""When a conversation was first handed over to a person (``first_handover_at``), kept when the bot is resumed
(which clears ``handover_at``): the metrics count handovers from it, so a handover resumed before the rollups
fold it is still counted. Backfilled from ``handover_at`` where it is set.

Revision ID: t0015
Revises: t0014
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "t0015"
down_revision: str | None = "t0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("conversations", sa.Column("first_handover_at", sa.DateTime(timezone=True)))
    op.execute("UPDATE conversations SET first_handover_at = handover_at WHERE handover_at IS NOT NULL")


def downgrade() -> None:
    op.drop_column("conversations", "first_handover_at")
