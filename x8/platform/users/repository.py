from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.clock import utcnow
from x8.kit.errors import Conflict
from x8.kit.i18n import msg
from x8.kit.security import hash_password
from x8.platform.billing.plans import TRIAL_DAYS
from x8.platform.users.models import Plan, Role, SubscriptionStatus, User


async def get_by_email(session: AsyncSession, email: str) -> User | None:
    return (await session.execute(select(User).where(User.email == email))).scalar_one_or_none()


async def get_by_provider_subject(session: AsyncSession, provider: str, subject: str) -> User | None:
    """The account linked to a Google or Facebook identity."""
    column = User.google_sub if provider == "google" else User.facebook_id
    return (await session.execute(select(User).where(column == subject))).scalar_one_or_none()


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    password: str | None,
    full_name: str,
    role: Role = Role.CLIENT,
    email_verified: bool = True,
) -> User:
    """Create an account. A CLIENT starts a 7-day trial; staff accounts carry no plan limits."""
    if await get_by_email(session, email) is not None:
        raise Conflict(msg("An account with this email already exists. Sign in or reset your password."))
    now = utcnow()
    client = role == Role.CLIENT
    user = User(
        email=email,
        hashed_password=hash_password(password) if password else None,
        full_name=full_name.strip(),
        role=role,
        plan=Plan.TRIAL if client else Plan.ENTERPRISE,
        subscription_status=SubscriptionStatus.TRIALING if client else SubscriptionStatus.ACTIVE,
        trial_ends_at=now + timedelta(days=TRIAL_DAYS) if client else None,
        email_verified_at=now if email_verified else None,
    )
    session.add(user)
    await session.flush()
    return user
