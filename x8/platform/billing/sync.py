"""Stripe's subscriptions and invoices, as X8 keeps them (SPEC.md R-B2): read from an event's object (or from our
own call's answer) and stored in one short transaction that also derives the business's plan and status.

Views are stored only when newer than the stored one (``as_of``), so webhooks arriving out of order, or a replay,
change nothing. A subscription whose price is not one of ``STRIPE_PRICE_<PLAN>`` is logged and ignored: it is not
a plan X8 sells (a price made by hand in the Stripe dashboard, say), and guessing a plan for it would hand out
channels nobody paid for.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from x8.kit.clock import utcnow
from x8.kit.db import Database
from x8.platform.billing import repository
from x8.platform.billing.plans import plan_of_price, price_of
from x8.platform.billing.repository import SubscriptionState
from x8.platform.conversations.service import forget_company_profiles
from x8.platform.users.models import Plan
from x8.settings import Settings

log = logging.getLogger(__name__)


def stripe_time(value: Any) -> datetime | None:
    """A Stripe timestamp (Unix seconds) as a time; None when absent."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def now_as_of() -> datetime:
    """The ``as_of`` of a view X8 just got from Stripe itself, to the second like Stripe's event times, so the
    webhook about the same change (created in the same second or later) is not taken for an older view."""
    return utcnow().replace(microsecond=0)


def _id_of(value: Any) -> str | None:
    """An id Stripe sends either as a string or, expanded, as an object with an ``id``."""
    if isinstance(value, str) and value:
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def _metadata(obj: dict[str, Any]) -> dict[str, Any]:
    metadata = obj.get("metadata")
    return metadata if isinstance(metadata, dict) else {}


def subscription_state(settings: Settings, subscription: dict[str, Any], as_of: datetime) -> SubscriptionState | None:
    """The subscription's state, or None (logged) when it is not for a plan X8 sells."""
    subscription_id = _id_of(subscription)
    items = subscription.get("items")
    data = items.get("data") if isinstance(items, dict) else None
    item = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else {}
    price_id = _id_of(item.get("price"))
    if subscription_id is None or price_id is None:
        log.warning("a Stripe subscription without an id or a price: ignored")
        return None
    plan = plan_of_price(settings, price_id)
    if plan is None:
        log.warning("Stripe subscription %s is for price %s, which is no X8 plan: ignored", subscription_id, price_id)
        return None
    # Since API 2025-03-31 the period is on the item; older payloads have it on the subscription.
    period_end = stripe_time(item.get("current_period_end")) or stripe_time(subscription.get("current_period_end"))
    return SubscriptionState(
        id=subscription_id,
        plan=plan,
        price_id=price_id,
        item_id=_id_of(item),
        status=str(subscription.get("status") or ""),
        cancel_at_period_end=bool(subscription.get("cancel_at_period_end")),
        current_period_end=period_end,
        started_at=stripe_time(subscription.get("start_date")) or stripe_time(subscription.get("created")),
        as_of=as_of,
    )


async def apply_subscription(
    db: Database, settings: Settings, subscription: dict[str, Any], *, as_of: datetime
) -> bool:
    """Store what Stripe says about a subscription and derive the business's plan from it. False when nothing
    changed (an unknown price, an unknown business, or an older view than the stored one)."""
    state = subscription_state(settings, subscription, as_of)
    if state is None:
        return False
    customer = _id_of(subscription.get("customer"))
    claimed = _metadata(subscription).get("x8_user_id")
    async with db.sessions() as session, session.begin():
        business = await repository.business_for(session, customer, str(claimed) if claimed else None)
        if business is None:
            log.warning("Stripe subscription %s belongs to no X8 business: ignored", state.id)
            return False
        if not await repository.record_subscription(session, business.id, state):
            return False
        await repository.derive_plan_state(session, business, as_of=as_of)
    forget_company_profiles()  # a canceled plan stops the assistant at once here, not two seconds later
    return True


