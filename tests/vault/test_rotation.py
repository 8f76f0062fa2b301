"""Key rotation and the vault keys (SPEC.md §12 "Key rotation"): ciphertexts carry their key id, `x8 vault rotate`
re-encrypts under X8_VAULT_KEY what older keys sealed, resumes after a kill, and a key that does not open the vault
stops the start; nothing is ever opened with a wrong key."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import uuid

import httpx
import pytest

from tests.conftest import app_client, make_settings, register, sql
from x8.kit.db import Database
from x8.kit.secretbox import Keyring, SealBroken, UnknownVaultKey, key_id
from x8.platform.vault import repository, rotation
from x8.platform.vault.keys import VaultKeyMissing
from x8.platform.vault.models import SecretKind
from x8.settings import Settings

OLD = base64.b64encode(b"o" * 32).decode()
NEW = base64.b64encode(b"n" * 32).decode()
OTHER = base64.b64encode(b"x" * 32).decode()


def _x8(owner_url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "x8.cli", *args],
        env={**os.environ, "DATABASE_URL": owner_url, "X8_ENV": "test", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def _seed(client: httpx.AsyncClient, app_url: str, keys: Keyring, count: int) -> dict[str, str]:
    """``count`` secrets of one new business, sealed with ``keys``: their ids and values."""
    await register(client, "shop@example.com")
    [(owner_id,)] = sql(app_url, "SELECT id FROM users WHERE email = 'shop@example.com'")
    db = Database.connect(app_url, pool_size=1)
    values = {}
    try:
        async with db.sessions() as session, session.begin():
            for n in range(count):
                new = repository.NewSecret(owner_id, None, SecretKind.OTHER, f"secret {n}", ref=f"test:{n}")
                value = f"value-{n}-{uuid.uuid4()}"
                values[str((await repository.store_secret(session, keys, new, value)).id)] = value
    finally:
        await db.dispose()
    return values


def _key_ids(owner_url: str) -> list[str]:
    return sorted({row[0] for row in sql(owner_url, "SELECT key_id FROM vault_secrets")})


async def _opened_with(app_url: str, keys: Keyring) -> dict[str, str]:
    db = Database.connect(app_url, pool_size=1)
    try:
        async with db.sessions() as session:
            listed, _ = await repository.list_secrets(session, [], limit=200, offset=0)
            return {str(s.id): repository.read_secret(keys, s) for s in listed}
    finally:
        await db.dispose()


async def test_rotate_re_encrypts_under_the_new_key_and_a_rerun_does_nothing(
    client: httpx.AsyncClient, owner_url: str, app_url: str
) -> None:
    values = await _seed(client, app_url, Keyring(OLD), 7)
    assert _key_ids(owner_url) == [key_id(OLD)]

    first = _x8(owner_url, "vault", "rotate", X8_VAULT_KEY=NEW, X8_VAULT_OLD_KEYS=f" {OTHER}, {OLD} ")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().splitlines()[-1] == "re-encrypted 7 secrets"
    assert "re-encrypting" in first.stderr  # the progress bar
    assert _key_ids(owner_url) == [key_id(NEW)]
    assert await _opened_with(app_url, Keyring(NEW)) == values  # the old key is no longer needed
    rotated = sql(owner_url, "SELECT count(*) FROM audit_log WHERE action = 'vault.rotate'")
    assert rotated == [(7,)]

    again = _x8(owner_url, "vault", "rotate", X8_VAULT_KEY=NEW)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip().splitlines()[-1] == "re-encrypted 0 secrets"


async def test_a_killed_rotation_resumes_where_it_stopped(
    client: httpx.AsyncClient, owner_url: str, app_url: str
) -> None:
    values = await _seed(client, app_url, Keyring(OLD), 5)
    keys = Keyring(NEW, [OLD])

    class Killed(Exception):
        pass

    def die_after_first_batch(_done: int) -> None:
        raise Killed

    db = Database.connect(app_url, pool_size=1)
    try:
        with pytest.raises(Killed):
            await rotation.rotate(db, keys, batch_size=2, on_batch=die_after_first_batch)
        assert await rotation.pending(db, keys) == 3  # the first batch was committed, the rest still old
        assert await rotation.rotate(db, keys, batch_size=2) == 3
        assert await rotation.pending(db, keys) == 0
    finally:
        await db.dispose()
    assert await _opened_with(app_url, Keyring(NEW)) == values


async def test_a_wrong_key_stops_the_start_and_never_opens_anything(
    client: httpx.AsyncClient, owner_url: str, app_url: str
) -> None:
    await _seed(client, app_url, Keyring(OLD), 2)

    wrong = make_settings(owner_url, X8_VAULT_KEY=NEW)
    with pytest.raises(VaultKeyMissing, match=f"key id\\(s\\) {key_id(OLD)}.*X8_VAULT_OLD_KEYS"):
        async with app_client(wrong, app_url):
            pass
    async with app_client(make_settings(owner_url, X8_VAULT_KEY=NEW, X8_VAULT_OLD_KEYS=OLD), app_url) as started:
        assert (await started.get("/api/v1/health")).status_code == 200

    with pytest.raises(UnknownVaultKey):
        await _opened_with(app_url, Keyring(NEW))
    refused = _x8(owner_url, "vault", "rotate", X8_VAULT_KEY=NEW)
    assert refused.returncode != 0 and key_id(OLD) in refused.stderr and "X8_VAULT_OLD_KEYS" in refused.stderr
    worker = _x8(owner_url, "worker", X8_VAULT_KEY=NEW)  # a worker stops at start too, not job by job
    assert worker.returncode != 0 and key_id(OLD) in worker.stderr and "X8_VAULT_OLD_KEYS" in worker.stderr
    assert _key_ids(owner_url) == [key_id(OLD)]  # nothing rewritten


def test_a_sealed_value_opens_only_with_its_own_key_and_row() -> None:
    sealed = Keyring(OLD).seal_text("bot-token", bound_to="vault:1")
    assert sealed[1:9].hex() == key_id(OLD) and b"bot-token" not in sealed
    assert Keyring(NEW, [OLD]).open_text(sealed, bound_to="vault:1") == "bot-token"
    with pytest.raises(UnknownVaultKey):
        Keyring(NEW).open_text(sealed, bound_to="vault:1")
    with pytest.raises(SealBroken):
        Keyring(OLD).open_text(sealed, bound_to="vault:2")
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(SealBroken):
        Keyring(OLD).open_text(tampered, bound_to="vault:1")
    # A forged key id cannot make a value open with another key.
    forged = sealed[:1] + bytes.fromhex(key_id(NEW)) + sealed[9:]
    with pytest.raises(SealBroken):
        Keyring(NEW).open_text(forged, bound_to="vault:1")


@pytest.mark.parametrize(
    ("old_keys", "problem"),
    [("not base64!", "key 1 must be base64"), (f"{OLD},{base64.b64encode(b'short').decode()}", "key 2 must decode")],
)
def test_bad_old_keys_are_refused_by_name(old_keys: str, problem: str) -> None:
    with pytest.raises(ValueError, match=f"X8_VAULT_OLD_KEYS: {problem}") as refused:
        Settings(_env_file=None, X8_VAULT_OLD_KEYS=old_keys)
    assert OLD not in str(refused.value)
