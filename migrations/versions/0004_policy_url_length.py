"""Privacy-policy links up to 2,048 characters (input is capped at 2,000; normalisation may add a few).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column("companies", "privacy_policy_url", type_=sa.String(2048), existing_nullable=True)


def downgrade() -> None:
    op.alter_column("companies", "privacy_policy_url", type_=sa.String(500), existing_nullable=True)
