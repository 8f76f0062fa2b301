"""Issuing, finding and revoking tenant API keys."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.clock import utcnow
from x8.kit.secretbox import Keyring
from x8.platform.companies.models import Company
from x8.platform.tenant_keys.models import TenantApiKey
from x8.platform.vault import repository as vault
from x8.platform.vault.models import SecretKind

KEY_PREFIX = "x8tk_"


def key_hash(key: str) -> str:
    """SHA-256, not a password hash: the key is 256 random bits, so a fast hash is as safe as a slow one and
    checking it costs nothing per request."""
    return hashlib.sha256(key.encode()).hexdigest()


def vault_ref(company_id: uuid.UUID) -> str:
    """The vault secret holding the company's live key: n8n provisioning writes it into n8n's credential."""
    return f"tenant_api_key:{company_id}"


@dataclass(frozen=True)
class IssuedKey:
    key: str
    row: TenantApiKey


async def issue(
    session: AsyncSession, keys: Keyring, company: Company, *, scopes: list[str], created_by: uuid.UUID | None
) -> IssuedKey:
    """A new live key for the company; the previous one stops working in the same transaction. The company row
    is locked so two concurrent requests cannot both leave a live key. The key's value replaces the previous one in
    the vault (same secret, so its audit trail goes on)."""
    await session.execute(select(Company.id).where(Company.id == company.id).with_for_update())
    now = utcnow()
    await session.execute(
        update(TenantApiKey)
        .where(TenantApiKey.company_id == company.id, TenantApiKey.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    key_id = uuid.uuid4()
    row = TenantApiKey(
        id=key_id,
        company_id=company.id,
        key_hash=key_hash(key),
        prefix=key[: len(KEY_PREFIX) + 4],
        scopes=scopes,
        created_by=created_by,
    )
    session.add(row)
    secret = vault.NewSecret(
        client_id=company.owner_id,
        company_id=company.id,
        kind=SecretKind.N8N_TENANT_KEY,
        label="n8n tenant API key",
        ref=vault_ref(company.id),
    )
    await vault.store_secret(session, keys, secret, key)
    await session.flush()
    await session.refresh(row, ["created_at"])
    return IssuedKey(key=key, row=row)


@dataclass(frozen=True)
class LiveKey:
    id: uuid.UUID
    company: Company
    scopes: frozenset[str]
    created_at: datetime


async def find_live(session: AsyncSession, key: str) -> LiveKey | None:
    if not key.startswith(KEY_PREFIX) or len(key) > 128:
        return None
    row = (
        await session.execute(
            select(TenantApiKey, Company)
            .join(Company, Company.id == TenantApiKey.company_id)
            .where(TenantApiKey.key_hash == key_hash(key), TenantApiKey.revoked_at.is_(None))
        )
    ).one_or_none()
    if row is None:
        return None
    api_key, company = row
    return LiveKey(id=api_key.id, company=company, scopes=frozenset(api_key.scopes), created_at=api_key.created_at)


async def live_key_value(session: AsyncSession, keys: Keyring, company_id: uuid.UUID) -> str | None:
    """The live key itself, from the vault, for provisioning n8n's credential again; never for an API answer.
    None when the company has no live key (its vault copy is then gone too)."""
    live = await session.scalar(
        select(TenantApiKey.id).where(TenantApiKey.company_id == company_id, TenantApiKey.revoked_at.is_(None))
    )
    if live is None:
        return None
    return await vault.read_by_ref(session, keys, vault_ref(company_id))


async def revoke_all(session: AsyncSession, company_id: uuid.UUID) -> int:
    await vault.delete_secret(session, vault_ref(company_id))
    result = await session.execute(
        update(TenantApiKey)
        .where(TenantApiKey.company_id == company_id, TenantApiKey.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
