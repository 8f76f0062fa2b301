"""A real `x8 serve` for a benchmark: the API in ``api_processes`` processes with no job worker inside, and
optionally one `x8 worker` process beside it (the production shape: compose runs them as separate services)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.serving import free_port, wait_until_healthy


@contextmanager
def x8_server(env: dict[str, str], *, api_processes: int, worker: bool = False) -> Iterator[str]:
    """The server's base URL while it runs; its log is ``server.log`` in ``env["X8_DATA_DIR"]``."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(Path(env["X8_DATA_DIR"]) / "server.log", "w")  # noqa: SIM115
    api = subprocess.Popen(
        [sys.executable, "-m", "x8.cli", "serve", "--port", str(port), "--no-worker", "--workers", str(api_processes)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    processes = [api]
    try:
        wait_until_healthy(base, api, log.name, seconds=90)
        if worker:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "x8.cli", "worker", "--concurrency", "8"],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        yield base
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        log.close()
