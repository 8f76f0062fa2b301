"""Booking in chat (SPEC.md §11 "After payment", R-CAL2): once an order that needs a booking is paid, or a free
service is asked for, the customer is offered numbered free slots, answers with a number or a day and time, gives a
Product delivery its city and address, and the booking is made and confirmed.

Each step is short transactions around the slot search (which may ask Google for busy times): no provider call
happens inside a transaction. The request's stage and the slots last offered live in ``booking_requests``, so "2"
means the second slot the customer saw. A customer who is not understood twice in a row is handed to a person.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, update

from x8.conversations.assistant.intents import Intent, classify
from x8.conversations.assistant.language import detect
from x8.conversations.assistant.slot_pick import Number, When, read_pick
from x8.conversations.assistant.words import fold
from x8.conversations.events import conversation_changed
from x8.kit.clock import utcnow
from x8.kit.db import Database
from x8.kit.i18n import Language, Message, as_language, msg
from x8.platform.booking import availability as availability_store
from x8.platform.booking import requests, service
from x8.platform.booking.errors import SlotTaken, Unprocessable
from x8.platform.booking.requests import Request
from x8.platform.booking.schemas import BookingIn, BookingKind, Format, SlotOut
from x8.platform.companies.models import Company, CompanyType
from x8.platform.companies.scope import TenantScope
from x8.platform.orders import store as orders
from x8.platform.orders.store import Order
from x8.settings import Settings
from x8.tenancy.session import TenantSession, tenant_session
from x8.tenancy.tables import conversations, kb_items, messages, order_items

log = logging.getLogger(__name__)
Kind = BookingKind

OFFER_SLOTS = 6  # how many slots one offer lists
PER_DAY = 3  # at most this many of one day, so an offer spans several days
LOOK_AHEAD_DAYS = 14
MISUNDERSTOOD_LIMIT = 2
THANK_YOU_FIRST_SECONDS = 2.0  # the second answer not understood in a row goes to a person


@dataclass(frozen=True)
class Said:
    """The booking dialogue's reply to a customer's message."""

    text: str
    handover: bool = False
    booked: bool = False


@dataclass(frozen=True)
class Aside:
    """The message is not about the booking (a question): the assistant answers it, and ``reminder`` follows."""

    reminder: str


# --- starting a request ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Opening:
    """How a booking starts: what to say, and the request's state when it is said."""

    said: Said
    stage: requests.Stage
    city: str | None = None
    offered: tuple[datetime, ...] = ()


async def offer_for_order(db: Database, settings: Settings, company_id: uuid.UUID, order_id: uuid.UUID) -> None:
    """After payment (the ``booking:offer_after_payment`` job): a Product order, or an order of a Service row, goes on
    to its booking. The request and the offer (the city question or the numbered slots) are stored in one
    transaction, after the slots are computed, and the offer is sent after the commit; a rerun finds the request
    and does nothing."""
    company = await _company(db, company_id)
    if company is None or company.company_type not in (CompanyType.PRODUCT, CompanyType.SERVICE):
        return
    if not await books_in_chat(db, company):
        return  # no opening hours set: the business arranges delivery or the visit itself
    async with tenant_session(db, company_id) as ts:
        order = await orders.get(ts, order_id)
        if order is None or order.conversation_id is None or await requests.of_order(ts, order_id):
            return
        service_id = await _service_of(ts, order.id) if company.company_type == CompanyType.SERVICE else None
        buyer = await orders.buyer(ts, order.conversation_id)
    if buyer is None or buyer.channel_id is None:
        return
    language = _order_language(order, buyer.contact_language, company.language)
    kind: Kind = "delivery" if company.company_type == CompanyType.PRODUCT else "appointment"
    opening = await _opening(db, settings, company, kind, service_id, language)
    async with tenant_session(db, company_id) as ts:
        request = await requests.open_request(
            ts,
            conversation_id=order.conversation_id,
            order_id=order.id,
            service_id=service_id,
            kind=kind,
            language=language,
            stage=opening.stage,
            city=opening.city,
            offered=opening.offered,
        )
        if request is None:
            return  # another run of this job offered it meanwhile
        message_id = await _store_message(ts, order.conversation_id, opening.said)
    from x8.platform.conversations.tasks import schedule_send  # the reply pipeline imports booking's chat

    # A moment after the thank-you queued before it, so the customer reads them in order.
    await schedule_send(company_id, message_id, delay=THANK_YOU_FIRST_SECONDS)


