"""The Google Calendar tokens live in the vault now (control-plane migration 0017 copied them there).

Revision ID: t0011
Revises: t0010
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "t0011"
down_revision: str | None = "t0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_column("calendar_connections", "sealed_tokens")


def downgrade() -> None:
    # The tokens stay in the vault; a downgraded tenant reconnects its calendar.
    op.execute("DELETE FROM calendar_connections")
    op.add_column("calendar_connections", sa.Column("sealed_tokens", sa.LargeBinary(), nullable=False))
