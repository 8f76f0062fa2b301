"""The vault's entries in the audit log (x8.platform.audit): every reveal, edit and rotation, and every refused
reveal. The business a secret belongs to is kept in the entry, so each side lists the entries it may see."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, String, cast, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from x8.platform.audit.models import AuditEntry
from x8.platform.audit.service import record
from x8.platform.users.models import Role, User
from x8.platform.vault.models import VaultSecret
from x8.platform.vault.repository import StaleSecret

TARGET = "vault_secret"
PREFIX = "vault."


class VaultAction(enum.StrEnum):
    REVEAL = "reveal"
    UPDATE = "update"
    CREATE = "create"
    DELETE = "delete"
    ROTATE = "rotate"


def _client(client_id: uuid.UUID | None) -> str | None:
    return None if client_id is None else str(client_id)


@dataclass(frozen=True)
class Actor:
    id: uuid.UUID | None
    role: str
    ip: str | None


async def write(
    session: AsyncSession,
    actor: Actor,
    action: VaultAction,
    *,
    secret_id: uuid.UUID,
    secret: VaultSecret | None,
    denied: bool = False,
) -> None:
    details: dict[str, str | bool | None] = {"actor_role": actor.role, "denied": denied}
    if secret is not None:
        details |= {"client_id": _client(secret.client_id), "kind": secret.kind}
    await record(
        session,
        actor_id=actor.id,
        action=PREFIX + action,
        target_type=TARGET,
        target_id=str(secret_id),
        ip=actor.ip,
        details=details,
    )


async def write_many(session: AsyncSession, actor: Actor, action: VaultAction, secrets: Sequence[StaleSecret]) -> None:
    """One entry per secret, in one statement (a rotation's batch)."""
    if not secrets:
        return
    rows = [
        {
            "actor_id": actor.id,
            "action": PREFIX + action,
            "target_type": TARGET,
            "target_id": str(secret.id),
            "ip": actor.ip,
            "details": {
                "actor_role": actor.role,
                "denied": False,
                "client_id": _client(secret.client_id),
                "kind": secret.kind,
            },
        }
        for secret in secrets
    ]
    await session.execute(insert(AuditEntry), rows)


@dataclass(frozen=True)
class Entry:
    at: datetime
    actor_id: uuid.UUID | None
    actor_role: str
    action: str
    secret_id: str | None
    ip: str | None
    denied: bool


def _client_of_entry() -> ColumnElement[str]:
    client: ColumnElement[str] = AuditEntry.details["client_id"].astext
    return client


def _scope(user: User) -> ColumnElement[bool] | None:
    if user.role == Role.ADMIN:
        return None
    if user.role == Role.MANAGER:
        assigned = select(cast(User.id, String)).where(User.manager_id == user.id)
        return _client_of_entry().in_(assigned)
    return _client_of_entry() == str(user.id)


async def list_entries(
    session: AsyncSession,
    user: User,
    *,
    client_id: uuid.UUID | None,
    secret_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> tuple[list[Entry], int]:
    conditions: list[ColumnElement[bool]] = [
        AuditEntry.target_type == TARGET,
        AuditEntry.action.startswith(PREFIX),
    ]
    scope = _scope(user)
    if scope is not None:
        conditions.append(scope)
    if client_id is not None:
        conditions.append(_client_of_entry() == str(client_id))
    if secret_id is not None:
        conditions.append(AuditEntry.target_id == str(secret_id))
    total = (await session.execute(select(func.count()).select_from(AuditEntry).where(*conditions))).scalar_one()
    rows = await session.execute(
        select(AuditEntry)
        .where(*conditions)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(limit)
        .offset(offset)
    )
    entries = [
        Entry(
            at=row.created_at,
            actor_id=row.actor_id,
            actor_role=str(row.details.get("actor_role", "")),
            action=row.action.removeprefix(PREFIX),
            secret_id=row.target_id,
            ip=row.ip,
            denied=bool(row.details.get("denied", False)),
        )
        for row in rows.scalars()
    ]
    return entries, int(total)