async def start_for_service(
    db: Database,
    settings: Settings,
    company_id: uuid.UUID,
    conversation_id: uuid.UUID,
    service_row_id: uuid.UUID,
    language: str,
) -> Said | None:
    """A free service (price 0) is booked with no payment: open its request and offer the slots. None when the
    company has set no opening hours (a person agrees the time)."""
    company = await _company(db, company_id)
    if company is None or not await books_in_chat(db, company):
        return None
    spoken = as_language(language)
    opening = await _opening(db, settings, company, "appointment", service_row_id, spoken)
    async with tenant_session(db, company_id) as ts:
        await requests.open_request(
            ts,
            conversation_id=conversation_id,
            order_id=None,
            service_id=service_row_id,
            kind="appointment",
            language=spoken,
            stage=opening.stage,
            city=opening.city,
            offered=opening.offered,
        )
    return opening.said


async def _opening(
    db: Database,
    settings: Settings,
    company: Company,
    kind: Kind,
    service_id: uuid.UUID | None,
    language: Language,
) -> Opening:
    """The first thing to ask: the city when the company delivers to several, else the next free slots (a person
    when there are none)."""
    cities = await _cities(db, company) if kind == "delivery" else []
    if len(cities) > 1:
        question = msg("Which city should we deliver to? We deliver to: {cities}.", cities=", ".join(cities))
        return Opening(Said(question.render(language)), "city")
    city = cities[0] if cities else None
    probe = replace(_probe(uuid.uuid4(), service_id), kind=kind)
    slots = await _next_slots(db, settings, company, probe, city)
    if not slots:
        return Opening(Said(_no_times().render(language), handover=True), "handed_over", city)
    lead = (
        msg("Please choose a delivery time:")
        if kind == "delivery"
        else msg("Please choose a time for your appointment:")
    )
    return Opening(Said(_numbered(lead, slots, language)), "slot", city, tuple(slot.start for slot in slots))


def _lead(request: Request) -> Message:
    if request.kind == "delivery":
        return msg("Please choose a delivery time:")
    return msg("Please choose a time for your appointment:")


# --- answering the customer ----------------------------------------------------------------------------------------


async def answer(
    db: Database,
    settings: Settings,
    company_id: uuid.UUID,
    conversation_id: uuid.UUID,
    text: str,
    message_ids: tuple[str, ...],
) -> Said | Aside | None:
    """The booking dialogue's answer to the customer's messages; None when no booking is being arranged here, or
    when they were written before it was (a "hello" sent before paying is not a pick)."""
    company = await _company(db, company_id)
    if company is None:
        return None
    async with tenant_session(db, company_id) as ts:
        request = await requests.open_for(ts, conversation_id)
        if request is None or not await requests.written_after(ts, message_ids, request.created_at):
            return None
        language = as_language(detect(text, fallback=request.language or company.language))
        if language != request.language:
            await requests.save(ts, request, stage=request.stage, language=language)
    if classify(text) == Intent.HUMAN:
        return await _hand_over(db, company_id, request, language, asked=True)
    if request.stage == "city":
        return await _on_city(db, settings, company, request, text, language)
    if request.stage == "address":
        return await _on_address(db, settings, company, request, text, language)
    return await _on_slot(db, settings, company, request, text, language)


async def _on_city(
    db: Database, settings: Settings, company: Company, request: Request, text: str, language: Language
) -> Said | Aside:
    cities = await _cities(db, company)
    found = _match_city(text, cities)
    if found is None:
        return await _not_understood(
            db,
            company.id,
            request,
            language,
            text,
            again=msg("We deliver to: {cities}. Which city is yours?", cities=", ".join(cities)),
        )
    return await _offer(db, settings, company, request, language, city=found, lead=_lead(request))


