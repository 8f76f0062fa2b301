"""The retries that have no job of their own elsewhere: registering a channel's webhook again with the credentials
it keeps in the vault (a Telegram ``setWebhook`` that failed), and one more send of a reply that failed for good."""

from __future__ import annotations

import logging
import uuid

import procrastinate
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from x8.channel_adapters.base import ProviderError
from x8.kit.db import Database
from x8.kit.errors import X8Error
from x8.kit.jobs import context
from x8.platform.activity import actions
from x8.platform.activity.models import ActivityKind, ActivityStatus
from x8.platform.activity.service import channel_subject, message_subject, prune, record
from x8.platform.channels import service as channels
from x8.platform.channels.cache import channel_secret
from x8.platform.conversations import replies
from x8.platform.vault.keys import vault_keys
from x8.settings import Settings
from x8.tenancy.session import tenant_session

blueprint = procrastinate.Blueprint()
log = logging.getLogger(__name__)


@blueprint.task(name="register_webhook", pass_context=False)
async def register_webhook(channel_id: str) -> None:
    ctx = context()
    await register_webhook_now(ctx.db, ctx.settings, uuid.UUID(channel_id))


async def register_webhook_now(db: Database, settings: Settings, channel_id: uuid.UUID) -> None:
    async with db.sessions() as session:
        channel = await channels.get_channel(session, channel_id)
    value = await channel_secret(db, vault_keys(settings), channel_id)
    if value is None:
        await record(
            db,
            channel.company_id,
            ActivityKind.WEBHOOK_REGISTRATION,
            ActivityStatus.ERROR,
            subject=channel_subject(channel_id),
            channel_id=channel_id,
            detail="The channel keeps no credentials any more: connect it again.",
        )
        return

    async def nothing_else(_session: AsyncSession) -> None:
        return None

    try:
        await channels.replace_credentials(db, settings, channel_id, value, nothing_else)
    except (ProviderError, X8Error) as exc:
        retryable = isinstance(exc, ProviderError) and exc.retryable
        await record(
            db,
            channel.company_id,
            ActivityKind.WEBHOOK_REGISTRATION,
            ActivityStatus.ERROR,
            subject=channel_subject(channel_id),
            channel_id=channel_id,
            detail=str(exc),
            retry=actions.webhook_registration(channel_id) if retryable else None,
        )
        return
    await record(
        db,
        channel.company_id,
        ActivityKind.WEBHOOK_REGISTRATION,
        ActivityStatus.OK,
        subject=channel_subject(channel_id),
        channel_id=channel_id,
    )


# A failed reply back to ``pending``. It was counted in the company's statistics when it failed; without its
# ``reply_to_id`` its later send is not counted as the turn's answer a second time.
_RESEND = text("""
UPDATE messages SET status = 'pending', last_error = NULL, send_claimed_until = NULL, reply_to_id = NULL
WHERE id = :id AND direction = 'out' AND status = 'failed'
""")


@blueprint.task(name="resend", pass_context=False)
async def resend(company_id: str, message_id: str) -> None:
    """One more try at a reply that failed for good. A failure is recorded again by the send itself."""
    ctx = context()
    await resend_now(ctx.db, ctx.settings, uuid.UUID(company_id), uuid.UUID(message_id))


async def resend_now(db: Database, settings: Settings, company_id: uuid.UUID, message_id: uuid.UUID) -> None:
    async with tenant_session(db, company_id) as ts:
        await ts.execute(_RESEND, {"id": message_id})
    outcome = await replies.deliver(db, settings, company_id, message_id, last_try=True)
    if outcome == "sent":
        await record(db, company_id, ActivityKind.SEND_FAILED, ActivityStatus.OK, subject=message_subject(message_id))


@blueprint.periodic(cron="29 3 * * *")
@blueprint.task(name="prune", queueing_lock="activity_prune", pass_context=False)
async def prune_activity(timestamp: int) -> None:
    """Daily: entries older than ``RETENTION_DAYS`` are forgotten."""
    removed = await prune(context().db)
    if removed:
        log.info("activity log: %d old entries removed", removed)
