"""``x8.tenancy.tables`` describes exactly what the tenant track creates.

The metadata is built for real in a scratch schema (inside a rolled-back transaction) and both it and a freshly
provisioned tenant are described from the catalog with ``x8.tenancy.drift.describe``: tables, columns (type with
modifiers, NOT NULL, default), generated columns, indexes and constraints. A migration that adds, drops or changes
a column, index or table without the same change in ``tables.py`` fails here.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterator
from decimal import Decimal

import pytest
from sqlalchemy import Connection, create_engine, insert, select, text

from x8.kit.db import Database
from x8.kit.db_urls import psycopg_url
from x8.tenancy.drift import describe
from x8.tenancy.names import TenantNames, ident
from x8.tenancy.session import tenant_session
from x8.tenancy.tables import TENANT_METADATA, kb_embeddings, kb_items

SCRATCH = "x8_tenant_tables_check"
_KINDS = ("table", "column", "index", "constraint")
_GENERATED = text(
    "SELECT format('generated %s.%s', c.relname, a.attname) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
    "WHERE c.relnamespace = CAST(:schema AS regnamespace) AND a.attnum > 0 AND a.attgenerated <> ''"
)


def _shape(conn: Connection, schema: str) -> set[str]:
    """Tables, columns, indexes, constraints and generated columns, without RLS and policies (migrations only)
    and without ``alembic_version``."""
    lines = set()
    for line in describe(conn, schema):
        kind = line.split(" ", 1)[0]
        if kind not in _KINDS or "alembic_version" in line:
            continue
        lines.add(line.split(" rls=")[0] if kind == "table" else line)
    return lines | set(conn.execute(_GENERATED, {"schema": schema}).scalars())


def _differences(conn: Connection, tenant_schema: str) -> tuple[list[str], list[str]]:
    """(in the tenant but not in the metadata, in the metadata but not in the tenant). ``conn`` is in a
    transaction that the caller rolls back."""
    has_vector = conn.scalar(text("SELECT to_regtype('vector') IS NOT NULL"))
    tables = [t for t in TENANT_METADATA.sorted_tables if has_vector or t.info.get("requires_extension") != "vector"]
    conn.execute(text(f"CREATE SCHEMA {ident(SCRATCH)}"))
    conn.execute(text(f"SET LOCAL search_path = {ident(SCRATCH)}, public"))
    TENANT_METADATA.create_all(conn, tables=tables, checkfirst=False)
    from_metadata, in_tenant = _shape(conn, SCRATCH), _shape(conn, tenant_schema)
    return sorted(in_tenant - from_metadata), sorted(from_metadata - in_tenant)


@pytest.fixture
def owner_conn(owner_url: str) -> Iterator[Connection]:
    engine = create_engine(psycopg_url(owner_url), pool_size=1)
    try:
        with engine.connect() as conn, conn.begin() as transaction:
            yield conn
            transaction.rollback()
    finally:
        engine.dispose()


@pytest.fixture
async def tenant_schema(new_tenant: Callable[[], Awaitable[uuid.UUID]]) -> str:
    return TenantNames(await new_tenant()).schema


def test_metadata_matches_the_tenant_track(tenant_schema: str, owner_conn: Connection) -> None:
    not_in_metadata, not_in_tenant = _differences(owner_conn, tenant_schema)
    assert (not_in_metadata, not_in_tenant) == ([], []), (
        "x8/tenancy/tables.py and tenant_migrations/ disagree.\n"
        "Created by the migrations, missing from the metadata:\n  " + "\n  ".join(not_in_metadata) + "\n"
        "In the metadata, not created by the migrations:\n  " + "\n  ".join(not_in_tenant)
    )


def test_a_column_or_table_added_by_a_migration_alone_is_caught(tenant_schema: str, owner_conn: Connection) -> None:
    schema, owner = ident(tenant_schema), ident(TenantNames.from_schema(tenant_schema).owner_role)
    owner_conn.execute(text(f"SET LOCAL ROLE {owner}"))
    owner_conn.execute(text(f"ALTER TABLE {schema}.kb_items ADD COLUMN colour varchar(20)"))
    owner_conn.execute(text(f"CREATE TABLE {schema}.kb_colours (id uuid PRIMARY KEY)"))
    owner_conn.execute(text("RESET ROLE"))
    not_in_metadata, not_in_tenant = _differences(owner_conn, tenant_schema)
    assert "column kb_items.colour character varying(20) default=" in not_in_metadata
    assert "table kb_colours" in not_in_metadata
    assert not_in_tenant == []


async def test_typed_rows_round_trip_in_a_tenant_session(
    new_tenant: Callable[[], Awaitable[uuid.UUID]], app_db: Database
) -> None:
    tenant, kb = await new_tenant(), uuid.uuid4()
    async with tenant_session(app_db, tenant) as ts:
        row = (
            await ts.execute(
                insert(kb_items)
                .values(
                    kb_id=kb,
                    name="Tea",
                    description="Green tea",
                    price=Decimal("3.50"),
                    tags=["tea", "green"],
                    extra={"colour": "зелёный"},
                    search_config="english",
                )
                .returning(kb_items.c.id, kb_items.c.extra, kb_items.c.price, kb_items.c.search_vector)
            )
        ).one()
        assert isinstance(row.id, uuid.UUID)
        assert (row.extra, row.price) == ({"colour": "зелёный"}, Decimal("3.50"))
        assert "'tea'" in row.search_vector  # filled by the trigger
        if not await ts.scalar(text("SELECT to_regclass('kb_embeddings') IS NOT NULL")):
            pytest.skip("this PostgreSQL has no pgvector")
        await ts.execute(insert(kb_embeddings).values(item_id=row.id, model="m", embedding=[0.5, -0.25, 1.0]))
        stored = await ts.scalar(select(kb_embeddings.c.embedding).where(kb_embeddings.c.item_id == row.id))
        assert stored == [0.5, -0.25, 1.0]