async def _on_slot(
    db: Database, settings: Settings, company: Company, request: Request, text: str, language: Language
) -> Said | Aside:
    zone = await _zone(db, company)
    today = utcnow().astimezone(zone).date()
    pick = read_pick(text, today=today, offered=len(request.offered))
    if pick is None:
        return await _not_understood(db, company.id, request, language, text, again=_how_to_pick(len(request.offered)))
    if isinstance(pick, Number):
        return await _chosen(db, settings, company, request, request.offered[pick.index - 1], language)
    return await _on_when(db, settings, company, request, pick, zone, today, language)


async def _on_when(
    db: Database,
    settings: Settings,
    company: Company,
    request: Request,
    pick: When,
    zone: ZoneInfo,
    today: date,
    language: Language,
) -> Said:
    if pick.day is not None and pick.day < today:
        return await _offer(
            db,
            settings,
            company,
            request,
            language,
            city=request.city,
            lead=msg("That day has passed. The nearest free times:"),
        )
    offered_match = [s for s in request.offered if _matches(s.astimezone(zone), pick)]
    if pick.minute is not None and len(offered_match) == 1:
        return await _chosen(db, settings, company, request, offered_match[0], language)
    first = pick.day or today
    last = pick.day or today + timedelta(days=LOOK_AHEAD_DAYS - 1)
    slots = await _slots(db, settings, company, request, request.city, first, last)
    matching = [s for s in slots if _matches(s.start, pick)]
    if pick.day is not None and pick.minute is not None and matching:
        return await _chosen(db, settings, company, request, matching[0].start, language)
    if pick.minute is None and matching:  # a day: its free times
        lead = msg("Free times on {day}:", day=_day_label(pick.day or today, language))
        return await _offer(db, settings, company, request, language, city=request.city, lead=lead, slots=matching)
    if pick.day is None and matching:  # a time: the days it is free
        if len(matching) == 1:
            return await _chosen(db, settings, company, request, matching[0].start, language)
        lead = msg("That time is free on these days:")
        return await _offer(db, settings, company, request, language, city=request.city, lead=lead, slots=matching)
    said = _when_label(pick, language)
    lead = msg("{when} is not free. The nearest free times:", when=said)
    near = [s for s in slots if s.start.date() >= first] if pick.day else []
    return await _offer(db, settings, company, request, language, city=request.city, lead=lead, slots=near or None)


def _matches(start: datetime, pick: When) -> bool:
    if pick.day is not None and start.date() != pick.day:
        return False
    return pick.minute is None or start.hour * 60 + start.minute == pick.minute


async def _chosen(
    db: Database, settings: Settings, company: Company, request: Request, start: datetime, language: Language
) -> Said:
    """The customer chose ``start``: a delivery asks for its address first, unless it has one already."""
    if request.kind == "delivery" and not request.address:
        async with tenant_session(db, company.id) as ts:
            await requests.save(ts, request, stage="address", chosen_start=start, misunderstood=0)
        zone = await _zone(db, company)
        return Said(
            msg(
                "{slot} it is. What is the delivery address?", slot=_slot_label(start.astimezone(zone), language)
            ).render(language)
        )
    return await _book(db, settings, company, request, start, request.address, language)


async def _on_address(
    db: Database, settings: Settings, company: Company, request: Request, text: str, language: Language
) -> Said | Aside:
    address = " ".join(text.split())
    if len(address) < 5 or not re.search(r"[^\W\d_]", address) or len(address) > 500:
        again = msg("Please write the delivery address: street, house and flat.")
        return await _not_understood(db, company.id, request, language, text, again=again)
    assert request.chosen_start is not None
    return await _book(db, settings, company, request, request.chosen_start, address, language)


