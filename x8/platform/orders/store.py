"""Orders in a tenant schema (SPEC.md R-P2, R-P3): every query here runs in the caller's ``TenantSession``.

An order moves ``pending`` → ``paid`` | ``expired`` | ``failed`` (and from ``expired`` or ``failed`` only to
``paid``, when Stripe says the money came after all); every write that moves it is guarded by the status it moves
from, so two jobs handling the same provider event, or the webhook and the sandbox, change it once. The
conversation's ``payment_status`` follows the conversation's newest order only: a late event about an older order
does not undo what the newer one said.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import and_, func, insert, select, tuple_, update
from sqlalchemy.sql.elements import ColumnElement

from x8.conversations.events import conversation_changed
from x8.tenancy.session import TenantSession
from x8.tenancy.tables import contacts, conversations, kb_items, order_items, orders

OrderStatus = Literal["pending", "paid", "failed", "expired", "refunded"]
PaymentStatus = Literal["no_payment_link", "payment_link_sent", "paid"]
Provider = Literal["stripe", "sandbox"]


@dataclass(frozen=True)
class Buyer:
    """The conversation an order is made in, and who is in it (copied onto the order)."""

    conversation_id: uuid.UUID
    channel: str
    channel_id: uuid.UUID | None
    contact_name: str
    contact_handle: str
    contact_language: str | None
    lead_source: str | None
    handed_over: bool
    bot_paused: bool


@dataclass(frozen=True)
class CatalogueRow:
    id: uuid.UUID
    name: str
    price: Decimal | None
    currency: str | None
    stock: int | None


@dataclass(frozen=True)
class NewItem:
    kb_row_id: uuid.UUID
    name: str
    unit_amount: int
    quantity: int
    currency: str


@dataclass(frozen=True)
class Item:
    kb_row_id: uuid.UUID | None
    name: str
    unit_amount: int
    quantity: int
    currency: str


@dataclass(frozen=True)
class Order:
    id: uuid.UUID
    conversation_id: uuid.UUID | None
    contact_name: str
    contact_handle: str
    channel: str
    lead_source: str | None
    language: str | None
    amount: int
    currency: str
    status: OrderStatus
    provider: Provider
    checkout_session_id: str | None
    checkout_url: str | None
    payment_intent_id: str | None
    failure_reason: str | None
    paid_at: datetime | None
    link_message_id: uuid.UUID | None
    after_payment_message_id: uuid.UUID | None
    reminder_message_id: uuid.UUID | None
    created_at: datetime


_ORDER_COLUMNS = [orders.c[name] for name in Order.__dataclass_fields__]


def _order(row: Any) -> Order:
    return Order(**{name: row._mapping[name] for name in Order.__dataclass_fields__})


# --- reading what an order is made of ---


async def buyer(ts: TenantSession, conversation_id: uuid.UUID) -> Buyer | None:
    row = (
        await ts.execute(
            select(
                conversations.c.id,
                conversations.c.channel,
                conversations.c.channel_id,
                contacts.c.display_name,
                contacts.c.external_id,
                contacts.c.language,
                contacts.c.lead_source,
                conversations.c.handover_at.is_not(None).label("handed_over"),
                func.coalesce(conversations.c.bot_paused_until > func.now(), False).label("bot_paused"),
            )
            .join(contacts, contacts.c.id == conversations.c.contact_id)
            .where(conversations.c.id == conversation_id)
        )
    ).first()
    if row is None:
        return None
    return Buyer(
        conversation_id=row.id,
        channel=row.channel,
        channel_id=row.channel_id,
        contact_name=row.display_name,
        contact_handle=row.external_id,
        contact_language=row.language,
        lead_source=row.lead_source,
        handed_over=bool(row.handed_over),
        bot_paused=bool(row.bot_paused),
    )


async def catalogue_rows(ts: TenantSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, CatalogueRow]:
    """The KB rows with these ids (the ones that exist), with their prices as stored: never from the chat's text."""
    result = await ts.execute(
        select(kb_items.c.id, kb_items.c.name, kb_items.c.price, kb_items.c.currency, kb_items.c.stock).where(
            kb_items.c.id.in_(list(ids))
        )
    )
    return {row.id: CatalogueRow(row.id, row.name, row.price, row.currency, row.stock) for row in result}


# --- writing ---


