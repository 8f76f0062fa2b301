"""The Meta app pool is not owned by any user, so the shared clean-up (``TRUNCATE users CASCADE``) leaves it."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest


@pytest.fixture(autouse=True)
def _clean_meta_apps(owner_url: str) -> Iterator[None]:
    yield
    with psycopg.connect(owner_url, autocommit=True) as conn:
        conn.execute("TRUNCATE meta_app_assignments, meta_apps")