async def _book(
    db: Database,
    settings: Settings,
    company: Company,
    request: Request,
    start: datetime,
    address: str | None,
    language: Language,
) -> Said:
    contact = await _contact(db, company.id, request.conversation_id)
    body = BookingIn(
        company_id=company.id,
        start=start,
        service_id=request.service_id,
        city=request.city,
        address=address,
        format=await _format_of(db, company.id, request.service_id),
        order_id=request.order_id,
        conversation_id=request.conversation_id,
        contact_name=contact[0],
        contact_phone=contact[1],
    )
    try:
        booking = await service.book(TenantScope(company, db), body, settings)
    except SlotTaken:
        if address:
            async with tenant_session(db, company.id) as ts:
                await requests.save(ts, request, stage="slot", address=address)
        lead = msg("Sorry, that time has just been taken. The free times now:")
        return await _offer(db, settings, company, request, language, city=request.city, lead=lead)
    except Unprocessable as refused:
        lead = msg("{reason} The free times:", reason=refused.detail.render(language))
        return await _offer(db, settings, company, request, language, city=request.city, lead=lead)
    async with tenant_session(db, company.id) as ts:
        await requests.save(ts, request, stage="booked", booking_id=booking.id, address=address)
    span = _span_label(booking.start, booking.end, language)
    if request.kind == "delivery":
        where = ", ".join(p for p in (booking.city, booking.address) if p)
        text = msg("Booked: delivery on {span}, to {where}. Thank you!", span=span, where=where or "—")
    else:
        text = msg("Booked: {span}. See you then!", span=span)
    return Said(text.render(language), booked=True)


async def _offer(
    db: Database,
    settings: Settings,
    company: Company,
    request: Request,
    language: Language,
    *,
    city: str | None,
    lead: Message,
    slots: list[SlotOut] | None = None,
) -> Said:
    """Offer numbered slots (the next free ones unless given) and remember them; a person when there are none."""
    chosen = slots[:OFFER_SLOTS] if slots is not None else await _next_slots(db, settings, company, request, city)
    if not chosen:
        return await _hand_over(db, company.id, request, language, asked=False, city=city)
    async with tenant_session(db, company.id) as ts:
        await requests.save(
            ts, request, stage="slot", city=city, offered=tuple(s.start for s in chosen), misunderstood=0
        )
    return Said(_numbered(lead, chosen, language))


async def _next_slots(
    db: Database, settings: Settings, company: Company, request: Request, city: str | None
) -> list[SlotOut]:
    """The next free slots over two weeks, a few of each day."""
    today = utcnow().astimezone(await _zone(db, company)).date()
    last = today + timedelta(days=LOOK_AHEAD_DAYS - 1)
    return _spread(await _slots(db, settings, company, request, city, today, last))[:OFFER_SLOTS]


def _numbered(lead: Message, slots: list[SlotOut], language: Language) -> str:
    lines = "\n".join(f"{n}. {_span_label(s.start, s.end, language)}" for n, s in enumerate(slots, start=1))
    return f"{lead.render(language)}\n{lines}\n{_how_to_pick(len(slots)).render(language)}"


def _no_times() -> Message:
    return msg(
        "There are no free times in the next two weeks. I've asked a member of our team to arrange a time with "
        "you here; they will reply soon."
    )


def _spread(slots: list[SlotOut]) -> list[SlotOut]:
    """At most ``PER_DAY`` slots of one day, so the customer sees several days."""
    per_day: dict[date, int] = {}
    spread = []
    for slot in slots:
        day = slot.start.date()
        if per_day.get(day, 0) < PER_DAY:
            per_day[day] = per_day.get(day, 0) + 1
            spread.append(slot)
    return spread


async def _slots(
    db: Database,
    settings: Settings,
    company: Company,
    request: Request,
    city: str | None,
    first: date,
    last: date,
) -> list[SlotOut]:
    try:
        return await service.list_slots(
            TenantScope(company, db), settings, start=first, end=last, city=city, service_id=request.service_id
        )
    except Unprocessable as problem:  # the service or the city is gone from the availability meanwhile
        log.warning("booking request %s: no slots (%s)", request.id, problem.detail.render("en"))
        return []