async def create(
    ts: TenantSession,
    order_id: uuid.UUID,
    who: Buyer,
    items: Sequence[NewItem],
    *,
    provider: Provider,
    language: str | None,
) -> Order:
    """Store a ``pending`` order with its items; the conversation's payment status starts again (R-P2)."""
    currency = items[0].currency
    amount = sum(item.unit_amount * item.quantity for item in items)
    row = (
        await ts.execute(
            insert(orders)
            .values(
                id=order_id,
                conversation_id=who.conversation_id,
                contact_name=who.contact_name[:255],
                contact_handle=who.contact_handle[:255],
                channel=who.channel,
                lead_source=who.lead_source,
                language=language,
                amount=amount,
                currency=currency,
                provider=provider,
            )
            .returning(*_ORDER_COLUMNS)
        )
    ).one()
    await ts.execute(
        insert(order_items),
        [
            {
                "order_id": order_id,
                "position": position,
                "kb_row_id": item.kb_row_id,
                "name": item.name,
                "unit_amount": item.unit_amount,
                "quantity": item.quantity,
                "currency": item.currency,
            }
            for position, item in enumerate(items)
        ],
    )
    order = _order(row)
    await _set_payment_status(ts, order, "no_payment_link")
    return order


async def get(ts: TenantSession, order_id: uuid.UUID, *, for_update: bool = False) -> Order | None:
    query = select(*_ORDER_COLUMNS).where(orders.c.id == order_id)
    row = (await ts.execute(query.with_for_update() if for_update else query)).first()
    return _order(row) if row is not None else None


async def items_of(ts: TenantSession, order_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Item]]:
    found: dict[uuid.UUID, list[Item]] = {order_id: [] for order_id in order_ids}
    if not order_ids:
        return found
    result = await ts.execute(
        select(
            order_items.c.order_id,
            order_items.c.kb_row_id,
            order_items.c.name,
            order_items.c.unit_amount,
            order_items.c.quantity,
            order_items.c.currency,
        )
        .where(order_items.c.order_id.in_(list(order_ids)))
        .order_by(order_items.c.order_id, order_items.c.position)
    )
    for row in result:
        found[row.order_id].append(Item(row.kb_row_id, row.name, row.unit_amount, row.quantity, row.currency))
    return found


async def record_checkout(ts: TenantSession, order: Order, session_id: str | None, url: str) -> bool:
    """Keep the checkout's id and URL on a still pending order (a session made for it already may only be made
    again with the same id: the same idempotency key gives the same session). The conversation now has a link."""
    done = (
        await ts.execute(
            update(orders)
            .where(
                orders.c.id == order.id,
                orders.c.status == "pending",
                func.coalesce(orders.c.checkout_session_id, session_id or "") == (session_id or ""),
            )
            .values(checkout_session_id=session_id, checkout_url=url, updated_at=func.now())
            .returning(orders.c.id)
        )
    ).first()
    if done is None:
        return False
    await _set_payment_status(ts, order, "payment_link_sent")
    return True


@dataclass(frozen=True)
class Payment:
    """What the payment provider (or the sandbox) says was paid."""

    amount: int
    currency: str
    checkout_session_id: str | None = None
    payment_intent_id: str | None = None


async def mark_paid(ts: TenantSession, order: Order, payment: Payment, *, reopen: bool = False) -> Order | None:
    """``pending`` → ``paid``, once; None when the order had already moved on. ``reopen``: from ``expired`` or
    ``failed`` too (the money arrived after all)."""
    payable = ("pending", "expired", "failed") if reopen else ("pending",)
    row = (
        await ts.execute(
            update(orders)
            .where(orders.c.id == order.id, orders.c.status.in_(payable))
            .values(
                status="paid",
                paid_at=func.now(),
                updated_at=func.now(),
                failure_reason=None,
                checkout_session_id=func.coalesce(orders.c.checkout_session_id, payment.checkout_session_id),
                payment_intent_id=payment.payment_intent_id,
            )
            .returning(*_ORDER_COLUMNS)
        )
    ).first()
    if row is None:
        return None
    paid = _order(row)
    await _set_payment_status(ts, paid, "paid")
    await _take_stock(ts, paid.id)
    return paid


async def _take_stock(ts: TenantSession, order_id: uuid.UUID) -> None:
    """What was paid for leaves the stock of rows that count one (never below zero: the money is in, and a person
    sorts out an oversell), in the payment's own transaction, so it is taken once."""
    sold = (
        select(order_items.c.kb_row_id, func.sum(order_items.c.quantity).label("quantity"))
        .where(order_items.c.order_id == order_id, order_items.c.kb_row_id.is_not(None))
        .group_by(order_items.c.kb_row_id)
        .subquery()
    )
    await ts.execute(
        update(kb_items)
        .where(kb_items.c.id == sold.c.kb_row_id, kb_items.c.stock.is_not(None))
        .values(stock=func.greatest(kb_items.c.stock - sold.c.quantity, 0))
    )


