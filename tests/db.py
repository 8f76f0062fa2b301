"""A real PostgreSQL for tests: ``TEST_DATABASE_URL`` if set, else an embedded pgserver.

Each test session gets its own fresh database, built by running the real migrations.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from x8.kit.db_urls import libpq_url, with_role

_tmp: tempfile.TemporaryDirectory[str] | None = None


def server_admin_url() -> str:
    """A URL on the test server with rights to create databases."""
    global _tmp
    if os.environ.get("TEST_DATABASE_URL"):
        return libpq_url(os.environ["TEST_DATABASE_URL"])
    from x8.kit import embedded_pg

    if _tmp is None:
        # Unix socket paths are short: keep the data dir near /tmp.
        _tmp = tempfile.TemporaryDirectory(prefix="x8t-", dir="/tmp")
    return embedded_pg.start(Path(_tmp.name), database="postgres")


@contextmanager
def cluster_lock(admin_url: str) -> Iterator[None]:
    """Held while a test process migrates its database. The app role is the cluster's, created by the first
    migration: two test processes (pytest-xdist) sharing one ``TEST_DATABASE_URL`` server must not both create it."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(8808)")
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(8808)")


def create_database(admin_url: str, prefix: str = "x8_test") -> str:
    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    parsed = admin_url.rsplit("/", 1)
    _, _, query = parsed[1].partition("?")
    return f"{parsed[0]}/{name}" + (f"?{query}" if query else "")


def drop_database(admin_url: str, name_url: str) -> None:
    from x8.kit.db_urls import database_name

    name = database_name(name_url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def app_url_for(owner_url: str, role: str, password: str) -> str:
    return with_role(owner_url, role, password)


def drop_all_tenants(owner_url: str) -> None:
    """Drop every tenant schema and its two roles (roles are cluster-wide, so tests must not leak them)."""
    with psycopg.connect(owner_url, autocommit=True) as conn:
        rows = conn.execute("SELECT nspname FROM pg_namespace WHERE nspname ~ '^t_[0-9a-f]{32}$'").fetchall()
        for (schema,) in rows:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
            for role in (f"{schema}_app", f"{schema}_owner"):
                if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                    conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
                    conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))
