"""R-E3: the x8 command against a real database."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import sql


def _x8(owner_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": owner_url, "X8_ENV": "test", "X8_BCRYPT_ROUNDS": "4"}
    return subprocess.run(
        [sys.executable, "-m", "x8.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_admin_and_manager_create(owner_url: str) -> None:
    r = _x8(owner_url, "admin", "create", "--email", "Boss@Example.com", "--password", "Adm1nPass!")
    assert r.returncode == 0, r.stderr
    assert "boss@example.com created" in r.stdout
    r = _x8(owner_url, "manager", "create", "--email", "mgr@example.com", "--password", "Manag3rPass")
    assert r.returncode == 0, r.stderr
    assert sql(owner_url, "SELECT email, role, plan FROM users ORDER BY email") == [
        ("boss@example.com", "ADMIN", "ENTERPRISE"),
        ("mgr@example.com", "MANAGER", "ENTERPRISE"),
    ]


def test_admin_create_refuses_duplicates_and_weak_passwords(owner_url: str) -> None:
    assert _x8(owner_url, "admin", "create", "--email", "a@example.com", "--password", "Adm1nPass!").returncode == 0
    r = _x8(owner_url, "admin", "create", "--email", "a@example.com", "--password", "Adm1nPass!")
    assert r.returncode != 0 and "already exists" in r.stderr
    r = _x8(owner_url, "admin", "create", "--email", "b@example.com", "--password", "weak")
    assert r.returncode != 0 and "at least 8" in r.stderr
    assert sql(owner_url, "SELECT count(*) FROM users") == [(1,)]


def test_demo_seed_is_idempotent_and_tenants_list_shows_it(owner_url: str) -> None:
    first = _x8(owner_url, "demo", "seed")
    assert first.returncode == 0, first.stderr
    assert "demo@x8.network" in first.stdout and "DemoPass123" not in first.stdout + first.stderr
    assert _x8(owner_url, "demo", "seed").returncode == 0
    assert sql(owner_url, "SELECT count(*) FROM companies") == [(2,)]
    catalogues = sql(
        owner_url,
        "SELECT c.name, k.row_count FROM knowledge_bases k JOIN companies c ON c.id = k.company_id ORDER BY c.name",
    )
    assert catalogues == [("Bright Smile Dental", 6), ("Green Leaf Market", 12)]
    # Each demo company has a first playground chat, answered from its catalogue with the real price.
    schema = sql(owner_url, "SELECT tenant_schema FROM companies WHERE name = 'Green Leaf Market'")[0][0]
    chat = sql(owner_url, f"SELECT sender, status, body FROM {schema}.messages ORDER BY created_at")
    assert [(sender, status) for sender, status, _ in chat] == [("customer", "received"), ("bot", "sent")]
    assert "Green apples: 3.50 EUR" in chat[1][2]
    # Opening hours, so a sandbox purchase goes on to booking in chat; the manager's hours for setup calls.
    [(cities,)] = sql(owner_url, f"SELECT cities FROM {schema}.availability")
    assert [city["name"] for city in cities] == ["Berlin", "Potsdam"]
    assert sql(owner_url, "SELECT count(*) FROM manager_availability") == [(1,)]
    listing = _x8(owner_url, "tenants", "list")
    assert "Green Leaf Market" in listing.stdout and "Bright Smile Dental" in listing.stdout
    assert "2 tenant(s)" in listing.stdout
    assert listing.stdout.count(" current ") == 2


def test_production_refuses_to_start_with_defaults(owner_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": owner_url, "X8_ENV": "production"}
    env.pop("SECRET_KEY", None)
    r = subprocess.run(
        [sys.executable, "-m", "x8.cli", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert r.returncode != 0
    assert "SECRET_KEY" in r.stderr


def test_links_point_where_the_server_is_served_unless_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    """`make run PORT=8124`: payment, sign-in and OAuth links must not point at :8000."""
    from x8.cli import _served_here
    from x8.settings import Settings

    for name in ("PUBLIC_BASE_URL", "FRONTEND_URL"):
        monkeypatch.delenv(name, raising=False)
    served = _served_here(Settings(_env_file=None), "127.0.0.1", 8124)  # type: ignore[call-arg]
    assert served.public_base_url == served.frontend_url == "http://localhost:8124"
    assert os.environ["PUBLIC_BASE_URL"] == "http://localhost:8124"  # for the API processes --workers starts

    monkeypatch.setenv("PUBLIC_BASE_URL", "https://x8.example.com")
    monkeypatch.delenv("FRONTEND_URL")
    served = _served_here(Settings(_env_file=None), "0.0.0.0", 9000)  # type: ignore[call-arg]
    assert served.public_base_url == "https://x8.example.com"
    assert served.frontend_url == "http://localhost:9000"
