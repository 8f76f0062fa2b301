"""Access to one company, as a dependency: who may see or edit it is checked once, here, and the endpoint gets the
company and its tenant sessions. Endpoints neither repeat the visibility check nor open tenant sessions by hand.

``company_id`` comes from the path when the route has ``{company_id}``, else from the query (or, for uploads, the
form). Another business's
company answers 404, so existence does not leak (R-C3); a manager asking to edit gets 403.

The check's read ends its transaction before the endpoint runs (as the authenticator's does), so an endpoint that
calls a provider first (the KB search's embedder) does so with no transaction open.
"""

from __future__ import annotations

import uuid
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Form

from x8.kit.db import Database, SessionDep
from x8.kit.deps import DatabaseDep
from x8.platform.auth.deps import CurrentUser
from x8.platform.companies.models import Company
from x8.platform.companies.service import get_editable, get_visible
from x8.platform.users.models import User
from x8.tenancy.session import TenantSession, TenantSessionFactory, tenant_session, tenant_sessions


@dataclass(frozen=True)
class TenantScope:
    """One company and its tenant data, whoever the caller is (a user, or a tenant key)."""

    company: Company
    db: Database

    @property
    def id(self) -> uuid.UUID:
        return self.company.id

    def tenant(self) -> AbstractAsyncContextManager[TenantSession]:
        """One transaction in the company's tenant schema."""
        return tenant_session(self.db, self.company.id)

    def tenant_sessions(self) -> TenantSessionFactory:
        """A new short tenant transaction per call, for work that calls a provider between its steps."""
        return tenant_sessions(self.db, self.company.id)


@dataclass(frozen=True)
class CompanyScope(TenantScope):
    """A company a signed-in user may see (or edit)."""

    user: User


async def visible_company(
    company_id: uuid.UUID, user: CurrentUser, session: SessionDep, db: DatabaseDep
) -> CompanyScope:
    company = await get_visible(session, user, company_id)
    await session.commit()
    return CompanyScope(company, db, user)


async def _editable(company_id: uuid.UUID, user: CurrentUser, session: SessionDep, db: DatabaseDep) -> CompanyScope:
    company = await get_editable(session, user, company_id)
    await session.commit()
    return CompanyScope(company, db, user)


async def _editable_form(
    company_id: Annotated[uuid.UUID, Form()], user: CurrentUser, session: SessionDep, db: DatabaseDep
) -> CompanyScope:
    return await _editable(company_id, user, session, db)


VisibleCompany = Annotated[CompanyScope, Depends(visible_company)]
EditableCompany = Annotated[CompanyScope, Depends(_editable)]
EditableCompanyForm = Annotated[CompanyScope, Depends(_editable_form)]
"""For multipart uploads, where ``company_id`` is a form field."""
