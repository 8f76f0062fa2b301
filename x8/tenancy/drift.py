"""Drift check: does each tenant schema still match the template (the tenant track at head)?

The template is built for real in a scratch schema inside a transaction that is rolled back, then both are
described from the catalog with schema names taken out, and compared. A DBA's hand-made index or a table
that lost its policy shows up as a difference.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, create_engine, text

from x8.kit.db_urls import psycopg_url
from x8.tenancy import track
from x8.tenancy.names import TenantNames
from x8.tenancy.provisioning import provisioning_script
from x8.tenancy.runner import current_revisions, list_tenants

_DESCRIBE = [
    (
        "table",
        """SELECT format('%s rls=%s forced=%s', c.relname, c.relrowsecurity, c.relforcerowsecurity)
                 FROM pg_class c WHERE c.relnamespace = :ns AND c.relkind IN ('r', 'p')""",
    ),
    (
        "column",
        """SELECT format('%s.%s %s%s default=%s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                        CASE WHEN a.attnotnull THEN ' not null' ELSE '' END, pg_get_expr(d.adbin, d.adrelid))
                  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                  WHERE c.relnamespace = :ns AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped""",
    ),
    (
        "index",
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
        "WHERE c.relnamespace = :ns",
    ),
    (
        "constraint",
        """SELECT format('%s %s %s', c.relname, k.conname, pg_get_constraintdef(k.oid))
                      FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE c.relnamespace = :ns""",
    ),
    (
        "policy",
        """SELECT format('%s %s %s using=%s check=%s', c.relname, p.polname, p.polcmd,
                         pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
                  FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE c.relnamespace = :ns""",
    ),
]


@dataclass
class DriftReport:
    schema: str
    revision: str | None
    missing: list[str]  # in the template, not in the tenant
    extra: list[str]  # in the tenant, not in the template
    behind: bool = False

    @property
    def clean(self) -> bool:
        return not (self.missing or self.extra or self.behind)


def describe(conn: Connection, schema: str) -> set[str]:
    namespace = conn.execute(text("SELECT oid FROM pg_namespace WHERE nspname = :s"), {"s": schema}).scalar_one()
    found: set[str] = set()
    for kind, query in _DESCRIBE:
        for (line,) in conn.execute(text(query), {"ns": namespace}):
            found.add(
                f"{kind} {line}".replace(f'"{schema}".', "").replace(f"{schema}.", "").replace(schema, "<tenant>")
            )
    return found


def template_description(conn: Connection, app_role: str) -> set[str]:
    """Provision a scratch tenant inside a savepoint, describe it, and roll it back."""
    names = TenantNames(uuid.uuid4())
    with conn.begin_nested() as savepoint:
        for statement in provisioning_script(names, app_role):
            conn.exec_driver_sql(statement)
        description = describe(conn, names.schema)
        savepoint.rollback()
    return description


def check(owner_url: str, app_role: str, only: list[str] | None = None) -> list[DriftReport]:
    engine: Engine = create_engine(psycopg_url(owner_url), pool_size=1)
    try:
        head = track.head(track.script_directory())
        schemas = list_tenants(engine, only)
        revisions = current_revisions(engine, schemas)
        reports = []
        with engine.connect() as conn, conn.begin():
            template = template_description(conn, app_role)
            for schema in schemas:
                if revisions[schema] != head:
                    reports.append(DriftReport(schema, revisions[schema], [], [], behind=True))
                    continue
                actual = describe(conn, schema)
                reports.append(
                    DriftReport(schema, revisions[schema], sorted(template - actual), sorted(actual - template))
                )
            conn.rollback()
        return reports
    finally:
        engine.dispose()
