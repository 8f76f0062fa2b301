"""Meta's data-deletion callback (required of every app using Facebook Login): ``POST
/api/v1/webhooks/meta/data-deletion`` with Meta's ``signed_request``, and the status URL it answers with.

The ``signed_request`` is ``<base64url HMAC-SHA256 signature>.<base64url JSON payload>``, signed with the app's
secret; the payload's ``user_id`` is the person's app-scoped id. What the platform keeps of that person is the
pages they connected: each such channel's page token is deleted from the vault and the channel disconnected (the
business can log in again), and so are the Pages of their logins still waiting for a choice. The request is
recorded with a confirmation code, whose status anyone holding the code can read (it holds no personal data).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from x8.channel_adapters.base import ChannelStatus
from x8.kit.deps import DatabaseDep, SettingsDep
from x8.kit.errors import BadRequest, NotFound, Unauthorized, error_responses
from x8.kit.i18n import msg
from x8.kit.secretbox import Keyring
from x8.platform.channels.cache import forget_channel
from x8.platform.channels.meta_lookup import META_PLATFORMS, AppSecret, app_secrets
from x8.platform.channels.models import Channel, channel_secret_ref
from x8.platform.meta_apps.models import MetaDataDeletion
from x8.platform.vault import repository as vault
from x8.platform.vault.keys import vault_keys
from x8.platform.vault.models import VaultSecret

router = APIRouter(prefix="/api/v1/webhooks/meta/data-deletion", tags=["webhooks"])


class DeletionAccepted(BaseModel):
    url: str
    confirmation_code: str


class DeletionStatus(BaseModel):
    confirmation_code: str
    status: str
    requested_at: datetime
    channels_removed: int


def _b64url(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def read_signed_request(apps: list[AppSecret], signed_request: str) -> tuple[AppSecret, dict[str, Any]]:
    """The pool app that signed the request, and its payload; 401 for anything Meta did not sign (malformed too)."""
    try:
        encoded_signature, encoded_payload = signed_request.split(".", 1)
        signature = _b64url(encoded_signature)
        payload = json.loads(_b64url(encoded_payload))
    except (ValueError, binascii.Error) as exc:
        raise Unauthorized(msg("The signed_request is not one Meta sends.")) from exc
    if not isinstance(payload, dict) or str(payload.get("algorithm", "")).upper() != "HMAC-SHA256":
        raise Unauthorized(msg("The signed_request is not one Meta sends."))
    for app in apps:
        expected = hmac.new(app.secret.encode(), encoded_payload.encode(), hashlib.sha256).digest()
        if hmac.compare_digest(signature, expected):
            return app, payload
    raise Unauthorized(msg("The signed_request is not signed by any of this platform's Meta apps."))


async def _drop_pending_choices(session: AsyncSession, keys: Keyring, app: AppSecret, meta_user: str) -> None:
    """Pages of this person's logins still waiting for a choice (their tokens) go too."""
    pending = await session.execute(select(VaultSecret).where(VaultSecret.ref.like("meta_pending:%")))
    for secret in pending.scalars():
        stored = json.loads(vault.read_secret(keys, secret))
        if stored.get("meta_user_id") == meta_user and stored.get("meta_app") == str(app.id):
            await session.delete(secret)


@router.post("", response_model=DeletionAccepted, responses=error_responses(BadRequest, Unauthorized))
async def request_deletion(
    signed_request: Annotated[str, Form(min_length=1, max_length=10_000)], db: DatabaseDep, settings: SettingsDep
) -> DeletionAccepted:
    """Delete what the platform keeps of a Meta user (the page tokens of the pages they connected), and answer
    Meta with the status URL and a confirmation code."""
    app, payload = read_signed_request(await app_secrets(db, vault_keys(settings)), signed_request)
    meta_user = str(payload.get("user_id") or "")[:64]
    if not meta_user:
        raise BadRequest(msg("The signed_request names no user."))
    code = secrets.token_hex(10)
    async with db.sessions() as session, session.begin():
        channels = list(
            (
                await session.execute(
                    select(Channel)
                    .where(
                        Channel.platform.in_(META_PLATFORMS),
                        Channel.config["meta_user_id"].astext == meta_user,
                        Channel.config["meta_app"].astext == str(app.id),
                    )
                    .with_for_update()
                )
            ).scalars()
        )
        await _drop_pending_choices(session, vault_keys(settings), app, meta_user)
        for channel in channels:
            await vault.delete_secret(session, channel_secret_ref(channel.id))
            channel.status = ChannelStatus.DISCONNECTED
            channel.webhook_secret_hash = None
            channel.last_error = "Meta asked to delete the data of the person who connected this page. Log in again."
        session.add(
            MetaDataDeletion(
                confirmation_code=code,
                meta_app_id=app.id,
                meta_user_id=meta_user,
                channels_removed=len(channels),
                status="done",
            )
        )
    for channel in channels:
        forget_channel(channel.id)
    url = f"{settings.public_base_url.rstrip('/')}/api/v1/webhooks/meta/data-deletion/{code}"
    return DeletionAccepted(url=url, confirmation_code=code)


@router.get("/{code}", response_model=DeletionStatus, responses=error_responses(NotFound))
async def deletion_status(code: Annotated[str, Path(min_length=1, max_length=64)], db: DatabaseDep) -> DeletionStatus:
    """Where a person checks their deletion request (the URL Meta shows them); needs no sign-in."""
    async with db.sessions() as session:
        found = await session.get(MetaDataDeletion, code)
    if found is None:
        raise NotFound(msg("No data-deletion request has this confirmation code."))
    return DeletionStatus(
        confirmation_code=found.confirmation_code,
        status=found.status,
        requested_at=found.requested_at,
        channels_removed=found.channels_removed,
    )
