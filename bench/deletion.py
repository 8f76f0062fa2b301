"""Account deletion benchmark (SPEC.md §16): an account with 100k knowledge-base rows, 10k messages and 20 media
files deleted by the deletion job, target under 30 s once providers answer (none is configured here, so the
steps that call providers find nothing to do, as for an account that never connected them).

The baseline, in the same run, on an account of the same size: the bare minimum a deletion must do in the
database and on disk: drop the tenant schema and its roles, delete the company and user rows, remove the media
folder, with nothing checked, recorded or swept.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from sqlalchemy import text

from bench.rows import INSERT_COMPANY, INSERT_OWNER
from x8.kit.db import Database
from x8.kit.db_urls import with_role
from x8.platform.deletion import runner
from x8.platform.deletion.models import AccountDeletion, AccountDeletionStep
from x8.platform.deletion.steps import STEP_NAMES, Subject
from x8.settings import Settings
from x8.tenancy.names import TenantNames
from x8.tenancy.provisioning import drop_tenant, provision_tenant

KB_ROWS = 100_000
MESSAGES = 10_000
MEDIA = 20
TARGET_SECONDS = 30.0


async def _account(owner_url: str, media_root: Path, *, kb_rows: int, messages: int) -> Subject:
    user, company = uuid.uuid4(), uuid.uuid4()
    schema = TenantNames(company).schema
    owner = Database.connect(owner_url, pool_size=1)
    try:
        async with owner.engine.begin() as conn:
            await conn.execute(INSERT_OWNER, {"id": user, "email": f"gone-{user.hex[:8]}@example.com"})
            await conn.execute(
                INSERT_COMPANY, {"id": company, "company_id": company.hex[:8], "owner": user, "schema": schema}
            )
            await provision_tenant(conn, company, app_role="x8_app")
    finally:
        await owner.dispose()
    conversations = max(1, messages // 10)
    with psycopg.connect(owner_url) as conn:
        conn.execute(
            f"INSERT INTO {schema}.kb_items (tenant_id, kb_id, position, name, description, price, currency) "
            "SELECT %(t)s, %(kb)s, i, 'Item ' || i, 'A product of the benchmark, number ' || i, i %% 500, 'EUR' "
            "FROM generate_series(1, %(n)s) i",
            {"t": company, "kb": uuid.uuid4(), "n": kb_rows},
        )
        conn.execute(
            f"INSERT INTO {schema}.contacts (id, tenant_id, channel, external_id) "
            "SELECT md5(%(t)s::text || 'c' || i)::uuid, %(t)s, 'telegram', 'x' || i FROM generate_series(1, %(n)s) i",
            {"t": company, "n": conversations},
        )
        conn.execute(
            f"INSERT INTO {schema}.conversations (id, tenant_id, contact_id, channel) "
            "SELECT md5(%(t)s::text || 'v' || i)::uuid, %(t)s, md5(%(t)s::text || 'c' || i)::uuid, 'telegram' "
            "FROM generate_series(1, %(n)s) i",
            {"t": company, "n": conversations},
        )
        conn.execute(
            f"INSERT INTO {schema}.messages (tenant_id, conversation_id, direction, body) "
            "SELECT %(t)s, md5(%(t)s::text || 'v' || (1 + i %% %(c)s))::uuid, "
            "CASE WHEN i %% 2 = 0 THEN 'in' ELSE 'out' END, 'hello ' || i FROM generate_series(1, %(n)s) i",
            {"t": company, "c": conversations, "n": messages},
        )
    folder = media_root / "x8" / str(user) / "product"
    folder.mkdir(parents=True)
    for n in range(MEDIA):
        (folder / f"photo-{n}.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200_000))
    return Subject(user, f"gone-{user.hex[:8]}@example.com", (company,))


async def _by_the_job(owner_url: str, app_url: str, data_dir: Path) -> float:
    subject = await _account(owner_url, data_dir / "media", kb_rows=KB_ROWS, messages=MESSAGES)
    settings = Settings(_env_file=None, DATABASE_URL=owner_url, X8_DATA_DIR=str(data_dir))  # type: ignore[call-arg]
    db = Database.connect(app_url, pool_size=2)
    try:
        async with db.sessions() as session, session.begin():
            deletion = AccountDeletion(user_id=subject.user_id, subject=subject.as_json())
            session.add(deletion)
            await session.flush()
            for position, name in enumerate(STEP_NAMES):
                session.add(AccountDeletionStep(deletion_id=deletion.id, position=position, name=name))
        started = time.perf_counter()
        finished = await runner.run(db, settings, deletion.id)
        elapsed = time.perf_counter() - started
        assert finished.retry_in is None, "a step did not finish"
    finally:
        await db.dispose()
    return elapsed


async def _bare(owner_url: str, data_dir: Path) -> float:
    subject = await _account(owner_url, data_dir / "media", kb_rows=KB_ROWS, messages=MESSAGES)
    owner = Database.connect(owner_url, pool_size=1)
    started = time.perf_counter()
    try:
        async with owner.engine.begin() as conn:
            await conn.execute(text("DELETE FROM companies WHERE id = :id"), {"id": subject.company_ids[0]})
            await drop_tenant(conn, subject.company_ids[0])
            await conn.execute(text("DELETE FROM users WHERE id = :id"), {"id": subject.user_id})
        shutil.rmtree(data_dir / "media" / "x8" / str(subject.user_id))
    finally:
        await owner.dispose()
    return time.perf_counter() - started


def run(owner_url: str) -> list[str]:
    app_url = with_role(owner_url, "x8_app", Settings(_env_file=None).db_app_password)  # type: ignore[call-arg]
    with tempfile.TemporaryDirectory(prefix="x8-deletion-bench-") as tmp:
        bare = asyncio.run(_bare(owner_url, Path(tmp)))
        job = asyncio.run(_by_the_job(owner_url, app_url, Path(tmp)))
    verdict = "meets" if job < TARGET_SECONDS else "MISSES"
    return [
        f"account deletion ({KB_ROWS:,} KB rows, {MESSAGES:,} messages, {MEDIA} media): the job {job:.2f}s "
        f"({verdict} the {TARGET_SECONDS:.0f} s target); bare drop {bare:.2f}s; ratio {job / bare:.1f}x",
    ]
