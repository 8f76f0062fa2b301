"""A sale in chat (SPEC.md R-P2), as the port the assistant's turn calls with no transaction open:
``payment_link(db, settings, company_id, conversation_id, [OrderLine(kb_row_id, quantity), …])``.

1. Can this business be paid online? With Stripe, only to an enabled connected account; without Stripe outside
   production, through the sandbox; in production without Stripe, not at all. No: ``PaymentUnavailable`` (the
   assistant says so and hands over; it never sends a dead link).
2. The cart is checked against the KB rows (prices come from the rows, never from the chat's text): an unknown
   row, a quantity under 1, a row without a price, mixed currencies… raise ``CartRejected`` with what is wrong, for
   the assistant to turn into a question.
3. The order is stored ``pending`` with its items (and committed); then, with no transaction open, its Checkout
   Session is made (a destination charge, an idempotency key derived from the order) and recorded on the order,
   guarded by its state; the conversation's ``payment_status`` becomes ``payment_link_sent``.
4. Stripe not answering (after the SDK's own retries with the same key): ``PaymentUnavailable(retry=True)`` with
   the order's id. The customer is told to wait; a job keeps trying with the same key and sends the link itself
   when it comes (``tasks.deliver_late_link``), so there is never a second session or a double charge.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from x8.kit.db import Database
from x8.platform.orders import refs, store
from x8.platform.orders.money import MAX_AMOUNT, NotChargeable, format_major, to_minor
from x8.platform.orders.store import Buyer, NewItem, Order
from x8.platform.payments import accounts, tasks
from x8.platform.payments.checkout import NotOpened, checkout_mode, open_session, sandbox_url
from x8.settings import Settings
from x8.tenancy.session import tenant_session

MAX_LINES = 100  # Stripe Checkout's limit of line items in payment mode
MAX_QUANTITY = 10_000


@dataclass(frozen=True)
class OrderLine:
    kb_row_id: uuid.UUID
    quantity: int


CartProblem = Literal[
    "empty",  # no lines
    "too_many_lines",  # more than MAX_LINES different rows
    "bad_quantity",  # under 1 or over MAX_QUANTITY
    "unknown_item",  # no such KB row in this company
    "no_price",  # the row has no price
    "no_currency",  # the row has a price but no currency
    "bad_price",  # the price has decimals its currency does not have (1500.50 JPY)
    "free",  # everything costs 0: nothing to pay (a free service is booked without payment)
    "out_of_stock",  # more than the row's stock
    "mixed_currencies",  # one order is paid in one currency
    "too_large",  # more than one online payment may be
]


class CartRejected(ValueError):
    """The cart cannot be ordered as it is; ``problem`` says why, and the fields name what (the row, its name, the
    quantity asked for and the stock there is, the currencies met)."""

    def __init__(
        self,
        problem: CartProblem,
        *,
        kb_row_id: uuid.UUID | None = None,
        name: str | None = None,
        quantity: int | None = None,
        available: int | None = None,
        currencies: tuple[str, ...] = (),
    ) -> None:
        super().__init__(f"{problem}" + (f" ({kb_row_id})" if kb_row_id else ""))
        self.problem = problem
        self.kb_row_id = kb_row_id
        self.name = name
        self.quantity = quantity
        self.available = available
        self.currencies = currencies


class UnknownConversation(LookupError):
    """No such conversation in this company."""


@dataclass(frozen=True)
class LinkItem:
    kb_row_id: uuid.UUID
    name: str
    quantity: int
    unit_amount: str  # major units, "24.90"
    currency: str


@dataclass(frozen=True)
class PaymentLink:
    """Send ``url`` to the customer. ``sandbox``: the local sandbox checkout, no real money."""

    url: str
    order_id: uuid.UUID
    amount: str  # major units, "49.80"
    currency: str
    items: tuple[LinkItem, ...]
    sandbox: bool


@dataclass(frozen=True)
class PaymentUnavailable:
    """No link now. ``not_configured``: this server takes no online payments; ``no_account``: the business has no
    enabled Stripe account (say so and hand over); ``refused``: Stripe refused this checkout (hand over);
    ``provider_unavailable`` with ``retry``: Stripe is not answering; the order (``order_id``) stays pending and
    the platform sends the link itself once Stripe answers (tell the customer to wait a moment)."""

    reason: Literal["not_configured", "no_account", "refused", "provider_unavailable"]
    retry: bool = False
    order_id: uuid.UUID | None = None


def merged_lines(lines: Sequence[OrderLine]) -> list[OrderLine]:
    """The cart with one line per row (quantities of a row named twice added up), in the order first named."""
    if not lines:
        raise CartRejected("empty")
    totals: dict[uuid.UUID, int] = {}
    for line in lines:
        if isinstance(line.quantity, bool) or not isinstance(line.quantity, int):
            raise CartRejected("bad_quantity", kb_row_id=line.kb_row_id)
        if line.quantity < 1:
            raise CartRejected("bad_quantity", kb_row_id=line.kb_row_id, quantity=line.quantity)
        totals[line.kb_row_id] = totals.get(line.kb_row_id, 0) + line.quantity
    if len(totals) > MAX_LINES:
        raise CartRejected("too_many_lines")
    for row_id, quantity in totals.items():
        if quantity > MAX_QUANTITY:
            raise CartRejected("bad_quantity", kb_row_id=row_id, quantity=quantity)
    return [OrderLine(row_id, quantity) for row_id, quantity in totals.items()]


def _rejected(
    problem: CartProblem, row: store.CatalogueRow, line: OrderLine, *, available: int | None = None
) -> CartRejected:
    return CartRejected(problem, kb_row_id=row.id, name=row.name, quantity=line.quantity, available=available)


def priced_items(lines: Sequence[OrderLine], rows: dict[uuid.UUID, store.CatalogueRow]) -> list[NewItem]:
    """Each line at its row's price in minor units; ``CartRejected`` for the first line that cannot be sold."""
    items: list[NewItem] = []
    for line in lines:
        row = rows.get(line.kb_row_id)
        if row is None:
            raise CartRejected("unknown_item", kb_row_id=line.kb_row_id, quantity=line.quantity)
        if row.price is None:
            raise _rejected("no_price", row, line)
        if not row.currency:
            raise _rejected("no_currency", row, line)
        if row.stock is not None and line.quantity > row.stock:
            raise _rejected("out_of_stock", row, line, available=max(row.stock, 0))
        try:
            unit_amount = to_minor(row.price, row.currency)
        except NotChargeable as exc:
            raise _rejected("bad_price", row, line) from exc
        items.append(NewItem(row.id, row.name, unit_amount, line.quantity, row.currency.upper()))
    currencies = tuple(dict.fromkeys(item.currency for item in items))
    if len(currencies) > 1:
        raise CartRejected("mixed_currencies", currencies=currencies)
    total = sum(item.unit_amount * item.quantity for item in items)
    if total == 0:
        raise CartRejected("free")
    if total > MAX_AMOUNT:
        raise CartRejected("too_large")
    return items


