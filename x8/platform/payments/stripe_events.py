"""Stripe's events from the inbox (SPEC.md §11, "Which webhook gets which Stripe event"), routed by type and, for
Checkout Sessions, by ``metadata.x8_kind`` (``order`` or ``subscription``).

One dispatcher serves both sources (``stripe``: the platform webhook; ``stripe_connect``: the Connect webhook) and
finds a handler registered with ``@on_stripe(type, kind=…)``: chat orders' here, SaaS billing's (subscriptions,
invoices, subscription checkouts) in ``x8.platform.billing.events``, imported at the end of this module so that
whoever loads the dispatcher has every handler. Any other event type is acknowledged and ignored.

Every handler is idempotent: an event is handled at least once (a job retried after its worker died), so each
one changes state with guarded updates that do nothing the second time.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from x8.kit.jobs import WorkerContext
from x8.platform.inbox.handlers import handles
from x8.platform.inbox.repository import StoredEvent
from x8.platform.orders.store import Payment
from x8.platform.payments import accounts, connect, fulfilment, refunds
from x8.platform.payments.checkout import ORDER_KIND

log = logging.getLogger(__name__)

PLATFORM_SOURCE = "stripe"
CONNECT_SOURCE = "stripe_connect"


@dataclass(frozen=True)
class StripeEvent:
    """The parts of a stored Stripe event the handlers read; ``object`` is ``data.object`` as Stripe sent it."""

    id: str
    type: str
    created: int
    account: str | None
    object: dict[str, Any]

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> StripeEvent:
        data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
        obj = data.get("object") if isinstance(data, dict) else None
        return cls(
            id=str(payload.get("id", "")),
            type=str(payload.get("type", "")),
            created=int(payload.get("created") or 0),
            account=str(payload["account"]) if payload.get("account") else None,
            object=obj if isinstance(obj, dict) else {},
        )

    @property
    def metadata(self) -> dict[str, str]:
        metadata = self.object.get("metadata")
        return {str(k): str(v) for k, v in metadata.items()} if isinstance(metadata, dict) else {}

    @property
    def kind(self) -> str | None:
        """What X8 made a Checkout Session for (``metadata.x8_kind``); None for other objects."""
        if self.object.get("object") != "checkout.session":
            return None
        return self.metadata.get("x8_kind") or None


StripeHandler = Callable[[WorkerContext, StripeEvent], Awaitable[None]]
HANDLERS: dict[tuple[str, str | None], StripeHandler] = {}


def on_stripe(event_type: str, *, kind: str | None = None) -> Callable[[StripeHandler], StripeHandler]:
    """Register a handler for Stripe events of ``event_type`` (Checkout Sessions: of ``kind``)."""

    def register(handler: StripeHandler) -> StripeHandler:
        key = (event_type, kind)
        if key in HANDLERS and HANDLERS[key] is not handler:
            raise RuntimeError(f"two handlers for Stripe's {event_type} ({kind})")
        HANDLERS[key] = handler
        return handler

    return register


async def dispatch(ctx: WorkerContext, stored: StoredEvent) -> None:
    event = StripeEvent.from_payload(stored.payload)
    key = (event.type, event.kind)
    handler = HANDLERS.get(key)
    if handler is not None:
        await handler(ctx, event)
    else:
        log.debug("Stripe event %s (%s) needs nothing from X8", event.id, event.type)


handles(PLATFORM_SOURCE)(dispatch)
handles(CONNECT_SOURCE)(dispatch)


# --- chat orders (the platform webhook) ---


@dataclass(frozen=True)
class OrderRef:
    company_id: uuid.UUID
    order_id: uuid.UUID


def order_ref(event: StripeEvent) -> OrderRef | None:
    try:
        return OrderRef(uuid.UUID(event.metadata["x8_company_id"]), uuid.UUID(event.metadata["x8_order_id"]))
    except (KeyError, ValueError):
        log.warning("Stripe event %s: an order's Checkout Session without a valid x8 order in its metadata", event.id)
        return None


@on_stripe("checkout.session.completed", kind=ORDER_KIND)
@on_stripe("checkout.session.async_payment_succeeded", kind=ORDER_KIND)
async def order_paid(ctx: WorkerContext, event: StripeEvent) -> None:
    """The customer paid: the order is ``paid`` (amount and currency checked against it) and thanked. A completed
    session whose payment is still processing (a bank debit) waits for ``async_payment_succeeded``."""
    session = event.object
    if session.get("payment_status") != "paid":
        return
    ref = order_ref(event)
    if ref is None:
        return
    payment = Payment(
        amount=int(session.get("amount_total") or 0),
        currency=str(session.get("currency") or ""),
        checkout_session_id=str(session.get("id") or "") or None,
        payment_intent_id=str(session["payment_intent"]) if isinstance(session.get("payment_intent"), str) else None,
    )
    outcome = await fulfilment.fulfil(ctx.db, ctx.settings, ref.company_id, ref.order_id, payment)
    if outcome is None:
        log.warning("Stripe event %s: order %s of company %s is gone", event.id, ref.order_id, ref.company_id)


@on_stripe("checkout.session.expired", kind=ORDER_KIND)
async def order_expired(ctx: WorkerContext, event: StripeEvent) -> None:
    ref = order_ref(event)
    if ref is not None:
        session_id = str(event.object.get("id") or "") or None
        await fulfilment.close(ctx.db, ref.company_id, ref.order_id, "expired", session_id=session_id)


@on_stripe("checkout.session.async_payment_failed", kind=ORDER_KIND)
async def order_payment_failed(ctx: WorkerContext, event: StripeEvent) -> None:
    ref = order_ref(event)
    if ref is not None:
        session_id = str(event.object.get("id") or "") or None
        await fulfilment.close(
            ctx.db, ref.company_id, ref.order_id, "failed", reason="payment_failed", session_id=session_id
        )


@on_stripe("charge.refunded")
async def order_refunded(ctx: WorkerContext, event: StripeEvent) -> None:
    """Refunded in Stripe's dashboard: the chat order is ``refunded`` in the purchase log."""
    await refunds.record_refund(ctx.db, event.object)


# --- connected accounts (the Connect webhook) ---


@on_stripe("account.updated")
async def account_updated(ctx: WorkerContext, event: StripeEvent) -> None:
    account_id = event.account or str(event.object.get("id") or "")
    if account_id:
        await accounts.record_state(ctx.db, account_id, event.object, as_of=accounts.event_time(event.created))


@on_stripe("account.application.deauthorized")
async def account_deauthorized(ctx: WorkerContext, event: StripeEvent) -> None:
    """The business disconnected X8 from its Stripe dashboard: the account is forgotten here too."""
    if event.account is None:
        return
    business_id = await accounts.forget(ctx.db, event.account)
    if business_id is not None:
        await connect.on_disconnected(business_id, event.account)


# SaaS billing's handlers register themselves with ``on_stripe`` (it imports this module, hence the import here).
from x8.platform.billing import events as billing_events  # noqa: E402

assert billing_events.SUBSCRIPTION_KIND
