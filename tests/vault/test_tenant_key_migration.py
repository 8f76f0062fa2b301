"""Migration 0024 moves each company's live tenant API key into the vault (kind ``n8n_tenant_key``), still opening
to the same key; revoked keys are not kept; a key the vault keys do not open stops the migration, and the
downgrade puts the live keys back into their rows."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from alembic import command

from tests import db as testdb
from tests.conftest import make_settings
from x8.kit.secretbox import Keyring, key_id, seal
from x8.runtime import alembic_config
from x8.settings import DEV_VAULT_KEY

LIVE_KEY = "x8tk_live-key-0123456789abcdefghijklmnopqrstuv"
OLD_KEY = "x8tk_revoked-key-0123456789abcdefghijklmnopqrst"


@pytest.fixture
def database_at_0023() -> Iterator[str]:
    admin = testdb.server_admin_url()
    url = testdb.create_database(admin, prefix="x8_tenant_key_move")
    command.upgrade(alembic_config(make_settings(url), url), "0023")
    try:
        yield url
    finally:
        testdb.drop_database(admin, url)


def _company_with_keys(url: str, live_sealed_for: str | None = None) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    owner, company, live = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO users (id, email, full_name, role, language, timezone, plan, subscription_status, is_active) "
            "VALUES (%s, 'shop@example.com', 'Shop', 'CLIENT', 'en', 'UTC', 'TRIAL', 'trialing', true)",
            (owner,),
        )
        conn.execute(
            "INSERT INTO companies (id, company_id, owner_id, name, company_type, timezone, language, status, "
            "tenant_schema, channels, total_messages, type1_count, type2_count, type2_unpaid, type3_count, type3_paid) "
            "VALUES (%s, 'COMP1', %s, 'Shop', 'Product', 'UTC', 'en', 'active', 't_x', '{}', 0, 0, 0, 0, 0, 0)",
            (company, owner),
        )
        revoked = uuid.uuid4()
        for row_id, key, revoked_at in ((revoked, OLD_KEY, "now()"), (live, LIVE_KEY, "NULL")):
            bound = live_sealed_for if (live_sealed_for and row_id == live) else f"tenant_api_key:{row_id}"
            conn.execute(
                "INSERT INTO tenant_api_keys (id, company_id, key_hash, prefix, sealed, scopes, revoked_at) "
                f"VALUES (%s, %s, %s, %s, %s, '{{n8n}}', {revoked_at})",
                (row_id, company, key[-20:], key[:9], seal(DEV_VAULT_KEY, {"key": key}, bound_to=bound)),
            )
    return owner, company, live


def test_the_live_tenant_key_moves_into_the_vault_and_back(database_at_0023: str) -> None:
    url = database_at_0023
    owner, company, live = _company_with_keys(url)

    command.upgrade(alembic_config(make_settings(url), url), "0024")

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT id, client_id, company_id, kind, ref, key_id, status, ciphertext FROM vault_secrets"
        ).fetchall()
        columns = conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'tenant_api_keys'"
        ).fetchall()
    assert ("sealed",) not in columns
    [(secret_id, client, company_id, kind, ref, key, status, sealed)] = rows  # the revoked key is not kept
    assert (client, company_id, kind, ref, key, status) == (
        owner,
        company,
        "n8n_tenant_key",
        f"tenant_api_key:{company}",
        key_id(DEV_VAULT_KEY),
        "active",
    )
    assert Keyring(DEV_VAULT_KEY).open_text(bytes(sealed), bound_to=f"vault:{secret_id}") == LIVE_KEY

    command.downgrade(alembic_config(make_settings(url), url), "0023")
    with psycopg.connect(url) as conn:
        [(sealed_again,)] = conn.execute("SELECT sealed FROM tenant_api_keys WHERE id = %s", (live,)).fetchall()
        assert conn.execute("SELECT count(*) FROM vault_secrets").fetchall() == [(0,)]
    opened = Keyring(DEV_VAULT_KEY).open_bytes(bytes(sealed_again), bound_to=f"tenant_api_key:{live}")
    assert LIVE_KEY in opened.decode()


def test_a_key_the_vault_keys_do_not_open_stops_the_migration(database_at_0023: str) -> None:
    url = database_at_0023
    _, _, live = _company_with_keys(url, live_sealed_for="another row")
    with pytest.raises(RuntimeError, match=f"tenant API key {live}: the sealed value does not open"):
        command.upgrade(alembic_config(make_settings(url), url), "0024")
    with psycopg.connect(url) as conn:  # rolled back: the keys are where they were
        assert conn.execute("SELECT count(*) FROM tenant_api_keys WHERE sealed IS NOT NULL").fetchall() == [(2,)]
        assert conn.execute("SELECT count(*) FROM vault_secrets").fetchall() == [(0,)]
