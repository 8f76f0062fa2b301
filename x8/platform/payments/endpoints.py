"""Stripe Connect for the business (SPEC.md R-P1): ``/api/v1/payments/connect/onboard``, ``/status``,
``/disconnect``.

Only a business account has a connected account: managers and admins get 403 (they have no business of their own,
and a connected account is the business's agreement with Stripe, which only its owner may enter or end). Every
Stripe call runs with no transaction open (the authenticator has ended its read before the endpoint runs).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from x8.integrations.stripe import StripeNotConfigured, StripeRefused, StripeUnavailable
from x8.kit.deps import DatabaseDep, SettingsDep
from x8.kit.errors import Conflict, Forbidden, ServiceUnavailable, error_responses
from x8.kit.i18n import msg
from x8.platform.auth.deps import CurrentUser
from x8.platform.payments import connect
from x8.platform.payments.accounts import AccountState
from x8.platform.payments.checkout import checkout_mode
from x8.platform.payments.schemas import ConnectOnboarding, ConnectStatusOut
from x8.platform.users.models import Role, User
from x8.settings import Settings

router = APIRouter(prefix="/api/v1/payments/connect", tags=["payments"])


async def _business(user: CurrentUser) -> User:
    if user.role != Role.CLIENT:
        raise Forbidden(msg("Only a business account receives payments; staff accounts have no Stripe account."))
    return user


Business = Annotated[User, Depends(_business)]


def _status_out(state: AccountState, settings: Settings) -> ConnectStatusOut:
    return ConnectStatusOut(
        account_id=state.account_id,
        charges_enabled=state.charges_enabled,
        payouts_enabled=state.payouts_enabled,
        requirements=list(state.requirements),
        status=state.status,
        checkout=checkout_mode(settings),
    )


def _unavailable(exc: StripeUnavailable) -> ServiceUnavailable:
    seconds = max(1, int(exc.retry_after))
    return ServiceUnavailable(
        msg("Stripe is not answering right now. Please try again in a moment."),
        headers={"Retry-After": str(seconds)},
    )


def _refused(exc: StripeRefused) -> Conflict:
    return Conflict(
        msg(
            "Stripe did not accept the request ({code}). Please contact support if this keeps happening.", code=exc.code
        )
    )


@router.post(
    "/onboard", response_model=ConnectOnboarding, responses=error_responses(Forbidden, Conflict, ServiceUnavailable)
)
async def onboard(business: Business, db: DatabaseDep, settings: SettingsDep) -> ConnectOnboarding:
    """The business's Express account (made at Stripe on the first call) and a new onboarding link for it; open the
    link to finish (or continue) onboarding at Stripe. The status follows from Stripe's ``account.updated``."""
    try:
        onboarding = await connect.onboard(db, settings, business)
    except StripeNotConfigured as exc:  # the server's setup, not an outage: a 409 says "not in this state"
        raise Conflict(
            msg("Online payments are not set up on this server (no Stripe key). Chat orders use the sandbox checkout.")
        ) from exc
    except StripeUnavailable as exc:
        raise _unavailable(exc) from exc
    except StripeRefused as exc:
        raise _refused(exc) from exc
    return ConnectOnboarding(account_id=onboarding.account_id, url=onboarding.url)


@router.get("/status", response_model=ConnectStatusOut, responses=error_responses(Forbidden))
async def status(business: Business, db: DatabaseDep, settings: SettingsDep) -> ConnectStatusOut:
    """Whether chat orders can be paid to the business: ``enabled`` once Stripe allows charges and transfers;
    ``requirements`` lists what Stripe still needs. An account that is not enabled yet is asked about at Stripe."""
    return _status_out(await connect.status(db, settings, business.id), settings)


@router.post(
    "/disconnect", response_model=ConnectStatusOut, responses=error_responses(Forbidden, Conflict, ServiceUnavailable)
)
async def disconnect(business: Business, db: DatabaseDep, settings: SettingsDep) -> ConnectStatusOut:
    """Delete the business's Express account at Stripe and forget it here; chat orders cannot be paid until the
    business onboards again (a new account). Nothing to disconnect is not an error."""
    try:
        state = await connect.disconnect(db, settings, business.id)
    except StripeUnavailable as exc:
        raise _unavailable(exc) from exc
    except connect.StillConnected as exc:
        raise Conflict(
            msg(
                "Stripe did not let the account be removed ({code}); it stays connected. Settle its balance in "
                "Stripe first.",
                code=exc.refused.code,
            )
        ) from exc
    return _status_out(state, settings)
