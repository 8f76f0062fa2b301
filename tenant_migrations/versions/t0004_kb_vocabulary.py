"""A per-KB vocabulary for typo tolerance, replacing per-row trigrams.

Typo and partial-word search used to keep ~60 character trigrams on every row (a GIN entry each), which made
imports slow and typo queries scan rows. Now the distinct words of a KB are kept once, as (trigram, word) rows in
``kb_vocabulary``; a misspelled query word is corrected against that vocabulary (a few thousand words, not 100k
rows) and the corrected words run through the full-text index. Plain equality on a B-tree, because under
row-level security only leakproof operators (``=`` is, array ``@>`` is not) may use an index. See
docs/knowledge-base.md.

Revision ID: t0004
Revises: t0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

from x8.tenancy.ddl import secure_table, tenant_id_column

revision: str = "t0004"
down_revision: str | None = "t0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same words and trigrams as x8.kb_engine.trigrams (lower case, ё as е, padded "  word "), done in SQL for
# rows that are already there. Row-level security is forced on the owner too, so the backfill first takes on the
# tenant id, which is the schema's name (t_<hex>).
BACKFILL = r"""
DO $$
BEGIN
IF current_schema() !~ '^t_[0-9a-f]{32}$' THEN
    RETURN;  -- not a tenant schema (a benchmark's bare copy of the template): nothing to backfill
END IF;
PERFORM set_config('app.tenant_id', CAST(CAST(substr(current_schema(), 3) AS uuid) AS text), true);
UPDATE kb_items SET sku = sku WHERE sku IS NOT NULL;  -- runs the new search trigger: compact SKU lexemes
INSERT INTO kb_vocabulary (kb_id, trigram, word)
SELECT DISTINCT i.kb_id, substr('  ' || w.word || ' ', n, 3), w.word
FROM kb_items i,
     regexp_split_to_table(
         translate(lower(concat_ws(' ', i.name, i.sku, i.category, array_to_string(i.tags, ' '), i.description)),
                   'ё', 'е'),
         '\W+') AS w(word),
     generate_series(1, length(w.word) + 1) AS n
WHERE length(w.word) BETWEEN 2 AND 40 AND w.word !~ '[0-9]';
END
$$
"""


# SKUs: the text parser splits "SKU-04242" into 'sku' and the signed integer '-04242', so neither the whole code
# nor its digits can be found. The row also gets the compact code ('sku04242') as a lexeme, which the search
# matches as a prefix. Otherwise the same as t0002.
SEARCH_TRIGGER = """
CREATE OR REPLACE FUNCTION kb_items_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector(NEW.search_config, coalesce(NEW.name, '')), 'A') ||
        setweight(to_tsvector('simple', coalesce(NEW.name, '') || ' ' || coalesce(NEW.sku, '')), 'A') ||
        setweight(to_tsvector(NEW.search_config,
                              coalesce(NEW.category, '') || ' ' || array_to_string(NEW.tags, ' ')), 'B') ||
        setweight(to_tsvector(NEW.search_config, left(coalesce(NEW.description, ''), 20000)), 'C');
    IF NEW.sku ~ '[[:alnum:]]' THEN
        NEW.search_vector := NEW.search_vector ||
            setweight(array_to_tsvector(ARRAY[lower(regexp_replace(NEW.sku, '[^[:alnum:]]+', '', 'g'))]), 'A');
    END IF;
    NEW.updated_at := now();
    RETURN NEW;
END
$$
"""

# After a bulk import the new rows' full-text entries sit in the GIN indexes' pending lists, which every search
# then scans linearly, and the planner has no statistics for the new rows (it then walks the whole KB instead of
# asking the full-text index: 100 ms instead of 5 on 100k rows). Only the owner may flush the lists and ANALYZE,
# so the owner lends these acts to the tenant's app role. Names are fixed into the body when it is created, so
# no caller-controlled search_path reaches it.
AFTER_BULK_LOAD = """
DO $$
DECLARE
    s text := quote_ident(current_schema());
BEGIN
    EXECUTE 'CREATE FUNCTION kb_after_bulk_load() RETURNS void LANGUAGE plpgsql SECURITY DEFINER '
            'SET search_path = pg_catalog AS $f$ BEGIN '
            'PERFORM gin_clean_pending_list(' || quote_literal(s || '.ix_kb_items_search') || '::regclass); '
            'ANALYZE ' || s || '.kb_items, ' || s || '.kb_vocabulary; '
            'END $f$';
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "kb_vocabulary",
        tenant_id_column(),
        sa.Column("kb_id", UUID(as_uuid=True), nullable=False),
        sa.Column("trigram", sa.Text, nullable=False),
        sa.Column("word", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("kb_id", "trigram", "word"),
    )
    secure_table(op, "kb_vocabulary")
    op.execute(SEARCH_TRIGGER)
    op.execute(BACKFILL)
    op.drop_index("ix_kb_items_trigrams", table_name="kb_items")
    op.drop_column("kb_items", "trigrams")
    op.execute(AFTER_BULK_LOAD)


def downgrade() -> None:
    op.execute("DROP FUNCTION kb_after_bulk_load()")
    op.add_column(
        "kb_items", sa.Column("trigrams", ARRAY(sa.Text), nullable=False, server_default=sa.text("'{}'::text[]"))
    )
    op.create_index("ix_kb_items_trigrams", "kb_items", ["trigrams"], postgresql_using="gin")
    op.drop_table("kb_vocabulary")
