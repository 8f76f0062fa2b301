"""Who sees which secrets (SPEC.md §12 R-V2): a business its own, a manager their businesses', the admin all.
Anything outside the caller's reach is simply not there (404), so existence does not leak."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.errors import NotFound
from x8.kit.i18n import msg
from x8.platform.companies.models import Company
from x8.platform.users.models import Role, User
from x8.platform.vault.models import VaultSecret


async def can_see_client(session: AsyncSession, user: User, client_id: uuid.UUID | None) -> bool:
    """``None``: a platform secret, which only admins see."""
    if user.role == Role.ADMIN:
        return True
    if client_id is None:
        return False
    if user.role == Role.MANAGER:
        client = await session.get(User, client_id)
        return client is not None and client.role == Role.CLIENT and client.manager_id == user.id
    return client_id == user.id


def visible_clients(user: User) -> ColumnElement[bool] | None:
    """The condition on ``VaultSecret.client_id`` for this caller (None: no limit)."""
    if user.role == Role.ADMIN:
        return None
    if user.role == Role.MANAGER:
        return VaultSecret.client_id.in_(select(User.id).where(User.manager_id == user.id))
    return VaultSecret.client_id == user.id


async def list_conditions(
    session: AsyncSession, user: User, *, client_id: uuid.UUID | None, company_id: uuid.UUID | None
) -> list[ColumnElement[bool]]:
    """The filters of a secrets list; a client or company outside the caller's reach is 404."""
    conditions: list[ColumnElement[bool]] = []
    scope = visible_clients(user)
    if scope is not None:
        conditions.append(scope)
    if client_id is not None:
        if not await can_see_client(session, user, client_id):
            raise NotFound(msg("Client not found."))
        conditions.append(VaultSecret.client_id == client_id)
    if company_id is not None:
        company = await session.get(Company, company_id)
        if company is None or not await can_see_client(session, user, company.owner_id):
            raise NotFound(msg("Company not found."))
        conditions.append(VaultSecret.company_id == company_id)
    return conditions


async def visible_secret(session: AsyncSession, user: User, secret_id: uuid.UUID) -> VaultSecret | None:
    secret = await session.get(VaultSecret, secret_id)
    if secret is None or not await can_see_client(session, user, secret.client_id):
        return None
    return secret
