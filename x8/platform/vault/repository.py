"""The vault's one storage API, which other modules call: store, read, replace and delete a secret.

Every function works inside the caller's session and transaction and calls no provider; checking a secret with
its provider is the caller's work, done before (x8.platform.vault.service).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.clock import utcnow
from x8.kit.secretbox import Keyring
from x8.platform.vault.models import SecretKind, SecretStatus, VaultSecret

MASK = "••••••••"
SHOWN_CHARACTERS = 4
MIN_LENGTH_TO_SHOW_TAIL = 12  # a short value would give away too much of itself


def bound_to(secret_id: uuid.UUID) -> str:
    return f"vault:{secret_id}"


def mask(value: str) -> str:
    """At most the last 4 characters, and none of a short value; a JSON value's closing quotes and braces do not
    count."""
    shown = value.rstrip('"}] \n')
    if len(shown) < MIN_LENGTH_TO_SHOW_TAIL:
        return MASK
    return MASK + shown[-SHOWN_CHARACTERS:]


@dataclass(frozen=True)
class NewSecret:
    client_id: uuid.UUID | None  # None: a platform secret (admins only)
    company_id: uuid.UUID | None
    kind: SecretKind
    label: str
    ref: str | None = None


async def store_secret(session: AsyncSession, keys: Keyring, new: NewSecret, value: str) -> VaultSecret:
    """A new secret; one with the same ``ref`` is replaced (its id and label, and so its audit trail, stay)."""
    if new.ref is not None:
        existing = await secret_by_ref(session, new.ref, for_update=True)
        if existing is not None:
            existing.kind, existing.client_id = new.kind, new.client_id  # a label the user gave stays
            existing.company_id = new.company_id
            return await replace_secret(session, keys, existing, value)
    secret_id = uuid.uuid4()
    secret = VaultSecret(
        id=secret_id,
        client_id=new.client_id,
        company_id=new.company_id,
        kind=new.kind,
        label=new.label,
        ref=new.ref,
        ciphertext=keys.seal_text(value, bound_to=bound_to(secret_id)),
        key_id=keys.current_id,
        status=SecretStatus.ACTIVE,
        last_checked_at=utcnow(),
    )
    session.add(secret)
    await session.flush()
    return secret


def read_secret(keys: Keyring, secret: VaultSecret) -> str:
    """The plaintext; raises ``x8.kit.secretbox.SealBroken`` (``UnknownVaultKey`` for a key no longer configured)."""
    return keys.open_text(secret.ciphertext, bound_to=bound_to(secret.id))


async def read_by_ref(session: AsyncSession, keys: Keyring, ref: str) -> str | None:
    secret = await secret_by_ref(session, ref)
    return None if secret is None else read_secret(keys, secret)


async def replace_secret(
    session: AsyncSession, keys: Keyring, secret: VaultSecret, value: str, *, label: str | None = None
) -> VaultSecret:
    secret.ciphertext = keys.seal_text(value, bound_to=bound_to(secret.id))
    secret.key_id = keys.current_id
    secret.status = SecretStatus.ACTIVE
    secret.last_checked_at = utcnow()
    secret.last_error = None
    if label is not None:
        secret.label = label
    await session.flush()
    return secret


async def delete_secret(session: AsyncSession, ref: str) -> uuid.UUID | None:
    """Forget the secret ``ref`` names; its id, or None when there was none."""
    deleted = await session.execute(delete(VaultSecret).where(VaultSecret.ref == ref).returning(VaultSecret.id))
    return deleted.scalar_one_or_none()


async def secret_by_ref(session: AsyncSession, ref: str, *, for_update: bool = False) -> VaultSecret | None:
    query = select(VaultSecret).where(VaultSecret.ref == ref)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def get_secret(session: AsyncSession, secret_id: uuid.UUID, *, for_update: bool = False) -> VaultSecret | None:
    return await session.get(VaultSecret, secret_id, with_for_update=for_update)


async def list_secrets(
    session: AsyncSession, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
) -> tuple[list[VaultSecret], int]:
    total = (await session.execute(select(func.count()).select_from(VaultSecret).where(*conditions))).scalar_one()
    rows = await session.execute(
        select(VaultSecret)
        .where(*conditions)
        .order_by(VaultSecret.company_id, VaultSecret.kind, VaultSecret.created_at, VaultSecret.id)
        .limit(limit)
        .offset(offset)
    )
    return list(rows.scalars()), int(total)


async def key_ids_in_use(session: AsyncSession) -> list[str]:
    return list((await session.execute(select(VaultSecret.key_id).distinct())).scalars())


@dataclass(frozen=True)
class StaleSecret:
    """What a rotation needs of a secret not yet under the current key (no ORM object: rotations run in bulk)."""

    id: uuid.UUID
    client_id: uuid.UUID | None
    kind: str
    ciphertext: bytes
    updated_at: datetime


async def stale_batch(session: AsyncSession, current_key_id: str, size: int) -> list[StaleSecret]:
    """Up to ``size`` secrets not yet under the current key, locked; rows another rotation holds are skipped."""
    query = (
        select(VaultSecret.id, VaultSecret.client_id, VaultSecret.kind, VaultSecret.ciphertext, VaultSecret.updated_at)
        .where(VaultSecret.key_id != current_key_id)
        .order_by(VaultSecret.id)
        .limit(size)
        .with_for_update(skip_locked=True)
    )
    return [
        StaleSecret(r.id, r.client_id, r.kind, bytes(r.ciphertext), r.updated_at) for r in await session.execute(query)
    ]


async def reseal(session: AsyncSession, keys: Keyring, secrets: Sequence[StaleSecret]) -> None:
    """Re-encrypt under the current key, in one bulk statement; ``updated_at`` keeps telling when the value
    itself last changed."""
    if not secrets:
        return
    rows = [
        {
            "id": secret.id,
            "ciphertext": keys.seal_bytes(
                keys.open_bytes(secret.ciphertext, bound_to=bound_to(secret.id)), bound_to=bound_to(secret.id)
            ),
            "key_id": keys.current_id,
            "updated_at": secret.updated_at,
        }
        for secret in secrets
    ]
    await session.execute(update(VaultSecret), rows)


async def count_stale(session: AsyncSession, current_key_id: str) -> int:
    query = select(func.count()).select_from(VaultSecret).where(VaultSecret.key_id != current_key_id)
    return int((await session.execute(query)).scalar_one())
