"""Billing's queries: the business's Stripe customer, its subscriptions and invoices, and the plan state on
``users`` that is derived from them. Functions take a session; callers decide the transaction (short ones: no
Stripe call is ever made while one is open)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from x8.platform.billing.models import BillingInvoice, BillingSubscription
from x8.platform.billing.plans import ADMIN_GRANTED
from x8.platform.channels.models import Channel
from x8.platform.companies.models import Company
from x8.platform.users.models import Plan, SubscriptionStatus, User

# Stripe's subscription statuses, as X8's: a live subscription runs the business; one that ended cancels it; one
# Stripe gave up collecting for (``unpaid``) or paused expires it. ``incomplete`` (the first payment has not gone
# through yet) says nothing about the business, so it changes nothing.
LIVE = {
    "active": SubscriptionStatus.ACTIVE,
    "trialing": SubscriptionStatus.TRIALING,
    "past_due": SubscriptionStatus.PAST_DUE,
}
ENDED = {
    "canceled": SubscriptionStatus.CANCELED,
    "incomplete_expired": SubscriptionStatus.CANCELED,
    "unpaid": SubscriptionStatus.EXPIRED,
    "paused": SubscriptionStatus.EXPIRED,
}


async def keep_customer(session: AsyncSession, business_id: uuid.UUID, customer_id: str) -> str | None:
    """Keep ``customer_id`` as the business's Stripe customer unless it has one already; the one it has now."""
    await session.execute(
        update(User)
        .where(User.id == business_id, User.stripe_customer_id.is_(None))
        .values(stripe_customer_id=customer_id)
    )
    kept: str | None = await session.scalar(select(User.stripe_customer_id).where(User.id == business_id))
    return kept


async def business_for(session: AsyncSession, customer_id: str | None, claimed: str | None) -> User | None:
    """The business a Stripe object belongs to: by its customer, else by the ``x8_user_id`` X8 put in its
    metadata (only while that business has no other customer). Locked for the update that follows."""
    if customer_id:
        found = (
            await session.execute(select(User).where(User.stripe_customer_id == customer_id).with_for_update())
        ).scalar_one_or_none()
        if found is not None:
            return found
    if claimed:
        try:
            business_id = uuid.UUID(claimed)
        except ValueError:
            return None
        found = (
            await session.execute(
                select(User)
                .where(
                    User.id == business_id,
                    or_(User.stripe_customer_id.is_(None), User.stripe_customer_id == customer_id),
                )
                .with_for_update()
            )
        ).scalar_one_or_none()
        if found is not None and customer_id and found.stripe_customer_id is None:
            found.stripe_customer_id = customer_id
        return found
    return None


@dataclass(frozen=True)
class SubscriptionState:
    """A subscription as Stripe described it at ``as_of``."""

    id: str
    plan: Plan
    price_id: str
    item_id: str | None
    status: str
    cancel_at_period_end: bool
    current_period_end: datetime | None
    started_at: datetime | None
    as_of: datetime


async def record_subscription(session: AsyncSession, business_id: uuid.UUID, state: SubscriptionState) -> bool:
    """Store the subscription unless a newer view of it is stored already. True when it was stored."""
    values: dict[str, Any] = {
        "plan": state.plan.value,
        "price_id": state.price_id,
        "item_id": state.item_id,
        "status": state.status,
        "cancel_at_period_end": state.cancel_at_period_end,
        "current_period_end": state.current_period_end,
        "started_at": state.started_at,
        "state_as_of": state.as_of,
    }
    statement = insert(BillingSubscription).values(id=state.id, business_id=business_id, **values)
    result = await session.execute(
        statement.on_conflict_do_update(
            index_elements=[BillingSubscription.id],
            set_={**values, "updated_at": func.now()},
            where=(BillingSubscription.state_as_of <= state.as_of) & (BillingSubscription.business_id == business_id),
        ).returning(BillingSubscription.id)
    )
    return result.first() is not None


async def subscriptions_of(session: AsyncSession, business_id: uuid.UUID) -> Sequence[BillingSubscription]:
    query = (
        select(BillingSubscription)
        .where(BillingSubscription.business_id == business_id)
        .order_by(BillingSubscription.started_at.desc().nulls_last(), BillingSubscription.created_at.desc())
    )
    return (await session.execute(query)).scalars().all()


