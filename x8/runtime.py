"""Where the platform's databases are, and bringing the control plane up to date."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config

from x8.kit import embedded_pg
from x8.kit.db_urls import libpq_url, with_role
from x8.settings import Settings

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class DatabaseUrls:
    owner: str  # migrations and tenant provisioning
    app: str  # requests and jobs, as X8_DB_APP_ROLE


def resolve(settings: Settings) -> DatabaseUrls:
    owner = libpq_url(settings.database_url) if settings.database_url else embedded_pg.start(settings.data_dir)
    app = (
        libpq_url(settings.database_app_url)
        if settings.database_app_url
        else with_role(owner, settings.db_app_role, settings.db_app_password)
    )
    return DatabaseUrls(owner=owner, app=app)


def alembic_config(settings: Settings, owner_url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["owner_url"] = owner_url
    config.attributes["app_role"] = settings.db_app_role
    config.attributes["app_password"] = settings.db_app_password
    return config


def migrate_control_plane(settings: Settings, owner_url: str) -> None:
    command.upgrade(alembic_config(settings, owner_url), "head")
    warn_about_slow_search(owner_url)


def warn_about_slow_search(owner_url: str) -> None:
    """Migration 0007 needs a superuser to make full-text search index-friendly under RLS; say so if it could not."""
    with psycopg.connect(owner_url, autocommit=True) as conn:
        row = conn.execute("SELECT proleakproof FROM pg_proc WHERE oid = 'ts_match_vq'::regproc").fetchone()
    if row is not None and not row[0]:
        log.warning(
            "tsvector @@ tsquery is not LEAKPROOF in this database, so KB search cannot use its index under "
            "row-level security and reads whole catalogues. A superuser can run: "
            "ALTER FUNCTION pg_catalog.ts_match_vq(tsvector, tsquery) LEAKPROOF; (see docs/decisions.md)"
        )
