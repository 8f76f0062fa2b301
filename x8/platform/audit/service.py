from __future__ import annotations

import uuid
from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.client import client_ip
from x8.platform.audit.models import AuditEntry


async def record(
    session: AsyncSession,
    *,
    actor_id: uuid.UUID | None,
    action: str,
    target_type: str,
    target_id: str | None,
    ip: str | None,
    details: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            actor_id=actor_id,
            action=action,
            target_type=target_type,
            target_id=target_id,
            ip=ip,
            details=details or {},
        )
    )


async def audit(
    session: AsyncSession,
    request: Request,
    actor_id: uuid.UUID | None,
    action: str,
    target: tuple[str, object],
    details: dict[str, Any] | None = None,
) -> None:
    """Record an action taken in this request; ``target`` is (type, id), the IP comes from the request."""
    target_type, target_id = target
    await record(
        session,
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        ip=client_ip(request),
        details=details,
    )