def _how_to_pick(count: int) -> Message:
    if count == 1:
        return msg("Reply “1” to take it, or write another day and time.")
    return msg("Reply with the number (1–{count}), or write a day and time, for example “tomorrow at 11”.", count=count)


async def _not_understood(
    db: Database, company_id: uuid.UUID, request: Request, language: Language, text: str, *, again: Message
) -> Said | Aside:
    """A question (it has a question mark) is answered by the assistant, with a reminder; anything else is asked
    again, then a person."""
    if "?" in text:
        return Aside(again.render(language))
    if request.misunderstood + 1 >= MISUNDERSTOOD_LIMIT:
        return await _hand_over(db, company_id, request, language, asked=False, city=request.city)
    async with tenant_session(db, company_id) as ts:
        await requests.save(ts, request, stage=request.stage, misunderstood=request.misunderstood + 1)
    sorry = msg("Sorry, I didn't understand.").render(language)
    return Said(f"{sorry} {again.render(language)}")


async def _hand_over(
    db: Database,
    company_id: uuid.UUID,
    request: Request,
    language: Language,
    *,
    asked: bool,
    city: str | None = None,
) -> Said:
    async with tenant_session(db, company_id) as ts:
        await requests.save(ts, request, stage="handed_over", city=city)
    if asked:
        text = msg("Of course. A member of our team will arrange the time with you here; they will reply soon.")
    elif request.offered or request.stage != "slot":
        text = msg("I've asked a member of our team to arrange the time with you here; they will reply soon.")
    else:
        text = _no_times()
    return Said(text.render(language), handover=True)


# --- the LLM's tools (list_slots, book_slot) ---------------------------------------------------------------------


async def tool_slots(
    db: Database, settings: Settings, company_id: uuid.UUID, conversation_id: uuid.UUID, arguments: dict[str, Any]
) -> dict[str, Any]:
    """Free slots for the model to offer, numbered; an open booking remembers them, so "2" works next turn."""
    company = await _company(db, company_id)
    if company is None:
        return {"error": "the company is gone"}
    async with tenant_session(db, company_id) as ts:
        request = await requests.open_for(ts, conversation_id)
    service_id = _uuid(arguments.get("kb_row_id")) or (request.service_id if request else None)
    if arguments.get("kb_row_id") and service_id is None:
        return {"error": "kb_row_id must be the id of a kb_search result"}
    cities = await _cities(db, company) if company.company_type == CompanyType.PRODUCT else []
    city = _match_city(str(arguments.get("city") or ""), cities) if arguments.get("city") else None
    city = city or (request.city if request else None) or (cities[0] if len(cities) == 1 else None)
    if cities and city is None:
        return {"status": "city_required", "cities": cities}
    zone = await _zone(db, company)
    today = utcnow().astimezone(zone).date()
    day = _day(arguments.get("day"))
    first, last = (day, day) if day else (today, today + timedelta(days=LOOK_AHEAD_DAYS - 1))
    probe = request or _probe(conversation_id, service_id)
    found = await _slots(db, settings, company, replace(probe, service_id=service_id), city, first, last)
    chosen = (found if day else _spread(found))[:OFFER_SLOTS]
    if request is not None and chosen:
        async with tenant_session(db, company_id) as ts:
            await requests.save(ts, request, stage="slot", city=city, offered=tuple(s.start for s in chosen))
    return {
        "timezone": zone.key,
        "city": city,
        "slots": [
            {
                "number": n,
                "start": s.start.isoformat(),
                "end": s.end.isoformat(),
                "label": _span_label(s.start, s.end, "en"),
            }
            for n, s in enumerate(chosen, start=1)
        ],
        "note": "Offer these as a numbered list with their times exactly as given."
        if chosen
        else "No free times: call handover.",
    }


