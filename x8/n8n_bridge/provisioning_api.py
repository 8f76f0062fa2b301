"""Provisioning on demand and what it made: ``POST /api/v1/n8n/provision`` and ``GET /api/v1/n8n/bindings``
(SPEC.md §10), for the company's owner (a user, not a tenant key)."""

from __future__ import annotations

from fastapi import APIRouter

from x8.kit.db import SessionDep, after_commit
from x8.kit.deps import DatabaseDep, SettingsDep
from x8.kit.errors import Conflict, Forbidden, NotFound, error_responses
from x8.kit.i18n import msg
from x8.n8n_bridge import bindings
from x8.n8n_bridge.schemas import BindingList, BindingOut, ProvisionIn, ProvisionQueued
from x8.n8n_bridge.tasks import schedule_provisioning
from x8.platform.auth.deps import CurrentUser
from x8.platform.companies.scope import VisibleCompany
from x8.platform.companies.service import get_editable

router = APIRouter(prefix="/api/v1/n8n", tags=["n8n"])


@router.post(
    "/provision",
    response_model=ProvisionQueued,
    status_code=202,
    responses=error_responses(NotFound, Forbidden, Conflict),
)
async def provision(
    body: ProvisionIn, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> ProvisionQueued:
    """Queue provisioning of the company in n8n: its credential and workflows are created, upgraded or repaired,
    and ``GET /api/v1/n8n/bindings`` shows the result."""
    company = await get_editable(session, user, body.company_id)
    if not settings.n8n_api_url or not settings.n8n_api_key:
        raise Conflict(msg("n8n is not connected to this server (N8N_API_URL, N8N_API_KEY)."))

    async def queue() -> None:
        await schedule_provisioning(company.id)

    after_commit(session, queue)
    return ProvisionQueued(company_id=company.id)


@router.get("/bindings", response_model=BindingList, responses=error_responses(NotFound))
async def list_bindings(company: VisibleCompany, db: DatabaseDep) -> BindingList:
    """Every object X8 made (or is making) for the company in n8n, with its n8n id and status."""
    rows = await bindings.listed(db, company.id)
    return BindingList(items=[BindingOut.model_validate(row, from_attributes=True) for row in rows], total=len(rows))
