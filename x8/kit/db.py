"""Database plumbing: the runtime engine (app role), the request session and the ORM base.

Two connections exist (SPEC.md R-E2):
- the *owner* URL (``DATABASE_URL``) runs migrations and tenant provisioning;
- the *runtime* URL logs in as ``X8_DB_APP_ROLE``: not superuser, not BYPASSRLS. Requests and jobs use it.

The request dependency commits on success and rolls back on error: services never commit.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import DateTime, MetaData, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from x8.kit.db_urls import asyncpg_url

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def uuid_pk() -> Mapped[uuid.UUID]:
    return mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)


def now_column() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


def updated_column() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False)


@dataclass
class Database:
    """The runtime connection pool, logged in as the application role."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    @classmethod
    def connect(cls, app_url: str, *, pool_size: int = 10, pre_ping: bool = True) -> Database:
        """``pre_ping`` tests each connection as it leaves the pool (two round trips: BEGIN, ROLLBACK), so a request
        after a database restart does not fail. A worker turns it off: its jobs are retried, and the first
        disconnect error empties the pool anyway."""
        # hide_parameters: an SQL error's message and traceback would otherwise carry the statement's bound values
        # (a customer's message, a name, a search), and those must not reach the logs (R-R7).
        engine = create_async_engine(
            asyncpg_url(app_url),
            pool_size=pool_size,
            max_overflow=10,
            pool_pre_ping=pre_ping,
            hide_parameters=True,
        )
        return cls(engine=engine, sessions=async_sessionmaker(engine, expire_on_commit=False))

    async def warm(self, connections: int) -> None:
        """Open ``connections`` pooled connections now. Each new connection costs tens of milliseconds of setup
        (login, type introspection): a worker that opens them on its first jobs answers its first customers
        late, and a restart under load queues everything behind that."""

        async def one() -> None:
            async with self.engine.connect() as connection:
                await connection.exec_driver_sql("SELECT 1")

        await asyncio.gather(*(one() for _ in range(connections)))

    @asynccontextmanager
    async def autocommit_session(self) -> AsyncIterator[AsyncSession]:
        """A session on which each statement is its own transaction: one round trip for a lone read or write,
        where a session would send BEGIN before it and COMMIT or ROLLBACK after it."""
        async with self.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            async with AsyncSession(bind=connection, expire_on_commit=False) as session:
                yield session

    @asynccontextmanager
    async def autocommit_connection(self) -> AsyncIterator[AsyncConnection]:
        """As ``autocommit_session``, for Core statements only: no ORM session's bookkeeping around them."""
        async with self.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            yield connection

    async def dispose(self) -> None:
        await self.engine.dispose()


async def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    # The request's session comes from its own pool. A request holds it while it opens a tenant session from
    # the main pool; tenant work and jobs never wait on this pool while holding the other, so no wait cycle
    # can exhaust both under load (which one shared pool did: every request holding one connection, waiting
    # for a second).
    db: Database = request.app.state.request_db
    async with db.sessions() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
        for callback in session.info.pop(AFTER_COMMIT, []):
            await callback()


AFTER_COMMIT = "x8.after_commit"


def after_commit(session: AsyncSession, callback: Callable[[], Awaitable[None]]) -> None:
    """Run ``callback`` once the request's session has committed (and not at all if it rolls back): for jobs
    that must not run before what they read is visible, and for caches that must not be refilled from the old
    row. Still before the response is sent, so the client's next request sees both."""
    session.info.setdefault(AFTER_COMMIT, []).append(callback)


# scope="function": the commit happens before the response is sent, so a client never sees a 200 for work that
# is not committed yet (or that then fails to commit), and reads its own writes on the next request.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def get_owner_database(request: Request) -> Database:
    """The owner pool: tenant provisioning only (schemas, roles). Never for request data."""
    db: Database = request.app.state.owner_db
    return db


OwnerDatabaseDep = Annotated[Database, Depends(get_owner_database)]
