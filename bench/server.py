"""A real `x8 serve` for a benchmark: the API in ``api_processes`` processes with no job worker inside, and
optionally one `x8 worker` process beside it (the production shape: compose runs them as separate services)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.serving import free_port, wait_until_healthy

TICKS = os.sysconf("SC_CLK_TCK")


def x8_env(owner_url: str, **extra: str) -> dict[str, str]:
    """The environment of a benchmark's `x8 serve` / `x8 worker` on ``owner_url``, plus ``extra`` variables."""
    return {
        **os.environ,
        "DATABASE_URL": owner_url,
        "X8_ENV": "dev",  # the dev mailbox gives the sign-up code
        "PUBLIC_BASE_URL": "https://x8.bench.example",  # Telegram only takes HTTPS webhooks; the fake never calls it
        "X8_DATA_DIR": tempfile.mkdtemp(prefix="x8b-serve-"),
        "X8_BCRYPT_ROUNDS": "4",
        **extra,
    }


@dataclass(frozen=True)
class Served:
    base: str
    api: subprocess.Popen[bytes]
    worker: subprocess.Popen[bytes] | None

    def api_cpu(self) -> float:
        """CPU seconds the API's processes have used so far (a figure the shared machine's load hardly moves)."""
        return cpu_seconds(self.api.pid)

    def worker_cpu(self) -> float:
        return cpu_seconds(self.worker.pid) if self.worker is not None else 0.0


def cpu_seconds(root: int) -> float:
    """User and system CPU seconds of a process and its live descendants, and of the descendants that have
    exited and been waited for (a pool's overflow connections come and go: PostgreSQL's backends for them would
    otherwise take their CPU with them). Linux /proc."""
    parents: dict[int, int] = {}
    used: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        parents[int(entry.name)] = int(fields[1])
        # utime + stime, and cutime + cstime: the children it has waited for
        used[int(entry.name)] = int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(used.get(pid, 0) for pid in tree) / TICKS


@contextmanager
def x8_processes(
    env: dict[str, str], *, api_processes: int, worker: bool = False, worker_processes: int = 1, port: int = 0
) -> Iterator[Served]:
    """The running server (on ``port``, or a free one); its log is ``server.log`` in ``env["X8_DATA_DIR"]``."""
    port = port or free_port()
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
        jobs = None
        if worker:
            jobs = subprocess.Popen(
                [sys.executable, "-m", "x8.cli", "worker", "--concurrency", "8", "--processes", str(worker_processes)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            processes.append(jobs)
        yield Served(base, api, jobs)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        log.close()


@contextmanager
def x8_server(env: dict[str, str], *, api_processes: int, worker: bool = False) -> Iterator[str]:
    """The server's base URL while it runs."""
    with x8_processes(env, api_processes=api_processes, worker=worker) as served:
        yield served.base
