"""Stripe: billing (subscriptions, the customer portal), Connect (Express accounts) and chat payments
(Checkout Sessions as destination charges). See ``client`` for the conventions."""

from x8.integrations.stripe.client import (
    API_VERSION,
    MAX_NETWORK_RETRIES,
    STRIPE_FAILURES,
    StripeApi,
    StripeNotConfigured,
    StripeRefused,
    StripeUnavailable,
)
from x8.integrations.stripe.idempotency import idempotency_key
from x8.integrations.stripe.webhooks import BadSignature, verify_event

__all__ = [
    "API_VERSION",
    "MAX_NETWORK_RETRIES",
    "STRIPE_FAILURES",
    "BadSignature",
    "StripeApi",
    "StripeNotConfigured",
    "StripeRefused",
    "StripeUnavailable",
    "idempotency_key",
    "verify_event",
]
