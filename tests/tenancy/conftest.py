from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from bench.rows import INSERT_COMPANY, INSERT_OWNER
from x8.kit.db import Database
from x8.tenancy.names import TenantNames
from x8.tenancy.provisioning import provision_tenant


@pytest.fixture
async def app_db(app_url: str) -> AsyncIterator[Database]:
    db = Database.connect(app_url, pool_size=1)
    yield db
    await db.dispose()


@pytest.fixture
async def owner_db(owner_url: str) -> AsyncIterator[Database]:
    db = Database.connect(owner_url, pool_size=1)
    yield db
    await db.dispose()


@pytest.fixture
def new_tenant(owner_db: Database) -> Callable[[], Awaitable[uuid.UUID]]:
    async def make() -> uuid.UUID:
        """A company (with its owner) and its tenant, as the product makes them."""
        tenant, owner = uuid.uuid4(), uuid.uuid4()
        names = TenantNames(tenant)
        row = {"id": tenant, "company_id": f"C{tenant.hex[:8]}", "owner": owner, "schema": names.schema}
        async with owner_db.engine.begin() as connection:
            await connection.execute(INSERT_OWNER, {"id": owner, "email": f"{owner}@example.com"})
            await connection.execute(INSERT_COMPANY, row)
            await provision_tenant(connection, tenant, app_role="x8_app")
        return tenant

    return make


@pytest.fixture
def make_tenants(owner_url: str) -> Callable[[int], list[str]]:
    """Create n companies with provisioned tenant schemas, straight through the owner connection."""

    def make(n: int) -> list[str]:
        async def run() -> list[str]:
            db = Database.connect(owner_url, pool_size=1)
            schemas = []
            try:
                owner = uuid.uuid4()
                async with db.engine.begin() as conn:
                    await conn.execute(INSERT_OWNER, {"id": owner, "email": f"{owner}@example.com"})
                for _ in range(n):
                    tenant = uuid.uuid4()
                    names = TenantNames(tenant)
                    row = {"id": tenant, "company_id": f"C{tenant.hex[:8]}", "owner": owner, "schema": names.schema}
                    async with db.engine.begin() as conn:
                        await conn.execute(INSERT_COMPANY, row)
                        await provision_tenant(conn, tenant, app_role="x8_app")
                    schemas.append(names.schema)
            finally:
                await db.dispose()
            return sorted(schemas)

        return asyncio.run(run())

    return make
