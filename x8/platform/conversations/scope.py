"""Access to one conversation, as a dependency: the conversation's company (found through ``conversation_refs``)
must be visible to the caller, or editable for changes; otherwise 404 (403 for a manager's change). The check's
read ends its transaction before the endpoint runs, like ``x8.platform.companies.scope``."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from x8.kit.db import SessionDep
from x8.kit.deps import DatabaseDep
from x8.kit.errors import NotFound
from x8.kit.i18n import msg
from x8.platform.auth.deps import CurrentUser
from x8.platform.channels.models import ConversationRef
from x8.platform.companies.scope import CompanyScope
from x8.platform.companies.service import get_editable, get_visible


async def _scope(
    conversation_id: uuid.UUID, user: CurrentUser, session: SessionDep, db: DatabaseDep, *, edit: bool
) -> CompanyScope:
    ref = await session.get(ConversationRef, conversation_id)
    if ref is None:
        raise NotFound(msg("Conversation not found."))
    try:
        company = await (get_editable if edit else get_visible)(session, user, ref.company_id)
    except NotFound as exc:
        raise NotFound(msg("Conversation not found.")) from exc
    await session.commit()
    return CompanyScope(company, db, user)


async def _visible(conversation_id: uuid.UUID, user: CurrentUser, session: SessionDep, db: DatabaseDep) -> CompanyScope:
    return await _scope(conversation_id, user, session, db, edit=False)


async def _editable(
    conversation_id: uuid.UUID, user: CurrentUser, session: SessionDep, db: DatabaseDep
) -> CompanyScope:
    return await _scope(conversation_id, user, session, db, edit=True)


ConversationCompany = Annotated[CompanyScope, Depends(_visible)]
EditableConversationCompany = Annotated[CompanyScope, Depends(_editable)]
