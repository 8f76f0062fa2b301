from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from x8.kit.db import SessionDep
from x8.kit.errors import Forbidden, error_responses
from x8.kit.pagination import Limit, Offset
from x8.platform.admin import repository
from x8.platform.admin.schemas import ClientList
from x8.platform.auth.deps import ManagerUser

router = APIRouter(prefix="/api/v1/managers", tags=["managers"], responses=error_responses(Forbidden))


class ManagerStats(BaseModel):
    clients: int
    trialing: int
    active: int
    expired_or_canceled: int
    companies: int


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


@router.get("/stats", response_model=ManagerStats)
async def my_stats(manager: ManagerUser, session: SessionDep) -> ManagerStats:
    items, total = await repository.list_clients(session, manager_id=manager.id, limit=10_000)
    statuses = [c.subscription_status for c in items]
    return ManagerStats(
        clients=total,
        trialing=statuses.count("trialing"),
        active=statuses.count("active"),
        expired_or_canceled=sum(1 for s in statuses if s in ("expired", "canceled")),
        companies=sum(c.company_count for c in items),
    )
