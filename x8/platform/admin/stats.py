"""The platform's business figures (SPEC.md §12 "Admin", R-X2): users, subscriptions, MRR, revenue, churn and
trial conversion, over every business (the admin) or a manager's assigned businesses. Read from billing's stored
subscriptions and invoices (``billing_subscriptions``, ``billing_invoices``) and ``users``; definitions in
docs/admin.md."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, and_, exists, func, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from x8.platform.admin.repository import effective_status_sql
from x8.platform.admin.schemas import PlatformStats
from x8.platform.billing.models import BillingInvoice, BillingSubscription
from x8.platform.billing.plans import PLANS
from x8.platform.users.models import Plan, Role, SubscriptionStatus, User

# Stripe statuses of a subscription that is billing the business (past_due: Stripe is still collecting).
PAYING = ("active", "past_due")
# Stripe statuses of a subscription that ended after running (incomplete_expired never started: not churn).
CHURNED = ("canceled", "unpaid", "paused")
LIVE = ("active", "trialing", "past_due")
CONVERSION_WINDOW = timedelta(days=30)
CENT = Decimal("0.01")


def month_start(now: datetime) -> datetime:
    """The start of ``now``'s calendar month (in ``now``'s time zone: UTC on the server)."""
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


async def figures(session: AsyncSession, now: datetime, *, manager_id: uuid.UUID | None = None) -> PlatformStats:
    """The figures over every business, or over the businesses assigned to ``manager_id``."""
    in_scope: list[ColumnElement[bool]] = [User.role == Role.CLIENT]
    if manager_id is not None:
        in_scope.append(User.manager_id == manager_id)
    businesses = select(User.id).where(*in_scope)
    since = month_start(now)

    clients = await _count(session, select(func.count()).select_from(User).where(*in_scope))
    if manager_id is None:
        total_users = await _count(session, select(func.count()).select_from(User))
        managers = await _count(session, select(func.count()).select_from(User).where(User.role == Role.MANAGER))
    else:
        total_users, managers = clients, 1

    paying_by_plan = await _paying_subscriptions_by_plan(session, businesses)
    mrr = sum(
        (_monthly_price(plan) * count for plan, count in paying_by_plan.items()),
        start=Decimal(0),
    )
    paid_cents = await session.scalar(
        select(func.coalesce(func.sum(BillingInvoice.amount_paid), 0)).where(
            BillingInvoice.business_id.in_(businesses),
            BillingInvoice.status == "paid",
            func.lower(BillingInvoice.currency) == "usd",
            BillingInvoice.issued_at >= since,
            BillingInvoice.issued_at <= now,
        )
    )
    trial_users = await _count(
        session,
        select(func.count())
        .select_from(User)
        .where(*in_scope, User.plan == Plan.TRIAL, effective_status_sql(now) == SubscriptionStatus.TRIALING),
    )
    churned = await _count(
        session,
        select(func.count(func.distinct(BillingSubscription.business_id))).where(
            BillingSubscription.business_id.in_(businesses),
            BillingSubscription.status.in_(CHURNED),
            BillingSubscription.state_as_of >= since,
            ~_has_subscription(BillingSubscription.business_id, LIVE),
        ),
    )
    trial_ended = [*in_scope, User.trial_ends_at > now - CONVERSION_WINDOW, User.trial_ends_at <= now]
    cohort = await _count(session, select(func.count()).select_from(User).where(*trial_ended))
    converted = await _count(
        session, select(func.count()).select_from(User).where(*trial_ended, _has_subscription(User.id, PAYING))
    )
    return PlatformStats(
        total_users=total_users,
        clients=clients,
        managers=managers,
        active_subscriptions=sum(paying_by_plan.values()),
        trial_users=trial_users,
        mrr=mrr.quantize(CENT),
        monthly_revenue=(Decimal(int(paid_cents or 0)) / 100).quantize(CENT),
        churned_this_month=churned,
        trial_conversion_rate=round(converted / cohort, 4) if cohort else None,
    )


async def _count(session: AsyncSession, query: Select[int]) -> int:
    return int(await session.scalar(query) or 0)


def _has_subscription(business_id: InstrumentedAttribute[uuid.UUID], statuses: tuple[str, ...]) -> ColumnElement[bool]:
    other = BillingSubscription.__table__.alias("other")
    return exists().where(and_(other.c.business_id == business_id, other.c.status.in_(statuses)))


async def _paying_subscriptions_by_plan(session: AsyncSession, businesses: Select[uuid.UUID]) -> dict[str, int]:
    """How many businesses pay for each plan: each business counted once, by its newest paying subscription (as
    billing's ``current_of`` picks it), so a stray second subscription is not counted twice."""
    newest = (
        select(BillingSubscription.business_id, BillingSubscription.plan)
        .where(BillingSubscription.business_id.in_(businesses), BillingSubscription.status.in_(PAYING))
        .order_by(
            BillingSubscription.business_id,
            BillingSubscription.started_at.desc().nulls_last(),
            BillingSubscription.created_at.desc(),
        )
        .ext(distinct_on(BillingSubscription.business_id))
        .subquery()
    )
    rows = (await session.execute(select(newest.c.plan, func.count()).group_by(newest.c.plan))).all()
    return {str(plan): int(count) for plan, count in rows}


def _monthly_price(plan: str) -> Decimal:
    """A plan's monthly price in USD; a plan X8 sells no Stripe price for (FREE, ENTERPRISE) counts nothing."""
    try:
        price = PLANS[Plan(plan)].monthly_price_usd
    except ValueError:
        return Decimal(0)
    return Decimal(str(price)) if price is not None else Decimal(0)
