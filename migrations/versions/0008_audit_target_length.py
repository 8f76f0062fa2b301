"""Audit targets up to 255 characters: media public ids (x8/<user>/<folder>/<id>) are about 80.

The audit row of every media upload failed to insert and took the upload's transaction with it; the client had
already been answered, so nobody saw it. Sessions now commit before the response (x8/kit/db.py), which exposed it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column("audit_log", "target_id", type_=sa.String(255), existing_nullable=True)


def downgrade() -> None:
    op.alter_column("audit_log", "target_id", type_=sa.String(64), existing_nullable=True)