async def tool_book(
    db: Database, settings: Settings, company_id: uuid.UUID, conversation_id: uuid.UUID, arguments: dict[str, Any]
) -> dict[str, Any]:
    """Book for the conversation's paid order, or a free service; anything else must be paid for first."""
    company = await _company(db, company_id)
    if company is None:
        return {"error": "the company is gone"}
    async with tenant_session(db, company_id) as ts:
        request = await requests.open_for(ts, conversation_id)
    service_id = _uuid(arguments.get("kb_row_id"))
    if request is None:
        if service_id is None or not await _free_service(db, company, service_id):
            return {
                "status": "payment_required",
                "note": "A booking follows payment: call create_payment_link; the slots are offered once it is paid.",
            }
        async with tenant_session(db, company_id) as ts:
            request = await requests.open_request(
                ts,
                conversation_id=conversation_id,
                order_id=None,
                service_id=service_id,
                kind="appointment",
                language=company.language,
            )
        assert request is not None
    start = _slot_start(arguments.get("slot"), request)
    if start is None:
        return {"error": "slot must be a start time from list_slots (ISO 8601 with offset) or its number"}
    city = request.city
    if request.kind == "delivery":
        cities = await _cities(db, company)
        named = _match_city(str(arguments.get("city") or ""), cities) if arguments.get("city") else None
        city = named or city or (cities[0] if len(cities) == 1 else None)
        if cities and city is None:
            return {"status": "city_required", "cities": cities}
    address = " ".join(str(arguments.get("address") or "").split()) or request.address
    if request.kind == "delivery" and not address:
        return {"status": "address_required", "note": "Ask the customer for the delivery address, then book again."}
    request = replace(request, city=city)
    said = await _book(db, settings, company, request, start, address, "en")
    if not said.booked:
        return {"status": "slot_taken_or_invalid", "note": said.text}
    return {"status": "booked", "start": start.isoformat(), "city": city, "address": address, "note": said.text}


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _slot_start(value: Any, request: Request) -> datetime | None:
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        number = int(value)
        return request.offered[number - 1] if 1 <= number <= len(request.offered) else None
    try:
        start = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return start if start.tzinfo is not None else None


def _probe(conversation_id: uuid.UUID, service_id: uuid.UUID | None) -> Request:
    """A request that is not stored: what a slot search for a question needs to know."""
    return Request(
        id=uuid.uuid4(),
        conversation_id=conversation_id,
        order_id=None,
        service_id=service_id,
        kind="appointment",
        stage="slot",
        city=None,
        address=None,
        offered=(),
        chosen_start=None,
        misunderstood=0,
        language=None,
        booking_id=None,
        created_at=utcnow(),
    )


async def _free_service(db: Database, company: Company, service_id: uuid.UUID) -> bool:
    if company.company_type != CompanyType.SERVICE:
        return False
    async with tenant_session(db, company.id) as ts:
        price = (await ts.execute(select(kb_items.c.price).where(kb_items.c.id == service_id))).scalar_one_or_none()
    return price is not None and Decimal(str(price)) == 0


async def books_in_chat(db: Database, company: Company) -> bool:
    """The company has opening hours (its own or a delivery city's): without any, nothing is booked in chat."""
    availability = await _availability(db, company)
    return bool(availability.weekly) or any(city.weekly for city in availability.cities)


# --- reading ---------------------------------------------------------------------------------------------------


async def _company(db: Database, company_id: uuid.UUID) -> Company | None:
    async with db.sessions() as session:
        return await session.get(Company, company_id)


async def _availability(db: Database, company: Company) -> availability_store.Availability:
    async with tenant_session(db, company.id) as ts:
        found = await availability_store.load(ts)
    return found or availability_store.default_availability(company.timezone)


async def _zone(db: Database, company: Company) -> ZoneInfo:
    return ZoneInfo((await _availability(db, company)).timezone)


async def _cities(db: Database, company: Company) -> list[str]:
    return [c.name for c in (await _availability(db, company)).cities]


