"""Buying and changing a plan through Stripe Billing (SPEC.md R-B1, R-B3): Checkout, the customer portal, a plan
change on the live subscription.

No Stripe call is made with a transaction open: each reads what it needs in a short transaction, calls Stripe,
and records the outcome in another. The business's Stripe customer is created once: the request is named by a
key derived from the business (two concurrent first checkouts send the same key, so Stripe makes one customer and
answers both with it), and it is recorded only where none is recorded yet. Failures are raised as
``StripeUnavailable`` (an outage: nothing was half-made, try again) or ``StripeRefused``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from x8.integrations.stripe import StripeApi, StripeRefused, idempotency_key
from x8.kit.clock import utcnow
from x8.kit.db import Database
from x8.platform.billing import repository, sync
from x8.platform.billing.plans import PLANS, limit_of, price_of
from x8.platform.billing.repository import LIVE, ChosenChannel
from x8.platform.users.models import Plan, User
from x8.settings import Settings

if TYPE_CHECKING:
    from stripe.params import SubscriptionUpdateParams

log = logging.getLogger(__name__)


class NotOnSale(Exception):
    """The plan has no Stripe price on this server (``STRIPE_PRICE_<PLAN>`` is not set)."""


class AlreadySubscribed(Exception):
    """The business has a live subscription: change its plan instead of buying another."""


class NoSubscription(Exception):
    """There is no live subscription (or no Stripe customer) to change or manage."""


class UnknownCheckout(Exception):
    """No subscription Checkout Session of this business has that id (Stripe has none, or it is someone else's)."""


class TooManyChannels(Exception):
    """The new plan allows fewer channels than the business has chosen."""

    def __init__(self, limit: int, channels: list[ChosenChannel]) -> None:
        super().__init__(f"{len(channels)} channels chosen, the plan allows {limit}")
        self.limit = limit
        self.channels = channels


@dataclass(frozen=True)
class CheckoutLink:
    url: str
    session_id: str


def _billing_url(settings: Settings, query: str = "") -> str:
    return f"{settings.frontend_url.rstrip('/')}/billing{query}"


async def _customer(db: Database, settings: Settings, api: StripeApi, business: User) -> str:
    async with db.sessions() as session:
        known = await session.scalar(
            repository.select_customer(business.id)  # the row may have changed since the request began
        )
    if known:
        return str(known)
    created = await api.create_customer(
        {
            "email": business.email,
            "name": business.full_name or business.email,
            "metadata": {"x8_user_id": str(business.id)},
        },
        idempotency_key=idempotency_key("billing_customer", business.id, business.email),
    )
    async with db.sessions() as session, session.begin():
        kept = await repository.keep_customer(session, business.id, created.id)
    return kept or created.id


async def create_checkout(db: Database, settings: Settings, business: User, plan: Plan) -> CheckoutLink:
    """A Checkout Session (mode=subscription) for ``plan``. Raises ``NotOnSale``, ``AlreadySubscribed``,
    ``StripeNotConfigured``, ``StripeUnavailable`` or ``StripeRefused``."""
    price = price_of(settings, plan)
    if price is None:
        raise NotOnSale(plan)
    async with db.sessions() as session:
        current = repository.current_of(await repository.subscriptions_of(session, business.id))
    if current is not None and current.status in LIVE:
        raise AlreadySubscribed(current.id)
    async with StripeApi(settings) as api:
        customer = await _customer(db, settings, api, business)
        # A double click or a retry within the hour gets the same session; a later attempt (or one after a
        # subscription came and went) gets a new one.
        hour = utcnow().strftime("%Y-%m-%dT%H")
        checkout = await api.create_checkout_session(
            {
                "mode": "subscription",
                "customer": customer,
                "client_reference_id": str(business.id),
                "line_items": [{"price": price, "quantity": 1}],
                "success_url": _billing_url(settings, "?checkout=success&session_id={CHECKOUT_SESSION_ID}"),
                "cancel_url": _billing_url(settings, "?checkout=cancel"),
                "metadata": {"x8_kind": "subscription", "x8_user_id": str(business.id), "x8_plan": plan.value},
                "subscription_data": {"metadata": {"x8_user_id": str(business.id)}},
            },
            idempotency_key=idempotency_key(
                "subscription_checkout", business.id, plan.value, price, customer, current.id if current else "", hour
            ),
        )
    if not checkout.url:
        raise RuntimeError(f"Stripe returned Checkout Session {checkout.id} without a url")
    return CheckoutLink(url=checkout.url, session_id=checkout.id)


async def start_from_checkout(
    db: Database, settings: Settings, api: StripeApi, session_object: dict[str, Any], *, paid_at: datetime
) -> bool:
    """Start the plan a completed subscription Checkout paid for: link the customer, fetch the subscription from
    Stripe and store it. Used by the webhook and by the business's return to the billing page, whichever comes
    first; the other changes nothing. When Stripe will not show the subscription, the plan starts from what the
    paid session's metadata says (``paid_at`` is then its time); its own events, when they come, replace it.
    False when the session is not complete or is for no business here."""
    subscription_id = await sync.link_checkout(db, session_object)
    if subscription_id is None:
        return False
    as_of = sync.now_as_of()
    try:
        subscription = (await api.retrieve_subscription(subscription_id)).to_dict()
    except StripeRefused as exc:
        log.warning(
            "Checkout %s: subscription %s could not be fetched (%s)", session_object.get("id"), subscription_id, exc
        )
        fallback = sync.subscription_of_checkout(settings, session_object, subscription_id)
        if fallback is None:
            return False
        subscription, as_of = fallback, paid_at
    return await sync.apply_subscription(db, settings, subscription, as_of=as_of)


async def confirm_checkout(db: Database, settings: Settings, business: User, session_id: str) -> None:
    """The business is back from Checkout: ask Stripe how the session went and, when it is paid, start the plan now
    rather than when the webhook's event is handled (a self-hosted server may get webhooks late, or not at all).
    Raises ``UnknownCheckout`` for a session that is not this business's subscription Checkout, or Stripe's
    errors. An unfinished session changes nothing."""
    async with StripeApi(settings) as api:
        try:
            checkout = (await api.retrieve_checkout_session(session_id)).to_dict()
        except StripeRefused as exc:
            if exc.code == "resource_missing":
                raise UnknownCheckout(session_id) from exc
            raise
        found = checkout.get("metadata")
        metadata: dict[str, Any] = found if isinstance(found, dict) else {}
        owner = checkout.get("client_reference_id") or metadata.get("x8_user_id")
        if metadata.get("x8_kind") != "subscription" or owner != str(business.id):
            raise UnknownCheckout(session_id)
        if checkout.get("status") != "complete" or checkout.get("payment_status") not in (
            "paid",
            "no_payment_required",
        ):
            return  # still open, or paid by a debit that has not cleared: the webhook starts the plan later
        created = checkout.get("created")
        paid_at = datetime.fromtimestamp(created, UTC) if isinstance(created, int) else sync.now_as_of()
        await start_from_checkout(db, settings, api, checkout, paid_at=paid_at)


async def portal(db: Database, settings: Settings, business: User) -> str:
    """A customer portal session's url (invoices, card, cancelling). Raises ``NoSubscription`` when the business
    has never had a Stripe customer, or Stripe's errors."""
    async with db.sessions() as session:
        customer = await session.scalar(repository.select_customer(business.id))
    if not customer:
        raise NoSubscription()
    async with StripeApi(settings) as api:
        # Portal sessions are short lived, so each request makes a new one (a replay would hand back a stale one).
        created = await api.create_billing_portal_session(
            {"customer": str(customer), "return_url": _billing_url(settings)},
            idempotency_key=idempotency_key("billing_portal", str(customer), utcnow().isoformat()),
        )
    return created.url


async def change_plan(db: Database, settings: Settings, business: User, plan: Plan) -> None:
    """Move the live subscription to ``plan`` at Stripe and at once here (an upgrade opens channels now). A
    downgrade below the channels in use raises ``TooManyChannels`` and sends nothing to Stripe; a downgrade is
    not prorated (no refunds), an upgrade is. Raises ``NotOnSale``, ``NoSubscription``, or Stripe's errors."""
    price = price_of(settings, plan)
    if price is None:
        raise NotOnSale(plan)
    async with db.sessions() as session:
        current = repository.current_of(await repository.subscriptions_of(session, business.id))
        chosen = await repository.chosen_channels(session, business.id)
    if current is None or current.status not in LIVE:
        raise NoSubscription()
    if current.price_id == price:
        return
    limit = limit_of(plan, business.channel_limit_override)
    if limit is not None and len(chosen) > limit:
        raise TooManyChannels(limit, chosen)
    old_price = PLANS[Plan(current.plan)].monthly_price_usd or 0.0
    upgrade = (PLANS[plan].monthly_price_usd or 0.0) > old_price
    as_of = sync.now_as_of()
    async with StripeApi(settings) as api:
        live = await api.retrieve_subscription(current.id)
        item_id = live["items"]["data"][0]["id"]
        params: SubscriptionUpdateParams = {
            "items": [{"id": item_id, "price": price}],
            "proration_behavior": "create_prorations" if upgrade else "none",
        }
        updated = await api.update_subscription(
            current.id,
            params,
            # Named by the state it changes, so a retry replays and a later change back and forth is new.
            idempotency_key=idempotency_key(
                "subscription_change", current.id, item_id, current.price_id, price, current.updated_at.isoformat()
            ),
        )
    await sync.apply_subscription(db, settings, updated.to_dict(), as_of=as_of)
