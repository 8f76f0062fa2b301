"""Staff accounts and manager assignments (R-A5): a business has at most one manager."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.errors import BadRequest, Conflict, NotFound
from x8.kit.i18n import msg
from x8.platform.users.models import Role, User


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
