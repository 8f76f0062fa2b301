"""Where a chat order is paid: a Stripe Checkout Session (a destination charge to the business's connected account,
SPEC.md R-P2) or, with no Stripe on a server that is not in production, the local sandbox (R-E5).

The session is built from the stored order only (its items' names, minor-unit prices and quantities, copied from
the KB rows when the order was made), so a retry sends exactly the first request's parameters under the same
idempotency key, and Stripe answers with the first session instead of making a second.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from x8.integrations.stripe import StripeApi, StripeRefused, StripeUnavailable, idempotency_key
from x8.kit.db import Database
from x8.platform.orders import store
from x8.platform.orders.store import Item, Order
from x8.platform.payments import accounts
from x8.settings import Settings
from x8.tenancy.session import TenantSession, tenant_session

if TYPE_CHECKING:
    from stripe.params.checkout import SessionCreateParams, SessionCreateParamsPaymentIntentData

log = logging.getLogger(__name__)

CheckoutMode = Literal["stripe", "sandbox", "off"]
ORDER_KIND = "order"
CHECKOUT_LOCALES = frozenset({"en", "ru"})


def checkout_mode(settings: Settings) -> CheckoutMode:
    """``stripe`` with a key; the ``sandbox`` without one outside production; ``off`` in production without one."""
    if settings.stripe_secret_key:
        return "stripe"
    return "off" if settings.is_production else "sandbox"


def sandbox_url(settings: Settings, order_id: uuid.UUID) -> str:
    return f"{settings.public_base_url.rstrip('/')}/sandbox/pay/{order_id}"


def finished_url(settings: Settings, order_id: uuid.UUID, *, cancelled: bool = False) -> str:
    """Where Stripe sends the customer after the checkout: a short page that says to go back to the chat."""
    query = "?cancelled=1" if cancelled else ""
    return f"{settings.public_base_url.rstrip('/')}/pay/finished/{order_id}{query}"


def application_fee(amount: int, percent: float) -> int:
    """The platform's fee in minor units (``X8_PLATFORM_FEE_PERCENT``), rounded down: never more than it says."""
    return int(amount * percent // 100)


def session_params(
    settings: Settings, company_id: uuid.UUID, order: Order, items: list[Item], destination: str
) -> SessionCreateParams:
    metadata = {"x8_kind": ORDER_KIND, "x8_order_id": str(order.id), "x8_company_id": str(company_id)}
    intent: SessionCreateParamsPaymentIntentData = {"transfer_data": {"destination": destination}, "metadata": metadata}
    fee = application_fee(order.amount, settings.platform_fee_percent)
    if fee > 0:
        intent["application_fee_amount"] = fee
    params: SessionCreateParams = {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {
                    "currency": item.currency.lower(),
                    "unit_amount": item.unit_amount,
                    "product_data": {"name": item.name},
                },
                "quantity": item.quantity,
            }
            for item in items
        ],
        "payment_intent_data": intent,
        "metadata": metadata,
        "client_reference_id": str(order.id),
        "success_url": finished_url(settings, order.id),
        "cancel_url": finished_url(settings, order.id, cancelled=True),
    }
    if order.language in CHECKOUT_LOCALES:
        params["locale"] = order.language  # Checkout in the customer's language, as the chat was
    return params


async def create_session(
    settings: Settings, company_id: uuid.UUID, order: Order, items: list[Item], destination: str
) -> tuple[str, str]:
    """The order's Checkout Session (its id and URL), made with no transaction open. The key is the order's: a
    retry of any kind gets the same session. Raises ``StripeUnavailable`` or ``StripeRefused``."""
    async with StripeApi(settings) as api:
        session = await api.create_checkout_session(
            session_params(settings, company_id, order, items, destination),
            idempotency_key=idempotency_key("order_checkout", order.id),
        )
    if not session.url:
        raise RuntimeError(f"Stripe gave checkout session {session.id} no URL")
    return session.id, session.url


@dataclass(frozen=True)
class Opened:
    """The order's checkout is open at ``url``. ``fresh``: recorded by this call (else found recorded already)."""

    url: str
    order: Order
    fresh: bool


@dataclass(frozen=True)
class NotOpened:
    """``no_account``: the business cannot take payments (now), and ``refused``: Stripe said no (either way the
    order is ``failed``); ``provider_unavailable``: Stripe did not answer, try again later with the same key (the
    order stays ``pending``); ``closed``: the order is no longer pending."""

    reason: Literal["no_account", "provider_unavailable", "refused", "closed"]
    code: str | None = None


# Stripe's refusals that mean the destination account cannot take this payment (any more).
_ACCOUNT_REFUSALS = frozenset({"account_invalid", "insufficient_capabilities_for_transfer"})
_DESTINATION = "payment_intent_data[transfer_data][destination]"

OnRecorded = Callable[[TenantSession, Order, str], Awaitable[None]]


async def open_session(
    db: Database,
    settings: Settings,
    company_id: uuid.UUID,
    order_id: uuid.UUID,
    *,
    on_recorded: OnRecorded | None = None,
) -> Opened | NotOpened:
    """Open a stored pending order's Checkout Session and record it on the order, with no transaction open while
    Stripe works. ``on_recorded`` runs in the transaction that records it (to store a notice with it, once).
    Safe to call again for the same order: the key replays the same session, and a recorded one is returned."""
    account = await accounts.of_company(db, company_id)
    async with tenant_session(db, company_id) as ts:
        order = await store.get(ts, order_id)
        items = (await store.items_of(ts, [order_id]))[order_id] if order is not None else []
    if order is None or order.status != "pending":
        return NotOpened("closed")
    if order.checkout_url is not None:
        return Opened(order.checkout_url, order, fresh=False)
    if not account.enabled or account.account_id is None:
        async with tenant_session(db, company_id) as ts:
            await store.close(ts, order, "failed", reason="no_account")
        return NotOpened("no_account")
    try:
        session_id, url = await create_session(settings, company_id, order, items, account.account_id)
    except StripeUnavailable:
        return NotOpened("provider_unavailable")
    except StripeRefused as exc:
        log.warning("Stripe refused the checkout of order %s (%s): %s", order.id, exc.code, exc.stripe_message)
        async with tenant_session(db, company_id) as ts:
            await store.close(ts, order, "failed", reason=exc.code[:64])
        no_account = exc.code in _ACCOUNT_REFUSALS or exc.param == _DESTINATION
        return NotOpened("no_account" if no_account else "refused", exc.code)
    async with tenant_session(db, company_id) as ts:
        recorded = await store.record_checkout(ts, order, session_id, url)
        if recorded and on_recorded is not None:
            await on_recorded(ts, order, url)
    return Opened(url, order, fresh=True) if recorded else NotOpened("closed")
