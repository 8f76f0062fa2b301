"""The control-plane models and the migrations describe the same schema (a forgotten migration fails here)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from x8.kit.db_urls import psycopg_url
from x8.models import Base

PROCRASTINATE = ("procrastinate_",)


def test_models_match_migrations(owner_url: str) -> None:
    engine = create_engine(psycopg_url(owner_url))
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    relevant = [d for d in diffs if not (d[0] == "remove_table" and d[1].name.startswith(PROCRASTINATE))]
    relevant = [
        d
        for d in relevant
        if not (isinstance(d, tuple) and d[0] in ("remove_index",) and str(d[1].table.name).startswith(PROCRASTINATE))
    ]
    assert relevant == []
