from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from x8.kit.clock import utcnow
from x8.kit.db import SessionDep
from x8.kit.errors import Forbidden, NotFound, error_responses
from x8.kit.pagination import Limit, Offset
from x8.platform.admin import repository, stats
from x8.platform.admin.schemas import ClientList, ClientOut, PlatformStats
from x8.platform.auth.deps import ManagerUser
from x8.platform.support import calls
from x8.platform.support.schemas import ManagerAvailability

router = APIRouter(prefix="/api/v1/managers", tags=["managers"], responses=error_responses(Forbidden))


@router.get("/clients", response_model=ClientList)
async def my_clients(
    manager: ManagerUser,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> ClientList:
    """Only the businesses assigned to this manager, with subscription status and renewal dates."""
    items, total = await repository.list_clients(session, manager_id=manager.id, q=q, limit=limit, offset=offset)
    return ClientList(items=items, total=total)


@router.get("/clients/{client_id}", response_model=ClientOut, responses=error_responses(NotFound))
async def my_client(client_id: uuid.UUID, manager: ManagerUser, session: SessionDep) -> ClientOut:
    """One business assigned to this manager; any other (another manager's, or none) is 404."""
    return await repository.assigned_client(session, manager_id=manager.id, client_id=client_id)


@router.get("/stats", response_model=PlatformStats)
async def my_stats(manager: ManagerUser, session: SessionDep) -> PlatformStats:
    """The admin's figures (x8/platform/admin/stats.py) over this manager's businesses only."""
    return await stats.figures(session, utcnow(), manager_id=manager.id)


@router.get("/me/availability", response_model=ManagerAvailability)
async def my_availability(manager: ManagerUser, session: SessionDep) -> ManagerAvailability:
    """The hours this manager offers for setup calls (none until published)."""
    return await calls.availability_of(session, manager.id)


@router.put("/me/availability", response_model=ManagerAvailability)
async def publish_availability(
    body: ManagerAvailability, manager: ManagerUser, session: SessionDep
) -> ManagerAvailability:
    """Publish this manager's hours for setup calls (the availability shape of §11 without cities). Calls already
    booked stay booked."""
    return await calls.publish(session, manager, body)
