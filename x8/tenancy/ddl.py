"""Helpers for tenant migrations: every tenant table carries ``tenant_id`` and a forced RLS policy.

A tenant migration that creates a table calls ``tenant_table_columns()`` in its column list and
``secure_table(op, name)`` after it. ``tests/tenancy/test_rls_meta.py`` fails the build when a tenant table
lacks RLS enabled, forced, and a policy.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID

from x8.tenancy.names import ident

TENANT_SETTING = "app.tenant_id"
CURRENT_TENANT = f"NULLIF(current_setting('{TENANT_SETTING}', true), '')::uuid"


def tenant_id_column() -> sa.Column[Any]:
    return sa.Column("tenant_id", UUID(as_uuid=True), nullable=False, server_default=sa.text(CURRENT_TENANT))


def secure_table(op: Any, table: str) -> None:
    name = ident(table)
    op.execute(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON {name} "
        f"USING (tenant_id = {CURRENT_TENANT}) WITH CHECK (tenant_id = {CURRENT_TENANT})"
    )
