"""R-T7: the tenant migration runner, against real tenant schemas."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from bench.tenant_track import rehearsal_track
from tests.conftest import sql
from x8.tenancy import drift, runner, track


def _track(tmp_path: Path, sleep: float = 0) -> str:
    return rehearsal_track(tmp_path, sleep_seconds=sleep)


@pytest.fixture
def extra_track(tmp_path: Path) -> str:
    return _track(tmp_path)


def _revision(owner_url: str, schema: str) -> str:
    return str(sql(owner_url, f'SELECT version_num FROM "{schema}".alembic_version')[0][0])


def _has_notes(owner_url: str, schema: str) -> bool:
    return bool(
        sql(
            owner_url,
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = %s "
            "AND table_name = 'contacts' AND column_name = 'notes'",
            schema,
        )[0][0]
    )


def test_migrates_every_tenant_then_costs_nothing(
    owner_url: str, extra_track: str, make_tenants: Callable[[int], list[str]]
) -> None:
    schemas = make_tenants(5)
    summary = runner.migrate(owner_url, runner.Options(parallel=3, script_location=extra_track))
    assert summary.ok and summary.target == "t9001"
    assert summary.count("migrated") == 5
    assert all(_revision(owner_url, s) == "t9001" and _has_notes(owner_url, s) for s in schemas)
    ledger = sql(
        owner_url,
        "SELECT tenant_schema, from_revision, to_revision, status FROM tenant_migration_ledger ORDER BY tenant_schema",
    )
    head = track.head(track.script_directory())
    assert ledger == [(s, head, "t9001", "done") for s in schemas]

    again = runner.migrate(owner_url, runner.Options(parallel=3, script_location=extra_track))
    assert again.count("current") == 5 and again.count("migrated") == 0
    assert sql(owner_url, "SELECT count(*) FROM tenant_migration_ledger") == [(5,)]


def test_new_columns_stay_usable_and_isolated_for_the_app(
    owner_url: str, extra_track: str, make_tenants: Callable[[int], list[str]]
) -> None:
    [schema] = make_tenants(1)
    runner.migrate(owner_url, runner.Options(script_location=extra_track))
    owner = sql(owner_url, "SELECT tableowner FROM pg_tables WHERE schemaname = %s AND tablename = 'contacts'", schema)
    assert owner == [(f"{schema}_owner",)]
    assert sql(
        owner_url, "SELECT has_column_privilege(%s, %s, 'notes', 'UPDATE')", f"{schema}_app", f"{schema}.contacts"
    ) == [(True,)]


def test_downgrade_with_to(owner_url: str, extra_track: str, make_tenants: Callable[[int], list[str]]) -> None:
    schemas = make_tenants(2)
    runner.migrate(owner_url, runner.Options(script_location=extra_track))
    head = track.head(track.script_directory())
    summary = runner.migrate(owner_url, runner.Options(target=head, script_location=extra_track))
    assert summary.count("migrated") == 2
    assert not any(_has_notes(owner_url, s) for s in schemas)
    with pytest.raises(runner.UnknownRevision):
        runner.migrate(owner_url, runner.Options(target="nope", script_location=extra_track))


def test_dry_run_prints_sql_per_tenant_and_changes_nothing(
    owner_url: str, extra_track: str, make_tenants: Callable[[int], list[str]]
) -> None:
    import io

    schemas = make_tenants(2)
    out = io.StringIO()
    summary = runner.migrate(owner_url, runner.Options(dry_run=True, script_location=extra_track), sql_out=out)
    text = out.getvalue()
    for schema in schemas:
        assert f"-- tenant {schema}: " in text
        assert f'SET LOCAL search_path = "{schema}", public;' in text
    assert text.count("ALTER TABLE contacts ADD COLUMN notes TEXT") == 2
    assert summary.count("migrated") == 0
    assert not any(_has_notes(owner_url, s) for s in schemas)
    assert sql(owner_url, "SELECT count(*) FROM tenant_migration_ledger") == [(0,)]


def test_only_limits_the_run(owner_url: str, extra_track: str, make_tenants: Callable[[int], list[str]]) -> None:
    first, second = make_tenants(2)
    runner.migrate(owner_url, runner.Options(only=[first], script_location=extra_track))
    assert _has_notes(owner_url, first) and not _has_notes(owner_url, second)
    with pytest.raises(ValueError, match="not a tenant schema"):
        runner.migrate(owner_url, runner.Options(only=["t_nope"], script_location=extra_track))


def test_a_failing_tenant_stops_the_run_or_is_summarised(
    owner_url: str, extra_track: str, make_tenants: Callable[[int], list[str]]
) -> None:
    schemas = make_tenants(4)
    broken = schemas[1]
    sql(owner_url, f'ALTER TABLE "{broken}".contacts ADD COLUMN notes int')  # the migration will collide
    stopped = runner.migrate(owner_url, runner.Options(parallel=1, script_location=extra_track))
    assert not stopped.ok
    assert stopped.count("failed") == 1 and stopped.count("skipped") == 2
    failed = next(r for r in stopped.results if r.status == "failed")
    assert failed.schema == broken and "DuplicateColumn" in (failed.error or "")
    assert _revision(owner_url, broken) != "t9001"  # its transaction rolled back

    summary = runner.migrate(owner_url, runner.Options(parallel=2, continue_on_error=True, script_location=extra_track))
    assert summary.count("failed") == 1 and summary.count("migrated") == 2 and summary.count("current") == 1
    statuses = sql(owner_url, "SELECT status, count(*) FROM tenant_migration_ledger GROUP BY 1 ORDER BY 1")
    assert statuses == [("done", 3), ("failed", 2)]


def test_a_second_runner_stops_or_waits(
    owner_url: str, extra_track: str, make_tenants: Callable[[int], list[str]]
) -> None:
    make_tenants(1)
    holder = psycopg.connect(owner_url, autocommit=True)
    holder.execute("SELECT pg_advisory_lock(%s)", (runner.RUN_LOCK_KEY,))
    try:
        with pytest.raises(runner.LockHeld, match="another tenant migration run"):
            runner.migrate(owner_url, runner.Options(script_location=extra_track))
        threading.Timer(0.7, lambda: holder.execute("SELECT pg_advisory_unlock(%s)", (runner.RUN_LOCK_KEY,))).start()
        started = time.monotonic()
        summary = runner.migrate(owner_url, runner.Options(wait=True, script_location=extra_track))
        assert summary.count("migrated") == 1
        assert time.monotonic() - started >= 0.5
    finally:
        time.sleep(0.8)
        holder.close()


def test_lock_timeout_is_retried(owner_url: str, extra_track: str, make_tenants: Callable[[int], list[str]]) -> None:
    [schema] = make_tenants(1)
    blocker = psycopg.connect(owner_url)
    blocker.execute(f'LOCK TABLE "{schema}".contacts IN ACCESS EXCLUSIVE MODE')
    threading.Timer(1.0, blocker.rollback).start()
    try:
        summary = runner.migrate(owner_url, runner.Options(lock_timeout_ms=150, retries=6, script_location=extra_track))
    finally:
        time.sleep(1.1)
        blocker.close()
    [result] = [r for r in summary.results if r.schema == schema]
    assert result.status == "migrated"
    assert result.attempts > 1


def test_lock_timeout_gives_up_after_the_retries(
    owner_url: str, extra_track: str, make_tenants: Callable[[int], list[str]]
) -> None:
    [schema] = make_tenants(1)
    with psycopg.connect(owner_url) as blocker:
        blocker.execute(f'LOCK TABLE "{schema}".contacts IN ACCESS EXCLUSIVE MODE')
        summary = runner.migrate(owner_url, runner.Options(lock_timeout_ms=50, retries=1, script_location=extra_track))
        blocker.rollback()
    [result] = summary.results
    assert result.status == "failed" and result.attempts == 2
    assert "lock timeout" in (result.error or "")


def _cli(owner_url: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": owner_url, "X8_ENV": "test"}
    return subprocess.Popen(
        [sys.executable, "-m", "x8.cli", "tenants", *args],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _mid_tenant_after(owner_url: str, done: int) -> bool:
    """At least ``done`` tenants are finished and one is running: a kill now interrupts a tenant."""
    [(finished, running)] = sql(
        owner_url,
        "SELECT count(*) FILTER (WHERE status = 'done'), count(*) FILTER (WHERE status = 'running') "
        "FROM tenant_migration_ledger",
    )
    return bool(finished >= done and running == 1)


def test_a_killed_run_resumes(owner_url: str, tmp_path: Path, make_tenants: Callable[[int], list[str]]) -> None:
    schemas = make_tenants(12)
    slow = _track(tmp_path, sleep=0.25)
    process = _cli(owner_url, "migrate", "--parallel", "1", "--script-location", slow)
    deadline = time.monotonic() + 60
    while not _mid_tenant_after(owner_url, done=3):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    time.sleep(0.3)  # the server notices the dead connection and rolls its transaction back
    done = [s for s in schemas if _revision(owner_url, s) == "t9001"]
    assert 3 <= len(done) < len(schemas)

    finished = _cli(owner_url, "migrate", "--parallel", "2", "--script-location", slow)
    _, err = finished.communicate(timeout=120)
    assert finished.returncode == 0, err
    assert f"{len(done)} already at target, {len(schemas) - len(done)} to migrate" in err
    assert all(_revision(owner_url, s) == "t9001" for s in schemas)
    assert sql(owner_url, "SELECT count(*) FROM tenant_migration_ledger WHERE status = 'aborted'") == [(1,)]


def test_pool_workers_die_with_a_killed_runner(
    owner_url: str, tmp_path: Path, make_tenants: Callable[[int], list[str]]
) -> None:
    """Orphaned workers would go on migrating without the run lock, racing the next run."""
    make_tenants(8)
    slow = _track(tmp_path, sleep=0.5)
    process = _cli(owner_url, "migrate", "--parallel", "2", "--script-location", slow)
    deadline = time.monotonic() + 60
    while sql(owner_url, "SELECT count(*) FROM tenant_migration_ledger WHERE status = 'running'") != [(2,)]:
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    # What the ledger says once the runner is dead (a worker may have finished a tenant and taken the next between
    # the look above and the kill, while its runner still lived): from then on nothing may change.
    ledger = "SELECT status, count(*) FROM tenant_migration_ledger GROUP BY status ORDER BY status"
    at_kill = sql(owner_url, ledger)
    time.sleep(1.5)  # long enough for an orphan to finish its tenant and start the next
    assert sql(owner_url, ledger) == at_kill
    assert dict(at_kill).get("running", 0) >= 1  # killed mid-tenant: left running, for the next run to take up


def test_cli_list_and_progress(owner_url: str, extra_track: str, make_tenants: Callable[[int], list[str]]) -> None:
    schemas = make_tenants(2)
    process = _cli(owner_url, "migrate", "--script-location", extra_track)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert "migrating" in err and "2 migrated, 0 current, 0 failed" in err
    listing = _cli(owner_url, "list")
    out, _ = listing.communicate(timeout=120)
    for schema in schemas:
        assert schema in out
    assert out.count("t9001") == 2 and "unknown rev" in out  # ahead of this release's track


def test_drift_check_finds_hand_made_changes(owner_url: str, make_tenants: Callable[[int], list[str]]) -> None:
    clean, changed = make_tenants(2)
    sql(owner_url, f'CREATE INDEX contacts_by_name ON "{changed}".contacts (display_name)')
    sql(owner_url, f'ALTER TABLE "{changed}".messages NO FORCE ROW LEVEL SECURITY')
    reports = {r.schema: r for r in drift.check(owner_url, "x8_app")}
    assert reports[clean].clean
    report = reports[changed]
    assert any("contacts_by_name" in line for line in report.extra)
    assert "table messages rls=t forced=t" in report.missing
    assert "table messages rls=t forced=f" in report.extra


def test_a_company_whose_schema_is_missing_is_reprovisioned(
    owner_url: str, extra_track: str, make_tenants: Callable[[int], list[str]]
) -> None:
    lost, _ = make_tenants(2)
    sql(owner_url, f'DROP SCHEMA "{lost}" CASCADE')  # its roles are left behind, as after a partial restore
    summary = runner.migrate(owner_url, runner.Options(script_location=extra_track))
    assert summary.ok and summary.count("migrated") == 2
    assert _revision(owner_url, lost) == "t9001" and _has_notes(owner_url, lost)
    from tests.tenancy.test_rls_meta import unsecured_tables

    assert unsecured_tables(owner_url, lost) == {}
