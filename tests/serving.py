"""Starting a real `x8 serve` for the browser tests and the benchmarks: a free port, and waiting until it is up."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import httpx

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def artifact(name: str) -> Path:
    """``test-artifacts/<name>``, kept apart per pytest-xdist worker (``make test`` runs two): two workers' servers
    would otherwise write one log."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        stem, dot, suffix = name.rpartition(".")
        name = f"{stem}-{worker}{dot}{suffix}" if dot else f"{name}-{worker}"
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_healthy(base: str, process: subprocess.Popen[bytes], log_name: str, *, seconds: float = 60) -> None:
    """Poll ``/api/v1/health`` until it answers 200; fail if the process exits or the time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"x8 serve did not start; see {log_name}")
        time.sleep(0.2)