async def payment_link(
    db: Database,
    settings: Settings,
    company_id: uuid.UUID,
    conversation_id: uuid.UUID,
    lines: Sequence[OrderLine],
    *,
    language: str | None = None,
) -> PaymentLink | PaymentUnavailable:
    """Order ``lines`` for the customer of ``conversation_id`` and give the link to pay for it (see the module's doc).
    ``language``: the customer's, as the assistant judged it ("en", "ru"): the checkout page and the messages about
    the order use it. Raises ``CartRejected`` or ``UnknownConversation``."""
    wanted = merged_lines(lines)
    mode = checkout_mode(settings)
    if mode == "off":
        return PaymentUnavailable("not_configured")
    if mode == "stripe" and not (await accounts.of_company(db, company_id)).enabled:
        return PaymentUnavailable("no_account")
    async with tenant_session(db, company_id) as ts:
        who = await store.buyer(ts, conversation_id)
        if who is None:
            raise UnknownConversation(f"no conversation {conversation_id} in company {company_id}")
        items = priced_items(wanted, await store.catalogue_rows(ts, [line.kb_row_id for line in wanted]))
    order = await _store_order(db, settings, company_id, who, items, mode, language)
    if mode == "sandbox":
        assert order.checkout_url is not None
        await tasks.schedule_reminder(company_id, order.id, minutes=settings.payment_reminder_minutes)
        return _link(order, items, order.checkout_url, sandbox=True)
    opened = await open_session(db, settings, company_id, order.id)
    if isinstance(opened, NotOpened):
        if opened.reason == "provider_unavailable":
            await tasks.schedule_late_link(company_id, order.id)
            return PaymentUnavailable("provider_unavailable", retry=True, order_id=order.id)
        return PaymentUnavailable("no_account" if opened.reason == "no_account" else "refused", order_id=order.id)
    await tasks.schedule_reminder(company_id, order.id, minutes=settings.payment_reminder_minutes)
    return _link(order, items, opened.url, sandbox=False)


async def _store_order(
    db: Database,
    settings: Settings,
    company_id: uuid.UUID,
    who: Buyer,
    items: list[NewItem],
    mode: Literal["stripe", "sandbox"],
    language: str | None,
) -> Order:
    """The pending order, committed; a sandbox order gets its link at once (no provider to wait for)."""
    order_id = uuid.uuid4()
    await refs.register(db, order_id, company_id)
    async with tenant_session(db, company_id) as ts:
        order = await store.create(
            ts, order_id, who, items, provider=mode, language=language if language in ("en", "ru") else None
        )
        if mode == "sandbox":
            url = sandbox_url(settings, order.id)
            await store.record_checkout(ts, order, None, url)
            order = await store.get(ts, order.id) or order
    return order


def _link(order: Order, items: list[NewItem], url: str, *, sandbox: bool) -> PaymentLink:
    return PaymentLink(
        url=url,
        order_id=order.id,
        amount=format_major(order.amount, order.currency),
        currency=order.currency,
        items=tuple(
            LinkItem(i.kb_row_id, i.name, i.quantity, format_major(i.unit_amount, i.currency), i.currency)
            for i in items
        ),
        sandbox=sandbox,
    )
