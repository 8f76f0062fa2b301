"""Creating and removing a tenant's storage (SPEC.md §9, R-T3).

Runs on the **owner** connection, inside the transaction that inserts (or deletes) the company row, so a
failure leaves nothing half-made. A tenant gets:

- schema ``t_<hex>`` owned by the NOLOGIN role ``t_<hex>_owner``;
- the NOLOGIN role ``t_<hex>_app`` with DML on the schema's tables, granted to the runtime role, which is
  NOINHERIT: it holds no tenant privilege until it does ``SET LOCAL ROLE`` in a tenant session;
- the tables of the tenant track at head, each with forced row-level security and a policy;
- the schema's own ``alembic_version`` stamped at head.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from x8.tenancy import track
from x8.tenancy.names import TenantNames, ident


def provisioning_script(names: TenantNames, app_role: str, location: str = str(track.DEFAULT_LOCATION)) -> list[str]:
    """Every statement that creates a tenant, in order. Runs inside one transaction on the owner connection."""
    schema, owner, tenant_app = ident(names.schema), ident(names.owner_role), ident(names.app_role)
    return [
        f"CREATE ROLE {owner} NOLOGIN",
        f"CREATE ROLE {tenant_app} NOLOGIN",
        # The connecting DBA role must be able to become the owner to run migrations as it.
        f"GRANT {owner} TO CURRENT_USER",
        f"GRANT {tenant_app} TO {ident(app_role)}",
        f"CREATE SCHEMA {schema} AUTHORIZATION {owner}",
        f"REVOKE ALL ON SCHEMA {schema} FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA {schema} TO {tenant_app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {tenant_app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {tenant_app}",
        f"SET LOCAL ROLE {owner}",
        f"SET LOCAL search_path = {schema}",
        track.template_sql(location),
        # Migration state is the DBA's business, not the application's.
        f"REVOKE ALL ON alembic_version FROM {tenant_app}",
        "RESET ROLE",
        "RESET search_path",
    ]


async def _driver(connection: AsyncConnection) -> Any:
    """The asyncpg connection, inside the caller's transaction.

    SQLAlchemy's asyncpg adapter opens its transaction lazily, on the first statement it runs itself; raw
    driver statements before that would autocommit one by one (and ``SET LOCAL`` would do nothing). One
    statement through SQLAlchemy first guarantees the all-or-nothing transaction.
    """
    await connection.execute(text("SELECT 1"))
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    if driver is None or not driver.is_in_transaction():
        raise RuntimeError("tenant provisioning must run inside a transaction")
    return driver


async def provision_tenant(connection: AsyncConnection, tenant_id: uuid.UUID, *, app_role: str) -> str:
    """Create the tenant's schema, roles, tables, policies and grants. Returns the schema name."""
    names = TenantNames(tenant_id)
    driver = await _driver(connection)
    for statement in provisioning_script(names, app_role):
        await driver.execute(statement)
    return names.schema


async def drop_tenant(connection: AsyncConnection, tenant_id: uuid.UUID) -> None:
    """Remove the schema with everything in it, and both roles."""
    names = TenantNames(tenant_id)
    driver = await _driver(connection)
    owner, tenant_app = ident(names.owner_role), ident(names.app_role)
    exists = await driver.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", names.owner_role)
    await driver.execute(f"DROP SCHEMA IF EXISTS {ident(names.schema)} CASCADE")
    if exists:
        await driver.execute(f"DROP OWNED BY {owner}, {tenant_app}")
        await driver.execute(f"DROP ROLE {tenant_app}")
        await driver.execute(f"DROP ROLE {owner}")