def _match_city(text: str, cities: list[str]) -> str | None:
    """The city the customer names, in any case or grammatical case ("в Москву", "moscow", "Санкт-Петербурге")."""
    said = fold(text)
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", said)
    found = []
    for city in cities:
        name = fold(city)
        stem = name[: max(4, len(name) - 2)] if len(name) > 4 else name
        if name in said or any(w.startswith(stem) for w in words) or stem in said:
            found.append(city)
    return found[0] if len(found) == 1 else None


async def _service_of(ts: TenantSession, order_id: uuid.UUID) -> uuid.UUID | None:
    """The order's service: its first row still in the catalogue (its duration sets the appointment's length)."""
    row = (
        await ts.execute(
            select(order_items.c.kb_row_id)
            .join(kb_items, kb_items.c.id == order_items.c.kb_row_id)
            .where(order_items.c.order_id == order_id)
            .order_by(order_items.c.position)
            .limit(1)
        )
    ).first()
    return row.kb_row_id if row is not None else None


async def _format_of(db: Database, company_id: uuid.UUID, service_id: uuid.UUID | None) -> Format | None:
    """The service row's own format (online or offline), so the appointment says how it takes place."""
    if service_id is None:
        return None
    async with tenant_session(db, company_id) as ts:
        found = (await ts.execute(select(kb_items.c.format).where(kb_items.c.id == service_id))).scalar_one_or_none()
    return found if found in ("online", "offline") else None


async def _contact(db: Database, company_id: uuid.UUID, conversation_id: uuid.UUID) -> tuple[str | None, str | None]:
    async with tenant_session(db, company_id) as ts:
        buyer = await orders.buyer(ts, conversation_id)
    if buyer is None:
        return None, None
    phone = buyer.contact_handle if buyer.channel == "whatsapp" else None
    return (buyer.contact_name or None), phone


def _order_language(order: Order, contact_language: str | None, company_language: str) -> Language:
    for candidate in (order.language, contact_language):
        if candidate in ("en", "ru"):
            return as_language(candidate)
    return as_language(company_language)


async def _store_message(ts: TenantSession, conversation_id: uuid.UUID, said: Said) -> uuid.UUID:
    """The offer, as a pending bot message for the send job (like the thank-you it follows)."""
    message_id = (
        await ts.execute(
            insert(messages)
            .values(
                conversation_id=conversation_id,
                direction="out",
                sender="bot",
                status="pending",
                body=said.text,
                processed_at=func.now(),
                intent=Intent.BOOK.value,
                message_type="TYPE1",
            )
            .returning(messages.c.id)
        )
    ).scalar_one()
    values: dict[str, object] = {"last_message_at": func.now(), "last_message_preview": said.text[:200]}
    if said.handover:
        values["handover_at"] = func.now()
        values["first_handover_at"] = func.coalesce(conversations.c.first_handover_at, func.now())
    await ts.execute(update(conversations).where(conversations.c.id == conversation_id).values(**values))
    await conversation_changed(ts, conversation_id)
    return uuid.UUID(str(message_id))


# --- words -----------------------------------------------------------------------------------------------------

_WEEKDAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "ru": ("пн", "вт", "ср", "чт", "пт", "сб", "вс"),
}
_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "ru": ("янв.", "февр.", "марта", "апр.", "мая", "июня", "июля", "авг.", "сент.", "окт.", "нояб.", "дек."),
}


def _day_label(day: date, language: Language) -> str:
    return f"{_WEEKDAYS[language][day.weekday()]} {day.day} {_MONTHS[language][day.month - 1]}"


def _slot_label(start: datetime, language: Language) -> str:
    return f"{_day_label(start.date(), language)}, {start:%H:%M}"


def _span_label(start: datetime, end: datetime, language: Language) -> str:
    return f"{_slot_label(start, language)}–{end:%H:%M}"


def _when_label(pick: When, language: Language) -> str:
    parts = []
    if pick.day is not None:
        parts.append(_day_label(pick.day, language))
    if pick.minute is not None:
        parts.append(f"{pick.minute // 60:02d}:{pick.minute % 60:02d}")
    return ", ".join(parts)
