"""Access to one knowledge base, as a dependency: its company must be visible (or editable, for changes) to the
caller, else 404 as if it did not exist (403 for a manager's change). The check's read ends before the endpoint
runs, like ``x8.platform.companies.scope``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from x8.kit.db import SessionDep
from x8.kit.deps import DatabaseDep
from x8.kit.errors import NotFound
from x8.kit.i18n import msg
from x8.platform.auth.deps import CurrentUser
from x8.platform.companies.scope import CompanyScope
from x8.platform.companies.service import get_editable, get_visible
from x8.platform.knowledge_base import repository
from x8.platform.knowledge_base.models import KnowledgeBase


@dataclass(frozen=True)
class KbScope:
    kb: KnowledgeBase
    company: CompanyScope


async def _scope(kb_id: uuid.UUID, user: CurrentUser, session: SessionDep, db: DatabaseDep, *, edit: bool) -> KbScope:
    kb = await repository.get(session, kb_id)
    if kb is None:
        raise NotFound(msg("Knowledge base not found."))
    try:
        company = await (get_editable if edit else get_visible)(session, user, kb.company_id)
    except NotFound as exc:
        raise NotFound(msg("Knowledge base not found.")) from exc
    await session.commit()
    return KbScope(kb, CompanyScope(company, db, user))


async def _visible(kb_id: uuid.UUID, user: CurrentUser, session: SessionDep, db: DatabaseDep) -> KbScope:
    return await _scope(kb_id, user, session, db, edit=False)


async def _editable(kb_id: uuid.UUID, user: CurrentUser, session: SessionDep, db: DatabaseDep) -> KbScope:
    return await _scope(kb_id, user, session, db, edit=True)


VisibleKb = Annotated[KbScope, Depends(_visible)]
EditableKb = Annotated[KbScope, Depends(_editable)]
