"""Support's jobs: the email about a chat message left unread."""

from __future__ import annotations

import uuid

import procrastinate

from x8.kit.jobs import context
from x8.platform.support import notices

blueprint = procrastinate.Blueprint()

# Long enough for someone with the page open to read it there (the SSE stream shows it at once), short enough
# that a question does not wait for the next time they happen to look.
UNREAD_MAIL_DELAY_MINUTES = 5


@blueprint.task(
    name="mail_unread", retry=procrastinate.RetryStrategy(max_attempts=6, exponential_wait=10), pass_context=False
)
async def mail_unread(message_id: str) -> None:
    ctx = context()
    await notices.mail_unread(ctx.db, ctx.settings, uuid.UUID(message_id))


async def schedule_unread_mail(message_id: uuid.UUID) -> None:
    await mail_unread.configure(schedule_in={"minutes": UNREAD_MAIL_DELAY_MINUTES}).defer_async(
        message_id=str(message_id)
    )
