"""The deletion job: runs the steps; while a step waits for its provider, the job is queued again for later."""

from __future__ import annotations

import contextlib
import uuid

import procrastinate

from x8.kit.jobs import context
from x8.platform.deletion import runner

blueprint = procrastinate.Blueprint()


@blueprint.task(name="run", pass_context=False)
async def run_deletion(deletion_id: str) -> None:
    ctx = context()
    finished = await runner.run(ctx.db, ctx.settings, uuid.UUID(deletion_id))
    if finished.retry_in is not None:
        await schedule(uuid.UUID(deletion_id), delay=finished.retry_in)


async def schedule(deletion_id: uuid.UUID, *, delay: int = 0) -> None:
    """One run at a time per deletion (``lock``) and one waiting (``queueing_lock``); a run queued while another
    works waits for it. A worker killed mid-step has its job put back by the stalled-job recovery."""
    job = run_deletion.configure(
        lock=f"deletion:{deletion_id}",
        queueing_lock=f"deletion:{deletion_id}",
        schedule_in={"seconds": delay} if delay else None,
    )
    with contextlib.suppress(procrastinate.exceptions.AlreadyEnqueued):
        await job.defer_async(deletion_id=str(deletion_id))
