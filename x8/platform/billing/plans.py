"""Plans and what they allow (SPEC.md R-B1, R-B3). The one place channel limits and "may this business operate"
are decided; everything else (the channel checks, the assistant, the Billing page) asks here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from x8.kit.clock import utcnow
from x8.platform.users.models import Plan, SubscriptionStatus, User
from x8.settings import Settings


@dataclass(frozen=True)
class PlanInfo:
    plan: Plan
    name: str
    monthly_price_usd: float | None
    channel_limit: int | None  # None: unlimited


PLANS: dict[Plan, PlanInfo] = {
    Plan.TRIAL: PlanInfo(Plan.TRIAL, "Trial (7 days)", 0.0, 1),
    Plan.FREE: PlanInfo(Plan.FREE, "Free", 0.0, 1),
    Plan.SINGLE: PlanInfo(Plan.SINGLE, "Single", 9.99, 1),
    Plan.DOUBLE: PlanInfo(Plan.DOUBLE, "Double", 19.99, 2),
    Plan.GROWTH: PlanInfo(Plan.GROWTH, "Growth", 49.99, 4),
    Plan.SPECIAL: PlanInfo(Plan.SPECIAL, "Special", 29.99, 3),
    Plan.ENTERPRISE: PlanInfo(Plan.ENTERPRISE, "Enterprise", None, None),
}

# What a business can buy through Stripe; TRIAL comes with registration, FREE and ENTERPRISE only from an admin.
PURCHASABLE: tuple[Plan, ...] = (Plan.SINGLE, Plan.DOUBLE, Plan.GROWTH, Plan.SPECIAL)
ADMIN_GRANTED: frozenset[Plan] = frozenset({Plan.FREE, Plan.ENTERPRISE})

TRIAL_DAYS = 7
PAST_DUE_GRACE = timedelta(days=3)

OPERATING = frozenset({SubscriptionStatus.TRIALING, SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE})


def effective_status(user: User, now: datetime | None = None) -> str:
    """The subscription status as it stands now: a trial past its end is ``expired``, and so is a subscription
    ``past_due`` for longer than the grace period after its first failed invoice."""
    now = now or utcnow()
    if user.plan == Plan.TRIAL and user.trial_ends_at is not None and user.trial_ends_at <= now:
        return SubscriptionStatus.EXPIRED
    if user.subscription_status == SubscriptionStatus.PAST_DUE:
        since = user.past_due_since
        if since is not None and since + PAST_DUE_GRACE <= now:
            return SubscriptionStatus.EXPIRED
    return user.subscription_status


def limit_of(plan: Plan, override: int | None) -> int | None:
    """The channel limit of ``plan``, or the admin's override when there is one. None means unlimited."""
    if override is not None:
        return override
    return PLANS[plan].channel_limit


def channel_limit(user: User) -> int | None:
    """How many channels the business may choose across all its companies. None means unlimited."""
    return limit_of(Plan(user.plan), user.channel_limit_override)


def can_operate(user: User, now: datetime | None = None) -> bool:
    """Whether channels run and the assistant answers (R-B3): not when canceled or expired (a past-due
    subscription keeps working through its grace period)."""
    return effective_status(user, now) in OPERATING


def price_of(settings: Settings, plan: Plan) -> str | None:
    """The Stripe price a plan is sold at (``STRIPE_PRICE_<PLAN>``); None when it is not on sale here."""
    prices = _prices(settings)
    return next((price for price, priced in prices.items() if priced == plan), None)


def plan_of_price(settings: Settings, price_id: str) -> Plan | None:
    """The plan a Stripe price id stands for, or None for a price X8 does not sell."""
    return _prices(settings).get(price_id)


def _prices(settings: Settings) -> dict[str, Plan]:
    configured = {
        Plan.SINGLE: settings.stripe_price_single,
        Plan.DOUBLE: settings.stripe_price_double,
        Plan.GROWTH: settings.stripe_price_growth,
        Plan.SPECIAL: settings.stripe_price_special,
    }
    return {price: plan for plan, price in configured.items() if price}
