"""A random tenant history (contacts, conversations, messages, orders, bookings), written straight into a company's
tenant tables as the pipeline stores them, and an independent count of every overview figure from it.

The count is the specification of docs/metrics.md written plainly over Python lists; the overview, which reads
rollups plus the raw tail, must agree with it exactly (percentiles: the same bucketed value).
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from x8.platform.metrics import sketch
from x8.platform.orders.money import format_major

CHANNELS = ("web", "telegram", "whatsapp")
SOURCES = (None, "tiktok", "meta_ad")


@dataclass
class Contact:
    id: uuid.UUID
    channel: str
    lead_source: str | None
    created_at: datetime


@dataclass
class Message:
    id: uuid.UUID
    direction: str
    sender: str
    status: str
    created_at: datetime
    message_type: str | None
    intent: str | None


@dataclass
class Conversation:
    id: uuid.UUID
    contact: Contact
    created_at: datetime
    handover_at: datetime | None = None  # the first handover
    resumed: bool = False  # the bot was resumed since: the conversation's handover_at is cleared, not the first one
    messages: list[Message] = field(default_factory=list)


@dataclass
class Order:
    id: uuid.UUID
    conversation: Conversation
    created_at: datetime
    amount: int
    currency: str
    status: str
    paid_at: datetime | None
    link: bool


@dataclass
class Booking:
    id: uuid.UUID
    conversation: Conversation | None
    order: Order | None
    created_at: datetime
    status: str


@dataclass
class World:
    schema: str
    tenant: str
    tz: ZoneInfo
    contacts: list[Contact] = field(default_factory=list)
    conversations: list[Conversation] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    bookings: list[Booking] = field(default_factory=list)


def _ms(at: datetime) -> datetime:
    """Whole milliseconds, so a response time is the same integer in PostgreSQL and in Python."""
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


def grow(world: World, rng: random.Random, start: datetime, end: datetime, conversations: int) -> list[Any]:
    """Add random conversations starting in ``[start, end)`` (with their contacts, messages, orders and bookings);
    returns the rows created, for ``store``."""
    created: list[Any] = []
    span = (end - start).total_seconds()
    for _ in range(conversations):
        begun = _ms(start + timedelta(seconds=rng.uniform(0, span * 0.9)))
        contact = Contact(uuid.uuid4(), rng.choice(CHANNELS), rng.choice(SOURCES), begun)
        conversation = Conversation(uuid.uuid4(), contact, begun)
        at = begun
        for i in range(rng.randint(1, 7)):
            direction = "in" if i == 0 or rng.random() < 0.45 else "out"
            sender = "customer" if direction == "in" else rng.choice(("bot", "bot", "bot", "human", "owner"))
            status = "received" if direction == "in" else rng.choice(("sent", "sent", "sent", "failed"))
            intent = "human" if direction == "out" and sender == "bot" and rng.random() < 0.1 else None
            kind = rng.choice(("TYPE1", "TYPE1", "TYPE2", "TYPE3", None)) if direction == "out" else "TYPE1"
            conversation.messages.append(Message(uuid.uuid4(), direction, sender, status, at, kind, intent))
            at = _ms(at + timedelta(seconds=rng.uniform(0.2, 9000)))
            if at >= end:
                break
        if rng.random() < 0.1:
            conversation.handover_at = conversation.messages[-1].created_at
            conversation.resumed = rng.random() < 0.5
        created += [contact, conversation]
        world.contacts.append(contact)
        world.conversations.append(conversation)
        if rng.random() < 0.4:
            paid = rng.random() < 0.6
            order_at = conversation.messages[-1].created_at
            paid_at = _ms(order_at + timedelta(hours=rng.uniform(0.1, 40))) if paid else None
            order = Order(
                uuid.uuid4(),
                conversation,
                order_at,
                rng.randint(100, 99_999),
                rng.choice(("USD", "EUR", "JPY")),
                "paid" if paid else rng.choice(("pending", "expired", "failed")),
                paid_at,
                link=rng.random() < 0.9,
            )
            world.orders.append(order)
            created.append(order)
            if paid and paid_at is not None and rng.random() < 0.6:
                booking = Booking(
                    uuid.uuid4(),
                    conversation,
                    order,
                    _ms(paid_at + timedelta(minutes=rng.uniform(1, 600))),
                    rng.choice(("confirmed", "confirmed", "cancelled")),
                )
                world.bookings.append(booking)
                created.append(booking)
    return created


def store(world: World, owner_url: str, rows: list[Any]) -> None:
    s, t = world.schema, world.tenant
    with psycopg.connect(owner_url, autocommit=True) as conn, conn.cursor() as cur:
        for row in rows:
            if isinstance(row, Contact):
                cur.execute(
                    f"INSERT INTO {s}.contacts (id, tenant_id, channel, external_id, lead_source, created_at) "
                    "VALUES (%s, %s, %s, %s, %s, %s)",
                    (row.id, t, row.channel, str(row.id), row.lead_source, row.created_at),
                )
            elif isinstance(row, Conversation):
                cur.execute(
                    f"INSERT INTO {s}.conversations (id, tenant_id, contact_id, channel, created_at, handover_at, "
                    "first_handover_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    (
                        row.id,
                        t,
                        row.contact.id,
                        row.contact.channel,
                        row.created_at,
                        None if row.resumed else row.handover_at,
                        row.handover_at,
                    ),
                )
                cur.executemany(
                    f"INSERT INTO {s}.messages (id, tenant_id, conversation_id, direction, sender, status, "
                    "created_at, processed_at, message_type, intent) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    [
                        (
                            m.id,
                            t,
                            row.id,
                            m.direction,
                            m.sender,
                            m.status,
                            m.created_at,
                            m.created_at,
                            m.message_type,
                            m.intent,
                        )
                        for m in row.messages
                    ],
                )
            elif isinstance(row, Order):
                cur.execute(
                    f"INSERT INTO {s}.orders (id, tenant_id, conversation_id, channel, lead_source, amount, currency, "
                    "status, provider, checkout_url, paid_at, created_at) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'sandbox', %s, %s, %s)",
                    (
                        row.id,
                        t,
                        row.conversation.id,
                        row.conversation.contact.channel,
                        row.conversation.contact.lead_source,
                        row.amount,
                        row.currency,
                        row.status,
                        "https://pay.example/x" if row.link else None,
                        row.paid_at,
                        row.created_at,
                    ),
                )
            elif isinstance(row, Booking):
                cur.execute(
                    f'INSERT INTO {s}.bookings (id, tenant_id, kind, start, "end", status, order_id, '
                    "conversation_id, created_at) VALUES (%s, %s, 'appointment', %s, %s, %s, %s, %s, %s)",
                    (
                        row.id,
                        t,
                        row.created_at + timedelta(days=1),
                        row.created_at + timedelta(days=1, hours=1),
                        row.status,
                        row.order.id if row.order else None,
                        row.conversation.id if row.conversation else None,
                        row.created_at,
                    ),
                )


def sql(owner_url: str, query: str, *params: Any) -> None:
    with psycopg.connect(owner_url, autocommit=True) as conn:
        conn.execute(query, params)  # type: ignore[arg-type]


# --- the independent count ---------------------------------------------------------------------------------------


@dataclass
class Count:
    n: Counter[str] = field(default_factory=Counter)
    response_ms: list[int] = field(default_factory=list)
    revenue: Counter[str] = field(default_factory=Counter)

    def figures(self) -> dict[str, Any]:
        n = self.n

        def rate(part: str, whole: str) -> float | None:
            return round(n[part] / n[whole], 4) if n[whole] else None

        histogram = Counter(sketch.bucket_of(ms) for ms in self.response_ms)
        return {
            "conversations": n["conversations"],
            "new_contacts": n["new_contacts"],
            "messages_in": n["messages_in"],
            "messages_out": n["messages_out"],
            "type1": n["type1"],
            "type2": n["type2"],
            "type3": n["type3"],
            "first_response_p50_ms": sketch.percentile(histogram, 0.5),
            "first_response_p90_ms": sketch.percentile(histogram, 0.9),
            "bot_resolution_rate": rate("resolved", "conversations"),
            "handovers": n["handovers"],
            "payment_links_sent": n["payment_links_sent"],
            "orders_paid": n["orders_paid"],
            "link_to_paid_rate": rate("links_paid", "payment_links_sent"),
            "paid_to_booked_rate": rate("paid_booked", "orders_paid"),
            "revenue": {c: format_major(v, c) for c, v in sorted(self.revenue.items()) if v},
            "bookings": n["bookings"],
        }


def count(world: World, first: date, last: date, *, channel: str | None = None) -> Count:
    """Every figure of the local days ``first`` … ``last`` (definitions: docs/metrics.md)."""

    def inside(at: datetime, ch: str) -> bool:
        return first <= at.astimezone(world.tz).date() <= last and (channel is None or ch == channel)

    result = Count()
    n = result.n
    for contact in world.contacts:
        if inside(contact.created_at, contact.channel):
            n["new_contacts"] += 1
    for conv in world.conversations:
        ch = conv.contact.channel
        counted = [m for m in conv.messages if m.direction == "in" or m.status != "failed"]
        for m in counted:
            if inside(m.created_at, ch):
                n["messages_in" if m.direction == "in" else "messages_out"] += 1
                if m.message_type:
                    n[m.message_type.lower()] += 1
        if not inside(conv.created_at, ch):
            continue
        n["conversations"] += 1
        handed = conv.handover_at is not None or any(m.intent == "human" for m in conv.messages)
        human = any(m.direction == "out" and m.sender in ("human", "owner") for m in counted)
        n["handovers"] += handed
        n["resolved"] += not (handed or human)
        inbound = [m.created_at for m in conv.messages if m.direction == "in"]
        if inbound:
            replies = [m.created_at for m in counted if m.direction == "out" and m.created_at > min(inbound)]
            if replies:
                result.response_ms.append(round((min(replies) - min(inbound)).total_seconds() * 1000))
    booked = {b.order.id for b in world.bookings if b.order is not None and b.status == "confirmed"}
    for order in world.orders:
        ch = order.conversation.contact.channel
        if order.link and inside(order.created_at, ch):
            n["payment_links_sent"] += 1
            n["links_paid"] += order.status == "paid"
        if order.status == "paid" and order.paid_at is not None and inside(order.paid_at, ch):
            n["orders_paid"] += 1
            n["paid_booked"] += order.id in booked
            result.revenue[order.currency] += order.amount
    for booking in world.bookings:
        ch = booking.conversation.contact.channel if booking.conversation else ""
        if booking.status == "confirmed" and inside(booking.created_at, ch):
            n["bookings"] += 1
    return result


def store_message(world: World, owner_url: str, conversation: Conversation, m: Message) -> None:
    sql(
        owner_url,
        f"INSERT INTO {world.schema}.messages (id, tenant_id, conversation_id, direction, sender, status, created_at, "
        "processed_at, message_type, intent) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        m.id,
        world.tenant,
        conversation.id,
        m.direction,
        m.sender,
        m.status,
        m.created_at,
        m.created_at,
        m.message_type,
        m.intent,
    )
