"""What the Billing page reads: the plans, the business's plan as it stands now, its subscriptions and invoices."""

from __future__ import annotations

from x8.kit.db import Database
from x8.platform.billing import repository
from x8.platform.billing.plans import PAST_DUE_GRACE, PLANS, PURCHASABLE, channel_limit, effective_status, price_of
from x8.platform.billing.repository import LIVE
from x8.platform.billing.schemas import ActiveOut, BillingHistory, InvoiceOut, PlanOut, SubscriptionOut
from x8.platform.orders.money import format_major
from x8.platform.users.models import Plan, SubscriptionStatus, User
from x8.settings import Settings


def plan_list(settings: Settings) -> list[PlanOut]:
    return [
        PlanOut(
            plan=info.plan,
            name=info.name,
            price_usd=info.monthly_price_usd,
            channels=info.channel_limit,
            purchasable=info.plan in PURCHASABLE and price_of(settings, info.plan) is not None,
        )
        for info in PLANS.values()
    ]


async def active(db: Database, business: User) -> ActiveOut:
    """Read afresh: a plan change or a webhook may have moved it since the request's user was loaded."""
    async with db.sessions() as session:
        user = await session.get(User, business.id) or business
        current = repository.current_of(await repository.subscriptions_of(session, user.id))
        used = len(await repository.chosen_channels(session, user.id))
    status = effective_status(user)
    past_due_until = (
        user.past_due_since + PAST_DUE_GRACE
        if user.subscription_status == SubscriptionStatus.PAST_DUE and user.past_due_since is not None
        else None
    )
    live = current is not None and current.status in LIVE
    return ActiveOut(
        plan=Plan(user.plan),
        name=PLANS[Plan(user.plan)].name,
        status=status,
        channel_limit=channel_limit(user),
        channels_used=used,
        current_period_end=user.subscription_ends_at,
        trial_ends_at=user.trial_ends_at,
        past_due_until=past_due_until,
        cancel_at_period_end=bool(live and current and current.cancel_at_period_end),
        subscription_id=current.id if live and current else None,
        has_billing_account=user.stripe_customer_id is not None,
    )


async def history(db: Database, business: User, *, limit: int, offset: int) -> BillingHistory:
    async with db.sessions() as session:
        subscriptions = await repository.subscriptions_of(session, business.id)
        invoices, total = await repository.invoices_of(session, business.id, limit=limit, offset=offset)
    return BillingHistory(
        items=[
            SubscriptionOut(
                id=s.id,
                plan=Plan(s.plan),
                status=s.status,
                cancel_at_period_end=s.cancel_at_period_end,
                current_period_end=s.current_period_end,
                started_at=s.started_at,
            )
            for s in subscriptions
        ],
        total=len(subscriptions),
        invoices=[
            InvoiceOut(
                id=i.id,
                number=i.number,
                subscription_id=i.subscription_id,
                status=i.status,
                amount_due=format_major(i.amount_due, i.currency),
                amount_paid=format_major(i.amount_paid, i.currency),
                currency=i.currency,
                hosted_invoice_url=i.hosted_invoice_url,
                invoice_pdf=i.invoice_pdf,
                period_start=i.period_start,
                period_end=i.period_end,
                issued_at=i.issued_at,
            )
            for i in invoices
        ],
        invoices_total=total,
    )
