from __future__ import annotations

import os
import re

os.environ.setdefault("X8_BCRYPT_ROUNDS", "4")
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import psycopg
import pytest

from tests import db as testdb
from x8.kit import ratelimit
from x8.main import create_app
from x8.runtime import DatabaseUrls, migrate_control_plane
from x8.settings import Settings

CONTROL_TABLES = [
    "procrastinate_jobs",
    "tenant_migration_ledger",
    "audit_log",
    "dev_mailbox",
    "email_codes",
    "rate_limit_hits",
    "n8n_bindings",  # no foreign key to companies: its rows outlive a deleted company
    "activity_log",  # no foreign key to companies either
    "auth_sessions",
    "companies",
    "users",
]


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``make test`` runs two pytest-xdist processes: a test file's tests stay in one process, so its servers start
    once, and the browser tests all go to the same process, one after another (a second Chromium and ``x8 serve``
    beside the first only slowed both, and a page still loading when clicked was what failed), while the other
    process runs the rest of the suite. (``--dist loadgroup`` would say this with marks, but its marks do not
    reach pytest 9.2's node ids.)"""
    from xdist.scheduler import LoadScopeScheduling

    class FilesAndTheBrowser(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return "tests/e2e" if path.startswith("tests/e2e/") else path

    return FilesAndTheBrowser(config, log)


def make_settings(owner_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "X8_ENV": "test",
        "DATABASE_URL": owner_url,
        "PUBLIC_BASE_URL": "http://testserver",
        "FRONTEND_URL": "http://frontend.test",
        "X8_BUFFER_SECONDS": "0",  # turns are due at once; the buffer's own tests set a window
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def owner_url() -> Iterator[str]:
    admin = testdb.server_admin_url()
    url = testdb.create_database(admin)
    with testdb.cluster_lock(admin):
        migrate_control_plane(make_settings(url), url)
    yield url
    testdb.drop_all_tenants(url)
    testdb.drop_database(admin, url)


@pytest.fixture(scope="session")
def app_url(owner_url: str) -> str:
    settings = make_settings(owner_url)
    return testdb.app_url_for(owner_url, settings.db_app_role, settings.db_app_password)


@pytest.fixture(autouse=True)
def _clean_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "owner_url" in request.fixturenames:
        url = request.getfixturevalue("owner_url")
        testdb.drop_all_tenants(url)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"TRUNCATE {', '.join(CONTROL_TABLES)} CASCADE")


@pytest.fixture
def one_rate_limit_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every rate-limited request of the test falls in one window: the limiter's clock stands still. Its windows
    are fixed (on the minute, say): one turning over mid-test, on a slow machine, would count the first requests
    in the window before, and the test would see no limit."""
    now = ratelimit.utcnow()
    monkeypatch.setattr(ratelimit, "utcnow", lambda: now)


@pytest.fixture
def settings(owner_url: str) -> Settings:
    return make_settings(owner_url)


@pytest.fixture
async def client(settings: Settings, app_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(settings, app_url) as c:
        yield c


class app_client:
    """An httpx client on a fresh app, with the app's lifespan running."""

    def __init__(self, settings: Settings, app_url: str) -> None:
        assert settings.database_url
        self.app = create_app(settings, DatabaseUrls(owner=settings.database_url, app=app_url))
        self._lifespan: Any = None
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> httpx.AsyncClient:
        self._lifespan = self.app.router.lifespan_context(self.app)
        await self._lifespan.__aenter__()
        transport = httpx.ASGITransport(app=self.app, client=("203.0.113.7", 50000), raise_app_exceptions=False)
        self._client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        return self._client

    async def __aexit__(self, *exc: object) -> None:
        assert self._client is not None
        await self._client.aclose()
        await self._lifespan.__aexit__(*exc)


async def mailbox(client: httpx.AsyncClient, email: str) -> list[dict[str, Any]]:
    response = await client.get("/dev/mailbox", params={"to": email, "format": "json"})
    assert response.status_code == 200
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def last_code(client: httpx.AsyncClient, email: str) -> str:
    mails = await mailbox(client, email)
    assert mails, f"no mail for {email}"
    match = re.search(r"\b(\d{6})\b", mails[0]["body"])
    assert match
    return match.group(1)


async def register(
    client: httpx.AsyncClient,
    email: str = "owner@example.com",
    password: str = "Sup3rSecret",
    name: str = "Owner",
) -> dict[str, Any]:
    r = await client.post("/api/v1/auth/send-verification-code", json={"email": email})
    assert r.status_code == 200, r.text
    code = await last_code(client, email)
    r = await client.post("/api/v1/auth/verify-code", json={"email": email, "code": code})
    assert r.status_code == 200, r.text
    r = await client.post(
        "/api/v1/auth/complete-registration", json={"email": email, "password": password, "full_name": name}
    )
    assert r.status_code == 201, r.text
    tokens: dict[str, Any] = r.json()
    return tokens


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def create_staff(app_url: str, role: str, email: str, password: str = "StaffPass123") -> str:
    from x8.kit.db import Database
    from x8.platform.users.models import Role
    from x8.platform.users.repository import create_user

    db = Database.connect(app_url, pool_size=1)
    try:
        async with db.sessions() as session, session.begin():
            user = await create_user(session, email=email, password=password, full_name=role.title(), role=Role(role))
            return str(user.id)
    finally:
        await db.dispose()


async def login(client: httpx.AsyncClient, email: str, password: str) -> dict[str, Any]:
    r = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    tokens: dict[str, Any] = r.json()
    return tokens


def sql(owner_url: str, query: str, *params: Any) -> list[tuple[Any, ...]]:
    """Run SQL as the owner: to arrange state (expire a code) or check what was stored."""
    with psycopg.connect(owner_url, autocommit=True) as conn:
        cur = conn.execute(query, params)  # type: ignore[arg-type]
        return cur.fetchall() if cur.description else []
