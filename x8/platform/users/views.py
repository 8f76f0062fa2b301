from __future__ import annotations

from x8.platform.auth.schemas import Me
from x8.platform.billing.plans import channel_limit, effective_status
from x8.platform.users.models import User


def me_view(user: User) -> Me:
    return Me(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        role=user.role,
        plan=user.plan,
        subscription_status=effective_status(user),
        trial_ends_at=user.trial_ends_at,
        manager_id=user.manager_id,
        language=user.language,
        timezone=user.timezone,
        channel_limit=channel_limit(user),
        has_password=user.hashed_password is not None,
    )
