"""SaaS billing for the business (SPEC.md R-B1, R-B3): ``/api/v1/subscriptions/…``. The Stripe webhook at
``/api/v1/subscriptions/webhook/stripe`` is served by ``x8.platform.payments.webhooks`` (one endpoint for the
platform's events) and lands in ``x8.platform.billing.events``.

Only a business account has a plan: staff get 403 except on the plan list. Every Stripe call runs with no
transaction open (the authenticator's read is over before the endpoint runs).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from x8.integrations.stripe import StripeNotConfigured, StripeRefused, StripeUnavailable
from x8.kit.deps import DatabaseDep, SettingsDep
from x8.kit.errors import Conflict, Forbidden, NotFound, ServiceUnavailable, error_responses
from x8.kit.i18n import msg
from x8.kit.pagination import Limit, Offset
from x8.platform.auth.deps import CurrentUser
from x8.platform.billing import overview, subscribe
from x8.platform.billing.errors import TooManyChannelsError
from x8.platform.billing.schemas import (
    ActiveOut,
    BillingHistory,
    ChannelRef,
    CheckoutOut,
    CheckoutReturn,
    PlanChangeRefusal,
    PlanChoice,
    PlanList,
    PortalOut,
)
from x8.platform.users.models import Plan, Role, User

router = APIRouter(prefix="/api/v1/subscriptions", tags=["billing"])


async def _business(user: CurrentUser) -> User:
    if user.role != Role.CLIENT:
        raise Forbidden(msg("Only a business account has a plan; staff accounts are not billed."))
    return user


Business = Annotated[User, Depends(_business)]
STRIPE_ERRORS = error_responses(Forbidden, Conflict, ServiceUnavailable)


def _stripe_error(exc: Exception) -> Exception:
    """The API's error for a failure of a Stripe call (or of billing's setup on this server)."""
    if isinstance(exc, StripeUnavailable):
        return ServiceUnavailable(
            msg("Stripe is not answering right now. Please try again in a moment."),
            headers={"Retry-After": str(max(1, int(exc.retry_after)))},
        )
    if isinstance(exc, StripeRefused):
        return Conflict(
            msg(
                "Stripe did not accept the request ({code}). Please contact support if this keeps happening.",
                code=exc.code,
            )
        )
    if isinstance(exc, StripeNotConfigured):
        return Conflict(msg("Billing is not set up on this server (no Stripe key), so plans cannot be bought here."))
    if isinstance(exc, subscribe.NotOnSale):
        return Conflict(msg("The {plan} plan is not on sale on this server.", plan=str(exc.args[0])))
    raise exc


STRIPE_FAILURES = (StripeUnavailable, StripeRefused, StripeNotConfigured, subscribe.NotOnSale)


@router.get("/plans", response_model=PlanList)
async def plans(user: CurrentUser, settings: SettingsDep) -> PlanList:
    """Every plan with its monthly price and channel limit; ``purchasable`` tells which can be bought here."""
    items = overview.plan_list(settings)
    return PlanList(items=items, total=len(items))


@router.get("/active", response_model=ActiveOut, responses=error_responses(Forbidden))
async def active(business: Business, db: DatabaseDep) -> ActiveOut:
    """The business's plan as it stands now: ``status`` is ``expired`` once a trial has ended or a past-due
    subscription's 3 days of grace have passed; ``channels_used`` counts channels chosen across its companies."""
    return await overview.active(db, business)


@router.post("/create-session", response_model=CheckoutOut, responses=STRIPE_ERRORS)
async def create_session(body: PlanChoice, business: Business, db: DatabaseDep, settings: SettingsDep) -> CheckoutOut:
    """A Stripe Checkout Session (mode=subscription) for the plan; open ``url`` to pay. The plan starts when the
    business comes back (``checkout/confirm``) or when Stripe reports the completed checkout to the webhook. 409
    when the business already has a live subscription (change its plan instead); 503 when Stripe is not answering
    (nothing was made: try again)."""
    try:
        link = await subscribe.create_checkout(db, settings, business, Plan(body.plan.value))
    except subscribe.AlreadySubscribed as exc:
        raise Conflict(msg("You already have a subscription. Change its plan instead of buying another.")) from exc
    except STRIPE_FAILURES as exc:
        raise _stripe_error(exc) from exc
    return CheckoutOut(url=link.url, session_id=link.session_id)


