"""Only the tenant's own app role may call ``kb_after_bulk_load()``.

Functions are executable by PUBLIC by default. Nobody else could reach it anyway (no other role has USAGE on
the tenant's schema), but a SECURITY DEFINER function should say who it is for.

Revision ID: t0006
Revises: t0005
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "t0006"
down_revision: str | None = "t0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UPGRADE = """
DO $$
DECLARE
    app_role text := current_schema() || '_app';
BEGIN
    REVOKE ALL ON FUNCTION kb_after_bulk_load() FROM PUBLIC;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app_role) THEN
        EXECUTE 'GRANT EXECUTE ON FUNCTION kb_after_bulk_load() TO ' || quote_ident(app_role);
    END IF;
END
$$
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute("GRANT EXECUTE ON FUNCTION kb_after_bulk_load() TO PUBLIC")
