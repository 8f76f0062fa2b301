"""R-T6 meta-test: every tenant table has RLS enabled and forced, with a policy. Fails the build otherwise.

It checks a freshly provisioned tenant, so a new tenant migration that forgets ``secure_table`` fails here.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from tests.conftest import sql
from x8.tenancy.names import TenantNames

EXEMPT = {"alembic_version"}  # migration state: no app access at all (checked below)
NewTenant = Callable[[], Awaitable[uuid.UUID]]


def unsecured_tables(owner_url: str, schema: str) -> dict[str, tuple[bool, bool, int]]:
    rows = sql(
        owner_url,
        """
        SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
               (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s AND c.relkind IN ('r', 'p')""",
        schema,
    )
    return {
        name: (enabled, forced, policies)
        for name, enabled, forced, policies in rows
        if name not in EXEMPT and not (enabled and forced and policies >= 1)
    }


async def test_every_tenant_table_has_forced_rls_and_a_policy(owner_url: str, new_tenant: NewTenant) -> None:
    schema = TenantNames(await new_tenant()).schema
    assert unsecured_tables(owner_url, schema) == {}
    tables = {r[0] for r in sql(owner_url, "SELECT tablename FROM pg_tables WHERE schemaname = %s", schema)}
    with_tenant_id = {
        r[0]
        for r in sql(
            owner_url,
            "SELECT table_name FROM information_schema.columns WHERE table_schema = %s AND column_name = 'tenant_id'",
            schema,
        )
    }
    assert with_tenant_id == tables - EXEMPT and len(tables) > len(EXEMPT)


async def test_the_meta_check_catches_an_unsecured_table(owner_url: str, new_tenant: NewTenant) -> None:
    schema = TenantNames(await new_tenant()).schema
    sql(owner_url, f'CREATE TABLE "{schema}".careless (id int)')
    sql(owner_url, f'CREATE TABLE "{schema}".half (id int)')
    sql(owner_url, f'ALTER TABLE "{schema}".half ENABLE ROW LEVEL SECURITY')
    assert unsecured_tables(owner_url, schema) == {"careless": (False, False, 0), "half": (True, False, 0)}


async def test_the_app_role_cannot_touch_migration_state(owner_url: str, new_tenant: NewTenant) -> None:
    names = TenantNames(await new_tenant())
    for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE"):
        assert sql(
            owner_url,
            "SELECT has_table_privilege(%s, %s, %s)",
            names.app_role,
            f"{names.schema}.alembic_version",
            privilege,
        ) == [(False,)]