async def by_payment_intent(ts: TenantSession, payment_intent_id: str, *, for_update: bool = False) -> Order | None:
    query = select(*_ORDER_COLUMNS).where(orders.c.payment_intent_id == payment_intent_id)
    row = (await ts.execute(query.with_for_update() if for_update else query)).first()
    return _order(row) if row is not None else None


async def mark_refunded(ts: TenantSession, order: Order) -> bool:
    """``paid`` → ``refunded``, once."""
    done = await ts.execute(
        update(orders)
        .where(orders.c.id == order.id, orders.c.status == "paid")
        .values(status="refunded", updated_at=func.now())
        .returning(orders.c.id)
    )
    return done.first() is not None


async def close(
    ts: TenantSession,
    order: Order,
    status: Literal["expired", "failed"],
    *,
    reason: str | None = None,
    session_id: str | None = None,
) -> bool:
    """``pending`` → ``expired`` or ``failed``, once. With ``session_id``, only when that checkout is the order's
    (or the order never recorded one). The conversation's link is no longer one."""
    guards: list[ColumnElement[bool]] = [orders.c.id == order.id, orders.c.status == "pending"]
    if session_id is not None:
        guards.append(func.coalesce(orders.c.checkout_session_id, session_id) == session_id)
    done = (
        await ts.execute(
            update(orders)
            .where(and_(*guards))
            .values(status=status, failure_reason=reason, updated_at=func.now())
            .returning(orders.c.id)
        )
    ).first()
    if done is None:
        return False
    await _set_payment_status(ts, order, "no_payment_link")
    return True


MessageKind = Literal["link", "after_payment", "reminder"]


async def attach_message(ts: TenantSession, order_id: uuid.UUID, kind: MessageKind, message_id: uuid.UUID) -> None:
    """Remember the notice stored about the order, so it is stored once and a rerun only sends it."""
    await ts.execute(update(orders).where(orders.c.id == order_id).values({f"{kind}_message_id": message_id}))


async def _set_payment_status(ts: TenantSession, order: Order, status: PaymentStatus) -> None:
    """The conversation's payment status, when ``order`` is its newest order."""
    if order.conversation_id is None:
        return
    newer = (
        select(orders.c.id)
        .where(
            orders.c.conversation_id == order.conversation_id,
            tuple_(orders.c.created_at, orders.c.id) > tuple_(order.created_at, order.id),
        )
        .exists()
    )
    changed = (
        await ts.execute(
            update(conversations)
            .where(
                conversations.c.id == order.conversation_id,
                conversations.c.payment_status != status,
                ~newer,
            )
            .values(payment_status=status)
            .returning(conversations.c.id)
        )
    ).first()
    if changed is not None:
        await conversation_changed(ts, order.conversation_id)


# --- the purchase log ---


def _filters(
    status: OrderStatus | None, start: datetime | None, end: datetime | None, lead_source: str | None = None
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if status is not None:
        where.append(orders.c.status == status)
    if lead_source == NO_LEAD_SOURCE:
        where.append(orders.c.lead_source.is_(None))
    elif lead_source is not None:
        where.append(orders.c.lead_source == lead_source)
    if start is not None:
        where.append(orders.c.created_at >= start)
    if end is not None:
        where.append(orders.c.created_at < end)
    return where


NO_LEAD_SOURCE = "none"  # the filter value for orders whose customer came from no known source


async def count(
    ts: TenantSession,
    *,
    status: OrderStatus | None,
    start: datetime | None,
    end: datetime | None,
    lead_source: str | None = None,
) -> int:
    where = _filters(status, start, end, lead_source)
    return int(await ts.scalar(select(func.count()).select_from(orders).where(*where)) or 0)


async def newest(
    ts: TenantSession,
    *,
    status: OrderStatus | None,
    start: datetime | None,
    end: datetime | None,
    limit: int | None,
    lead_source: str | None = None,
) -> list[Order]:
    """The newest orders first (``limit`` None: all of them)."""
    query = (
        select(*_ORDER_COLUMNS)
        .where(*_filters(status, start, end, lead_source))
        .order_by(orders.c.created_at.desc(), orders.c.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return [_order(row) for row in await ts.execute(query)]
