"""Companies: who may see and change which, channel choices within the plan, and tenant provisioning."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Select, delete, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.db import Database
from x8.kit.errors import Forbidden, NotFound, PaymentRequired
from x8.kit.i18n import msg
from x8.platform.billing.plans import can_operate, channel_limit
from x8.platform.companies.models import Company
from x8.platform.companies.schemas import CompanyCreate, CompanyUpdate
from x8.platform.users.models import Role, User
from x8.tenancy.names import TenantNames
from x8.tenancy.provisioning import drop_tenant, provision_tenant


def visible_companies(user: User) -> Select[Company]:
    """Companies this user may read: own (client), assigned businesses' (manager), all (admin)."""
    query = select(Company)
    if user.role == Role.ADMIN:
        return query
    if user.role == Role.MANAGER:
        return query.join(User, User.id == Company.owner_id).where(User.manager_id == user.id)
    return query.where(Company.owner_id == user.id)


async def list_companies(
    session: AsyncSession, user: User, *, limit: int, offset: int
) -> tuple[Sequence[Company], int]:
    base = visible_companies(user)
    total = (await session.execute(select(func.count()).select_from(base.subquery()))).scalar_one()
    rows = (
        (await session.execute(base.order_by(Company.created_at, Company.company_id).limit(limit).offset(offset)))
        .scalars()
        .all()
    )
    return rows, total


async def get_visible(session: AsyncSession, user: User, company_id: uuid.UUID) -> Company:
    """The company if this user may see it; otherwise 404, so existence does not leak (R-C3)."""
    company = (await session.execute(visible_companies(user).where(Company.id == company_id))).scalar_one_or_none()
    if company is None:
        raise NotFound(msg("Company not found."))
    return company


async def get_editable(session: AsyncSession, user: User, company_id: uuid.UUID) -> Company:
    company = await get_visible(session, user, company_id)
    if user.role == Role.MANAGER:
        raise Forbidden(msg("Managers can view their businesses' companies; the business owner edits them."))
    return company


async def channels_in_use(session: AsyncSession, owner_id: uuid.UUID, *, excluding: uuid.UUID | None = None) -> int:
    """Channels chosen across the owner's companies (the plan's limit counts them all)."""
    query = select(func.coalesce(func.sum(func.cardinality(Company.channels)), 0)).where(Company.owner_id == owner_id)
    if excluding is not None:
        query = query.where(Company.id != excluding)
    return int((await session.execute(query)).scalar_one())


async def check_channel_choice(
    session: AsyncSession,
    owner: User,
    wanted: Sequence[str],
    *,
    company_id: uuid.UUID | None,
    previous: Sequence[str] = (),
) -> None:
    """Refuse (402) channel choices beyond the plan's limit, counted across the business's companies."""
    if not set(wanted) - set(previous):
        return
    if not can_operate(owner):
        raise PaymentRequired(
            msg(
                "Your trial or subscription has ended, so new channels cannot be added. Choose a plan on the "
                "Billing page; your data is kept."
            )
        )
    limit = channel_limit(owner)
    if limit is None:
        return
    others = await channels_in_use(session, owner.id, excluding=company_id)
    if others + len(wanted) > limit:
        in_use = others + len(previous)  # what the business has chosen right now, this company included
        raise PaymentRequired(
            msg(
                "Your plan allows {limit} {limit:plural:channel|channels} across all companies and "
                "{in_use} {in_use:plural:is|are} already in use. Upgrade your plan to add more.",
                limit=limit,
                in_use=in_use,
            ),
            limit=limit,
            in_use=in_use,
        )


async def create_company(
    session: AsyncSession, owner_db: Database, owner: User, data: CompanyCreate, *, app_role: str, max_companies: int
) -> Company:
    """Insert the company and provision its tenant schema in one owner transaction: all or nothing."""
    if owner.role != Role.CLIENT:
        raise Forbidden(msg("Only a business account can create companies."))
    # The owner's row, locked against a concurrent creation, so the count below cannot be passed twice. NO KEY
    # UPDATE: the insert's foreign key check (KEY SHARE, on the owner connection) must not wait on this lock.
    await session.execute(select(User.id).where(User.id == owner.id).with_for_update(key_share=True))
    limit = owner.company_limit_override if owner.company_limit_override is not None else max_companies
    existing = int(await session.scalar(select(func.count()).where(Company.owner_id == owner.id)) or 0)
    if existing >= limit:
        raise PaymentRequired(
            msg(
                "This account can have at most {limit} {limit:plural:company|companies}. Delete one, or ask us to "
                "raise the limit.",
                limit=limit,
            ),
            limit=limit,
        )
    channels = [c.value for c in data.channels]
    await check_channel_choice(session, owner, channels, company_id=None)
    company_uuid = uuid.uuid4()
    async with owner_db.engine.begin() as connection:
        number = (await connection.execute(text("SELECT nextval('company_number_seq')"))).scalar_one()
        await connection.execute(
            insert(Company).values(
                id=company_uuid,
                company_id=f"COMP{number:03d}",
                owner_id=owner.id,
                name=data.name.strip(),
                company_type=data.company_type.value,
                shop_type=data.shop_type,
                timezone=data.timezone,
                language=data.language,
                channels=channels,
                privacy_policy_url=str(data.privacy_policy_url) if data.privacy_policy_url else None,
                tenant_schema=TenantNames(company_uuid).schema,
            )
        )
        await provision_tenant(connection, company_uuid, app_role=app_role)
    company = await session.get(Company, company_uuid)
    assert company is not None
    return company


async def update_company(session: AsyncSession, user: User, company_id: uuid.UUID, data: CompanyUpdate) -> Company:
    company = await get_editable(session, user, company_id)
    changes = data.model_dump(exclude_unset=True)
    if "channels" in changes and data.channels is not None:
        owner = await session.get(User, company.owner_id)
        assert owner is not None
        wanted = [c.value for c in data.channels]
        await check_channel_choice(session, owner, wanted, company_id=company.id, previous=company.channels)
        company.channels = wanted
    for field in ("name", "shop_type", "timezone", "language"):
        if field in changes:
            value = changes[field]
            if field == "name" and value is None:
                continue
            setattr(company, field, value.strip() if field == "name" else value)
    if "company_type" in changes and data.company_type is not None:
        company.company_type = data.company_type.value
    if "privacy_policy_url" in changes:
        company.privacy_policy_url = str(data.privacy_policy_url) if data.privacy_policy_url else None
    await session.flush()
    await session.refresh(company)
    return company


async def delete_company(session: AsyncSession, owner_db: Database, user: User, company_id: uuid.UUID) -> None:
    """Delete the company row and drop its schema and roles in one owner transaction."""
    company = await get_editable(session, user, company_id)
    session.expunge(company)
    async with owner_db.engine.begin() as connection:
        await connection.execute(delete(Company).where(Company.id == company.id))
        await drop_tenant(connection, company.id)
