"""R-T6: a property-based differential test of tenant reads and writes against an in-memory model.

Hypothesis draws sequences of inserts, deletes and reads spread over three tenants; after every step each
tenant's rows in PostgreSQL must equal the model's, so no operation ever shows or touches another tenant.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from tests import db as testdb
from x8.kit.db import Database
from x8.tenancy.provisioning import provision_tenant
from x8.tenancy.session import tenant_session

TENANTS = 3
operations = st.lists(
    st.tuples(
        st.sampled_from(["insert", "delete", "read"]),
        st.integers(0, TENANTS - 1),
        st.text(alphabet="abcdefgh", min_size=1, max_size=3),
    ),
    min_size=1,
    max_size=25,
)


@pytest.fixture
def tenants(owner_url: str, app_url: str) -> Iterator[tuple[str, list[uuid.UUID]]]:
    ids = [uuid.uuid4() for _ in range(TENANTS)]

    async def provision() -> None:
        owner = Database.connect(owner_url, pool_size=1)
        try:
            for tenant in ids:
                async with owner.engine.begin() as connection:
                    await provision_tenant(connection, tenant, app_role="x8_app")
        finally:
            await owner.dispose()

    asyncio.run(provision())
    yield app_url, ids
    testdb.drop_all_tenants(owner_url)


async def _run(app_url: str, ids: list[uuid.UUID], ops: list[tuple[str, int, str]]) -> None:
    db = Database.connect(app_url, pool_size=2)
    model: dict[int, set[str]] = {i: set() for i in range(TENANTS)}
    try:
        for tenant in ids:
            async with tenant_session(db, tenant) as ts:
                await ts.execute(text("DELETE FROM contacts"))
        for op, who, key in ops:
            async with tenant_session(db, ids[who]) as ts:
                if op == "insert" and key not in model[who]:
                    await ts.execute(text("INSERT INTO contacts (channel, external_id) VALUES ('web', :k)"), {"k": key})
                    model[who].add(key)
                elif op == "delete":
                    await ts.execute(text("DELETE FROM contacts WHERE external_id = :k"), {"k": key})
                    model[who].discard(key)
            for i, tenant in enumerate(ids):
                async with tenant_session(db, tenant) as ts:
                    seen = set((await ts.execute(text("SELECT external_id FROM contacts"))).scalars())
                assert seen == model[i], (op, who, key, i)
    finally:
        await db.dispose()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_tenant_reads_match_the_model(tenants: tuple[str, list[uuid.UUID]], ops: list[tuple[str, int, str]]) -> None:
    app_url, ids = tenants
    asyncio.run(_run(app_url, ids, ops))
