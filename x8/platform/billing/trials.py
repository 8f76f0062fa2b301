"""The daily trial sweep (SPEC.md R-B1, R-B3): a trial that has ended is marked ``expired``, and its business is
emailed 3 days and 1 day before the end and on the day it ends, once each.

Each reminder is claimed first (a ``trial_notices`` row, committed) and sent after, with no transaction open over
SMTP: a sweep that runs twice, or two workers at once, send it once. A reminder whose mail fails is released, so
the next sweep tries again.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert

from x8.kit.clock import utcnow
from x8.kit.db import Database
from x8.kit.errors import ServiceUnavailable
from x8.kit.i18n import as_language
from x8.platform.billing import letters
from x8.platform.billing.models import TrialNotice
from x8.platform.mail.letters import Letter
from x8.platform.mail.sender import send_mail
from x8.platform.users.models import Plan, Role, SubscriptionStatus, User
from x8.settings import Settings

log = logging.getLogger(__name__)

# (kind, how long before the end it is due), the latest first: only the most urgent one due is sent.
REMINDERS: tuple[tuple[str, timedelta], ...] = (
    ("expired", timedelta(0)),
    ("1_day", timedelta(days=1)),
    ("3_days", timedelta(days=3)),
)


@dataclass(frozen=True)
class Due:
    business_id: uuid.UUID
    email: str
    language: str
    kind: str
    trial_ends_at: datetime


def due_notice(trial_ends_at: datetime, now: datetime) -> str | None:
    """The reminder due now for a trial ending at ``trial_ends_at``, or None."""
    for kind, before in REMINDERS:
        if trial_ends_at - before <= now:
            return kind
    return None


async def sweep(db: Database, settings: Settings, now: datetime | None = None) -> list[Due]:
    """Expire ended trials and send the reminders that are due. Returns the reminders sent."""
    now = now or utcnow()
    horizon = now + REMINDERS[-1][1]
    async with db.sessions() as session, session.begin():
        await session.execute(
            update(User)
            .where(
                User.plan == Plan.TRIAL,
                User.subscription_status == SubscriptionStatus.TRIALING,
                User.trial_ends_at <= now,
            )
            .values(subscription_status=SubscriptionStatus.EXPIRED)
        )
        rows = (
            await session.execute(
                select(User.id, User.email, User.language, User.trial_ends_at).where(
                    User.role == Role.CLIENT,
                    User.plan == Plan.TRIAL,
                    User.is_active.is_(True),
                    User.trial_ends_at.is_not(None),
                    User.trial_ends_at <= horizon,
                    # Only ends within the last day get the "ended" mail: a sweep that was down for a week does
                    # not email every long-expired trial at once.
                    User.trial_ends_at > now - timedelta(days=1),
                )
            )
        ).all()
    sent: list[Due] = []
    for business_id, email, language, trial_ends_at in rows:
        assert trial_ends_at is not None  # filtered above
        kind = due_notice(trial_ends_at, now)
        if kind is None:
            continue
        due = Due(business_id, email, language, kind, trial_ends_at)
        if await _claim(db, due) and await _send(db, settings, due):
            sent.append(due)
    return sent


async def _claim(db: Database, due: Due) -> bool:
    async with db.sessions() as session, session.begin():
        result = await session.execute(
            insert(TrialNotice)
            .values(business_id=due.business_id, kind=due.kind, trial_ends_at=due.trial_ends_at)
            .on_conflict_do_nothing()
            .returning(TrialNotice.kind)
        )
        return result.first() is not None


def _letter(due: Due, link: str) -> Letter:
    if due.kind == "expired":
        return letters.trial_ended(link)
    return letters.trial_ends_soon(1 if due.kind == "1_day" else 3, link)


async def _send(db: Database, settings: Settings, due: Due) -> bool:
    link = f"{settings.frontend_url.rstrip('/')}/billing"
    try:
        # Over SMTP this session never opens a transaction; the dev mailbox writes its row in one.
        async with db.sessions() as session, session.begin():
            await send_mail(
                session, settings, to=due.email, letter=_letter(due, link), language=as_language(due.language)
            )
    except ServiceUnavailable:
        log.warning(
            "the %s trial reminder of business %s could not be sent; the next sweep tries again",
            due.kind,
            due.business_id,
        )
        async with db.sessions() as session, session.begin():
            await session.execute(
                delete(TrialNotice).where(
                    TrialNotice.business_id == due.business_id,
                    TrialNotice.kind == due.kind,
                    TrialNotice.trial_ends_at == due.trial_ends_at,
                )
            )
        return False
    return True
