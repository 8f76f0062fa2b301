from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from x8.kit.db import OwnerDatabaseDep, SessionDep, after_commit
from x8.kit.deps import DatabaseDep, SettingsDep
from x8.kit.errors import Forbidden, NotFound, PaymentRequired, RateLimited, ServiceUnavailable, error_responses
from x8.kit.i18n import msg
from x8.kit.pagination import Limit, Offset
from x8.kit.ratelimit import hit
from x8.platform.audit.service import audit
from x8.platform.auth.deps import CurrentUser
from x8.platform.companies import service
from x8.platform.companies.models import Company
from x8.platform.companies.schemas import (
    SELECTABLE_CHANNELS,
    ChannelOut,
    CompanyChannels,
    CompanyCreate,
    CompanyList,
    CompanyOut,
    CompanyStats,
    CompanyUpdate,
)
from x8.platform.companies.scope import VisibleCompany

router = APIRouter(prefix="/api/v1/companies", tags=["companies"])


def _out(company: Company) -> CompanyOut:
    return CompanyOut.model_validate(company, from_attributes=True)


@router.post(
    "/", response_model=CompanyOut, status_code=201, responses=error_responses(Forbidden, PaymentRequired, RateLimited)
)
async def create_company(
    body: CompanyCreate,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    owner_db: OwnerDatabaseDep,
    db: DatabaseDep,
    settings: SettingsDep,
) -> CompanyOut:
    """Create a company and provision its tenant schema in the same transaction. At most ``X8_MAX_COMPANIES`` per
    business (402), and a few per window (429): each costs a schema and two database roles."""
    await hit(
        db,
        keys=[(f"company:create:{user.id}", settings.rate_limit_companies_per_business)],
        window_seconds=settings.rate_limit_window_seconds,
        what=msg("new companies"),
    )
    company = await service.create_company(
        session, owner_db, user, body, app_role=settings.db_app_role, max_companies=settings.max_companies
    )
    await audit(
        session, request, user.id, "company.created", ("company", company.id), {"company_id": company.company_id}
    )
    return _out(company)


@router.get("/", response_model=CompanyList)
async def list_companies(user: CurrentUser, session: SessionDep, limit: Limit = 50, offset: Offset = 0) -> CompanyList:
    rows, total = await service.list_companies(session, user, limit=limit, offset=offset)
    return CompanyList(items=[_out(c) for c in rows], total=total)


@router.get("/{company_id}", response_model=CompanyOut, responses=error_responses(NotFound))
async def get_company(scope: VisibleCompany) -> CompanyOut:
    return _out(scope.company)


@router.patch(
    "/{company_id}",
    response_model=CompanyOut,
    responses=error_responses(NotFound, Forbidden, PaymentRequired),
)
async def update_company(
    company_id: uuid.UUID, body: CompanyUpdate, user: CurrentUser, session: SessionDep
) -> CompanyOut:
    return _out(await service.update_company(session, user, company_id, body))


@router.delete("/{company_id}", status_code=204, responses=error_responses(NotFound, Forbidden, ServiceUnavailable))
async def delete_company(
    company_id: uuid.UUID,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    db: DatabaseDep,
    owner_db: OwnerDatabaseDep,
    settings: SettingsDep,
) -> Response:
    """Delete the company and everything of it: its channels unregistered at their providers, its Google grant
    revoked, its MongoDB history, its tenant schema, roles and data (and, once committed, what X8 made for it in
    n8n). A provider that does not answer is 503 and the company stays: deleting again goes on where it stopped."""
    from x8.platform.deletion.company import release_outside  # the deletion steps read companies themselves
    from x8.platform.deletion.steps import StepFailed

    company = await service.get_editable(session, user, company_id)
    await session.commit()  # no transaction waits on the providers
    try:
        await release_outside(db, settings, company.owner_id, company_id)
    except StepFailed as failure:
        raise ServiceUnavailable(msg("The company was not deleted: {reason}", reason=failure.message)) from failure
    await service.delete_company(session, owner_db, user, company_id)
    await audit(session, request, user.id, "company.deleted", ("company", company_id))
    if settings.n8n_api_url and settings.n8n_api_key:
        from x8.n8n_bridge.tasks import schedule_deprovisioning  # the bridge reads companies through this package

        async def deprovision() -> None:
            await schedule_deprovisioning(company_id)

        after_commit(session, deprovision)
    return Response(status_code=204)


@router.get("/{company_id}/channels", response_model=CompanyChannels, responses=error_responses(NotFound))
async def company_channels(scope: VisibleCompany) -> CompanyChannels:
    """The channels chosen for this company. Connection state arrives with the channel adapters."""
    company = scope.company
    items = [
        ChannelOut(platform=p.value, status="DISCONNECTED") for p in SELECTABLE_CHANNELS if p.value in company.channels
    ]
    return CompanyChannels(items=items, total=len(items))


@router.get("/{company_id}/stats", response_model=CompanyStats, responses=error_responses(NotFound))
async def company_stats(scope: VisibleCompany) -> CompanyStats:
    company = scope.company
    return CompanyStats(
        company_id=company.id,
        total_messages=company.total_messages,
        type1_count=company.type1_count,
        type2_count=company.type2_count,
        type2_unpaid=company.type2_unpaid,
        type3_count=company.type3_count,
        type3_paid=company.type3_paid,
        avg_response_time=company.avg_response_time,
    )
