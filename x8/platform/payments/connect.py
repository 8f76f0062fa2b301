"""Stripe Connect for a business (SPEC.md R-P1): onboarding, status, disconnect.

Every Stripe call runs with no transaction open; what it changed is stored after, in a short transaction of its
own (``accounts``). The Express account is created once per business generation with a key derived from the
business, so a double click, a retry or a lost answer gives the same account; each onboarding call makes a new
Account Link (they are single use), with a key of its own.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from x8.integrations.stripe import StripeApi, StripeRefused, StripeUnavailable, idempotency_key
from x8.kit.clock import utcnow
from x8.kit.db import Database
from x8.platform.payments import accounts
from x8.platform.payments.accounts import AccountState
from x8.platform.users.models import User
from x8.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Onboarding:
    account_id: str
    url: str


async def onboard(db: Database, settings: Settings, business: User) -> Onboarding:
    """The business's account (created at Stripe the first time) and a fresh onboarding link for it.

    Raises ``StripeNotConfigured``, ``StripeUnavailable`` or ``StripeRefused``."""
    state = await accounts.of_business(db, business.id)
    async with StripeApi(settings) as api:
        account_id = state.account_id
        if account_id is None:
            created = await api.create_express_account(
                {
                    "email": business.email,
                    "capabilities": {"card_payments": {"requested": True}, "transfers": {"requested": True}},
                    "metadata": {"x8_user_id": str(business.id)},
                },
                idempotency_key=idempotency_key("connect_account", business.id, state.generation),
            )
            kept = await accounts.keep_new_account(db, business.id, state.generation, created.id)
            account_id = kept.account_id or created.id
        base = settings.frontend_url.rstrip("/")
        link = await api.create_account_link(
            {
                "account": account_id,
                "type": "account_onboarding",
                "refresh_url": f"{base}/billing?connect=refresh",
                "return_url": f"{base}/billing?connect=return",
            },
            idempotency_key=idempotency_key("connect_link", account_id, uuid.uuid4()),
        )
    return Onboarding(account_id=account_id, url=link.url)


async def status(db: Database, settings: Settings, business_id: uuid.UUID) -> AccountState:
    """What X8 knows of the business's account. An account that cannot take payments yet is asked about at Stripe
    first (the business may just have come back from onboarding, ahead of the ``account.updated`` webhook, or no
    Connect webhook is set up); when Stripe does not answer, the stored state is the answer."""
    state = await accounts.of_business(db, business_id)
    if state.account_id is None or state.enabled or not settings.stripe_secret_key:
        return state
    asked_at = utcnow()
    try:
        async with StripeApi(settings) as api:
            account = await api.retrieve_account(state.account_id)
    except StripeUnavailable:
        return state
    except StripeRefused as exc:
        if exc.code == "account_invalid":  # the platform no longer has access: it was deauthorized
            await accounts.forget(db, state.account_id)
            await on_disconnected(business_id, state.account_id)
            return await accounts.of_business(db, business_id)
        log.warning("Stripe refused to show account %s: %s", state.account_id, exc.code)
        return state
    await accounts.record_state(db, state.account_id, account.to_dict(), as_of=asked_at)
    return await accounts.of_business(db, business_id)


class StillConnected(Exception):
    """Stripe refused to delete the account (it holds a balance, say); it stays connected."""

    def __init__(self, refused: StripeRefused) -> None:
        super().__init__(refused.message)
        self.refused = refused


async def disconnect(db: Database, settings: Settings, business_id: uuid.UUID) -> AccountState:
    """Delete the business's Express account at Stripe, then forget it here. An account Stripe no longer has (or
    no longer lets the platform reach) is forgotten all the same. Raises ``StripeUnavailable`` (nothing changed;
    try again) or ``StillConnected``."""
    state = await accounts.of_business(db, business_id)
    if state.account_id is None:
        return state
    if settings.stripe_secret_key:
        try:
            async with StripeApi(settings) as api:
                await api.delete_account(state.account_id)
        except StripeRefused as exc:
            if exc.code not in ("account_invalid", "resource_missing"):
                raise StillConnected(exc) from exc
    await accounts.forget(db, state.account_id)
    await on_disconnected(business_id, state.account_id)
    return await accounts.of_business(db, business_id)


async def unbind_n8n_payment_credentials(business_id: uuid.UUID, account_id: str) -> None:
    """Hook for the n8n bridge: remove the business's payment bindings from its n8n workflows. There are none yet
    (the n8n issue adds them, and this body)."""


DISCONNECT_HOOKS: list[Callable[[uuid.UUID, str], Awaitable[None]]] = [unbind_n8n_payment_credentials]


async def on_disconnected(business_id: uuid.UUID, account_id: str) -> None:
    """Everything else that must forget the account when the business disconnects or Stripe deauthorizes it."""
    for hook in DISCONNECT_HOOKS:
        await hook(business_id, account_id)
