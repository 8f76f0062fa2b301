"""Jobs of the email channel: a Gmail push's inbox event reads the history, every email channel is read every five
minutes (Gmail's fallback when pushes are lost; a mailbox's way in; one that IMAP IDLE listens to every half hour),
and Gmail watches are renewed daily (Gmail drops a watch after seven days).

All reading of one channel runs under the queue lock ``email-sync:<channel id>``: the push events (stored with that
lock by the webhook), IDLE's notices and the polls never read the same channel at once.
"""

from __future__ import annotations

import logging
import uuid

import procrastinate
from sqlalchemy import select

from x8.channel_adapters.base import ChannelStatus
from x8.channel_adapters.email import GMAIL, MAILBOX, gmail_credentials, gmail_tokens
from x8.integrations.gmail.client import GmailClient
from x8.integrations.google import GoogleError, GoogleTokens
from x8.kit.jobs import WorkerContext, context
from x8.platform.channels import email_book, email_health
from x8.platform.channels.cache import load_channel
from x8.platform.channels.email_health import Check
from x8.platform.channels.email_sync import sync_channel
from x8.platform.channels.models import Channel
from x8.platform.channels.service import credentials_of
from x8.platform.inbox.handlers import handles
from x8.platform.inbox.repository import StoredEvent

blueprint = procrastinate.Blueprint()
log = logging.getLogger(__name__)

PUSH_SOURCE = "gmail"


def sync_lock(channel_id: uuid.UUID) -> str:
    return f"email-sync:{channel_id}"


@handles(PUSH_SOURCE)
async def gmail_push(ctx: WorkerContext, event: StoredEvent) -> None:
    """A stored Gmail push: read the channel's history now (the push's own historyId only says something changed)."""
    channel = await load_channel(ctx.db, event.channel_id) if event.channel_id else None
    if channel is not None:
        await sync_channel(ctx, channel)


@blueprint.task(
    name="sync_email", pass_context=False, retry=procrastinate.RetryStrategy(max_attempts=3, exponential_wait=5)
)
async def sync_email(channel_id: str) -> None:
    ctx = context()
    channel = await load_channel(ctx.db, uuid.UUID(channel_id))
    if channel is not None:
        await sync_channel(ctx, channel)


async def _email_channels(ctx: WorkerContext) -> list[Channel]:
    async with ctx.db.sessions() as session:
        query = select(Channel).where(Channel.platform == "email", Channel.status == ChannelStatus.CONNECTED)
        return list((await session.execute(query)).scalars())


POLL_SECONDS = 300
# A mailbox that IMAP IDLE listens to (x8.platform.channels.email_idle) is read as mail arrives; the poll only
# makes sure of it this often, in case a push was missed.
SAFETY_POLL_SECONDS = 1800


@blueprint.periodic(cron="*/5 * * * *")
@blueprint.task(name="poll_email", queueing_lock="poll_email", pass_context=False)
async def poll_email(timestamp: int) -> None:
    """Every five minutes: a sync job per connected email channel (one waiting per channel at most); a mailbox
    with IDLE every half hour."""
    safety_poll_due = timestamp % SAFETY_POLL_SECONDS < POLL_SECONDS
    for channel in await _email_channels(context()):
        if safety_poll_due or not listened_to(channel):
            await schedule_sync(channel.id)


def listened_to(channel: Channel) -> bool:
    return channel.config.get("provider") == MAILBOX and channel.config.get("idle") is True


async def schedule_sync(channel_id: uuid.UUID) -> None:
    lock = sync_lock(channel_id)
    try:
        await sync_email.configure(lock=lock, queueing_lock=lock).defer_async(channel_id=str(channel_id))
    except procrastinate.exceptions.AlreadyEnqueued:
        log.debug("a sync of channel %s is already waiting", channel_id)


@blueprint.periodic(cron="17 4 * * *")
@blueprint.task(name="renew_gmail_watches", queueing_lock="renew_gmail_watches", pass_context=False)
async def renew_gmail_watches(timestamp: int) -> None:
    """Daily: call ``users/me/watch`` again for every Gmail channel. A failure is kept on the channel; polling
    still reads its mail meanwhile."""
    ctx = context()
    if not ctx.settings.gmail_pubsub_topic:
        return
    for channel in await _email_channels(ctx):
        if channel.config.get("provider") == GMAIL:
            await renew_watch(ctx, channel, ctx.settings.gmail_pubsub_topic)


async def renew_watch(ctx: WorkerContext, channel: Channel, topic: str) -> bool:
    credentials = await credentials_of(ctx.db, ctx.settings, channel)

    async def keep(tokens: GoogleTokens) -> None:
        await email_book.keep_credentials(ctx.db, ctx.settings, channel, gmail_credentials(tokens))

    try:
        async with GmailClient(ctx.settings, gmail_tokens(credentials), on_refresh=keep) as gmail:
            _, expiration = await gmail.watch(topic)
    except GoogleError as exc:
        log.warning("renewing the Gmail watch of channel %s failed: %s", channel.id, exc.code)
        await email_health.failed(ctx.db, channel, Check.WATCH, f"Gmail watch: {exc.message.render('en')}")
        return False
    # The watch's historyId is not taken: the channel's own position may be behind it, with mail still to read.
    await email_book.update_config(ctx.db, channel.id, watch_expiration=expiration)
    await email_health.worked(ctx.db, channel, Check.WATCH)
    return True
