"""Meta's webhook (SPEC.md R-M1, R-CH4; PROVIDERS.md §3): ``GET /api/v1/webhooks/meta`` answers the subscription
challenge, ``POST`` takes Messenger and Instagram deliveries.

A delivery is signed (``X-Hub-Signature-256``) with the secret of the pool app the page is subscribed to. The
signature is checked against the pool's secrets before anything else is read, so an unsigned request learns
nothing about which pages exist; then every entry's page must belong to the app that signed (403 otherwise), and
only then is anything stored. Each message is one inbox event, unique by channel and Meta's ``mid`` (a redelivery
stores nothing), kept in order with its contact's other messages; the common channel handler takes it from there
(``x8.platform.channels.ingest``). Echoes of the platform's own sends (its app id) are not stored: they must not
pause the bot; echoes of what the business typed are, and do.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel

from x8.channel_adapters.base import ChannelStatus
from x8.channel_adapters.meta import delivered_items, is_own_echo, message_id
from x8.kit.cleaning import clean_json, json_needs_cleaning
from x8.kit.deps import DatabaseDep, SettingsDep
from x8.kit.errors import BadRequest, Forbidden, Unauthorized, error_responses
from x8.kit.i18n import msg
from x8.platform.channels.meta_lookup import AppSecret, app_secrets, channels_for_account
from x8.platform.channels.models import Channel
from x8.platform.inbox import tasks as inbox_tasks
from x8.platform.inbox.repository import IncomingEvent
from x8.platform.vault.keys import vault_keys

router = APIRouter(prefix="/api/v1/webhooks/meta", tags=["webhooks"])
log = logging.getLogger(__name__)
SIGNATURE_HEADER = "x-hub-signature-256"


class Ok(BaseModel):
    ok: bool


def signature(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signer_of(apps: list[AppSecret], presented: str | None, body: bytes) -> AppSecret | None:
    """The pool app whose secret made this signature (``sha256=<hex>`` over the raw body), if any."""
    if not presented or not presented.lower().startswith("sha256="):
        return None
    given = presented[len("sha256=") :].strip().lower()
    return next((a for a in apps if hmac.compare_digest(given, signature(a.secret, body))), None)


@router.get(
    "",
    response_class=PlainTextResponse,
    responses={
        200: {"description": "The challenge, as sent", "content": {"text/plain": {"schema": {"type": "string"}}}},
        403: {
            "description": "Forbidden",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
        },
    },
)
async def verify_subscription(
    settings: SettingsDep,
    mode: Annotated[str | None, Query(alias="hub.mode", max_length=50)] = None,
    verify_token: Annotated[str | None, Query(alias="hub.verify_token", max_length=500)] = None,
    challenge: Annotated[str | None, Query(alias="hub.challenge", max_length=500)] = None,
) -> PlainTextResponse:
    """Meta's subscription check: the challenge back when the verify token is ``META_VERIFY_TOKEN``, else 403."""
    expected = settings.meta_verify_token
    if not expected or mode != "subscribe" or not verify_token or challenge is None:
        raise Forbidden(msg("The Meta webhook verification failed."))
    if not hmac.compare_digest(verify_token.encode(), expected.encode()):
        raise Forbidden(msg("The Meta webhook verification failed."))
    return PlainTextResponse(challenge)


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
        if json_needs_cleaning(body):
            payload = clean_json(payload)
    except (ValueError, RecursionError) as exc:
        raise BadRequest(msg("The event is not JSON the provider sends.")) from exc
    if not isinstance(payload, dict):
        raise BadRequest(msg("The event is not a JSON object."))
    return payload


async def _events(db: DatabaseDep, payload: dict[str, Any], signer: AppSecret) -> list[IncomingEvent]:
    """The delivery's messages as inbox events; 403 when a page in it belongs to another app than the signer."""
    found: dict[tuple[str, str], Channel | None] = {}
    events = []
    for platform, entry_id, item in delivered_items(payload):
        if (platform, entry_id) not in found:
            channels = await channels_for_account(db, platform, entry_id)
            live = [c for c in channels if c.status != ChannelStatus.DISCONNECTED]
            found[(platform, entry_id)] = live[0] if live else None
        channel = found[(platform, entry_id)]
        if channel is None:
            continue  # a page no company has connected (any more): acknowledged, stored nowhere
        if (channel.config or {}).get("meta_app") != str(signer.id):
            raise Forbidden(msg("This delivery is not signed by the Meta app the page is subscribed to."))
        mid = message_id(item)
        if mid is None or is_own_echo(item, signer.app_id):
            continue
        echo = (item.get("message") or {}).get("is_echo") is True
        person = item.get("recipient" if echo else "sender")
        person_id = str(person.get("id")) if isinstance(person, dict) else ""
        entry = {"id": entry_id, "messaging": [item]}
        events.append(
            IncomingEvent(
                source=platform,
                external_id=f"{channel.id}:{mid}",
                payload={"object": payload.get("object"), "entry": [entry]},
                channel_id=channel.id,
                lock=f"ingest:{channel.id}:{person_id}",
                batched=True,
            )
        )
    return events


@router.post(
    "",
    response_model=Ok,
    responses=error_responses(BadRequest, Unauthorized, Forbidden),
    # Read raw (the signature is over the bytes), so FastAPI cannot see the body's shape.
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "Meta's event, as it sends it.",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
async def receive(request: Request, db: DatabaseDep, settings: SettingsDep) -> Ok:
    """Messenger and Instagram events for every connected page, signed with the owning pool app's secret."""
    body = await request.body()
    signer = signer_of(await app_secrets(db, vault_keys(settings)), request.headers.get(SIGNATURE_HEADER), body)
    if signer is None:
        log.warning("rejected a Meta webhook: the X-Hub-Signature-256 matches no pool app")
        raise Unauthorized(msg("The Meta webhook signature (X-Hub-Signature-256) is missing or wrong."))
    payload = _json_object(body)
    for event in await _events(db, payload, signer):  # every page checked before anything is stored
        await inbox_tasks.store(event)
    return Ok(ok=True)
