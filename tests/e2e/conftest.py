"""End-to-end: the real built dashboard, served by a real `x8 serve`, driven in Debian's headless Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests import db as testdb
from tests.serving import artifact, free_port, wait_until_healthy

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("X8_CHROMIUM", "/usr/bin/chromium")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="package")
def live_server(live_server_env: dict[str, str]) -> Iterator[str]:
    yield live_server_env["BASE"]


@pytest.fixture(scope="package")
def live_server_env() -> Iterator[dict[str, str]]:
    """The server's base URL and the environment its CLI commands need (BASE, DATABASE_URL, …)."""
    with serving_x8(
        "e2e",
        {
            "X8_BUFFER_SECONDS": "1",
            "TELEGRAM_API_URL": "http://127.0.0.1:9",  # nothing listens: an outage, without waiting on DNS
            # Every browser and the fuzzer share 127.0.0.1; rate limits have their own tests.
            "X8_RATE_LIMIT_CODES_PER_IP": "100000",
            "X8_RATE_LIMIT_LOGINS_PER_IP": "100000",
            "X8_RATE_LIMIT_CODES_PER_EMAIL": "100000",
            "X8_RATE_LIMIT_LOGINS_PER_EMAIL": "100000",
        },
    ) as env:
        yield env


@contextmanager
def serving_x8(name: str, extra_env: dict[str, str]) -> Iterator[dict[str, str]]:
    """A real `x8 serve` of the built dashboard on a fresh database, with ``extra_env`` on top of the test defaults;
    yields its environment with ``BASE``. Its log is ``test-artifacts/<name>-server.log``."""
    if not (ROOT / "frontend" / "dist" / "index.html").exists():
        pytest.fail("The dashboard is not built: run `make frontend` (make test does it).")
    admin = testdb.server_admin_url()
    database = testdb.create_database(admin, prefix=f"x8_{name.replace('-', '_')}")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "X8_ENV": "dev",
        "PUBLIC_BASE_URL": base,
        "FRONTEND_URL": base,
        "X8_BCRYPT_ROUNDS": "4",
        "X8_DATA_DIR": tempfile.mkdtemp(prefix=f"x8-{name}-data-"),
        **extra_env,
    }
    for key in ("SMTP_HOST", "GOOGLE_CLIENT_ID", "FACEBOOK_CLIENT_ID"):
        if key not in extra_env:  # a server of a fake provider's test asks for it
            env.pop(key, None)
    log = open(artifact(f"{name}-server.log"), "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "x8.cli", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    try:
        wait_until_healthy(base, process, log.name)
        yield {**env, "BASE": base}
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
        testdb.drop_all_tenants(database)  # roles are cluster-wide: dropping the database would leak them
        testdb.drop_database(admin, database)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def _page(browser: Browser, width: int, height: int) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, 1280, 860)


@pytest.fixture
def mobile_page(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, 390, 844)


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
