"""Running a deletion job: the next unfinished step, with no transaction open while it works, its outcome
recorded after. A killed worker leaves its step ``running``; the job resumes with that step (steps are
idempotent). A step that fails stays ``retrying`` with its error and the job waits ``backoff`` before the next try.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from sqlalchemy import select, update

from x8.kit.clock import utcnow
from x8.kit.db import Database
from x8.platform.audit.service import record
from x8.platform.deletion.models import AccountDeletion, AccountDeletionStep, DeletionStatus, StepStatus
from x8.platform.deletion.steps import STEPS, StepContext, StepFailed, Subject
from x8.settings import Settings

log = logging.getLogger(__name__)
FIRST_BACKOFF_SECONDS = 5
MAX_BACKOFF_SECONDS = 600  # a provider down for hours is asked every ten minutes until it answers
ERROR_CHARACTERS = 500


def backoff_seconds(attempts: int) -> int:
    return int(min(FIRST_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS))


@dataclass(frozen=True)
class Finished:
    """The job is done (``retry_in`` is None) or waits ``retry_in`` seconds for a step's next try."""

    retry_in: int | None


async def _start_next(db: Database, deletion_id: uuid.UUID) -> tuple[AccountDeletionStep, Subject] | None:
    async with db.sessions() as session, session.begin():
        deletion = await session.get(AccountDeletion, deletion_id, with_for_update=True)
        if deletion is None or deletion.status != DeletionStatus.RUNNING or deletion.subject is None:
            return None
        step = await session.scalar(
            select(AccountDeletionStep)
            .where(AccountDeletionStep.deletion_id == deletion_id, AccountDeletionStep.status != StepStatus.DONE)
            .order_by(AccountDeletionStep.position)
            .limit(1)
        )
        if step is None:
            return None
        step.status = StepStatus.RUNNING
        step.attempts += 1
        return step, Subject.from_json(deletion.subject)


async def _step_done(db: Database, step: AccountDeletionStep) -> None:
    async with db.sessions() as session, session.begin():
        await session.execute(
            update(AccountDeletionStep)
            .where(AccountDeletionStep.deletion_id == step.deletion_id, AccountDeletionStep.position == step.position)
            .values(status=StepStatus.DONE, last_error=None)
        )


async def _step_failed(db: Database, step: AccountDeletionStep, error: str) -> None:
    async with db.sessions() as session, session.begin():
        await session.execute(
            update(AccountDeletionStep)
            .where(AccountDeletionStep.deletion_id == step.deletion_id, AccountDeletionStep.position == step.position)
            .values(status=StepStatus.RETRYING, last_error=error[:ERROR_CHARACTERS])
        )


async def _finish(db: Database, deletion_id: uuid.UUID) -> None:
    """Done: the job forgets whose account it was, and the audit log keeps only that a deletion happened."""
    async with db.sessions() as session, session.begin():
        deletion = await session.get(AccountDeletion, deletion_id, with_for_update=True)
        if deletion is None or deletion.status != DeletionStatus.RUNNING:
            return
        deletion.status = DeletionStatus.DONE
        deletion.finished_at = utcnow()
        deletion.user_id = None
        deletion.subject = None
        await record(
            session,
            actor_id=None,
            action="account.deleted",
            target_type="account_deletion",
            target_id=str(deletion_id),
            ip=None,
            details={"steps": [name for name, _ in STEPS]},
        )


async def run(db: Database, settings: Settings, deletion_id: uuid.UUID) -> Finished:
    steps = dict(STEPS)
    while True:
        started = await _start_next(db, deletion_id)
        if started is None:
            await _finish(db, deletion_id)
            return Finished(retry_in=None)
        step, subject = started
        context = StepContext(db=db, settings=settings, subject=subject, deletion_id=deletion_id)
        try:
            await steps[step.name](context)
        except StepFailed as failure:
            log.warning("deletion %s: step %s failed (try %d): %s", deletion_id, step.name, step.attempts, failure)
            await _step_failed(db, step, failure.message)
            return Finished(retry_in=backoff_seconds(step.attempts))
        except Exception as exc:  # a bug or an outage nobody foresaw: never skip the step, keep trying
            log.exception("deletion %s: step %s broke (try %d)", deletion_id, step.name, step.attempts)
            await _step_failed(db, step, f"{type(exc).__name__}: {exc}")
            return Finished(retry_in=backoff_seconds(step.attempts))
        await _step_done(db, step)
        log.info("deletion %s: step %s done", deletion_id, step.name)
