"""`x8 worker --processes N` runs N worker processes that share the queue, and stops them all on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psycopg


def _live_workers(owner_url: str) -> int:
    with psycopg.connect(owner_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM procrastinate_workers WHERE last_heartbeat > now() - interval '10 seconds'"
        ).fetchone()
    return int(row[0]) if row else 0


def test_several_worker_processes_run_and_stop_together(owner_url: str, app_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": owner_url, "DATABASE_APP_URL": app_url, "X8_ENV": "test"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "x8.cli", "worker", "--processes", "2", "--concurrency", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 90
        while _live_workers(owner_url) < 2 and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.2)
        assert _live_workers(owner_url) == 2, worker.stderr.read().decode() if worker.poll() is not None else ""
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
        assert _live_workers(owner_url) == 0  # each process unregistered itself on its way out
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
