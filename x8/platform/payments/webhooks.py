"""Stripe's two webhooks (SPEC.md §11): the platform's events at ``POST /api/v1/subscriptions/webhook/stripe``
(``STRIPE_WEBHOOK_SECRET``: chat orders' Checkout Sessions, and billing's events) and the connected accounts' at
``POST /api/v1/webhooks/stripe-connect`` (``STRIPE_CONNECT_WEBHOOK_SECRET``).

Both verify the signature over the raw body (``stripe.Webhook.construct_event``), then store the event once by its
id in the inbox with its ``handle_event`` job, in one statement, and answer. A bad or missing signature is 400 and
stores nothing; an event id seen before is 200 and stores nothing. ``stripe_events`` handles them from the queue.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from x8.integrations.stripe import BadSignature, verify_event
from x8.kit.cleaning import clean_json, json_needs_cleaning
from x8.kit.deps import SettingsDep
from x8.kit.errors import BadRequest, error_responses
from x8.kit.i18n import msg
from x8.platform.inbox import tasks as inbox_tasks
from x8.platform.inbox.repository import IncomingEvent
from x8.platform.payments.stripe_events import CONNECT_SOURCE, PLATFORM_SOURCE

log = logging.getLogger(__name__)

PLATFORM_WEBHOOK_PATH = "/api/v1/subscriptions/webhook/stripe"
CONNECT_WEBHOOK_PATH = "/api/v1/webhooks/stripe-connect"

router = APIRouter(tags=["webhooks"])


class Received(BaseModel):
    ok: bool


_EVENT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The Stripe event as Stripe sends it, signed in the Stripe-Signature header.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    },
    "parameters": [
        {
            "name": "Stripe-Signature",
            "in": "header",
            "required": True,
            "schema": {"type": "string"},
            "description": "t=<unix time>,v1=<HMAC-SHA256 of '<t>.<body>' with the endpoint's secret>",
        }
    ],
}


async def _receive(request: Request, secret: str | None, source: str) -> Received:
    body = await request.body()
    try:
        event = verify_event(body, request.headers.get("stripe-signature"), secret or "")
    except BadSignature as exc:
        log.warning("refused a %s webhook: %s", source, exc)
        raise BadRequest(msg("The Stripe signature is missing or does not match; nothing was stored.")) from exc
    payload = json.loads(body)  # verified: a JSON object
    if json_needs_cleaning(body):
        payload = clean_json(payload)  # stored as sent, minus what PostgreSQL cannot hold
    data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
    obj = data.get("object") if isinstance(data, dict) else None
    subject = obj.get("id") if isinstance(obj, dict) else None
    await inbox_tasks.store(
        IncomingEvent(
            source=source,
            external_id=str(event.id),
            payload=payload,
            # One object's events are handled in the order they arrived (a session's completion and expiry, an
            # account's updates).
            lock=f"{source}:{subject}" if subject else None,
        )
    )
    return Received(ok=True)


@router.post(
    PLATFORM_WEBHOOK_PATH,
    response_model=Received,
    responses=error_responses(BadRequest),
    openapi_extra=_EVENT_BODY,
    name="stripe_platform_webhook",
)
async def platform_webhook(request: Request, settings: SettingsDep) -> Received:
    """The platform account's events: chat orders' Checkout Sessions (``metadata.x8_kind=order``) and billing's
    subscriptions and invoices, signed with ``STRIPE_WEBHOOK_SECRET``."""
    return await _receive(request, settings.stripe_webhook_secret, PLATFORM_SOURCE)


@router.post(
    CONNECT_WEBHOOK_PATH,
    response_model=Received,
    responses=error_responses(BadRequest),
    openapi_extra=_EVENT_BODY,
    name="stripe_connect_webhook",
)
async def connect_webhook(request: Request, settings: SettingsDep) -> Received:
    """Connected accounts' events (``account.updated``, ``account.application.deauthorized``), signed with
    ``STRIPE_CONNECT_WEBHOOK_SECRET``."""
    return await _receive(request, settings.stripe_connect_webhook_secret, CONNECT_SOURCE)
