"""The purchase log API (SPEC.md R-P3): ``GET /api/v1/purchases`` and ``GET /api/v1/purchases/export``.

A business reads its companies' orders, a manager the orders of the businesses assigned to them, the admin all;
another business's company is 404. Without ``company_id``, every company the caller may see.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from x8.kit.db import SessionDep
from x8.kit.deps import DatabaseDep
from x8.kit.errors import BadRequest, NotFound, error_responses
from x8.kit.pagination import Limit, Offset
from x8.platform.auth.deps import CurrentUser
from x8.platform.orders import service
from x8.platform.orders.schemas import Moment, PurchaseList
from x8.platform.orders.store import OrderStatus

router = APIRouter(prefix="/api/v1/purchases", tags=["purchases"])

CompanyFilter = Annotated[uuid.UUID | None, Query(description="One company; omitted: every company you may see.")]
StatusFilter = Annotated[OrderStatus | None, Query()]
From = Annotated[
    Moment | None,
    Query(alias="from", description="Orders made from then: a day (the company's time zone) or an ISO 8601 time."),
]
To = Annotated[
    Moment | None,
    Query(description="Orders made until then: a day (included, the company's time zone) or an ISO 8601 time."),
]


@dataclass(frozen=True)
class PurchaseQuery:
    company_id: uuid.UUID | None
    filters: service.Filters


LeadSourceFilter = Annotated[
    str | None,
    Query(
        max_length=32,
        pattern=r"^[a-z_]+$",
        description="Orders of customers from this lead source (tiktok, meta_ads, …); none: from no known source.",
    ),
]


def _query(
    company_id: CompanyFilter = None,
    status: StatusFilter = None,
    start: From = None,
    to: To = None,
    lead_source: LeadSourceFilter = None,
) -> PurchaseQuery:
    return PurchaseQuery(company_id, service.Filters(status=status, start=start, end=to, lead_source=lead_source))


PurchaseFilters = Annotated[PurchaseQuery, Depends(_query)]


@router.get("", response_model=PurchaseList, responses=error_responses(BadRequest, NotFound))
async def purchases(
    user: CurrentUser,
    session: SessionDep,
    db: DatabaseDep,
    query: PurchaseFilters,
    limit: Limit = 50,
    offset: Offset = 0,
) -> PurchaseList:
    """Orders made in chat, newest first, with their items, amounts (decimal strings in major units), payment
    status, channel, lead source and booking."""
    return await service.list_purchases(
        session, db, user, company_id=query.company_id, filters=query.filters, limit=limit, offset=offset
    )


@router.get(
    "/export",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **error_responses(BadRequest, NotFound)},
)
async def export(user: CurrentUser, session: SessionDep, db: DatabaseDep, query: PurchaseFilters) -> Response:
    """The same orders as CSV (every one, newest first); cells that a spreadsheet would run as formulas are escaped
    with a leading apostrophe."""
    body = await service.export_csv(session, db, user, company_id=query.company_id, filters=query.filters)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="purchases.csv"'},
    )
