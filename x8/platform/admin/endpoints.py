from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from x8.kit.clock import utcnow
from x8.kit.db import SessionDep
from x8.kit.errors import Conflict, Forbidden, NotFound, error_responses
from x8.kit.pagination import Limit, Offset
from x8.platform.admin import repository, service, stats
from x8.platform.admin.schemas import (
    AssignmentIn,
    AssignmentOut,
    ClientFilters,
    ClientLimitsIn,
    ClientList,
    ClientOut,
    ManagerList,
    ManagerOut,
    PlatformStats,
    StaffCreate,
)
from x8.platform.audit.service import audit
from x8.platform.auth.deps import AdminUser
from x8.platform.users.models import Role, User
from x8.platform.users.repository import create_user

router = APIRouter(prefix="/api/v1/admin", tags=["admin"], responses=error_responses(Forbidden))


@router.post("/managers", response_model=ManagerOut, status_code=201, responses=error_responses(Conflict))
async def create_manager(body: StaffCreate, request: Request, admin: AdminUser, session: SessionDep) -> ManagerOut:
    user = await create_user(
        session, email=body.email, password=body.password, full_name=body.full_name, role=Role.MANAGER
    )
    await audit(session, request, admin.id, "admin.manager_created", ("user", user.id))
    return ManagerOut(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        is_active=user.is_active,
        client_count=0,
        created_at=user.created_at,
    )


@router.get("/managers", response_model=ManagerList)
async def list_managers(admin: AdminUser, session: SessionDep, limit: Limit = 50, offset: Offset = 0) -> ManagerList:
    items, total = await repository.list_managers(session, limit=limit, offset=offset)
    return ManagerList(items=items, total=total)


@router.get("/stats", response_model=PlatformStats)
async def platform_stats(admin: AdminUser, session: SessionDep) -> PlatformStats:
    """Users, subscriptions, MRR, this month's revenue and churn, and trial conversion, from stored subscriptions
    and paid invoices (USD; definitions in docs/admin.md)."""
    return await stats.figures(session, utcnow())


@router.get("/clients", response_model=ClientList)
async def list_clients(admin: AdminUser, session: SessionDep, filters: Annotated[ClientFilters, Query()]) -> ClientList:
    """Businesses, newest first, filtered by plan, status (as it stands now), manager, and email or name."""
    items, total = await repository.list_clients(session, **filters.model_dump())
    return ClientList(items=items, total=total)


@router.patch("/clients/{client_id}", response_model=ClientOut, responses=error_responses(NotFound))
async def override_client_limits(
    client_id: uuid.UUID, body: ClientLimitsIn, request: Request, admin: AdminUser, session: SessionDep
) -> ClientOut:
    """Grant a plan (FREE and ENTERPRISE are granted only here), move the trial's end, raise (or restore) the
    channel and company limits of one business; only the fields sent change. Audited."""
    changes = await service.override_client(session, client_id, body, utcnow())
    await audit(session, request, admin.id, "admin.client_limits_changed", ("user", client_id), changes)
    client = await session.get(User, client_id)
    assert client is not None
    return repository.client_out(client, await repository.client_company_count(session, client.id))


@router.post("/assignments", response_model=AssignmentOut, responses=error_responses(NotFound, Conflict))
async def assign(body: AssignmentIn, request: Request, admin: AdminUser, session: SessionDep) -> AssignmentOut:
    """Assign a business to a manager. A business that has a manager needs ``reassign: true`` (else 409)."""
    client, previous = await service.assign_manager(
        session, manager_id=body.manager_id, client_id=body.client_id, reassign=body.reassign
    )
    await audit(
        session,
        request,
        admin.id,
        "admin.manager_assigned",
        ("user", client.id),
        {
            "manager_id": str(body.manager_id),
            "previous_manager_id": str(previous) if previous else None,
        },
    )
    return AssignmentOut(client_id=client.id, manager_id=client.manager_id, previous_manager_id=previous)


@router.delete("/assignments/{client_id}", response_model=AssignmentOut, responses=error_responses(NotFound))
async def unassign(client_id: uuid.UUID, request: Request, admin: AdminUser, session: SessionDep) -> AssignmentOut:
    client, previous_manager = await service.unassign(session, client_id)
    await audit(session, request, admin.id, "admin.manager_unassigned", ("user", client.id))
    return AssignmentOut(client_id=client.id, manager_id=None, previous_manager_id=previous_manager)
