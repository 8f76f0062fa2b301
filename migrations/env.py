"""Alembic environment for the control plane (schema ``public``). Runs as the owner connection."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from x8.kit.db_urls import psycopg_url
from x8.models import Base
from x8.settings import get_settings

config = context.config


def _owner_url() -> str:
    url = config.attributes.get("owner_url") or get_settings().database_url
    if not url:
        raise RuntimeError("Set DATABASE_URL (the owner connection) to run migrations by hand.")
    return str(url)


def _ours(name: str | None, type_: str, _parent: object) -> bool:
    """Autogenerate leaves procrastinate's tables alone: its schema is applied from procrastinate itself."""
    return not (type_ == "table" and (name or "").startswith("procrastinate_"))


def run() -> None:
    if "app_role" not in config.attributes:
        settings = get_settings()
        config.attributes["app_role"] = settings.db_app_role
        config.attributes["app_password"] = settings.db_app_password
    engine = create_engine(psycopg_url(_owner_url()), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            compare_type=True,
            include_name=_ours,
        )
        with context.begin_transaction():
            # Two runners (two `x8 serve` starting together) must not race on DDL.
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(8808001)")
            context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("Offline SQL generation is not supported for the control plane.")
run()
