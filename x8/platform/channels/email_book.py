"""The email channel's memory on the platform side: each customer's latest mail per channel (tenant table
``email_threads``), which a reply answers, and the channel's credentials and sync position.

Importing this module lends the book to the email adapter (``x8.channel_adapters.email.lend_book``); the app and
the worker both import it through the email endpoints and tasks.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from sqlalchemy import cast, func, select, update
from sqlalchemy.dialects.postgresql import JSONB, insert

from x8.channel_adapters.base import Channel as AdapterChannel
from x8.channel_adapters.email import lend_book
from x8.channel_adapters.email_parsing import ThreadRef, reply_references
from x8.kit.db import Database
from x8.kit.jobs import context
from x8.platform.channels.cache import forget_channel
from x8.platform.channels.models import Channel, channel_secret_ref
from x8.platform.channels.service import credentials_to_value
from x8.platform.companies.models import Company
from x8.platform.vault import repository as vault
from x8.platform.vault.keys import vault_keys
from x8.platform.vault.models import SecretKind
from x8.settings import Settings
from x8.tenancy.session import tenant_session
from x8.tenancy.tables import email_threads, messages

log = logging.getLogger(__name__)


async def latest_thread(db: Database, channel: AdapterChannel, address: str) -> ThreadRef | None:
    async with tenant_session(db, channel.company_id) as ts:
        row = (
            (
                await ts.execute(
                    select(email_threads).where(
                        email_threads.c.channel_id == channel.id, email_threads.c.address == address.lower()
                    )
                )
            )
            .mappings()
            .first()
        )
    if row is None:
        return None
    return ThreadRef(
        message_id=row["message_id"],
        references=tuple(row["references_chain"].split()),
        subject=row["subject"],
        thread_id=row["thread_id"],
    )


async def remember_thread(db: Database, channel: AdapterChannel, address: str, thread: ThreadRef) -> None:
    """The mail a reply to ``address`` answers from now on (the customer's latest, or the business's own reply)."""
    values = {
        "message_id": thread.message_id,
        "references_chain": " ".join(reply_references(thread.references, None))[:20000],
        "subject": thread.subject[:998],
        "thread_id": thread.thread_id,
        "updated_at": func.now(),
    }
    statement = insert(email_threads).values(channel_id=channel.id, address=address.lower()[:320], **values)
    async with tenant_session(db, channel.company_id) as ts:
        await ts.execute(statement.on_conflict_do_update(index_elements=["channel_id", "address"], set_=values))


async def sent_by_platform(db: Database, channel: AdapterChannel, message_id: str) -> bool:
    """Whether the platform sent the mail with this Message-ID itself (a reply kept as ``email:<Message-ID>``)."""
    async with tenant_session(db, channel.company_id) as ts:
        found = await ts.execute(
            select(messages.c.id).where(
                messages.c.provider_message_id == f"email:{message_id}"[:255], messages.c.direction == "out"
            )
        )
        return found.first() is not None


async def keep_credentials(
    db: Database, settings: Settings, channel: AdapterChannel, credentials: dict[str, Any]
) -> None:
    """Replace the channel's credentials in the vault (Gmail tokens after a refresh)."""
    async with db.sessions() as session, session.begin():
        company = await session.get(Company, channel.company_id)
        row = await session.get(Channel, channel.id)
        if company is None or row is None:
            return  # deleted meanwhile: its secrets went with it
        kind = SecretKind.GMAIL_OAUTH if credentials.get("provider") == "gmail" else SecretKind.IMAP_PASSWORD
        new = vault.NewSecret(
            client_id=company.owner_id,
            company_id=company.id,
            kind=kind,
            label="Gmail" if kind is SecretKind.GMAIL_OAUTH else "Mailbox password",
            ref=channel_secret_ref(channel.id),
        )
        await vault.store_secret(
            session, vault_keys(settings), new, credentials_to_value(channel.platform, credentials)
        )
    forget_channel(channel.id)


async def update_config(db: Database, channel_id: uuid.UUID, **changes: Any) -> None:
    """Merge ``changes`` into the channel's config in one statement (the sync position, the watch's expiry), so
    a concurrent connect or status change is not overwritten."""
    async with db.sessions() as session, session.begin():
        await session.execute(
            update(Channel).where(Channel.id == channel_id).values(config=Channel.config.op("||")(cast(changes, JSONB)))
        )
    forget_channel(channel_id)


class _PlatformBook:
    """The ``EmailBook`` the adapter uses while sending, on the database of the running app or worker (both open
    the job queue's context at startup)."""

    async def thread(self, channel: AdapterChannel, address: str) -> ThreadRef | None:
        return await latest_thread(context().db, channel, address)

    async def keep_credentials(self, channel: AdapterChannel, credentials: dict[str, Any]) -> None:
        ctx = context()
        await keep_credentials(ctx.db, ctx.settings, channel, credentials)

    async def send_outcome(self, channel: AdapterChannel, refused_login: str | None) -> None:
        from x8.platform.channels import email_health  # it builds on this module

        db = context().db
        try:
            if refused_login is None:
                await email_health.worked(db, channel, email_health.Check.SMTP_LOGIN)
            else:  # the reply pipeline keeps the failure as the channel's last_error itself
                await email_health.failed(db, channel, email_health.Check.SMTP_LOGIN, refused_login, on_channel=False)
        except Exception:  # the mail went (or failed) all the same: a bookkeeping error must not resend it
            log.warning("channel %s: could not note how a send went", channel.id, exc_info=True)


lend_book(_PlatformBook())
