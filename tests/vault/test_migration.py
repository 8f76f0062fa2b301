"""Migration 0017 moves every value sealed before the vault into it: the channels' credentials and the tenants'
Google Calendar tokens, each still opening to the same plaintext, under a key id, bound to its vault row."""

from __future__ import annotations

import base64
import json
import os
import uuid
from collections.abc import Iterator, Mapping

import psycopg
import pytest
from alembic import command
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tests import db as testdb
from tests.conftest import make_settings
from x8.kit.secretbox import Keyring, key_id
from x8.runtime import alembic_config
from x8.settings import DEV_VAULT_KEY

BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
GOOGLE = {"access_token": "ya29.access", "refresh_token": "1//refresh-token-xyz", "expires_at": None, "scope": "s"}


def legacy_seal(value: Mapping[str, object], bound_to: str) -> bytes:
    """A value as x8.kit.secretbox sealed it before key ids: version 1, nonce, ciphertext."""
    nonce = os.urandom(12)
    aead = AESGCM(base64.b64decode(DEV_VAULT_KEY))
    return b"\x01" + nonce + aead.encrypt(nonce, json.dumps(value).encode(), bound_to.encode())


@pytest.fixture
def database_at_0016() -> Iterator[str]:
    admin = testdb.server_admin_url()
    url = testdb.create_database(admin, prefix="x8_vault_move")
    command.upgrade(alembic_config(make_settings(url), url), "0016")
    try:
        yield url
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            for (schema,) in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\\_%'").fetchall():
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        testdb.drop_database(admin, url)


def test_sealed_channel_credentials_and_calendar_tokens_move_into_the_vault(database_at_0016: str) -> None:
    url = database_at_0016
    owner, company, telegram, web = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    schema = f"t_{company.hex}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO users (id, email, full_name, role, language, timezone, plan, subscription_status, is_active) "
            "VALUES (%s, 'shop@example.com', 'Shop', 'CLIENT', 'en', 'UTC', 'TRIAL', 'trialing', true)",
            (owner,),
        )
        conn.execute(
            "INSERT INTO companies (id, company_id, owner_id, name, company_type, timezone, language, status, "
            "tenant_schema, channels, total_messages, type1_count, type2_count, type2_unpaid, type3_count, type3_paid) "
            "VALUES (%s, 'COMP1', %s, 'Shop', 'Product', 'UTC', 'en', 'active', %s, '{telegram}', 0, 0, 0, 0, 0, 0)",
            (company, owner, schema),
        )
        for channel, platform, sealed in (
            (telegram, "telegram", legacy_seal({"bot_token": BOT_TOKEN}, str(telegram))),
            (web, "web", None),
        ):
            conn.execute(
                "INSERT INTO channels (id, company_id, platform, status, config, error_count, credentials) "
                "VALUES (%s, %s, %s, 'CONNECTED', '{}', 0, %s)",
                (channel, company, platform, sealed),
            )
        # A tenant at t0010, as far as the migration looks: its calendar connection with sealed tokens.
        conn.execute(f'CREATE SCHEMA "{schema}"')
        conn.execute(f'CREATE TABLE "{schema}".calendar_connections (id smallint PRIMARY KEY, sealed_tokens bytea)')
        conn.execute(
            f'INSERT INTO "{schema}".calendar_connections VALUES (1, %s)',
            (legacy_seal(GOOGLE, f"google-calendar:{company}"),),
        )

    command.upgrade(alembic_config(make_settings(url), url), "0017")

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT id, client_id, company_id, kind, ref, key_id, status, ciphertext FROM vault_secrets ORDER BY kind"
        ).fetchall()
        channel_columns = conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'channels'"
        ).fetchall()
    assert ("credentials",) not in channel_columns
    keys = Keyring(DEV_VAULT_KEY)
    moved = {
        ref: (client, company_id, kind, key, status, keys.open_text(bytes(sealed), bound_to=f"vault:{secret_id}"))
        for secret_id, client, company_id, kind, ref, key, status, sealed in rows
    }
    assert moved.keys() == {f"channel:{telegram}", f"google_calendar:{company}"}  # the web channel has none
    assert moved[f"channel:{telegram}"] == (
        owner,
        company,
        "telegram_bot_token",
        key_id(DEV_VAULT_KEY),
        "active",
        BOT_TOKEN,
    )
    client, company_id, kind, _, _, tokens = moved[f"google_calendar:{company}"]
    assert (client, company_id, kind) == (owner, company, "google_oauth")
    assert json.loads(tokens) == GOOGLE and tokens.endswith('"refresh_token":"1//refresh-token-xyz"}')


def test_a_value_the_keys_do_not_open_stops_the_migration(database_at_0016: str) -> None:
    url = database_at_0016
    owner, company, channel = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO users (id, email, full_name, role, language, timezone, plan, subscription_status, is_active) "
            "VALUES (%s, 'shop@example.com', 'Shop', 'CLIENT', 'en', 'UTC', 'TRIAL', 'trialing', true)",
            (owner,),
        )
        conn.execute(
            "INSERT INTO companies (id, company_id, owner_id, name, company_type, timezone, language, status, "
            "tenant_schema, channels, total_messages, type1_count, type2_count, type2_unpaid, type3_count, type3_paid) "
            "VALUES (%s, 'COMP1', %s, 'Shop', 'Product', 'UTC', 'en', 'active', 't_x', '{telegram}', 0, 0, 0, 0, 0, 0)",
            (company, owner),
        )
        conn.execute(
            "INSERT INTO channels (id, company_id, platform, status, config, error_count, credentials) "
            "VALUES (%s, %s, 'telegram', 'CONNECTED', '{}', 0, %s)",
            (channel, company, legacy_seal({"bot_token": BOT_TOKEN}, "another row")),
        )

    with pytest.raises(RuntimeError, match=f"channel {channel}: the sealed value does not open"):
        command.upgrade(alembic_config(make_settings(url), url), "0017")
    with psycopg.connect(url) as conn:  # rolled back: the credentials are where they were
        assert conn.execute("SELECT credentials IS NOT NULL FROM channels").fetchall() == [(True,)]
        assert conn.execute("SELECT to_regclass('vault_secrets')").fetchall() == [(None,)]
