"""What a retry of an activity entry queues, as the JSON kept in ``activity_log.retry``. The modules that record
an entry build it here; ``x8.platform.activity.retry`` carries it out."""

from __future__ import annotations

import enum
import uuid
from typing import Any


class RetryAction(enum.StrEnum):
    N8N_PROVISION = "n8n_provision"
    N8N_DEPROVISION = "n8n_deprovision"
    WEBHOOK_REGISTRATION = "webhook_registration"
    SESSION_RESTART = "session_restart"
    SEND = "send"
    CALENDAR_SYNC = "calendar_sync"


def n8n_provision() -> dict[str, Any]:
    return {"action": RetryAction.N8N_PROVISION.value}


def n8n_deprovision() -> dict[str, Any]:
    return {"action": RetryAction.N8N_DEPROVISION.value}


def webhook_registration(channel_id: uuid.UUID) -> dict[str, Any]:
    return {"action": RetryAction.WEBHOOK_REGISTRATION.value, "channel_id": str(channel_id)}


def session_restart(channel_id: uuid.UUID) -> dict[str, Any]:
    return {"action": RetryAction.SESSION_RESTART.value, "channel_id": str(channel_id)}


def send(message_id: uuid.UUID) -> dict[str, Any]:
    return {"action": RetryAction.SEND.value, "message_id": str(message_id)}


def calendar_sync(booking_id: uuid.UUID) -> dict[str, Any]:
    return {"action": RetryAction.CALENDAR_SYNC.value, "booking_id": str(booking_id)}
