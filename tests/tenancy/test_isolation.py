"""R-T5, R-T6: a tenant session sees its own rows only, and a pooled connection carries nothing over."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, ProgrammingError

from x8.kit.db import Database
from x8.tenancy.names import TenantNames
from x8.tenancy.session import tenant_session

NewTenant = Callable[[], Awaitable[uuid.UUID]]
INSERT = text("INSERT INTO contacts (channel, external_id, display_name) VALUES ('web', :ext, :name)")


async def _add_contact(db: Database, tenant: uuid.UUID, ext: str) -> None:
    async with tenant_session(db, tenant) as ts:
        await ts.execute(INSERT, {"ext": ext, "name": ext})


async def _names(db: Database, tenant: uuid.UUID) -> list[str]:
    async with tenant_session(db, tenant) as ts:
        return list((await ts.execute(text("SELECT external_id FROM contacts ORDER BY 1"))).scalars())


async def test_each_tenant_sees_only_its_rows(app_db: Database, new_tenant: NewTenant) -> None:
    a, b = await new_tenant(), await new_tenant()
    await _add_contact(app_db, a, "alice")
    await _add_contact(app_db, b, "bob")
    assert await _names(app_db, a) == ["alice"]
    assert await _names(app_db, b) == ["bob"]


async def test_reading_another_tenants_schema_is_denied(app_db: Database, new_tenant: NewTenant) -> None:
    a, b = await new_tenant(), await new_tenant()
    await _add_contact(app_db, b, "bob")
    other = TenantNames(b).schema
    with pytest.raises(ProgrammingError, match="permission denied"):
        async with tenant_session(app_db, a) as ts:
            await ts.execute(text(f'SELECT * FROM "{other}".contacts'))


async def test_writing_another_tenants_rows_is_rejected(app_db: Database, new_tenant: NewTenant) -> None:
    a, b = await new_tenant(), await new_tenant()
    other = TenantNames(b).schema
    with pytest.raises(ProgrammingError, match="permission denied"):
        async with tenant_session(app_db, a) as ts:
            await ts.execute(text(f"INSERT INTO \"{other}\".contacts (channel, external_id) VALUES ('web', 'x')"))
    # Inside its own schema, a row stamped with another tenant's id fails the policy check.
    with pytest.raises(DBAPIError, match="row-level security"):
        async with tenant_session(app_db, a) as ts:
            await ts.execute(
                text("INSERT INTO contacts (tenant_id, channel, external_id) VALUES (:b, 'web', 'x')"),
                {"b": str(b)},
            )
    assert await _names(app_db, b) == []


async def test_switching_the_tenant_setting_mid_session_shows_nothing(app_db: Database, new_tenant: NewTenant) -> None:
    a, b = await new_tenant(), await new_tenant()
    await _add_contact(app_db, a, "alice")
    async with tenant_session(app_db, a) as ts:
        await ts.execute(text("SELECT set_config('app.tenant_id', :b, true)"), {"b": str(b)})
        assert (await ts.execute(text("SELECT count(*) FROM contacts"))).scalar_one() == 0


async def test_no_tenant_context_means_no_rows(app_db: Database, new_tenant: NewTenant) -> None:
    a = await new_tenant()
    await _add_contact(app_db, a, "alice")
    names = TenantNames(a)
    async with app_db.sessions() as session, session.begin():
        await session.execute(text(f'SET LOCAL ROLE "{names.app_role}"'))
        await session.execute(text(f'SET LOCAL search_path = "{names.schema}"'))
        assert (await session.execute(text("SELECT count(*) FROM contacts"))).scalar_one() == 0


async def test_the_runtime_role_alone_cannot_read_tenant_tables(app_db: Database, new_tenant: NewTenant) -> None:
    a = await new_tenant()
    with pytest.raises(ProgrammingError, match="permission denied"):
        async with app_db.sessions() as session:
            await session.execute(text(f'SELECT * FROM "{TenantNames(a).schema}".contacts'))


async def test_tenant_code_cannot_reach_the_control_plane(app_db: Database, new_tenant: NewTenant) -> None:
    a = await new_tenant()
    with pytest.raises(ProgrammingError, match="permission denied"):
        async with tenant_session(app_db, a) as ts:
            await ts.execute(text("SELECT email FROM public.users"))


REGISTER = text("INSERT INTO public.conversation_refs (conversation_id, company_id) VALUES (:id, :company)")


async def test_a_tenant_registers_only_its_own_conversations_and_reads_none(
    app_db: Database, new_tenant: NewTenant
) -> None:
    """The one control-plane write a tenant's role may make (migration 0027): a ref naming its own company."""
    a, b = await new_tenant(), await new_tenant()
    async with tenant_session(app_db, a) as ts:
        await ts.execute(REGISTER, {"id": uuid.uuid4(), "company": a})
    with pytest.raises(ProgrammingError, match="row-level security"):
        async with tenant_session(app_db, a) as ts:
            await ts.execute(REGISTER, {"id": uuid.uuid4(), "company": b})
    for statement in (
        "SELECT company_id FROM public.conversation_refs",
        f"UPDATE public.conversation_refs SET company_id = '{a}'",
        "DELETE FROM public.conversation_refs",
    ):
        with pytest.raises(ProgrammingError, match="permission denied"):
            async with tenant_session(app_db, b) as ts:
                await ts.execute(text(statement))
    async with app_db.sessions() as session:  # the runtime role, as the API resolves a conversation: all of them
        refs = (await session.execute(text("SELECT company_id FROM conversation_refs"))).scalars().all()
    assert [uuid.UUID(str(company)) for company in refs] == [a]


