"""Email the other side of a support thread about a message they have not read (SPEC.md R-S1).

A chat only helps when the other side looks at it, so a message still unread a few minutes after it was written
is sent on by email: to the business, or to its manager (every admin while it has none). Only the first unread
message of a run is mailed; the ones written after it, before the reader comes back, are not, so a lively thread
does not become a stream of mail. Reading the thread ends the run.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, select

from x8.kit.db import Database
from x8.kit.i18n import as_language
from x8.platform.mail import letters
from x8.platform.mail.sender import send_mail
from x8.platform.support.models import SupportMessage
from x8.platform.users.models import Role, User
from x8.settings import Settings

PREVIEW_CHARACTERS = 300


def _from_same_side(message: SupportMessage) -> ColumnElement[bool]:
    if message.sender_role == Role.CLIENT:
        return SupportMessage.sender_role == Role.CLIENT
    return SupportMessage.sender_role != Role.CLIENT


async def _recipients(db: Database, message: SupportMessage) -> tuple[User, list[User]] | None:
    """The business of the thread and who should hear of ``message``; None when nobody should."""
    async with db.sessions() as session:
        client = await session.get(User, message.client_id)
        if client is None:
            return None
        if message.sender_role != Role.CLIENT:
            return (client, [client]) if client.is_active else None
        if client.manager_id is not None:
            manager = await session.get(User, client.manager_id)
            if manager is not None and manager.is_active:
                return client, [manager]
        admins = await session.scalars(select(User).where(User.role == Role.ADMIN, User.is_active.is_(True)))
        return client, list(admins)


async def first_unread_of_run(db: Database, message_id: uuid.UUID) -> SupportMessage | None:
    """``message`` when it is still unread and no older message of its side is unread too."""
    async with db.sessions() as session:
        message = await session.get(SupportMessage, message_id)
        if message is None or message.read_at is not None:
            return None
        older_unread = await session.scalar(
            select(SupportMessage.id)
            .where(
                SupportMessage.client_id == message.client_id,
                SupportMessage.read_at.is_(None),
                _from_same_side(message),
                SupportMessage.created_at < message.created_at,
            )
            .limit(1)
        )
        return None if older_unread is not None else message


async def mail_unread(db: Database, settings: Settings, message_id: uuid.UUID) -> int:
    """Send the notice for ``message_id`` if it is the first unread message of its run; how many were mailed.
    Every read is finished before any mail goes out; over SMTP no transaction is open while it does."""
    message = await first_unread_of_run(db, message_id)
    if message is None:
        return 0
    found = await _recipients(db, message)
    if found is None:
        return 0
    client, readers = found
    preview = message.text if len(message.text) <= PREVIEW_CHARACTERS else message.text[:PREVIEW_CHARACTERS] + "…"
    base = settings.frontend_url.rstrip("/")
    for reader in readers:
        link = f"{base}/support" if reader.role == Role.CLIENT else f"{base}/manager?client={client.id}"
        sender = client.full_name or client.email if message.sender_role == Role.CLIENT else None
        async with db.sessions() as session, session.begin():
            await send_mail(
                session,
                settings,
                to=reader.email,
                letter=letters.support_message_notice(sender, preview, link),
                language=as_language(reader.language),
            )
    return len(readers)
