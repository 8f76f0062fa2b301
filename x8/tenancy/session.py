"""Tenant sessions: the only way code reaches a tenant's data (SPEC.md R-T5).

``tenant_session`` opens one transaction on the runtime pool that first runs ``SET LOCAL ROLE`` (the
tenant's app role), ``SET LOCAL search_path`` (the tenant's schema) and ``set_config('app.tenant_id', …,
true)``. All three are transaction-local, so a pooled connection carries nothing over after commit,
rollback or an exception. ``kb_engine`` and ``conversations`` receive a ``TenantSession`` and never a raw
session (``tests/tenancy/test_session_boundary.py`` enforces it); work that calls a provider between its reads
and writes receives ``tenant_sessions(...)``, a factory of short ones. The asyncpg connection underneath is
reachable only for COPY (``copy_connection``).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import Executable, Result
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from x8.kit.db import Database
from x8.tenancy.ddl import TENANT_SETTING
from x8.tenancy.names import TenantNames, ident

T = TypeVar("T")


class TenantSession:
    """A transaction bound to one tenant. Queries use unqualified table names.

    Core statements (text, tables) run on the transaction's connection; an ORM session is made on that same
    connection the first time something needs one (an ORM statement, ``add``, ``get``...), and from then on every
    statement goes through it, so its autoflush sees pending objects. Most hot-path transactions never need one:
    an ORM session's per-transaction bookkeeping was a few percent of the worker's CPU."""

    def __init__(self, connection: AsyncConnection, names: TenantNames) -> None:
        self._connection = connection
        self._orm: AsyncSession | None = None
        self.names = names

    @property
    def tenant_id(self) -> uuid.UUID:
        return self.names.tenant_id

    @property
    def _session(self) -> AsyncSession:
        if self._orm is None:
            self._orm = AsyncSession(bind=self._connection, expire_on_commit=False)
        return self._orm

    def _direct(self, statement: Executable) -> bool:
        return self._orm is None and statement._propagate_attrs.get("compile_state_plugin") != "orm"

    async def execute(
        self, statement: Executable, params: dict[str, Any] | Sequence[dict[str, Any]] | None = None
    ) -> Result[Any]:
        if self._direct(statement):
            return await self._connection.execute(statement, params)
        return await self._session.execute(statement, params)

    async def scalar(self, statement: Executable, params: dict[str, Any] | None = None) -> Any:
        if self._direct(statement):
            return await self._connection.scalar(statement, params)
        return await self._session.scalar(statement, params)

    def add(self, instance: object) -> None:
        self._session.add(instance)

    def add_all(self, instances: Sequence[object]) -> None:
        self._session.add_all(instances)

    async def flush(self) -> None:
        if self._orm is not None:
            await self._orm.flush()

    async def get(self, entity: type[T], ident_: Any) -> T | None:
        return await self._session.get(entity, ident_)

    async def delete(self, instance: object) -> None:
        await self._session.delete(instance)

    async def copy_connection(self) -> CopyConnection:
        """COPY into this transaction: the one thing SQLAlchemy cannot do. Everything else goes through
        ``execute``, so it stays typed, logged and inside the tenant's role and search_path."""
        raw = await self._connection.get_raw_connection()
        driver = raw.driver_connection
        if driver is None or not driver.is_in_transaction():
            raise RuntimeError("COPY must run inside the tenant's transaction")
        return CopyConnection(driver)

    async def _close(self) -> None:
        if self._orm is not None:
            await self._orm.close()


class CopyConnection:
    """The asyncpg connection of a tenant transaction, narrowed to COPY (``copy_records_to_table``)."""

    def __init__(self, driver: Any) -> None:
        self._driver = driver

    async def copy_records_to_table(
        self, table: str, *, records: Iterable[Sequence[Any]], columns: Sequence[str]
    ) -> None:
        await self._driver.copy_records_to_table(table, records=records, columns=columns)


def _begin_as(names: TenantNames) -> str:
    """BEGIN and the three transaction-local settings as one simple-protocol query (one round trip instead of
    two). The values are literals: the role and schema are checked generated names, the tenant id a UUID."""
    role, schema = ident(names.app_role).strip('"'), ident(names.schema)
    return (
        f"BEGIN; SELECT set_config('role', '{role}', true), set_config('search_path', '{schema}, public', true), "
        f"set_config('{TENANT_SETTING}', '{names.tenant_id}', true)"
    )


@asynccontextmanager
async def tenant_session(db: Database, tenant_id: uuid.UUID) -> AsyncIterator[TenantSession]:
    """One transaction as the tenant: committed on success, rolled back on any exception.

    The hot path of every message opens several of these, so the transaction is driven by hand: SQLAlchemy sees
    an autocommit connection (it sends no BEGIN of its own), and BEGIN goes out with the tenant's settings in one
    round trip. A transaction that cannot be rolled back (cancelled mid-statement) takes its connection out of
    the pool rather than handing it on open."""
    names = TenantNames(tenant_id)
    async with db.engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None
        try:
            await driver.execute(_begin_as(names))
        except BaseException:
            # BEGIN went through and the settings failed (a company being deleted has no role any more): the
            # connection is in an aborted transaction, and pooled so it would fail everyone's next statement.
            await _abandon(connection, driver)
            raise
        session = TenantSession(connection, names)
        try:
            yield session
            await session.flush()
            await driver.execute("COMMIT")
        except BaseException:
            await _abandon(connection, driver)
            raise
        finally:
            await session._close()


async def _abandon(connection: AsyncConnection, driver: Any) -> None:
    try:
        if driver.is_in_transaction():
            await driver.execute("ROLLBACK")
    except BaseException:  # cancelled or broken half-way: never pooled again
        await connection.invalidate()


TenantSessionFactory = Callable[[], AbstractAsyncContextManager[TenantSession]]


def tenant_sessions(db: Database, tenant_id: uuid.UUID) -> TenantSessionFactory:
    """A new short tenant transaction each time it is called, for work that must commit between its steps: read,
    commit, call a provider with no transaction open, then write in a second transaction (ARCHITECTURE.md, "No
    network call inside a database transaction"). The callee gets the factory, never the ``Database``."""
    return partial(tenant_session, db, tenant_id)
