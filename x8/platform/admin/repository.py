from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.sql import escape_like
from x8.platform.admin.schemas import ClientOut, ManagerOut
from x8.platform.billing.plans import effective_status
from x8.platform.companies.models import Company
from x8.platform.users.models import Role, User


async def list_clients(
    session: AsyncSession,
    *,
    manager_id: uuid.UUID | None = None,
    q: str | None = None,
    plan: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[ClientOut], int]:
    conditions: list[ColumnElement[bool]] = [User.role == Role.CLIENT]
    if manager_id is not None:
        conditions.append(User.manager_id == manager_id)
    if plan:
        conditions.append(User.plan == plan)
    if q:
        pattern = f"%{escape_like(q.strip().lower())}%"
        conditions.append(or_(User.email.like(pattern), func.lower(User.full_name).like(pattern)))
    total = (await session.execute(select(func.count()).select_from(User).where(*conditions))).scalar_one()
    companies = select(func.count()).select_from(Company).where(Company.owner_id == User.id).scalar_subquery()
    rows: Sequence[tuple[User, int]] = (
        await session.execute(
            select(User, companies).where(*conditions).order_by(User.created_at.desc()).limit(limit).offset(offset)
        )
    ).all()
    return [client_out(u, count) for u, count in rows], total


def client_out(u: User, company_count: int) -> ClientOut:
    return ClientOut(
        id=u.id,
        email=u.email,
        full_name=u.full_name,
        plan=u.plan,
        subscription_status=effective_status(u),
        trial_ends_at=u.trial_ends_at,
        subscription_ends_at=u.subscription_ends_at,
        manager_id=u.manager_id,
        company_count=company_count,
        channel_limit_override=u.channel_limit_override,
        company_limit_override=u.company_limit_override,
        created_at=u.created_at,
    )


async def client_company_count(session: AsyncSession, client_id: uuid.UUID) -> int:
    return int(
        await session.scalar(select(func.count()).select_from(Company).where(Company.owner_id == client_id)) or 0
    )


async def list_managers(session: AsyncSession, *, limit: int, offset: int) -> tuple[list[ManagerOut], int]:
    client = User.__table__.alias("client")
    counts = select(func.count()).select_from(client).where(client.c.manager_id == User.id).scalar_subquery()
    total = (
        await session.execute(select(func.count()).select_from(User).where(User.role == Role.MANAGER))
    ).scalar_one()
    rows = (
        await session.execute(
            select(User, counts).where(User.role == Role.MANAGER).order_by(User.created_at).limit(limit).offset(offset)
        )
    ).all()
    items = [
        ManagerOut(
            id=u.id,
            email=u.email,
            full_name=u.full_name,
            is_active=u.is_active,
            client_count=n,
            created_at=u.created_at,
        )
        for u, n in rows
    ]
    return items, total
