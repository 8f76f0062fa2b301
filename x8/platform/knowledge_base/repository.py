"""Queries over the control-plane registry of knowledge bases (the rows themselves live in tenant schemas)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from x8.platform.companies.models import Company
from x8.platform.knowledge_base.models import KnowledgeBase


async def get(session: AsyncSession, kb_id: uuid.UUID) -> KnowledgeBase | None:
    return await session.get(KnowledgeBase, kb_id)


async def of_company(session: AsyncSession, company_id: uuid.UUID) -> Sequence[KnowledgeBase]:
    query = select(KnowledgeBase).where(KnowledgeBase.company_id == company_id).order_by(KnowledgeBase.created_at)
    return (await session.execute(query)).scalars().all()


async def ids_of_company(session: AsyncSession, company_id: uuid.UUID) -> list[uuid.UUID]:
    query = select(KnowledgeBase.id).where(KnowledgeBase.company_id == company_id)
    return list((await session.execute(query)).scalars())


async def default_for(session: AsyncSession, company: Company) -> KnowledgeBase:
    """The company's first KB, created empty if it has none."""
    kb = (
        await session.execute(
            select(KnowledgeBase)
            .where(KnowledgeBase.company_id == company.id)
            .order_by(KnowledgeBase.created_at)
            .limit(1)
        )
    ).scalar_one_or_none()
    if kb is None:
        kb = KnowledgeBase(company_id=company.id, name="Catalogue", kind=company.company_type, row_count=0)
        session.add(kb)
        await session.flush()
    return kb
