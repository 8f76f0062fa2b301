"""Verifying Stripe webhooks (PROVIDERS.md §6): ``Stripe-Signature: t=<unix>,v1=<hex>``, an HMAC-SHA256 of
``"{t}.{raw body}"`` with the endpoint's secret, within a tolerance of 300 seconds, through the SDK's
``stripe.Webhook.construct_event``.

The platform endpoint and the Connect endpoint have different secrets (``STRIPE_WEBHOOK_SECRET``,
``STRIPE_CONNECT_WEBHOOK_SECRET``); the caller passes the one for the endpoint that was called.
"""

from __future__ import annotations

import stripe

DEFAULT_TOLERANCE_SECONDS = 300


class BadSignature(Exception):
    """The request did not come from Stripe as far as we can tell: answer 400 and change nothing."""


def verify_event(
    payload: bytes, signature_header: str | None, secret: str, *, tolerance: int = DEFAULT_TOLERANCE_SECONDS
) -> stripe.Event:
    """The event in ``payload`` (the raw request body, byte for byte) once its signature checks out.

    Raises ``BadSignature`` for a missing or malformed header, a signature that does not match (a wrong secret
    or a changed body), a timestamp older than ``tolerance`` seconds, or a body that is not a Stripe event.
    """
    if not signature_header:
        raise BadSignature("the Stripe-Signature header is missing")
    if not secret:
        raise BadSignature("no webhook secret is configured for this endpoint")
    try:
        event: stripe.Event = stripe.Webhook.construct_event(payload, signature_header, secret, tolerance)
    except stripe.SignatureVerificationError as exc:
        raise BadSignature(exc.user_message or "the Stripe signature does not match") from exc
    except (ValueError, TypeError, AttributeError) as exc:
        # Signed but not an event: undecodable bytes, not JSON, or JSON that is not an object.
        raise BadSignature("the webhook body is not a Stripe event") from exc
    if any(key not in event for key in ("id", "object", "type")) or event["object"] != "event":
        raise BadSignature("the webhook body is not a Stripe event")
    return event
