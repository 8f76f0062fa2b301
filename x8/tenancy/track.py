"""The tenant alembic track, driven directly (no env.py): render SQL offline or apply it online.

Tenant migrations create unqualified objects; callers put the tenant's schema first on ``search_path``
and become its owner role, so one script serves every tenant.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from x8.tenancy.names import ident

DEFAULT_LOCATION = Path(__file__).resolve().parent.parent.parent / "tenant_migrations"


@lru_cache(maxsize=8)
def script_directory(location: str = str(DEFAULT_LOCATION)) -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", location)
    return ScriptDirectory.from_config(config)


def head(script: ScriptDirectory) -> str:
    revision = script.get_current_head()
    if revision is None:
        raise RuntimeError("the tenant track has no revisions")
    return revision


def _steps(script: ScriptDirectory, current: str | None, target: str | None) -> Any:
    """The alembic step function moving ``current`` to ``target`` (None means base): up or down."""
    destination = target or "base"
    ancestors = {r.revision for r in script.iterate_revisions(current, "base")} if current else set()
    if current is not None and (target is None or (target != current and target in ancestors)):
        return lambda rev, _ctx: script._downgrade_revs(destination, rev)
    return lambda rev, _ctx: script._upgrade_revs(destination, rev)


def render_sql(script: ScriptDirectory, current: str | None, target: str) -> str:
    """The SQL that moves a tenant from ``current`` to ``target``, for ``--dry-run`` and the template."""
    buffer = io.StringIO()
    config = Config(output_buffer=buffer)
    starting = current
    with EnvironmentContext(
        config,
        script,
        fn=_steps(script, current, target),
        as_sql=True,
        starting_rev=starting,
        destination_rev=target,
    ) as env:
        env.configure(
            url="postgresql://",
            dialect_name="postgresql",
            output_buffer=buffer,
            transactional_ddl=False,
            literal_binds=True,
        )
        env.run_migrations()
    return buffer.getvalue()


@lru_cache(maxsize=4)
def template_sql(location: str = str(DEFAULT_LOCATION)) -> str:
    """Everything a new tenant schema needs at head, version table included (cached per process)."""
    script = script_directory(location)
    return render_sql(script, None, head(script))


def current_revision(connection: Connection, schema: str) -> str | None:
    exists = connection.exec_driver_sql(
        "SELECT 1 FROM pg_tables WHERE schemaname = %(s)s AND tablename = 'alembic_version'", {"s": schema}
    ).first()
    if not exists:
        return None
    row = connection.exec_driver_sql(f"SELECT version_num FROM {ident(schema)}.alembic_version").first()  # noqa: S608
    return str(row[0]) if row else None


def apply(connection: Connection, script: ScriptDirectory, schema: str, current: str | None, target: str) -> None:
    """Move one tenant to ``target`` inside the caller's transaction (search_path and role already set)."""
    config = Config()
    with EnvironmentContext(config, script, fn=_steps(script, current, target), destination_rev=target) as env:
        env.configure(connection=connection, version_table_schema=schema, transactional_ddl=True)
        env.run_migrations()
