"""The embedded PostgreSQL used when ``DATABASE_URL`` is not set (development and tests).

pgserver ships PostgreSQL 16 with pgvector and serves it on a unix socket inside its data directory,
with trust authentication for local roles. It is never used in production.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from x8.kit.db_urls import with_role

log = logging.getLogger(__name__)

DATABASE = "x8"
_servers: dict[Path, Any] = {}


def start(data_dir: Path, database: str = DATABASE) -> str:
    """Start (or reuse) the embedded server and return an owner URL for ``database``."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import pgserver

    logging.getLogger("pgserver").setLevel(logging.WARNING)

    pgdata = (data_dir / "pg").resolve()
    if len(str(pgdata)) > 90:
        raise RuntimeError(f"X8_DATA_DIR path too long for a unix socket: {pgdata}")
    server = _servers.get(pgdata)
    if server is None:
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(pgdata, cleanup_mode="stop")  # type: ignore[attr-defined]
        _servers[pgdata] = server
    url = with_role(server.get_uri(database), "postgres", "")
    ensure_database(with_role(server.get_uri("postgres"), "postgres", ""), database)
    return url


def ensure_database(admin_url: str, database: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
            log.info("created database %s", database)