STATE = "SELECT current_user, current_setting('search_path'), current_setting('app.tenant_id', true)"


async def _connection_state(db: Database) -> tuple[str, str, str | None]:
    async with db.sessions() as session:
        row = (await session.execute(text(STATE))).one()
        return row[0], row[1], row[2] or None


@pytest.mark.parametrize("ending", ["commit", "rollback", "exception"])
async def test_pooled_connection_carries_nothing_over(app_db: Database, new_tenant: NewTenant, ending: str) -> None:
    a = await new_tenant()
    before = await _connection_state(app_db)
    pid_before = await _backend_pid(app_db)
    try:
        async with tenant_session(app_db, a) as ts:
            await ts.execute(INSERT, {"ext": "e", "name": "e"})
            if ending == "rollback":
                await ts.execute(text("ROLLBACK"))
            if ending == "exception":
                raise RuntimeError("boom")
    except (RuntimeError, DBAPIError):
        pass
    assert await _backend_pid(app_db) == pid_before  # the same pooled connection is reused
    assert await _connection_state(app_db) == before
    assert before[0] == "x8_app"


async def _backend_pid(db: Database) -> int:
    async with db.sessions() as session:
        return int((await session.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_a_tenant_session_cancelled_mid_statement_commits_nothing_and_pools_nothing_open(
    app_db: Database, new_tenant: NewTenant
) -> None:
    """The transaction is driven by hand (BEGIN goes out with the tenant's settings): a task cancelled while a
    statement runs leaves no open transaction, no tenant setting and no half-written row behind."""
    a = await new_tenant()
    before = await _connection_state(app_db)

    async def slow_write() -> None:
        async with tenant_session(app_db, a) as ts:
            await ts.execute(INSERT, {"ext": "cancelled", "name": "c"})
            await ts.execute(text("SELECT pg_sleep(10)"))

    with pytest.raises(TimeoutError):
        await asyncio.wait_for(slow_write(), timeout=0.3)
    assert await _connection_state(app_db) == before
    assert await _names(app_db, a) == []


async def test_a_tenant_whose_role_is_gone_fails_alone_and_leaves_its_connection_clean(
    app_url: str, new_tenant: NewTenant
) -> None:
    """A company being deleted has lost its role while a job still opens its transaction: that transaction fails,
    and the one pooled connection goes back clean, so the next tenant's transaction on it works (the worker's pool
    checks nothing on checkout)."""
    live = await new_tenant()
    db = Database.connect(app_url, pool_size=1, pre_ping=False)
    try:
        with pytest.raises(asyncpg.InvalidParameterValueError, match="does not exist"):
            async with tenant_session(db, uuid.uuid4()) as ts:
                await ts.execute(text("SELECT 1"))
        async with tenant_session(db, live) as ts:
            assert (await ts.execute(text("SELECT count(*) FROM contacts"))).scalar_one() == 0
    finally:
        await db.dispose()
