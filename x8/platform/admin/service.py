"""Staff accounts and manager assignments (R-A5): a business has at most one manager. An admin's overrides of a
business's plan, trial and limits (SPEC.md §11, "Admin overrides")."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.errors import BadRequest, Conflict, NotFound
from x8.kit.i18n import msg
from x8.platform.admin.schemas import ClientLimitsIn
from x8.platform.users.models import Plan, Role, SubscriptionStatus, User


async def assign_manager(
    session: AsyncSession, *, manager_id: uuid.UUID, client_id: uuid.UUID, reassign: bool
) -> tuple[User, uuid.UUID | None]:
    """Assign a business to a manager. Returns the client and its previous manager id."""
    manager = await session.get(User, manager_id)
    if manager is None or manager.role != Role.MANAGER:
        raise NotFound(msg("Manager not found."))
    client = (await session.execute(select(User).where(User.id == client_id).with_for_update())).scalar_one_or_none()
    if client is None or client.role != Role.CLIENT:
        raise NotFound(msg("Business not found."))
    previous = client.manager_id
    if previous == manager.id:
        return client, previous
    if previous is not None and not reassign:
        raise Conflict(
            msg("This business already has a manager. Send reassign=true to move it to another manager."),
            current_manager_id=str(previous),
        )
    if not manager.is_active:
        raise BadRequest(msg("This manager account is disabled."))
    client.manager_id = manager.id
    return client, previous


async def unassign(session: AsyncSession, client_id: uuid.UUID) -> tuple[User, uuid.UUID | None]:
    client = await session.get(User, client_id)
    if client is None or client.role != Role.CLIENT:
        raise NotFound(msg("Business not found."))
    previous = client.manager_id
    client.manager_id = None
    return client, previous


async def override_client(
    session: AsyncSession, client_id: uuid.UUID, body: ClientLimitsIn, now: datetime
) -> dict[str, Any]:
    """Apply the fields sent to the business (locked). A plan granted here is active at once (a TRIAL one is
    trialing until its end); a trial end moved into the future reopens an expired trial. Returns what changed,
    as JSON for the audit log."""
    client = (await session.execute(select(User).where(User.id == client_id).with_for_update())).scalar_one_or_none()
    if client is None or client.role != Role.CLIENT:
        raise NotFound(msg("Business not found."))
    changes = body.model_dump(mode="json", exclude_unset=True)
    for field in ("channel_limit_override", "company_limit_override"):
        if field in body.model_fields_set:
            setattr(client, field, getattr(body, field))
    if body.trial_ends_at is not None:
        client.trial_ends_at = body.trial_ends_at
    if body.plan is not None:
        client.plan = body.plan
        client.past_due_since = None
        if body.plan != Plan.TRIAL:
            client.subscription_status = SubscriptionStatus.ACTIVE
    if client.plan == Plan.TRIAL and ("plan" in changes or "trial_ends_at" in changes):
        ends = client.trial_ends_at
        ended = ends is not None and ends <= now
        client.subscription_status = SubscriptionStatus.EXPIRED if ended else SubscriptionStatus.TRIALING
    return changes
