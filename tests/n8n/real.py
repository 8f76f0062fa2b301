"""Starting the real n8n that ``make n8n`` (tools/n8n/install.sh) cached outside the repo (SPEC R-N5,
PROVIDERS.md §7): a free loopback port, a throwaway user folder, the owner set up and an API key with every scope.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests import db as testdb
from tests.serving import free_port, wait_until_healthy

REPO = Path(__file__).resolve().parents[2]
RECIPE = REPO / "tools" / "n8n" / "package.json"
OWNER = {"email": "owner@x8.test", "firstName": "X8", "lastName": "Tests", "password": "X8-tests-Passw0rd"}
START_SECONDS = 180.0


@dataclass(frozen=True)
class RealN8n:
    url: str
    api_key: str
    log: Path


def version() -> str:
    return str(json.loads(RECIPE.read_text())["dependencies"]["n8n"])


def install_dir() -> Path:
    """Where install.sh puts n8n (the same rule as the script)."""
    root = os.environ.get("X8_N8N_CACHE") or str(
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "x8"
    )
    return Path(root) / f"n8n-{version()}"


def installed() -> bool:
    return (install_dir() / ".x8-installed").is_file()


def _environment(port: int, user_folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "N8N_USER_FOLDER": str(user_folder),
        "N8N_PORT": str(port),
        # Its task runners' broker listens on 5679 unless told: two n8n of two test workers would collide there.
        "N8N_RUNNERS_BROKER_PORT": str(free_port()),
        "N8N_LISTEN_ADDRESS": "127.0.0.1",
        "N8N_HOST": "127.0.0.1",
        "WEBHOOK_URL": f"http://127.0.0.1:{port}/",
        # The default "vm" engine needs isolated-vm, which needs Node 22; this n8n runs on Node 20.
        "N8N_EXPRESSION_ENGINE": "legacy",
        "N8N_DIAGNOSTICS_ENABLED": "false",
        "N8N_VERSION_NOTIFICATIONS_ENABLED": "false",
        "N8N_PERSONALIZATION_ENABLED": "false",
        "N8N_SECURE_COOKIE": "false",  # the owner's session cookie travels over plain http here
        "N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS": "false",
        "N8N_LOG_LEVEL": "warn",
    }


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            if httpx.get(f"{url}/healthz/readiness", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"n8n exited with {process.returncode} while starting; see {log}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"n8n was not ready after {START_SECONDS:.0f} s; see {log}")
        time.sleep(0.5)


def _api_key(url: str) -> str:
    """Set up the owner (retried while the /rest routes are not mounted yet), then a key with every scope."""
    with httpx.Client(base_url=url, timeout=30) as rest:
        deadline = time.monotonic() + 60
        while True:
            answer = rest.post("/rest/owner/setup", json=OWNER)
            is_json = "json" in answer.headers.get("content-type", "")
            if answer.status_code == 200 and is_json:
                break
            if time.monotonic() > deadline or (answer.status_code not in (404, 200) and is_json):
                raise RuntimeError(f"n8n refused the owner setup: HTTP {answer.status_code} {answer.text[:300]}")
            time.sleep(0.5)
        scopes = rest.get("/rest/api-keys/scopes").raise_for_status().json()["data"]
        created = rest.post(
            "/rest/api-keys", json={"label": "x8-tests", "expiresAt": None, "scopes": scopes}
        ).raise_for_status()
        return str(created.json()["data"]["rawApiKey"])


@contextmanager
def running(user_folder: Path, log: Path) -> Iterator[RealN8n]:
    """The cached n8n, started and set up; stopped (and its user folder left to the caller) at the end."""
    binary = install_dir() / "node_modules" / ".bin" / "n8n"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(binary), "start"],
            env=_environment(port, user_folder),
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=user_folder,
        )
        try:
            _wait_ready(url, process, log)
            yield RealN8n(url=url, api_key=_api_key(url), log=log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@contextmanager
def serving_x8(extra_env: dict[str, str], log: Path) -> Iterator[str]:
    """A real ``x8 serve`` (API and worker) on a fresh database and a free port; yields its base URL.
    ``extra_env`` may use ``{base}``, which becomes that URL (n8n calls X8 back on it)."""
    admin = testdb.server_admin_url()
    database = testdb.create_database(admin, prefix="x8_n8n")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "X8_ENV": "dev",
        "PUBLIC_BASE_URL": base,
        "FRONTEND_URL": base,
        "X8_BCRYPT_ROUNDS": "4",
        "X8_DATA_DIR": tempfile.mkdtemp(prefix="x8-n8n-data-"),
        **{name: value.format(base=base) for name, value in extra_env.items()},
    }
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "x8.cli", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=REPO,
        )
        try:
            wait_until_healthy(base, process, str(log))
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)
            testdb.drop_all_tenants(database)  # roles are cluster-wide: dropping the database would leak them
            testdb.drop_database(admin, database)
