"""Billing's Stripe events from the platform webhook (SPEC.md R-B2), registered with the payments dispatcher:
a subscription's completed Checkout, ``customer.subscription.*``, ``invoice.paid`` and ``invoice.payment_failed``.

Each is idempotent: the stored view moves only forward in time (``sync``), so a redelivered or replayed event
changes nothing. A completed Checkout fetches its subscription from Stripe (no transaction is open then), so the
plan starts even when the subscription's own events are not enabled or arrive later; a Stripe outage fails the
job, which the inbox retries, and a subscription Stripe will not show is taken from the paid session's metadata.
"""

from __future__ import annotations

import logging
from datetime import datetime

from x8.integrations.stripe import StripeApi, StripeNotConfigured
from x8.kit.jobs import WorkerContext
from x8.platform.billing import subscribe, sync
from x8.platform.payments.stripe_events import StripeEvent, on_stripe

log = logging.getLogger(__name__)

SUBSCRIPTION_KIND = "subscription"


@on_stripe("checkout.session.completed", kind=SUBSCRIPTION_KIND)
async def subscription_checkout_completed(ctx: WorkerContext, event: StripeEvent) -> None:
    try:
        async with StripeApi(ctx.settings) as api:
            await subscribe.start_from_checkout(ctx.db, ctx.settings, api, event.object, paid_at=_event_time(event))
    except StripeNotConfigured:
        # No key on this server: Stripe cannot be asked, so the paid session's own metadata starts the plan.
        log.warning("Stripe event %s: no Stripe key to fetch its subscription", event.id)
        subscription_id = await sync.link_checkout(ctx.db, event.object)
        fallback = (
            sync.subscription_of_checkout(ctx.settings, event.object, subscription_id) if subscription_id else None
        )
        if fallback is not None:
            await sync.apply_subscription(ctx.db, ctx.settings, fallback, as_of=_event_time(event))


@on_stripe("checkout.session.expired", kind=SUBSCRIPTION_KIND)
async def subscription_checkout_expired(ctx: WorkerContext, event: StripeEvent) -> None:
    """The business left Checkout without paying: nothing was started, so nothing changes."""


@on_stripe("customer.subscription.created")
@on_stripe("customer.subscription.updated")
@on_stripe("customer.subscription.deleted")
async def subscription_changed(ctx: WorkerContext, event: StripeEvent) -> None:
    await sync.apply_subscription(ctx.db, ctx.settings, event.object, as_of=_event_time(event))


@on_stripe("invoice.paid")
async def invoice_paid(ctx: WorkerContext, event: StripeEvent) -> None:
    await sync.apply_invoice(ctx.db, event.object, paid=True, as_of=_event_time(event))


@on_stripe("invoice.payment_failed")
async def invoice_payment_failed(ctx: WorkerContext, event: StripeEvent) -> None:
    await sync.apply_invoice(ctx.db, event.object, paid=False, as_of=_event_time(event))


def _event_time(event: StripeEvent) -> datetime:
    return sync.stripe_time(event.created) or sync.now_as_of()
