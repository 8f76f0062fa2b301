"""KB embeddings for semantic search, only where the database has pgvector.

The table is created inside a DO block that looks the extension up, so a PostgreSQL without pgvector (Debian's
15, say) still migrates and simply has no semantic vectors. Dimensions are not fixed: the embedder decides.

Revision ID: t0003
Revises: t0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "t0003"
down_revision: str | None = "t0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CURRENT_TENANT = "NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid"

UPGRADE = f"""
DO $$
DECLARE
    extension_schema text;
BEGIN
    SELECT n.nspname INTO extension_schema
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'vector';
    IF extension_schema IS NULL THEN
        RETURN;
    END IF;
    -- No format() placeholders: alembic's offline rendering would double their percent signs.
    EXECUTE 'CREATE TABLE kb_embeddings (
        item_id uuid PRIMARY KEY REFERENCES kb_items (id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL DEFAULT {CURRENT_TENANT},
        model text NOT NULL,
        embedding ' || quote_ident(extension_schema) || '.vector NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now())';
    ALTER TABLE kb_embeddings ENABLE ROW LEVEL SECURITY;
    ALTER TABLE kb_embeddings FORCE ROW LEVEL SECURITY;
    EXECUTE 'CREATE POLICY tenant_isolation ON kb_embeddings USING (tenant_id = {CURRENT_TENANT}) '
            'WITH CHECK (tenant_id = {CURRENT_TENANT})';
END
$$
"""  # noqa: S608 - constants only: no user text reaches this DDL


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS kb_embeddings")
