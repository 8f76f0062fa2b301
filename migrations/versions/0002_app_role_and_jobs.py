"""Runtime role, its grants, the company number sequence and the job queue schema.

The runtime role (X8_DB_APP_ROLE) is LOGIN, NOSUPERUSER, NOBYPASSRLS and owns nothing: it gets DML
on control-plane tables only (SPEC.md R-E2, R-T4). Its name and password come from settings through
alembic's config attributes and reach SQL through ``set_config``/``format(%I, %L)``, never f-strings.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from procrastinate.schema import SchemaManager

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENSURE_ROLE = """
DO $$
DECLARE
    role_name text := current_setting('x8.app_role');
    role_password text := current_setting('x8.app_password');
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
        EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD %L',
                       role_name, role_password);
    ELSE
        EXECUTE format('ALTER ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD %L',
                       role_name, role_password);
    END IF;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), role_name);
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', role_name);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', role_name);
    EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO %I', role_name);
    EXECUTE format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO %I', role_name);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public '
                   'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I',
                   role_name);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO %I',
                   role_name);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO %I', role_name);
    EXECUTE format('REVOKE CREATE ON SCHEMA public FROM %I', role_name);
END
$$;
"""


def upgrade() -> None:
    attributes = op.get_context().config.attributes  # type: ignore[union-attr]
    bind = op.get_bind()
    bind.execute(
        sa.text("SELECT set_config('x8.app_role', :r, true), set_config('x8.app_password', :p, true)"),
        {"r": attributes["app_role"], "p": attributes["app_password"]},
    )
    op.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    op.execute("CREATE SEQUENCE company_number_seq START 1")
    op.execute(SchemaManager.get_schema())
    op.execute(ENSURE_ROLE)


def downgrade() -> None:
    op.execute("DROP SEQUENCE IF EXISTS company_number_seq")
