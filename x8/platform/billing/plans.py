"""Plans and what they allow (SPEC.md R-B1, R-B3). The one place channel limits are decided."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from x8.kit.clock import utcnow
from x8.platform.users.models import Plan, SubscriptionStatus, User


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

TRIAL_DAYS = 7


def effective_status(user: User, now: datetime | None = None) -> str:
    """The subscription status as it stands now: a trial past its end is expired."""
    now = now or utcnow()
    if user.plan == Plan.TRIAL and user.trial_ends_at is not None and user.trial_ends_at <= now:
        return SubscriptionStatus.EXPIRED
    return user.subscription_status


def channel_limit(user: User) -> int | None:
    """How many channels the business may choose across all its companies. None means unlimited."""
    if user.channel_limit_override is not None:
        return user.channel_limit_override
    return PLANS[Plan(user.plan)].channel_limit


def can_operate(user: User, now: datetime | None = None) -> bool:
    """Whether channels run and the assistant answers (R-B3)."""
    return effective_status(user, now) in (SubscriptionStatus.TRIALING, SubscriptionStatus.ACTIVE)
