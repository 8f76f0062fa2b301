"""The Meta app pool and its secrets are not owned by any user, so the shared clean-up (``TRUNCATE users CASCADE``)
leaves them."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest


@pytest.fixture(autouse=True)
def _clean_meta_apps(owner_url: str) -> Iterator[None]:
    yield
    with psycopg.connect(owner_url, autocommit=True) as conn:
        conn.execute("TRUNCATE meta_app_assignments, meta_apps CASCADE")
        conn.execute("DELETE FROM vault_secrets WHERE client_id IS NULL")  # the apps' secrets: the platform's
