"""Migration 0020 moves every pool app's sealed secret into the vault, still opening to the same secret, bound to
its vault row; downgrading seals it back onto the app."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from alembic import command

from tests import db as testdb
from tests.conftest import make_settings
from x8.kit.secretbox import keyring, open_sealed, seal
from x8.runtime import alembic_config
from x8.settings import DEV_VAULT_KEY

SECRET = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def database_at_0019() -> Iterator[str]:
    admin = testdb.server_admin_url()
    url = testdb.create_database(admin, prefix="x8_meta_move")
    command.upgrade(alembic_config(make_settings(url), url), "0019")
    try:
        yield url
    finally:
        testdb.drop_database(admin, url)


def test_app_secrets_move_into_the_vault_and_back(database_at_0019: str) -> None:
    url = database_at_0019
    app = uuid.uuid4()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO meta_apps (id, name, app_id, sealed_secret, secret_last4, products, status, capacity) "
            "VALUES (%s, 'Pool 1', '1234567890123', %s, 'cdef', '{messenger}', 'live', 5)",
            (app, seal(DEV_VAULT_KEY, {"app_secret": SECRET}, bound_to=f"meta_app:{app}")),
        )
    config = alembic_config(make_settings(url), url)
    command.upgrade(config, "0020")
    with psycopg.connect(url, autocommit=True) as conn:
        [(secret_id, client, kind, ciphertext)] = conn.execute(
            "SELECT id, client_id, kind, ciphertext FROM vault_secrets WHERE ref = %s", (f"meta_app:{app}",)
        ).fetchall()
        columns = [
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'meta_apps'"
            ).fetchall()
        ]
    assert (client, kind) == (None, "meta_app_secret")
    assert keyring(DEV_VAULT_KEY).open_text(bytes(ciphertext), bound_to=f"vault:{secret_id}") == SECRET
    assert "sealed_secret" not in columns and "secret_last4" not in columns

    command.downgrade(config, "0019")
    with psycopg.connect(url, autocommit=True) as conn:
        [(sealed, last4)] = conn.execute("SELECT sealed_secret, secret_last4 FROM meta_apps").fetchall()
        assert conn.execute("SELECT count(*) FROM vault_secrets").fetchone() == (0,)
    assert open_sealed(DEV_VAULT_KEY, bytes(sealed), bound_to=f"meta_app:{app}") == {"app_secret": SECRET}
    assert last4 == "cdef"
