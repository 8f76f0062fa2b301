"""Carrying out an entry's ``retry`` (``POST /api/v1/activity/{id}/retry``): each action queues the job that owns
the sync, which records its outcome on the same entry. Called after the request's transaction has committed."""

from __future__ import annotations

import uuid
from typing import Any

from x8.n8n_bridge.tasks import schedule_deprovisioning, schedule_provisioning
from x8.platform.activity import tasks
from x8.platform.activity.actions import RetryAction
from x8.platform.booking.tasks import schedule_calendar_sync
from x8.platform.channels.tasks import schedule_restart


async def carry_out(company_id: uuid.UUID, retry: dict[str, Any]) -> None:
    action = RetryAction(retry["action"])
    if action == RetryAction.N8N_PROVISION:
        await schedule_provisioning(company_id, asked=True)
    elif action == RetryAction.N8N_DEPROVISION:
        await schedule_deprovisioning(company_id)
    elif action == RetryAction.WEBHOOK_REGISTRATION:
        await tasks.register_webhook.defer_async(channel_id=retry["channel_id"])
    elif action == RetryAction.SESSION_RESTART:
        await schedule_restart(uuid.UUID(retry["channel_id"]), attempt=0)
    elif action == RetryAction.SEND:
        await tasks.resend.defer_async(company_id=str(company_id), message_id=retry["message_id"])
    elif action == RetryAction.CALENDAR_SYNC:
        await schedule_calendar_sync(company_id, uuid.UUID(retry["booking_id"]))
