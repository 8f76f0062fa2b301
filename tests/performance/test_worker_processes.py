"""`x8 worker --processes N` runs N worker processes that share the queue, and stops them all on SIGTERM; a worker
told to stop at any moment of its start stops gracefully and leaves no registration behind."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator

import psycopg
import pytest

from x8.kit.db import Database
from x8.kit.jobs import open_queue, run_worker
from x8.settings import Settings
from x8.worker import build_app


def _newest_worker_id(owner_url: str) -> int:
    with psycopg.connect(owner_url, autocommit=True) as conn:
        row = conn.execute("SELECT coalesce(max(id), 0) FROM procrastinate_workers").fetchone()
    return int(row[0]) if row else 0


def _registered_since(owner_url: str, newest_before: int) -> int:
    """Workers registered after ``newest_before`` and not gone (another test's killed worker may still look live)."""
    with psycopg.connect(owner_url, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM procrastinate_workers WHERE id > %s", (newest_before,)).fetchone()
    return int(row[0]) if row else 0


def test_several_worker_processes_run_and_stop_together(owner_url: str, app_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": owner_url, "DATABASE_APP_URL": app_url, "X8_ENV": "test"}
    before = _newest_worker_id(owner_url)
    worker = subprocess.Popen(
        [sys.executable, "-m", "x8.cli", "worker", "--processes", "2", "--concurrency", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 90
        while _registered_since(owner_url, before) < 2 and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.05)
        running = _registered_since(owner_url, before)
        assert running == 2, worker.stderr.read().decode() if worker.poll() is not None else ""
        # The second process may have registered a moment ago: its stop must be graceful all the same.
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
        assert _registered_since(owner_url, before) == 0  # each process unregistered itself on its way out
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


@pytest.fixture
async def queue_context(app_url: str, settings: Settings) -> AsyncIterator[None]:
    db = Database.connect(app_url, pool_size=2)
    open_queue(settings, db)
    try:
        yield
    finally:
        await db.dispose()


async def test_a_stop_at_any_moment_of_the_start_is_kept(queue_context: None, owner_url: str, app_url: str) -> None:
    """A stop asked for between any two steps of a worker's start (pruning, registering, starting its loop) ends
    the worker gracefully: it returns, and unregisters if it had registered."""
    queue = build_app(app_url)
    before = _newest_worker_id(owner_url)
    async with queue.open_async():
        for steps in [*range(40), None]:  # None: once the worker is registered and running
            stop = asyncio.Event()
            run = asyncio.create_task(run_worker(queue, concurrency=1, stop=stop))
            if steps is None:
                for _ in range(3000):  # up to 30 s
                    if _registered_since(owner_url, before):
                        break
                    await asyncio.sleep(0.01)
                assert _registered_since(owner_url, before) == 1
            for _ in range(steps or 0):
                await asyncio.sleep(0)
            stop.set()
            await asyncio.wait_for(run, timeout=30)
            assert _registered_since(owner_url, before) == 0, f"a stop after {steps} steps left the worker registered"
