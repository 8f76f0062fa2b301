"""A fresh database on an embedded PostgreSQL for one benchmark run."""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path

import psycopg
from psycopg import sql

from x8.kit import embedded_pg
from x8.runtime import migrate_control_plane
from x8.settings import Settings


def fresh_database() -> tuple[str, str]:
    """Start an embedded server in /tmp, create and migrate a database. Returns (owner URL, admin URL)."""
    data = Path(tempfile.mkdtemp(prefix="x8b-", dir="/tmp"))
    admin = embedded_pg.start(data, database="postgres")
    name = f"x8_bench_{secrets.token_hex(3)}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    owner = admin.replace("/postgres?", f"/{name}?")
    settings = Settings(_env_file=None, X8_ENV="test", DATABASE_URL=owner)  # type: ignore[call-arg]
    migrate_control_plane(settings, owner)
    return owner, admin
