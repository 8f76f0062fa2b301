"""Conversions between the URL forms the platform accepts (SPEC.md R-E2).

Operators may give ``postgresql://`` or driver-qualified ``postgresql+asyncpg://`` URLs, including the
unix-socket form ``postgresql://user@/db?host=/socket/dir``. Each consumer needs its own driver.
"""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url


def _base(url: str) -> URL:
    parsed = make_url(url)
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise ValueError(f"not a PostgreSQL URL: {parsed.get_backend_name()}")
    return parsed.set(drivername="postgresql")


def asyncpg_url(url: str) -> URL:
    return _base(url).set(drivername="postgresql+asyncpg")


def psycopg_url(url: str) -> URL:
    return _base(url).set(drivername="postgresql+psycopg")


def libpq_url(url: str) -> str:
    """A plain ``postgresql://`` URL that libpq/psycopg understands, password included."""
    return _base(url).render_as_string(hide_password=False)


def with_role(url: str, role: str, password: str) -> str:
    """The same server and database, logged in as another role."""
    return libpq_url(_base(url).set(username=role, password=password).render_as_string(hide_password=False))


def database_name(url: str) -> str:
    name = _base(url).database
    if not name:
        raise ValueError("the database URL names no database")
    return name
