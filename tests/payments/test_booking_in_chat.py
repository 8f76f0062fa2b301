"""Booking in chat (SPEC.md §11 "After payment", R-CAL2): a paid Product order is asked for its city, offered
numbered slots, asked for the address and booked; a free service goes straight to the slots; a customer who is not
understood twice is handed to a person; a slot taken meanwhile is said plainly with fresh slots; the purchase log
shows the booking. Over real HTTP, the sandbox checkout paying the order through the webhook's own fulfilment."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from tests.conftest import bearer
from tests.conversations.helpers import bot_replies, connect_web, history, run_jobs, say
from tests.kb_engine.helpers import business_company, upload
from tests.payments.helpers import Shop, bot_messages, open_shop, tenant_sql
from x8.kit.db import Database
from x8.platform.booking import chat
from x8.platform.payments.chat import OrderLine, PaymentLink, payment_link
from x8.settings import Settings

BERLIN = ZoneInfo("Europe/Berlin")
EVERY_DAY = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(7)]
NUMBERED = re.compile(r"^(\d)\. (.+)$", re.MULTILINE)
SERVICES = (
    "SKU,Service Name,Description,Price,Currency,Duration,Format\n"
    "CLN,Teeth cleaning,Scaling and polishing.,90,EUR,45,offline\n"
    "CNS,Online consultation,A video call with a dentist.,0,EUR,30,online\n"
)


async def _hours(client: httpx.AsyncClient, tokens: dict[str, Any], company_id: str, **extra: Any) -> None:
    body = {"timezone": "Europe/Berlin", "slot_minutes": 60, "capacity": 1, "buffer_minutes": 0} | extra
    body.setdefault("weekly", EVERY_DAY)
    r = await client.put(f"/api/v1/companies/{company_id}/availability", json=body, headers=bearer(tokens))
    assert r.status_code == 200, r.text


async def _paid_order(client: httpx.AsyncClient, db: Database, settings: Settings, shop: Shop, app_url: str) -> str:
    link = await payment_link(db, settings, shop.company, shop.conversation, [OrderLine(shop.row("Classic Rose"), 2)])
    assert isinstance(link, PaymentLink)
    paid = await client.post(f"/api/v1/sandbox/payments/{link.order_id}/pay")
    assert paid.status_code == 200, paid.text
    await run_jobs(app_url)
    return str(link.order_id)


async def _tell(client: httpx.AsyncClient, shop: Shop, app_url: str, text: str) -> str:
    await say(client, shop.tokens, shop.channel_id, text, visitor_id="customer-1")
    await run_jobs(app_url)
    return bot_replies(await history(client, shop.tokens, shop.conversation_id))[-1]["body"]


def _offered(text: str) -> dict[int, str]:
    return {int(n): label for n, label in NUMBERED.findall(text)}


async def _bookings(client: httpx.AsyncClient, tokens: dict[str, Any], company_id: str) -> list[dict[str, Any]]:
    r = await client.get("/api/v1/bookings", params={"company_id": company_id}, headers=bearer(tokens))
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


async def test_a_paid_delivery_asks_the_city_offers_slots_takes_the_address_and_books(
    sandbox_client: httpx.AsyncClient, db: Database, sandbox_settings: Settings, app_url: str, owner_url: str
) -> None:
    client = sandbox_client
    shop = await open_shop(client, "delivery@example.com")
    await _hours(client, shop.tokens, shop.company_id, cities=[{"name": "Москва"}, {"name": "Санкт-Петербург"}])
    order_id = await _paid_order(client, db, sandbox_settings, shop, app_url)

    said = [body for body, _, _ in bot_messages(owner_url, shop)]
    thanks = next(i for i, body in enumerate(said) if body.startswith("Thank you! We have received your payment"))
    assert "Which city should we deliver to? We deliver to: Москва, Санкт-Петербург." in said[thanks + 1 :]

    offer = await _tell(client, shop, app_url, "в Санкт-Петербург, пожалуйста")
    assert offer.startswith("Выберите, пожалуйста, время доставки:")  # the customer wrote in Russian
    slots = _offered(offer)
    assert 2 <= len(slots) <= chat.OFFER_SLOTS and "Ответьте номером" in offer

    ask = await _tell(client, shop, app_url, "2")
    assert ask.startswith(slots[2].split("–")[0]) and "адрес доставки" in ask
    assert await _bookings(client, shop.tokens, shop.company_id) == []  # booked once the address is known

    done = await _tell(client, shop, app_url, "Невский пр. 5, кв. 3")
    assert done.startswith("Готово: доставка") and "Санкт-Петербург, Невский пр. 5, кв. 3" in done
    [booking] = await _bookings(client, shop.tokens, shop.company_id)
    assert booking["kind"] == "delivery" and booking["city"] == "Санкт-Петербург"
    assert booking["address"] == "Невский пр. 5, кв. 3"
    assert booking["order_id"] == order_id and booking["conversation_id"] == shop.conversation_id
    start = datetime.fromisoformat(booking["start"]).astimezone(BERLIN)
    assert f"{start:%H:%M}" in slots[2] and f" {start.day} " in f" {slots[2]} "

    log = await client.get("/api/v1/purchases", params={"company_id": shop.company_id}, headers=bearer(shop.tokens))
    [purchase] = log.json()["items"]
    assert purchase["booking"]["id"] == booking["id"] and purchase["booking"]["address"] == booking["address"]
    exported = await client.get(
        "/api/v1/purchases/export", params={"company_id": shop.company_id}, headers=bearer(shop.tokens)
    )
    [row] = list(csv.DictReader(io.StringIO(exported.text)))
    assert row["booking_start"] == booking["start"]
    assert row["booking_place"] == "Санкт-Петербург, Невский пр. 5, кв. 3"

    # Paying again (the webhook delivered twice) or the offer's job run again offers nothing new; chatting on is
    # the assistant's again.
    again = await client.post(f"/api/v1/sandbox/payments/{order_id}/pay")
    assert again.status_code == 200
    await chat.offer_for_order(db, sandbox_settings, shop.company, uuid.UUID(order_id))
    await run_jobs(app_url)
    assert [b for b, _, _ in bot_messages(owner_url, shop)][-1] == done
    reply = await _tell(client, shop, app_url, "How much is a greeting card?")
    assert "3.50" in reply


async def test_a_free_service_is_booked_at_once_from_a_day_and_time(
    sandbox_client: httpx.AsyncClient, app_url: str, owner_url: str
) -> None:
    client = sandbox_client
    tokens, company = await business_company(client, "free-visit@example.com", company_type="Service")
    assert (await upload(client, tokens, company["id"], SERVICES.encode())).status_code == 200
    await _hours(client, tokens, company["id"], slot_minutes=30)
    channel = await connect_web(client, tokens, company["id"])
    started = await say(client, tokens, channel, "I'd like to book an online consultation", visitor_id="p-1")
    await run_jobs(app_url)
    [offer] = bot_replies(await history(client, tokens, started["conversation_id"]))
    assert "Online consultation (0.00 EUR)" in offer["body"] and "nothing to pay" in offer["body"]
    assert "Please choose a time for your appointment:" in offer["body"]
    assert "sandbox/pay" not in offer["body"]

    await say(client, tokens, channel, "tomorrow at 11", visitor_id="p-1")
    await run_jobs(app_url)
    done = bot_replies(await history(client, tokens, started["conversation_id"]))[-1]["body"]
    assert done.startswith("Booked: ") and done.endswith("See you then!"), done
    [booking] = await _bookings(client, tokens, company["id"])
    tomorrow = datetime.now(BERLIN).date() + timedelta(days=1)
    start = datetime.fromisoformat(booking["start"]).astimezone(BERLIN)
    assert (start.date(), start.hour, start.minute) == (tomorrow, 11, 0)
    assert datetime.fromisoformat(booking["end"]) - datetime.fromisoformat(booking["start"]) == timedelta(minutes=30)
    assert booking["kind"] == "appointment" and booking["order_id"] is None and booking["format"] == "online"
    # With no order to carry it, the booking shows where its customer came from through its conversation.
    assert booking["lead_source"] is None
    tenant_sql(owner_url, company["id"], "UPDATE {schema}.contacts SET lead_source = 'tiktok' RETURNING id")
    [booking] = await _bookings(client, tokens, company["id"])
    assert booking["lead_source"] == "tiktok"


async def test_a_customer_not_understood_twice_goes_to_a_person(
    sandbox_client: httpx.AsyncClient, db: Database, sandbox_settings: Settings, app_url: str, owner_url: str
) -> None:
    client = sandbox_client
    shop = await open_shop(client, "muddle@example.com")
    await _hours(client, shop.tokens, shop.company_id)
    await _paid_order(client, db, sandbox_settings, shop, app_url)
    offer = next(b for b, _, _ in bot_messages(owner_url, shop) if b.startswith("Please choose"))
    assert offer.startswith("Please choose a delivery time:") and _offered(offer)

    first = await _tell(client, shop, app_url, "hmm whatever works")
    assert first.startswith("Sorry, I didn't understand. Reply with the number")
    second = await _tell(client, shop, app_url, "blue ones")
    assert "asked a member of our team to arrange the time" in second
    state = await client.get(f"/api/v1/conversations/{shop.conversation_id}", headers=bearer(shop.tokens))
    assert state.json()["handover"] is True
    assert await _bookings(client, shop.tokens, shop.company_id) == []


async def test_a_slot_taken_meanwhile_is_said_plainly_with_fresh_slots(
    sandbox_client: httpx.AsyncClient, db: Database, sandbox_settings: Settings, app_url: str, owner_url: str
) -> None:
    client = sandbox_client
    shop = await open_shop(client, "race@example.com")
    await _hours(client, shop.tokens, shop.company_id)
    await _paid_order(client, db, sandbox_settings, shop, app_url)
    await _tell(client, shop, app_url, "1")  # the first slot: now the address is asked
    [(chosen,)] = tenant_sql(
        owner_url,
        shop.company_id,
        "SELECT chosen_start FROM {schema}.booking_requests WHERE conversation_id = %s",
        shop.conversation,
    )
    taken = await client.post(
        "/api/v1/bookings",
        json={"company_id": shop.company_id, "start": chosen.isoformat(), "contact_name": "Walk-in"},
        headers=bearer(shop.tokens),
    )
    assert taken.status_code == 201, taken.text

    sorry = await _tell(client, shop, app_url, "Lindenstraße 1")
    assert sorry.startswith("Sorry, that time has just been taken. The free times now:")
    fresh = _offered(sorry)
    assert fresh
    done = await _tell(client, shop, app_url, "1")  # the address is remembered: booked at once
    assert done.startswith("Booked: delivery on") and "Lindenstraße 1" in done
    mine = [b for b in await _bookings(client, shop.tokens, shop.company_id) if b["conversation_id"]]
    assert len(mine) == 1 and datetime.fromisoformat(mine[0]["start"]) != chosen


async def test_the_llm_tools_book_only_what_is_paid_for_or_free(
    sandbox_client: httpx.AsyncClient, db: Database, sandbox_settings: Settings, app_url: str, owner_url: str
) -> None:
    client = sandbox_client
    tokens, company = await business_company(client, "tools@example.com", company_type="Service")
    uploaded = await upload(client, tokens, company["id"], SERVICES.encode())
    assert uploaded.status_code == 200
    await _hours(client, tokens, company["id"])
    channel = await connect_web(client, tokens, company["id"])
    started = await say(client, tokens, channel, "hello", visitor_id="p-9")
    conversation = uuid.UUID(started["conversation_id"])
    company_id = uuid.UUID(company["id"])
    kb = await client.get(f"/api/v1/knowledge-base/{uploaded.json()['kb_id']}", headers=bearer(tokens))
    rows = {item["name"]: item["id"] for item in kb.json()["items"]}

    listed = await chat.tool_slots(
        db, sandbox_settings, company_id, conversation, {"kb_row_id": rows["Teeth cleaning"]}
    )
    assert listed["slots"] and listed["timezone"] == "Europe/Berlin"
    first = listed["slots"][0]
    span = datetime.fromisoformat(first["end"]) - datetime.fromisoformat(first["start"])
    assert span == timedelta(minutes=45)  # the service's own duration

    unpaid = await chat.tool_book(
        db, sandbox_settings, company_id, conversation, {"slot": first["start"], "kb_row_id": rows["Teeth cleaning"]}
    )
    assert unpaid["status"] == "payment_required"
    bad = await chat.tool_book(
        db,
        sandbox_settings,
        company_id,
        conversation,
        {"slot": "tomorrow-ish", "kb_row_id": rows["Online consultation"]},
    )
    assert "error" in bad
    free = await chat.tool_slots(
        db, sandbox_settings, company_id, conversation, {"kb_row_id": rows["Online consultation"]}
    )
    booked = await chat.tool_book(
        db,
        sandbox_settings,
        company_id,
        conversation,
        {"slot": free["slots"][0]["start"], "kb_row_id": rows["Online consultation"]},
    )
    assert booked["status"] == "booked", booked
    [booking] = await _bookings(client, tokens, company["id"])
    assert booking["start"] == free["slots"][0]["start"] and booking["conversation_id"] == str(conversation)
