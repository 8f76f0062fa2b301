"""The tenant migration runner behind ``x8 tenants migrate`` (SPEC.md R-T7).

- One transaction per tenant, as the tenant's owner role with the tenant schema on ``search_path``; the
  schema's own ``alembic_version`` says where it stands, so a killed run resumes where it stopped.
- A run-level advisory lock: a second runner waits (``wait=True``) or stops with ``LockHeld``.
- ``lock_timeout`` per tenant, retried with backoff when a busy table holds the lock.
- Up-to-date tenants cost one batched query for all of them, and no ledger row.
- Every tenant step is written to ``tenant_migration_ledger`` (from, to, status, error, timings); rows a
  killed run left ``running`` are marked ``aborted`` by the next run.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, TextIO

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import DBAPIError, OperationalError

from x8.kit.db_urls import psycopg_url
from x8.tenancy import track
from x8.tenancy.names import TenantNames, ident
from x8.tenancy.provisioning import provisioning_script

RUN_LOCK_KEY = 8808002
log = logging.getLogger(__name__)


class LockHeld(Exception):
    """Another migration run holds the run-level lock."""


class UnknownRevision(Exception):
    pass


@dataclass
class Options:
    target: str | None = None  # None: head
    parallel: int = 1
    dry_run: bool = False
    only: list[str] | None = None
    continue_on_error: bool = False
    lock_timeout_ms: int = 5000
    retries: int = 3
    wait: bool = False
    script_location: str = str(track.DEFAULT_LOCATION)
    app_role: str = "x8_app"  # granted the app role of a tenant the runner has to re-provision


@dataclass
class TenantResult:
    schema: str
    from_revision: str | None
    to_revision: str
    status: str  # migrated | current | failed | skipped
    error: str | None = None
    attempts: int = 0
    seconds: float = 0.0


@dataclass
class Summary:
    run_id: uuid.UUID
    target: str
    results: list[TenantResult] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0 and self.count("skipped") == 0


def _engine(owner_url: str, parallel: int) -> Engine:
    return create_engine(psycopg_url(owner_url), pool_size=parallel + 2, max_overflow=0, pool_pre_ping=True)


def list_tenants(engine: Engine, only: Iterable[str] | None = None) -> list[str]:
    with engine.connect() as conn:
        schemas = [r[0] for r in conn.execute(text("SELECT tenant_schema FROM companies ORDER BY tenant_schema"))]
    if only:
        wanted = set(only)
        unknown = wanted - set(schemas)
        if unknown:
            raise ValueError(f"not a tenant schema: {', '.join(sorted(unknown))}")
        schemas = [s for s in schemas if s in wanted]
    return schemas


def current_revisions(engine: Engine, schemas: list[str]) -> dict[str, str | None]:
    """Every tenant's revision in one round trip (None: no version table yet)."""
    revisions: dict[str, str | None] = dict.fromkeys(schemas)
    with engine.connect() as conn:
        existing = {
            r[0]
            for r in conn.execute(
                text("SELECT schemaname FROM pg_tables WHERE tablename = 'alembic_version' AND schemaname = ANY(:s)"),
                {"s": schemas},
            )
        }
        present = [s for s in schemas if s in existing]
        for start in range(0, len(present), 500):
            chunk = present[start : start + 500]
            parts = []
            for schema in chunk:
                quoted = ident(schema)  # refuses anything but a generated tenant name
                parts.append(f"SELECT '{schema}' AS schema, version_num FROM {quoted}.alembic_version")  # noqa: S608
            for schema, version in conn.exec_driver_sql(" UNION ALL ".join(parts)):
                revisions[schema] = version
    return revisions


def _resolve_target(script: ScriptDirectory, target: str | None) -> str:
    if target is None or target == "head":
        return track.head(script)
    try:
        revision = script.get_revision(target)
    except CommandError as exc:
        raise UnknownRevision(f"unknown tenant revision {target!r}") from exc
    if revision is None:
        raise UnknownRevision(f"unknown tenant revision {target!r}")
    return revision.revision


