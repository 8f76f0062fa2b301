"""One call per event for the modules that own a provider sync, so each hooks in with a line: the entry's kind,
subject and retry are decided here, once. Each is called after the provider call, with no transaction open."""

from __future__ import annotations

import uuid

from x8.kit.db import Database
from x8.platform.activity import actions
from x8.platform.activity.models import ActivityKind, ActivityStatus
from x8.platform.activity.service import booking_subject, channel_subject, message_subject, record


def _status(error: str | None, *, pending: bool = False) -> ActivityStatus:
    if error is None:
        return ActivityStatus.OK
    return ActivityStatus.PENDING if pending else ActivityStatus.ERROR


async def n8n_provisioning(
    db: Database, company_id: uuid.UUID, error: str | None, *, will_retry: bool = False, retryable: bool = True
) -> None:
    """A provisioning run's outcome; ``will_retry``: the job queued its next try (the entry stays ``pending``)."""
    await record(
        db,
        company_id,
        ActivityKind.N8N_PROVISIONING,
        _status(error, pending=will_retry),
        detail=error,
        retry=actions.n8n_provision() if error is not None and retryable else None,
    )


async def n8n_deprovisioning(db: Database, company_id: uuid.UUID, error: str | None, *, will_retry: bool) -> None:
    await record(
        db,
        company_id,
        ActivityKind.N8N_DEPROVISIONING,
        _status(error, pending=will_retry),
        detail=error,
        retry=actions.n8n_deprovision() if error is not None else None,
    )


async def n8n_handover_failed(db: Database, company_id: uuid.UUID, channel_id: uuid.UUID, error: str) -> None:
    """n8n could not take a turn; the native engine answered it (nothing to retry)."""
    detail = f"n8n did not take the turn, so the native assistant answered it: {error}"
    await record(
        db,
        company_id,
        ActivityKind.N8N_HANDOVER,
        ActivityStatus.ERROR,
        subject=channel_subject(channel_id),
        channel_id=channel_id,
        detail=detail,
    )


async def webhook_registration(
    db: Database, company_id: uuid.UUID, channel_id: uuid.UUID, error: str | None, *, retryable: bool = False
) -> None:
    """A webhook registered at the provider at connect (Telegram ``setWebhook``). Retryable only when the channel
    keeps credentials to register with."""
    await record(
        db,
        company_id,
        ActivityKind.WEBHOOK_REGISTRATION,
        _status(error),
        subject=channel_subject(channel_id),
        channel_id=channel_id,
        detail=error,
        retry=actions.webhook_registration(channel_id) if error is not None and retryable else None,
    )


async def session_start(
    db: Database,
    company_id: uuid.UUID,
    channel_id: uuid.UUID,
    error: str | None,
    *,
    will_retry: bool = False,
    retryable: bool = True,
) -> None:
    """A provider session started or restarted (WAHA). A retry queues the restart job, which acts on a channel
    whose session was lost."""
    await record(
        db,
        company_id,
        ActivityKind.SESSION_START,
        _status(error, pending=will_retry),
        subject=channel_subject(channel_id),
        channel_id=channel_id,
        detail=error,
        retry=actions.session_restart(channel_id) if error is not None and retryable else None,
    )


async def send_failed(
    db: Database, company_id: uuid.UUID, channel_id: uuid.UUID, message_id: uuid.UUID, error: str
) -> None:
    """A reply that failed for good (its retries exhausted, or refused by the provider)."""
    await record(
        db,
        company_id,
        ActivityKind.SEND_FAILED,
        ActivityStatus.ERROR,
        subject=message_subject(message_id),
        channel_id=channel_id,
        detail=error,
        retry=actions.send(message_id),
    )


async def calendar_write(db: Database, company_id: uuid.UUID, booking_id: uuid.UUID, error: str | None) -> None:
    """A booking's Google Calendar event written or deleted (or the attempt that failed; the queue retries it)."""
    await record(
        db,
        company_id,
        ActivityKind.CALENDAR_WRITE,
        _status(error),
        subject=booking_subject(booking_id),
        detail=error,
        retry=actions.calendar_sync(booking_id) if error is not None else None,
    )


async def mail_check(
    db: Database, company_id: uuid.UUID, channel_id: uuid.UUID, kind: ActivityKind, error: str | None
) -> None:
    """An email channel's sync, Gmail watch or login started failing (``error``) or works again (None). Called on
    a change only: a failure repeated at every poll is one entry, which its recovery closes."""
    await record(
        db, company_id, kind, _status(error), subject=channel_subject(channel_id), channel_id=channel_id, detail=error
    )


async def channel_connect(
    db: Database,
    company_id: uuid.UUID,
    channel_id: uuid.UUID,
    platform: str,
    error: str | None,
    *,
    registered_before: bool = False,
) -> None:
    """A connect's registration at the provider: Telegram's ``setWebhook``, WAHA's session start, a Meta page's
    subscription (a failed one is retried by logging in again, not from the log). A failed first
    Telegram connect is not retryable from the log (the business types the token again), a reconnect's is; a
    WhatsApp connect is retried from the Integrations page."""
    if platform == "telegram":
        await webhook_registration(db, company_id, channel_id, error, retryable=registered_before)
    elif platform == "whatsapp":
        await session_start(db, company_id, channel_id, error, retryable=False)
    elif platform in ("facebook", "instagram"):  # the page's subscription to the pool app (``subscribed_apps``)
        await webhook_registration(db, company_id, channel_id, error)
