"""Reading and saving versioned behaviour settings (SPEC.md R-M4)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from x8.conversations.assistant.behaviour import Behaviour, BehaviourSet
from x8.platform.assistant.models import AssistantSettings


async def latest(session: AsyncSession, company_id: uuid.UUID, scope: str, key: str) -> AssistantSettings | None:
    query = (
        select(AssistantSettings)
        .where(
            AssistantSettings.company_id == company_id,
            AssistantSettings.scope == scope,
            AssistantSettings.scope_key == key,
        )
        .order_by(AssistantSettings.version.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def version(
    session: AsyncSession, company_id: uuid.UUID, scope: str, key: str, number: int
) -> AssistantSettings | None:
    query = select(AssistantSettings).where(
        AssistantSettings.company_id == company_id,
        AssistantSettings.scope == scope,
        AssistantSettings.scope_key == key,
        AssistantSettings.version == number,
    )
    return (await session.execute(query)).scalar_one_or_none()


async def save(
    session: AsyncSession, company_id: uuid.UUID, scope: str, key: str, settings: dict[str, Any], author: uuid.UUID
) -> tuple[AssistantSettings, bool]:
    """The next version for this scope, and True; or the latest version and False when ``settings`` are the same as
    it (a save that changes nothing makes no version). Two saves racing for one number: the unique index refuses
    the second."""
    current = await latest(session, company_id, scope, key)
    if current is not None and current.settings == settings:
        return current, False
    row = AssistantSettings(
        company_id=company_id,
        scope=scope,
        scope_key=key,
        version=(current.version if current is not None else 0) + 1,
        settings=settings,
        created_by=author,
    )
    session.add(row)
    await session.flush()
    return row, True


async def behaviour_set(session: AsyncSession, company_id: uuid.UUID) -> BehaviourSet:
    """The latest version of every scope of the company, ready to resolve."""
    newest = (
        select(
            AssistantSettings.scope,
            AssistantSettings.scope_key,
            func.max(AssistantSettings.version).label("version"),
        )
        .where(AssistantSettings.company_id == company_id)
        .group_by(AssistantSettings.scope, AssistantSettings.scope_key)
        .subquery()
    )
    rows = (
        await session.execute(
            select(AssistantSettings)
            .join(
                newest,
                (AssistantSettings.scope == newest.c.scope)
                & (AssistantSettings.scope_key == newest.c.scope_key)
                & (AssistantSettings.version == newest.c.version),
            )
            .where(AssistantSettings.company_id == company_id)
        )
    ).scalars()
    company = Behaviour()
    channels: dict[str, Behaviour] = {}
    scenarios: dict[str, Behaviour] = {}
    for row in rows:
        behaviour = Behaviour.from_settings(row.settings)
        if row.scope == "company":
            company = behaviour
        elif row.scope == "channel":
            channels[row.scope_key] = behaviour
        else:
            scenarios[row.scope_key] = behaviour
    return BehaviourSet(company=company, channels=channels, scenarios=scenarios)