class _RunLock:
    def __init__(self, engine: Engine, wait: bool) -> None:
        self._conn = engine.connect()
        got = self._conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": RUN_LOCK_KEY}).scalar_one()
        if not got and wait:
            self._conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": RUN_LOCK_KEY})
            got = True
        if not got:
            holder = self._conn.execute(
                text("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = :k AND granted"),
                {"k": RUN_LOCK_KEY},
            ).scalar()
            self._conn.close()
            raise LockHeld(
                f"another tenant migration run is in progress (backend pid {holder}); wait for it or pass --wait"
            )
        self._conn.commit()

    def release(self) -> None:
        self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": RUN_LOCK_KEY})
        self._conn.commit()
        self._conn.close()


def _ledger_start(engine: Engine, run_id: uuid.UUID, schema: str, current: str | None, target: str) -> int:
    with engine.begin() as conn:
        return int(
            conn.execute(
                text(
                    "INSERT INTO tenant_migration_ledger (run_id, tenant_schema, from_revision, to_revision, status) "
                    "VALUES (:r, :s, :f, :t, 'running') RETURNING id"
                ),
                {"r": run_id, "s": schema, "f": current, "t": target},
            ).scalar_one()
        )


def _ledger_finish(engine: Engine, entry: int, result: TenantResult) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE tenant_migration_ledger SET status = :st, error = :e, attempts = :a, finished_at = now() "
                "WHERE id = :id"
            ),
            {
                "st": "done" if result.status == "migrated" else "failed",
                "e": result.error,
                "a": result.attempts,
                "id": entry,
            },
        )


def _schema_exists(conn: Connection, schema: str) -> bool:
    return conn.execute(text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": schema}).first() is not None


def _drop_leftover_roles(conn: Connection, names: TenantNames) -> None:
    for role in (names.app_role, names.owner_role):
        if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
            conn.exec_driver_sql(f"DROP OWNED BY {ident(role)}")
            conn.exec_driver_sql(f"DROP ROLE {ident(role)}")


def _is_lock_timeout(exc: DBAPIError) -> bool:
    return getattr(exc.orig, "sqlstate", None) == "55P03"  # lock_not_available


def migrate_one(
    engine: Engine, script: ScriptDirectory, schema: str, current: str | None, target: str, options: Options
) -> TenantResult:
    """Move one tenant in one transaction, retrying when it cannot get a lock in time."""
    names = TenantNames.from_schema(schema)
    started = time.monotonic()
    result = TenantResult(schema, current, target, "failed")
    for attempt in range(1, options.retries + 2):
        result.attempts = attempt
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(options.lock_timeout_ms)}ms'")
                if not _schema_exists(conn, schema):
                    # The company exists but its schema does not (a restored control plane, or a company
                    # from before tenancy): build it at the track's head, then move it to the target.
                    _drop_leftover_roles(conn, names)
                    for statement in provisioning_script(names, options.app_role, options.script_location):
                        conn.exec_driver_sql(statement)
                conn.exec_driver_sql(f"SET LOCAL ROLE {ident(names.owner_role)}")
                conn.exec_driver_sql(f"SET LOCAL search_path = {ident(schema)}, public")
                track.apply(conn, script, schema, track.current_revision(conn, schema), target)
            result.status, result.error = "migrated", None
            break
        except OperationalError as exc:
            result.error = str(exc.orig).strip().splitlines()[0]
            if not _is_lock_timeout(exc) or attempt > options.retries:
                break
            time.sleep(min(0.2 * 2**attempt, 5.0))
        except Exception as exc:  # one tenant's failure is reported, never raised through the run
            log.debug("tenant %s failed", schema, exc_info=True)
            orig = getattr(exc, "orig", None) or exc
            result.error = f"{type(orig).__name__}: {str(orig).strip().splitlines()[0] if str(orig) else ''}"
            break
    result.seconds = time.monotonic() - started
    return result


def render_dry_run(script: ScriptDirectory, pending: dict[str, str | None], target: str, out: TextIO) -> None:
    for schema, current in pending.items():
        names = TenantNames.from_schema(schema)
        out.write(f"-- tenant {schema}: {current or 'base'} -> {target}\n")
        out.write(
            f"BEGIN;\nSET LOCAL ROLE {ident(names.owner_role)};\nSET LOCAL search_path = {ident(schema)}, public;\n"
        )
        body = track.render_sql(script, current, target).replace("alembic_version", f"{ident(schema)}.alembic_version")
        out.write(body.rstrip() + "\nCOMMIT;\n\n")


