"""A business's own company limit, when the admin raised it above ``X8_MAX_COMPANIES`` (R-C1).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("company_limit_override", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "company_limit_override")
