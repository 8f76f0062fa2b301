"""How an email channel's provider calls are doing, kept where people look: the channel's ``last_error`` (shown on
the Integrations page) and the activity log.

Four things can go wrong on their own: reading new mail (``sync``), renewing Gmail's watch (``watch``), and the
servers accepting the mailbox's logins, to read (``login``: IMAP, Gmail's grant) and to send (``smtp_login``):
the password was changed elsewhere. Each one failing is a flag in the channel's config (``sync_failing`` …), so
the activity log hears of a change only: the first failure opens an entry, the failures after it (a poll every
five minutes) add nothing, and the first success closes it. A success also clears ``last_error``, unless another
of the four is still failing.
"""

from __future__ import annotations

import enum
import uuid

from sqlalchemy import false, func, or_, update

from x8.channel_adapters.base import Channel as AdapterChannel
from x8.channel_adapters.email import HEALTH_FLAG_SUFFIX
from x8.kit.db import Database
from x8.platform.activity import hooks
from x8.platform.activity.models import ActivityKind
from x8.platform.channels import email_book
from x8.platform.channels.cache import forget_channel
from x8.platform.channels.models import Channel
from x8.platform.conversations import service


class Check(enum.StrEnum):
    SYNC = "sync"
    WATCH = "watch"
    LOGIN = "login"  # reading: the IMAP login, Gmail's grant
    SMTP_LOGIN = "smtp_login"  # sending

    @property
    def flag(self) -> str:
        return f"{self.value}{HEALTH_FLAG_SUFFIX}"


_KINDS = {
    Check.SYNC: ActivityKind.MAIL_SYNC,
    Check.WATCH: ActivityKind.MAIL_WATCH,
    Check.LOGIN: ActivityKind.MAIL_LOGIN,
    Check.SMTP_LOGIN: ActivityKind.MAIL_SMTP_LOGIN,
}


def failing(channel: AdapterChannel) -> set[Check]:
    return {check for check in Check if channel.config.get(check.flag)}


async def failed(db: Database, channel: AdapterChannel, check: Check, error: str, *, on_channel: bool = True) -> None:
    """``check`` failed with ``error``. ``on_channel``: keep it as the channel's ``last_error`` (False when the
    caller already did, as the reply pipeline does for a send)."""
    if on_channel:
        await service.record_channel_error(db, channel.id, error)
    if check not in failing(channel):
        await email_book.update_config(db, channel.id, **{check.flag: True})
        await hooks.mail_check(db, channel.company_id, channel.id, _KINDS[check], error)


async def worked(db: Database, channel: AdapterChannel, *checks: Check) -> None:
    """``checks`` went through: each that was failing is closed in the activity log, and the channel's
    ``last_error`` is cleared if nothing else is failing."""
    recovered = [check for check in checks if check in failing(channel)]
    if recovered:
        await email_book.update_config(db, channel.id, **{check.flag: False for check in recovered})
    await clear_error(db, channel.id, unless_failing=[check for check in Check if check not in checks])
    for check in recovered:
        await hooks.mail_check(db, channel.company_id, channel.id, _KINDS[check], None)


async def clear_error(db: Database, channel_id: uuid.UUID, *, unless_failing: list[Check]) -> None:
    """Clear ``last_error``, unless one of ``unless_failing`` is, as the row says now (``channel`` may be older:
    a reply sent during the sync may have failed meanwhile)."""
    still_failing = [func.coalesce(Channel.config[check.flag].astext, "") == "true" for check in unless_failing]
    async with db.sessions() as session, session.begin():
        cleared = await session.execute(
            update(Channel)
            .where(Channel.id == channel_id, Channel.last_error.is_not(None), ~or_(false(), *still_failing))
            .values(last_error=None)
            .returning(Channel.id)
        )
        changed = cleared.first() is not None
    if changed:
        forget_channel(channel_id)
