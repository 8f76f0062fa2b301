"""Knowledge-base items, with full-text and trigram search columns.

``search_vector`` is maintained by a trigger from the row's ``search_config`` (the company's language) plus
``simple``; ``trigrams`` (character trigrams of names, SKUs, categories and tags) is computed by the importer,
so typo and partial-word search needs no contrib extension.

Revision ID: t0002
Revises: t0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, REGCONFIG, TSVECTOR, UUID

from x8.tenancy.ddl import secure_table, tenant_id_column

revision: str = "t0002"
down_revision: str | None = "t0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCH_TRIGGER = """
CREATE FUNCTION kb_items_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector(NEW.search_config, coalesce(NEW.name, '')), 'A') ||
        setweight(to_tsvector('simple', coalesce(NEW.name, '') || ' ' || coalesce(NEW.sku, '')), 'A') ||
        setweight(to_tsvector(NEW.search_config,
                              coalesce(NEW.category, '') || ' ' || array_to_string(NEW.tags, ' ')), 'B') ||
        setweight(to_tsvector(NEW.search_config, left(coalesce(NEW.description, ''), 20000)), 'C');
    NEW.updated_at := now();
    RETURN NEW;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "kb_items",
        sa.Column("id", UUID(as_uuid=True), primary_key=True, server_default=sa.text("gen_random_uuid()")),
        tenant_id_column(),
        sa.Column("kb_id", UUID(as_uuid=True), nullable=False),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.Column("sku", sa.String(100)),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("price", sa.Numeric(14, 2)),
        sa.Column("currency", sa.String(3)),
        sa.Column("category", sa.String(200)),
        sa.Column("unit", sa.String(50)),
        sa.Column("stock", sa.Integer),
        sa.Column("website", sa.String(2048)),
        sa.Column("tags", ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("images", ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("duration_minutes", sa.Integer),
        sa.Column("format", sa.String(10)),
        sa.Column("location", sa.String(500)),
        sa.Column("extra", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("search_config", REGCONFIG, nullable=False, server_default=sa.text("'simple'::regconfig")),
        sa.Column("search_vector", TSVECTOR, nullable=False, server_default=sa.text("''::tsvector")),
        sa.Column("trigrams", ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
        sa.CheckConstraint("format IS NULL OR format IN ('online', 'offline')", name="ck_kb_items_format"),
        sa.CheckConstraint("price IS NULL OR price >= 0", name="ck_kb_items_price"),
    )
    op.create_index("ix_kb_items_kb_position", "kb_items", ["kb_id", "position"])
    op.create_index(
        "uq_kb_items_kb_sku", "kb_items", ["kb_id", "sku"], unique=True, postgresql_where=sa.text("sku IS NOT NULL")
    )
    op.create_index("ix_kb_items_search", "kb_items", ["search_vector"], postgresql_using="gin")
    op.create_index("ix_kb_items_trigrams", "kb_items", ["trigrams"], postgresql_using="gin")
    op.execute(SEARCH_TRIGGER)
    op.execute(
        "CREATE TRIGGER kb_items_search BEFORE INSERT OR UPDATE ON kb_items "
        "FOR EACH ROW EXECUTE FUNCTION kb_items_search()"
    )
    secure_table(op, "kb_items")


def downgrade() -> None:
    op.drop_table("kb_items")
    op.execute("DROP FUNCTION kb_items_search()")