def migrate(
    owner_url: str,
    options: Options,
    *,
    on_result: Callable[[TenantResult], None] | None = None,
    on_plan: Callable[[int, int], None] | None = None,
    sql_out: TextIO | None = None,
) -> Summary:
    """Bring tenants to the target revision. ``on_plan(total, pending)`` is called once before work starts."""
    started = time.monotonic()
    script = track.script_directory(options.script_location)
    target = _resolve_target(script, options.target)
    engine = _engine(owner_url, max(1, options.parallel))
    summary = Summary(run_id=uuid.uuid4(), target=target)
    lock: _RunLock | None = None
    try:
        if not options.dry_run:
            lock = _RunLock(engine, options.wait)
            with engine.begin() as conn:  # we hold the run lock: anything still "running" died with its runner
                conn.execute(
                    text(
                        "UPDATE tenant_migration_ledger SET status = 'aborted', finished_at = now(), "
                        "error = 'the run was interrupted' WHERE status = 'running'"
                    )
                )
        schemas = list_tenants(engine, options.only)
        revisions = current_revisions(engine, schemas)
        pending = {s: r for s, r in revisions.items() if r != target}
        summary.results += [TenantResult(s, r, target, "current") for s, r in revisions.items() if r == target]
        if on_plan:
            on_plan(len(schemas), len(pending))
        if options.dry_run:
            if sql_out is not None:
                render_dry_run(script, pending, target, sql_out)
            return summary
        _run_pending(owner_url, pending, target, options, summary, on_result)
    finally:
        if lock is not None:
            lock.release()
        engine.dispose()
        summary.seconds = time.monotonic() - started
    return summary


# Alembic keeps its migration context in module globals, so one process runs one tenant at a time;
# --parallel N uses N worker processes (spawned, so no database connection is ever shared by a fork).
_worker: dict[str, Any] = {}


def _die_with_parent() -> None:
    """A pool worker must not outlive a killed runner: it would go on migrating without the run lock."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # the parent died before the line above took effect
        os._exit(1)


def _init_pool_worker(owner_url: str, location: str, stop: Any) -> None:
    _die_with_parent()
    _init_worker(owner_url, location, stop)


def _init_worker(owner_url: str, location: str, stop: Any) -> None:
    _worker.update(engine=_engine(owner_url, 1), script=track.script_directory(location), stop=stop)


def _work(run_id: uuid.UUID, schema: str, current: str | None, target: str, options: Options) -> TenantResult:
    engine: Engine = _worker["engine"]
    stop = _worker["stop"]
    if stop.is_set():
        return TenantResult(schema, current, target, "skipped", "not run: an earlier tenant failed")
    entry = _ledger_start(engine, run_id, schema, current, target)
    result = migrate_one(engine, _worker["script"], schema, current, target, options)
    _ledger_finish(engine, entry, result)
    if result.status == "failed" and not options.continue_on_error:
        stop.set()
    return result


def _run_pending(
    owner_url: str,
    pending: dict[str, str | None],
    target: str,
    options: Options,
    summary: Summary,
    on_result: Callable[[TenantResult], None] | None,
) -> None:
    def collect(result: TenantResult) -> None:
        summary.results.append(result)
        if on_result:
            on_result(result)

    if options.parallel <= 1 or len(pending) <= 1:
        _init_worker(owner_url, options.script_location, threading.Event())
        try:
            for schema, current in pending.items():
                collect(_work(summary.run_id, schema, current, target, options))
        finally:
            _worker.pop("engine").dispose()
        return
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    with ProcessPoolExecutor(
        max_workers=options.parallel,
        mp_context=context,
        initializer=_init_pool_worker,
        initargs=(owner_url, options.script_location, stop),
    ) as pool:
        futures = [pool.submit(_work, summary.run_id, s, r, target, options) for s, r in pending.items()]
        for future in as_completed(futures):
            collect(future.result())
