"""The development mailbox's queries."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from x8.platform.mail.models import DevMail


async def recent(session: AsyncSession, to: str | None, *, limit: int = 50) -> Sequence[DevMail]:
    """The newest mails, to one address when ``to`` is given."""
    query = select(DevMail).order_by(DevMail.created_at.desc()).limit(limit)
    if to:
        query = query.where(DevMail.to_email == to.strip().lower())
    return (await session.execute(query)).scalars().all()
