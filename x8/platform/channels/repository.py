"""Queries over connected channels (control plane)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from x8.platform.channels.models import Channel


async def of_company(session: AsyncSession, company_id: uuid.UUID) -> Sequence[Channel]:
    query = select(Channel).where(Channel.company_id == company_id).order_by(Channel.created_at)
    return (await session.execute(query)).scalars().all()