@router.post(
    "/checkout/confirm",
    response_model=ActiveOut,
    responses=error_responses(Forbidden, NotFound, Conflict, ServiceUnavailable),
)
async def confirm_checkout(
    body: CheckoutReturn, business: Business, db: DatabaseDep, settings: SettingsDep
) -> ActiveOut:
    """Back from Stripe Checkout (``?checkout=success&session_id=…``): X8 asks Stripe how the session went and, once
    it is paid, starts the plan at once instead of waiting for the webhook (which then changes nothing). An
    unfinished session changes nothing; 404 for a session that is not this business's subscription Checkout."""
    try:
        await subscribe.confirm_checkout(db, settings, business, body.session_id)
    except subscribe.UnknownCheckout as exc:
        raise NotFound(msg("There is no plan checkout of yours with this id.")) from exc
    except STRIPE_FAILURES as exc:
        raise _stripe_error(exc) from exc
    return await overview.active(db, business)


@router.post("/portal", response_model=PortalOut, responses=STRIPE_ERRORS)
async def portal(business: Business, db: DatabaseDep, settings: SettingsDep) -> PortalOut:
    """A Stripe customer portal session (card, invoices, cancelling); 409 before the first subscription."""
    try:
        url = await subscribe.portal(db, settings, business)
    except subscribe.NoSubscription as exc:
        raise Conflict(msg("There is no billing account yet. Subscribe to a plan first.")) from exc
    except STRIPE_FAILURES as exc:
        raise _stripe_error(exc) from exc
    return PortalOut(url=url)


@router.get("/", response_model=BillingHistory, responses=error_responses(Forbidden))
async def history(business: Business, db: DatabaseDep, limit: Limit = 50, offset: Offset = 0) -> BillingHistory:
    """The business's subscriptions and its invoices (``limit``/``offset`` page the invoices)."""
    return await overview.history(db, business, limit=limit, offset=offset)


@router.post(
    "/change",
    response_model=ActiveOut,
    responses={
        **STRIPE_ERRORS,
        409: {"model": PlanChangeRefusal, "description": "TooManyChannels (the channels to disconnect), or Conflict"},
    },
)
async def change(body: PlanChoice, business: Business, db: DatabaseDep, settings: SettingsDep) -> ActiveOut:
    """Move the live subscription to another plan, at Stripe and here at once. A downgrade below the channels in
    use is 409 ``TooManyChannels`` listing them (disconnect some first); nothing is sent to Stripe then. Upgrades
    are prorated; downgrades are not refunded."""
    try:
        await subscribe.change_plan(db, settings, business, Plan(body.plan.value))
    except subscribe.TooManyChannels as exc:
        raise TooManyChannelsError(
            msg(
                "The {plan} plan allows {limit} {limit:plural:channel|channels}, and {count} "
                "{count:plural:is|are} in use. Remove channels from your companies first.",
                plan=body.plan.value,
                limit=exc.limit,
                count=len(exc.channels),
            ),
            limit=exc.limit,
            channels=[
                ChannelRef(id=c.id, platform=c.platform, company_id=c.company_id).model_dump(mode="json")
                for c in exc.channels
            ],
        ) from exc
    except subscribe.NoSubscription as exc:
        raise Conflict(msg("There is no active subscription to change. Choose a plan to subscribe first.")) from exc
    except STRIPE_FAILURES as exc:
        raise _stripe_error(exc) from exc
    return await overview.active(db, business)
