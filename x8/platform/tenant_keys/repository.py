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
from x8.kit.secretbox import open_sealed, seal
from x8.platform.companies.models import Company
from x8.platform.tenant_keys.models import TenantApiKey

KEY_PREFIX = "x8tk_"


def key_hash(key: str) -> str:
    """SHA-256, not a password hash: the key is 256 random bits, so a fast hash is as safe as a slow one and
    checking it costs nothing per request."""
    return hashlib.sha256(key.encode()).hexdigest()


def _bound_to(key_id: uuid.UUID) -> str:
    return f"tenant_api_key:{key_id}"


@dataclass(frozen=True)
class IssuedKey:
    key: str
    row: TenantApiKey


async def issue(
    session: AsyncSession, vault_key: str, company: Company, *, scopes: list[str], created_by: uuid.UUID | None
) -> IssuedKey:
    """A new live key for the company; the previous one stops working in the same transaction. The company row
    is locked so two concurrent requests cannot both leave a live key."""
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
        sealed=seal(vault_key, {"key": key}, bound_to=_bound_to(key_id)),
        scopes=scopes,
        created_by=created_by,
    )
    session.add(row)
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


async def live_key_value(session: AsyncSession, vault_key: str, company_id: uuid.UUID) -> str | None:
    """The live key itself, for provisioning n8n's credential again; never for an API answer."""
    row = (
        await session.execute(
            select(TenantApiKey).where(TenantApiKey.company_id == company_id, TenantApiKey.revoked_at.is_(None))
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    return str(open_sealed(vault_key, row.sealed, bound_to=_bound_to(row.id))["key"])


async def revoke_all(session: AsyncSession, company_id: uuid.UUID) -> int:
    result = await session.execute(
        update(TenantApiKey)
        .where(TenantApiKey.company_id == company_id, TenantApiKey.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
