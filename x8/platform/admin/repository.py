from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.clock import utcnow
from x8.kit.errors import NotFound
from x8.kit.i18n import msg
from x8.kit.sql import escape_like
from x8.platform.admin.schemas import ClientOut, ManagerOut
from x8.platform.billing.plans import PAST_DUE_GRACE, effective_status
from x8.platform.companies.models import Company
from x8.platform.users.models import Plan, Role, SubscriptionStatus, User


def effective_status_sql(now: datetime) -> ColumnElement[str]:
    """``billing.plans.effective_status`` as SQL, so lists filter and count by the status as it stands now."""
    return case(
        ((User.plan == Plan.TRIAL) & (User.trial_ends_at <= now), literal(SubscriptionStatus.EXPIRED.value)),
        (
            (User.subscription_status == SubscriptionStatus.PAST_DUE) & (User.past_due_since + PAST_DUE_GRACE <= now),
            literal(SubscriptionStatus.EXPIRED.value),
        ),
        else_=User.subscription_status,
    )


async def list_clients(
    session: AsyncSession,
    *,
    manager_id: uuid.UUID | None = None,
    unassigned: bool = False,
    q: str | None = None,
    plan: Plan | None = None,
    status: SubscriptionStatus | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[ClientOut], int]:
    conditions: list[ColumnElement[bool]] = [User.role == Role.CLIENT]
    if manager_id is not None:
        conditions.append(User.manager_id == manager_id)
    if unassigned:
        conditions.append(User.manager_id.is_(None))
    if plan:
        conditions.append(User.plan == plan)
    if status:
        conditions.append(effective_status_sql(utcnow()) == status.value)
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


async def assigned_client(session: AsyncSession, *, manager_id: uuid.UUID, client_id: uuid.UUID) -> ClientOut:
    """A business of this manager's; another manager's (or an unknown id) is 404, so ids reveal nothing."""
    client = await session.scalar(
        select(User).where(User.id == client_id, User.role == Role.CLIENT, User.manager_id == manager_id)
    )
    if client is None:
        raise NotFound(msg("Business not found."))
    return client_out(client, await client_company_count(session, client.id))


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
