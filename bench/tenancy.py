"""Tenancy benchmarks (SPEC.md §16): provisioning per tenant, and migrating 1,000 tenant schemas.

Each figure is printed beside a baseline measured in the same run:
- provisioning vs. running the same table DDL in a bare schema (no roles, grants or policies);
- the runner with 4 worker processes vs. the sequential runner (one process) over the same tenants,
  each applying one ADD/DROP COLUMN revision.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from bench.rows import BENCH_OWNER, INSERT_COMPANY, INSERT_OWNER
from bench.tenant_track import rehearsal_track
from x8.kit.db import Database
from x8.tenancy import runner, track
from x8.tenancy.names import TenantNames
from x8.tenancy.provisioning import provision_tenant

TENANTS = 1000
BASELINE_SAMPLE = 100


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


async def _provision(owner_url: str, count: int) -> tuple[list[float], list[float]]:
    db = Database.connect(owner_url, pool_size=1)
    timings: list[float] = []
    baseline: list[float] = []
    try:
        async with db.engine.begin() as conn:
            await conn.execute(INSERT_OWNER, {"id": BENCH_OWNER, "email": "bench@example.com"})
        template = track.template_sql()
        for i in range(count):
            tenant = uuid.uuid4()
            started = time.perf_counter()
            async with db.engine.begin() as conn:
                company = {
                    "id": tenant,
                    "company_id": f"B{i:05d}",
                    "owner": BENCH_OWNER,
                    "schema": TenantNames(tenant).schema,
                }
                await conn.execute(INSERT_COMPANY, company)
                await provision_tenant(conn, tenant, app_role="x8_app")
            timings.append(time.perf_counter() - started)
            if i < BASELINE_SAMPLE:  # interleaved, so both see the same catalog size
                started = time.perf_counter()
                async with db.engine.begin() as conn:
                    raw = (await conn.get_raw_connection()).driver_connection
                    assert raw is not None
                    # One multi-statement query runs as one implicit transaction, so SET LOCAL holds throughout.
                    await raw.execute(f"CREATE SCHEMA bare_{i}; SET LOCAL search_path = bare_{i}; {template}")
                baseline.append(time.perf_counter() - started)
    finally:
        await db.dispose()
    return timings, baseline


def provision(owner_url: str, count: int = TENANTS) -> None:
    """Just the tenants (with the baseline's bare schemas), for a benchmark run without the tenancy figures."""
    asyncio.run(_provision(owner_url, count))


def run(owner_url: str) -> list[str]:
    lines = []
    timings, baseline = asyncio.run(_provision(owner_url, TENANTS))
    mean, bare = statistics.mean(timings) * 1000, statistics.mean(baseline) * 1000
    lines.append(
        f"tenant provisioning      mean {mean:6.1f} ms  p50 {_p(timings, 50) * 1000:6.1f}  "
        f"p95 {_p(timings, 95) * 1000:6.1f}  | bare DDL baseline {bare:5.1f} ms  ratio {mean / bare:4.2f}x  "
        f"(target < 100 ms){'  OK' if mean < 100 else '  MISSED'}"
    )
    location = rehearsal_track(Path(tempfile.mkdtemp(prefix="x8b-track-")))
    head = track.head(track.script_directory())
    parallel = runner.migrate(owner_url, runner.Options(parallel=4, script_location=location))
    assert parallel.count("migrated") == TENANTS, parallel.results[:3]
    noop = runner.migrate(owner_url, runner.Options(parallel=4, script_location=location))
    sequential = runner.migrate(owner_url, runner.Options(target=head, parallel=1, script_location=location))
    assert sequential.count("migrated") == TENANTS
    lines.append(
        f"migrate {TENANTS} tenants     4 workers {parallel.seconds:6.1f} s  | sequential baseline "
        f"{sequential.seconds:6.1f} s  speed-up {sequential.seconds / parallel.seconds:4.2f}x  "
        f"(target < 60 s){'  OK' if parallel.seconds < 60 else '  MISSED'}"
    )
    lines.append(f"migrate, all up to date  {noop.seconds * 1000:6.0f} ms for {TENANTS} tenants (one batched query)")
    return lines
