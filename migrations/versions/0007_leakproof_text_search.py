"""Let full-text search use its GIN index under row-level security.

PostgreSQL only uses a condition in an index scan on a table with row-level security when the condition's
function is LEAKPROOF (otherwise it could see rows the policy hides before the policy runs). ``tsvector @@ tsquery``
(``ts_match_vq``) is not marked so, which turns every KB search into a read of the whole KB: 50–100 ms on 100k
rows instead of 1–10. The function only compares lexemes and raises no error that depends on a row's content, so
it is marked LEAKPROOF here. Only a superuser may do that: on a managed database without one, search still
works, only slower, and the server logs a warning at start (see docs/decisions.md).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("""
    DO $$
    BEGIN
        IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            ALTER FUNCTION pg_catalog.ts_match_vq(tsvector, tsquery) LEAKPROOF;
        ELSE
            RAISE NOTICE 'not a superuser: tsvector @@ tsquery stays non-leakproof and KB search reads whole KBs';
        END IF;
    END
    $$
    """)


def downgrade() -> None:
    op.execute("""
    DO $$
    BEGIN
        IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            ALTER FUNCTION pg_catalog.ts_match_vq(tsvector, tsquery) NOT LEAKPROOF;
        END IF;
    END
    $$
    """)
