from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from x8.kit.db import Database
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
        tenant = uuid.uuid4()
        async with owner_db.engine.begin() as connection:
            await provision_tenant(connection, tenant, app_role="x8_app")
        return tenant

    return make