def current_of(subscriptions: Sequence[BillingSubscription]) -> BillingSubscription | None:
    """The subscription that decides the business's plan: the newest live one, else the newest that ended."""
    ordered = list(subscriptions)  # newest first
    live = [s for s in ordered if s.status in LIVE]
    if live:
        return live[0]
    ended = [s for s in ordered if s.status in ENDED]
    return ended[0] if ended else None


async def derive_plan_state(session: AsyncSession, business: User, *, as_of: datetime) -> None:
    """Set the business's plan and status from its subscriptions (the caller holds its row locked). A plan the
    admin granted (FREE, ENTERPRISE) is not taken away by a subscription ending."""
    current = current_of(await subscriptions_of(session, business.id))
    if current is None:
        return
    if current.status in LIVE:
        status = LIVE[current.status]
    else:
        if business.plan in ADMIN_GRANTED:
            return
        status = ENDED[current.status]
    business.plan = current.plan
    business.subscription_status = status
    business.subscription_ends_at = current.current_period_end
    if status == SubscriptionStatus.PAST_DUE:
        business.past_due_since = business.past_due_since or as_of
    else:
        business.past_due_since = None


async def mark_payment_failed(session: AsyncSession, business: User, subscription_id: str, *, as_of: datetime) -> None:
    """An invoice of the business's current subscription failed: it is past due (its grace runs from the first
    failure)."""
    current = current_of(await subscriptions_of(session, business.id))
    if current is None or current.id != subscription_id or current.status not in LIVE:
        return
    business.subscription_status = SubscriptionStatus.PAST_DUE
    business.past_due_since = business.past_due_since or as_of


async def mark_paid(session: AsyncSession, business: User, subscription_id: str) -> None:
    """An invoice of the business's current subscription was paid: a past-due business is active again."""
    current = current_of(await subscriptions_of(session, business.id))
    if current is None or current.id != subscription_id:
        return
    if business.subscription_status in (SubscriptionStatus.PAST_DUE, SubscriptionStatus.EXPIRED):
        business.subscription_status = SubscriptionStatus.ACTIVE
    business.past_due_since = None


async def record_invoice(session: AsyncSession, business_id: uuid.UUID, values: dict[str, Any]) -> bool:
    """Store an invoice (``values`` has every column but ``business_id``) unless a newer view is stored."""
    invoice_id = values["id"]
    changes = {k: v for k, v in values.items() if k != "id"}
    statement = insert(BillingInvoice).values(business_id=business_id, **values)
    result = await session.execute(
        statement.on_conflict_do_update(
            index_elements=[BillingInvoice.id],
            set_={**changes, "updated_at": func.now()},
            where=(BillingInvoice.state_as_of <= values["state_as_of"]) & (BillingInvoice.business_id == business_id),
        ).returning(BillingInvoice.id)
    )
    return result.first() is not None and bool(invoice_id)


async def invoices_of(
    session: AsyncSession, business_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[Sequence[BillingInvoice], int]:
    total = int(
        await session.scalar(
            select(func.count()).select_from(BillingInvoice).where(BillingInvoice.business_id == business_id)
        )
        or 0
    )
    rows = (
        await session.execute(
            select(BillingInvoice)
            .where(BillingInvoice.business_id == business_id)
            .order_by(BillingInvoice.issued_at.desc(), BillingInvoice.id)
            .limit(limit)
            .offset(offset)
        )
    ).scalars()
    return rows.all(), total


@dataclass(frozen=True)
class ChosenChannel:
    """A channel a company has chosen (what the plan's limit counts); ``id`` is None until it is connected."""

    id: uuid.UUID | None
    platform: str
    company_id: uuid.UUID


async def chosen_channels(session: AsyncSession, business_id: uuid.UUID) -> list[ChosenChannel]:
    """Every channel chosen across the business's companies, oldest company first."""
    companies = (
        await session.execute(
            select(Company.id, Company.channels).where(Company.owner_id == business_id).order_by(Company.created_at)
        )
    ).all()
    ids = {uuid.UUID(str(company_id)) for company_id, _ in companies}
    rows = (
        (
            await session.execute(
                select(Channel.company_id, Channel.platform, Channel.id).where(Channel.company_id.in_(ids))
            )
        ).all()
        if ids
        else []
    )
    connected = {(company_id, platform): channel_id for company_id, platform, channel_id in rows}
    return [
        ChosenChannel(connected.get((company_id, platform)), platform, company_id)
        for company_id, platforms in companies
        for platform in platforms
    ]


def select_customer(business_id: uuid.UUID) -> Select[str | None]:
    """The business's Stripe customer id, read afresh."""
    return select(User.stripe_customer_id).where(User.id == business_id)
