"""The booking API (SPEC.md §11): a company's availability and free slots, and its bookings.

Anyone who may see the company reads; only its business (or the admin) writes: managers are read-only, as elsewhere.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from x8.kit.db import SessionDep
from x8.kit.deps import DatabaseDep, SettingsDep
from x8.kit.errors import Forbidden, NotFound, error_responses
from x8.kit.i18n import msg
from x8.kit.pagination import Limit, Offset
from x8.platform.auth.deps import CurrentUser
from x8.platform.booking import availability as availability_store
from x8.platform.booking import service, store
from x8.platform.booking.availability import Availability
from x8.platform.booking.errors import SlotTaken, Unprocessable
from x8.platform.booking.schemas import BookingIn, BookingList, BookingOut, ServiceList, ServiceOut, SlotList
from x8.platform.companies.models import CompanyType
from x8.platform.companies.scope import EditableCompany, TenantScope, VisibleCompany, visible_company
from x8.platform.companies.service import get_editable
from x8.platform.orders.schemas import Moment

companies = APIRouter(prefix="/api/v1/companies", tags=["booking"])
bookings = APIRouter(prefix="/api/v1/bookings", tags=["booking"])

From = Annotated[
    Moment | None,
    Query(alias="from", description="From a day (the company's time zone) or an ISO 8601 time; default now."),
]
To = Annotated[
    Moment | None,
    Query(description="Until a day (included) or an ISO 8601 time; default two weeks after `from`."),
]


@companies.get("/{company_id}/availability", response_model=Availability, responses=error_responses(NotFound))
async def get_availability(scope: VisibleCompany) -> Availability:
    """The company's availability; one that never set it has its own time zone and no open hours."""
    async with scope.tenant() as session:
        stored = await availability_store.load(session)
    return stored or availability_store.default_availability(scope.company.timezone)


@companies.put(
    "/{company_id}/availability", response_model=Availability, responses=error_responses(Forbidden, NotFound)
)
async def put_availability(scope: EditableCompany, body: Availability) -> Availability:
    """Replace the company's availability. ``cities`` (delivery zones) are only for companies that sell products."""
    if body.cities and scope.company.company_type == CompanyType.SERVICE:
        raise Unprocessable(msg("Delivery cities are only for companies that sell products."))
    async with scope.tenant() as session:
        await availability_store.save(session, body)
        stored = await availability_store.load(session)
    assert stored is not None
    return stored


@companies.get("/{company_id}/slots", response_model=SlotList, responses=error_responses(NotFound, Unprocessable))
async def slots(
    scope: VisibleCompany,
    settings: SettingsDep,
    start: From = None,
    to: To = None,
    city: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    service_id: uuid.UUID | None = None,
) -> Response:
    """Free slots in the range (at most 62 days), in the company's time zone with its offset, each with the capacity
    it has left; slots already started are never offered."""
    items = await service.list_slots(scope, settings, start=start, end=to, city=city, service_id=service_id)
    # Serialised here, once: a month of slots is hundreds of items, and FastAPI would validate them all again.
    return Response(SlotList(items=items).model_dump_json(), media_type="application/json")


@companies.get("/{company_id}/services", response_model=ServiceList, responses=error_responses(NotFound))
async def services(scope: VisibleCompany, limit: Limit = 50, offset: Offset = 0) -> ServiceList:
    """What one books an appointment for: a Service company's knowledge base rows, by name, each with the
    ``duration_minutes`` that sets its slots (``null``: the availability's slot length). A Product company has none."""
    if scope.company.company_type != CompanyType.SERVICE:
        return ServiceList(items=[], total=0)
    async with scope.tenant() as session:
        rows, total = await store.list_services(session, limit, offset)
    return ServiceList(items=[ServiceOut.model_validate(r) for r in rows], total=total)


@bookings.post(
    "",
    status_code=201,
    response_model=BookingOut,
    responses=error_responses(Forbidden, NotFound, SlotTaken, Unprocessable),
)
async def create_booking(
    body: BookingIn, user: CurrentUser, session: SessionDep, db: DatabaseDep, settings: SettingsDep
) -> BookingOut:
    """Book a slot by hand for the business: 409 ``SlotTaken`` when it has no capacity left at some moment of it
    (bookings of any service count, and Google Calendar's busy times when a calendar is connected)."""
    company = await get_editable(session, user, body.company_id)
    await session.commit()
    return await service.book(TenantScope(company, db), body, settings)


@bookings.get("", response_model=BookingList, responses=error_responses(NotFound))
async def list_bookings(
    user: CurrentUser,
    session: SessionDep,
    db: DatabaseDep,
    company_id: uuid.UUID,
    start: From = None,
    to: To = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> BookingList:
    """The company's bookings (confirmed and cancelled) overlapping the range, in time order."""
    scope = await visible_company(company_id, user, session, db)
    items, total = await service.list_bookings(scope, start=start, end=to, limit=limit, offset=offset)
    return BookingList(items=items, total=total)


@bookings.delete("/{booking_id}", response_model=BookingOut, responses=error_responses(Forbidden, NotFound))
async def cancel_booking(booking_id: uuid.UUID, user: CurrentUser, session: SessionDep, db: DatabaseDep) -> BookingOut:
    """Cancel a booking (its slot is free again); cancelling a cancelled booking changes nothing."""
    return await service.cancel(session, db, user, booking_id)