def _invoice_subscription(invoice: dict[str, Any]) -> str | None:
    # Since API 2025-03-31 an invoice names its subscription under parent.subscription_details.
    parent = invoice.get("parent")
    if isinstance(parent, dict):
        details = parent.get("subscription_details")
        if isinstance(details, dict) and _id_of(details.get("subscription")):
            return _id_of(details.get("subscription"))
    return _id_of(invoice.get("subscription"))


def _invoice_values(invoice: dict[str, Any], as_of: datetime) -> dict[str, Any] | None:
    invoice_id = _id_of(invoice)
    if invoice_id is None:
        return None

    def amount(name: str) -> int:
        value = invoice.get(name)
        return int(value) if isinstance(value, int) and not isinstance(value, bool) else 0

    def text(name: str, limit: int) -> str | None:
        value = invoice.get(name)
        return value[:limit] if isinstance(value, str) and value else None

    return {
        "id": invoice_id,
        "subscription_id": _invoice_subscription(invoice),
        "number": text("number", 255),
        "status": text("status", 32) or "draft",
        "amount_due": amount("amount_due"),
        "amount_paid": amount("amount_paid"),
        "currency": (text("currency", 8) or "usd").lower(),
        "hosted_invoice_url": text("hosted_invoice_url", 2048),
        "invoice_pdf": text("invoice_pdf", 2048),
        "period_start": stripe_time(invoice.get("period_start")),
        "period_end": stripe_time(invoice.get("period_end")),
        "issued_at": stripe_time(invoice.get("created")) or as_of,
        "state_as_of": as_of,
    }


async def apply_invoice(db: Database, invoice: dict[str, Any], *, paid: bool, as_of: datetime) -> bool:
    """Store an invoice for the list, and let a paid one end a past-due period or a failed one start it."""
    values = _invoice_values(invoice, as_of)
    if values is None:
        log.warning("a Stripe invoice without an id: ignored")
        return False
    customer = _id_of(invoice.get("customer"))
    async with db.sessions() as session, session.begin():
        business = await repository.business_for(session, customer, None)
        if business is None:
            log.warning("Stripe invoice %s belongs to no X8 business: ignored", values["id"])
            return False
        if not await repository.record_invoice(session, business.id, values):
            return False
        subscription_id = values["subscription_id"]
        if subscription_id is None:
            return True
        if paid:
            await repository.mark_paid(session, business, subscription_id)
        else:
            await repository.mark_payment_failed(session, business, subscription_id, as_of=as_of)
    forget_company_profiles()
    return True


def subscription_of_checkout(
    settings: Settings, session_object: dict[str, Any], subscription_id: str
) -> dict[str, Any] | None:
    """A paid subscription Checkout as the subscription it started, from the plan X8 put in its metadata: for when
    Stripe will not show the subscription itself. None when the session is unpaid or names no plan sold here."""
    if session_object.get("payment_status") != "paid":
        return None
    metadata = _metadata(session_object)
    try:
        price = price_of(settings, Plan(str(metadata.get("x8_plan"))))
    except ValueError:
        return None
    if price is None:
        return None
    claimed = session_object.get("client_reference_id") or metadata.get("x8_user_id")
    return {
        "id": subscription_id,
        "object": "subscription",
        "customer": session_object.get("customer"),
        "status": "active",
        "metadata": {"x8_user_id": claimed} if claimed else {},
        "items": {"data": [{"price": {"id": price}}]},
        "start_date": session_object.get("created"),
    }


async def link_checkout(db: Database, session_object: dict[str, Any]) -> str | None:
    """A subscription's Checkout completed: make sure its customer is the business's (named by
    ``client_reference_id``). Returns the subscription's id for the caller to fetch, or None."""
    customer = _id_of(session_object.get("customer"))
    claimed = session_object.get("client_reference_id") or _metadata(session_object).get("x8_user_id")
    async with db.sessions() as session, session.begin():
        business = await repository.business_for(session, customer, str(claimed) if claimed else None)
        if business is None:
            log.warning("a subscription Checkout Session for no X8 business: ignored")
            return None
    return _id_of(session_object.get("subscription"))
