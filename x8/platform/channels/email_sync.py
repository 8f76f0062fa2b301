"""Reading new mail of an email channel and storing it (SPEC.md R-CH5), from the job queue: after a Gmail push or
an IMAP IDLE notice (``email_idle``), and on the poll (the fallback for lost pushes, and how a mailbox without IDLE
is read).

Every provider call happens with no transaction open; the sync position (Gmail's ``historyId``, the mailbox's
UID) moves only after what was read is stored, and storing is de-duplicated by provider id, so a rerun stores
nothing twice. Jobs of one channel share one queue lock, so two syncs of a channel never interleave.

What is stored and what is answered:
- a customer's mail is stored (its new text only) and answered in its thread;
- automatic mail (auto-replies, bounces, lists, no-reply senders) is stored and never answered;
- mail the business sent itself from its mailbox (Gmail's SENT label; a mailbox's Sent folder, when it answers a
  thread the channel knows) is stored as the owner's and pauses the bot; the platform's own replies
  (``X-X8-Channel``, or their Message-ID) are skipped, as is mail the mailbox sent to itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import update

from x8.channel_adapters.base import ChannelStatus, InboundMessage
from x8.channel_adapters.email import (
    GMAIL,
    gmail_credentials,
    gmail_tokens,
    mailbox_account,
    mailbox_positions,
    mailbox_reading_from,
)
from x8.channel_adapters.email_parsing import ParsedEmail, ThreadRef, parse_email, read_message
from x8.integrations.gmail.client import GmailClient, StaleHistory
from x8.integrations.gmail.full_format import to_message
from x8.integrations.google import GoogleError, GoogleNotConfigured, GoogleRefused, GoogleTokens
from x8.integrations.mailbox import imap
from x8.integrations.mailbox.account import LoginRefused, MailboxError
from x8.kit.jobs import WorkerContext
from x8.platform.channels import email_book, email_health
from x8.platform.channels.email_health import Check
from x8.platform.channels.ingest import ingest_message
from x8.platform.channels.models import Channel
from x8.platform.channels.service import credentials_of
from x8.platform.conversations import service
from x8.tenancy.session import tenant_session
from x8.tenancy.tables import messages

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mail:
    """One mail read from the provider, before it is stored."""

    parsed: ParsedEmail
    provider_id: str
    thread_id: str | None = None
    sent_by_owner: bool = False  # it is in the mailbox's sent mail (Gmail's SENT, a mailbox's Sent folder)
    # A mailbox's Sent folder also holds mail to suppliers and friends: only a reply in a thread the channel knows
    # is taken for the business answering a customer.
    known_threads_only: bool = False


async def sync_channel(ctx: WorkerContext, channel: Channel) -> int:
    """Read and store what is new on the channel; how many mails were read. Provider failures are kept on the
    channel (``last_error``, ``error_count``, the activity log: ``email_health``) and raised, so the job is
    retried, except those no retry can help (a refused login, revoked access); a success clears them."""
    if channel.platform != "email" or channel.status == ChannelStatus.DISCONNECTED:
        return 0
    try:
        if channel.config.get("provider") == GMAIL:
            mails, position = await _read_gmail(ctx, channel)
        else:
            mails, position = await _read_mailbox(ctx, channel)
    except GoogleNotConfigured:
        await email_health.failed(
            ctx.db, channel, Check.SYNC, "Google is not set up on this server (GOOGLE_CLIENT_ID)."
        )
        return 0
    except GoogleError as exc:
        if isinstance(exc, GoogleRefused) and exc.reconnect:
            await email_health.failed(ctx.db, channel, Check.LOGIN, f"Gmail: {exc.message.render('en')}")
            await service.set_channel_status(ctx.db, channel.id, ChannelStatus.ERROR, "Gmail access was revoked.")
            return 0  # retrying cannot help: the business must connect Gmail again
        await email_health.failed(ctx.db, channel, Check.SYNC, f"Gmail: {exc.message.render('en')}")
        raise
    except LoginRefused as exc:
        await email_health.failed(ctx.db, channel, Check.LOGIN, str(exc))
        return 0  # the password changed: retrying now cannot help (and servers lock out repeated failures)
    except MailboxError as exc:
        await email_health.failed(ctx.db, channel, Check.SYNC, str(exc))
        raise
    for mail in mails:
        await store_mail(ctx, channel, mail)
    if position:
        await email_book.update_config(ctx.db, channel.id, **position)
    await email_health.worked(ctx.db, channel, Check.SYNC, Check.LOGIN)
    return len(mails)


async def _read_gmail(ctx: WorkerContext, channel: Channel) -> tuple[list[Mail], dict[str, object]]:
    credentials = await credentials_of(ctx.db, ctx.settings, channel)

    async def keep(tokens: GoogleTokens) -> None:
        await email_book.keep_credentials(ctx.db, ctx.settings, channel, gmail_credentials(tokens))

    fulls = []
    async with GmailClient(ctx.settings, gmail_tokens(credentials), on_refresh=keep) as gmail:
        start = str(channel.config.get("history_id") or "")
        try:
            if not start:
                raise StaleHistory(start)
            page = await gmail.history(start)
            ids, history_id = page.message_ids, page.history_id
        except StaleHistory:
            log.warning("channel %s: Gmail history %r is gone; reading the newest inbox mail", channel.id, start)
            history_id = str((await gmail.profile()).get("historyId") or start)
            ids = await gmail.recent()
        for message_id in ids:
            try:
                fulls.append(await gmail.message(message_id))
            except GoogleRefused as refused:
                if refused.status != 404:  # deleted since: nothing to read
                    raise
    mails = [
        Mail(
            parsed=read_message(to_message(full)),
            provider_id=f"email:gmail:{full.get('id')}",
            thread_id=str(full.get("threadId") or "") or None,
            sent_by_owner="SENT" in (full.get("labelIds") or []),
        )
        for full in fulls
        if _mail_of_a_conversation(full.get("labelIds") or [])
    ]
    return mails, {"history_id": history_id}


def _mail_of_a_conversation(labels: list[str]) -> bool:
    """Received (INBOX) or sent (SENT) mail; drafts, spam and chats are not part of a conversation."""
    return ("INBOX" in labels or "SENT" in labels) and "DRAFT" not in labels and "SPAM" not in labels


async def _read_mailbox(ctx: WorkerContext, channel: Channel) -> tuple[list[Mail], dict[str, object]]:
    credentials = await credentials_of(ctx.db, ctx.settings, channel)
    inbox, sent = mailbox_reading_from(channel.config)
    fetched = await imap.fetch_new_async(mailbox_account(channel, credentials), inbox, sent)
    # The business's own replies first: one that answered a customer pauses the bot before their next mail is read.
    mails = (
        [_mailbox_mail(fetched.sent, uid, raw, sent=True) for uid, raw in fetched.sent.messages] if fetched.sent else []
    )
    mails += [_mailbox_mail(fetched.inbox, uid, raw, sent=False) for uid, raw in fetched.inbox.messages]
    return mails, mailbox_positions(fetched)


def _mailbox_mail(folder: imap.FolderRead, uid: int, raw: bytes, *, sent: bool) -> Mail:
    parsed = parse_email(raw)
    key = parsed.message_id or f"imap:{folder.folder}:{folder.uidvalidity}:{uid}"
    return Mail(parsed=parsed, provider_id=f"email:{key}"[:255], sent_by_owner=sent, known_threads_only=sent)


async def store_mail(ctx: WorkerContext, channel: Channel, mail: Mail) -> None:
    parsed, own = mail.parsed, str(channel.config.get("address") or "").lower()
    if parsed.from_platform:
        return  # one of the platform's own replies, read back from the mailbox
    if mail.sent_by_owner or (own and parsed.sender == own):
        await _store_owner_mail(ctx, channel, mail, own)
        return
    if not parsed.sender:
        return
    message = InboundMessage(
        provider_message_id=mail.provider_id,
        external_id=parsed.sender,
        text=parsed.summary(),
        display_name=parsed.sender_name,
    )
    if parsed.automatic is not None:
        await _store_unanswered(ctx, channel, message, parsed.automatic)
        return
    thread = ThreadRef(parsed.message_id, parsed.references, parsed.subject, mail.thread_id)
    await email_book.remember_thread(ctx.db, channel, parsed.sender, thread)
    await ingest_message(ctx, channel, message)


async def _store_owner_mail(ctx: WorkerContext, channel: Channel, mail: Mail, own: str) -> None:
    """The business wrote to a customer from its own mailbox: stored as the owner's message in that customer's
    conversation, which pauses the bot there (R-M5); the next reply follows the owner's mail in the thread."""
    parsed = mail.parsed
    customer = next((r for r in parsed.recipients if r != own), None)
    if customer is None:
        return  # a note to itself
    if parsed.message_id and await email_book.sent_by_platform(ctx.db, channel, parsed.message_id):
        return  # the platform's own reply, its copy kept in Sent by the mail server
    if mail.known_threads_only and not await _answers_known_thread(ctx, channel, customer, parsed):
        return
    message = InboundMessage(
        provider_message_id=mail.provider_id, external_id=customer, text=parsed.summary(), from_owner=True
    )
    await service.receive(ctx.db, channel, message, pause_minutes=ctx.settings.human_pause_minutes)
    if parsed.message_id:
        thread = ThreadRef(parsed.message_id, parsed.references, parsed.subject, mail.thread_id)
        await email_book.remember_thread(ctx.db, channel, customer, thread)


async def _answers_known_thread(ctx: WorkerContext, channel: Channel, customer: str, parsed: ParsedEmail) -> bool:
    known = await email_book.latest_thread(ctx.db, channel, customer)
    if known is None:
        return False
    thread = {known.message_id, *known.references}
    return bool(thread & {parsed.in_reply_to, *parsed.references} - {None})


async def _store_unanswered(ctx: WorkerContext, channel: Channel, message: InboundMessage, reason: str) -> None:
    """Automatic mail: kept in the conversation for people to see, marked processed so no turn answers it."""
    received = await service.receive(ctx.db, channel, message, pause_minutes=0)
    if received.message_id is None:
        return
    async with tenant_session(ctx.db, channel.company_id) as ts:
        await ts.execute(
            update(messages)
            .where(messages.c.id == received.message_id, messages.c.processed_at.is_(None))
            .values(processed_at=messages.c.created_at)
        )
    log.info("channel %s: stored automatic mail (%s) without answering it", channel.id, reason)
