"""A tenant registers its own new conversations (issue 16): a new contact's first message was three transactions
(look for the contact, register the conversation on the control plane as the runtime role, create it as the
tenant), and is one now. The tenant's role may INSERT into ``conversation_refs`` only rows naming its own company
(row-level security: the row's company id must spell the role it runs as, ``t_<company hex>_app``); it may read
nothing there, and no other control-plane table. The runtime role keeps every right it had.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    attributes = op.get_context().config.attributes  # type: ignore[union-attr]
    op.get_bind().execute(sa.text("SELECT set_config('x8.app_role', :r, true)"), {"r": attributes["app_role"]})
    op.execute("ALTER TABLE conversation_refs ENABLE ROW LEVEL SECURITY")
    op.execute(
        "DO $$ BEGIN EXECUTE format("
        "'CREATE POLICY runtime_role_all ON conversation_refs TO %I USING (true) WITH CHECK (true)', "
        "current_setting('x8.app_role')); END $$"
    )
    op.execute(
        "CREATE POLICY tenant_registers_its_own ON conversation_refs FOR INSERT TO PUBLIC "
        "WITH CHECK (current_user = 't_' || replace(CAST(company_id AS text), '-', '') || '_app')"
    )
    op.execute("GRANT INSERT ON conversation_refs TO PUBLIC")


def downgrade() -> None:
    op.execute("REVOKE INSERT ON conversation_refs FROM PUBLIC")
    op.execute("DROP POLICY tenant_registers_its_own ON conversation_refs")
    op.execute("DROP POLICY runtime_role_all ON conversation_refs")
    op.execute("ALTER TABLE conversation_refs DISABLE ROW LEVEL SECURITY")
