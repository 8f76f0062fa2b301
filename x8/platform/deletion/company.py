"""Deleting one company (R-C2) with the account deletion's steps for what lives outside its schema: its channels
unregistered at their providers, its Google grant revoked, its MongoDB history removed. The caller then drops the
schema and the row, and queues n8n's removal (the bindings outlive the company until n8n has answered)."""

from __future__ import annotations

import uuid

from x8.kit.db import Database
from x8.platform.deletion.steps import StepContext, Subject, remove_history, revoke_calendars, unregister_channels
from x8.settings import Settings

COMPANY_STEPS = (unregister_channels, revoke_calendars, remove_history)


async def release_outside(db: Database, settings: Settings, owner_id: uuid.UUID, company_id: uuid.UUID) -> None:
    """Run with no transaction open; raises ``StepFailed`` when a provider does not answer (nothing is lost: every
    step is idempotent, so deleting again goes on where this stopped)."""
    subject = Subject(owner_id, "", (company_id,))
    context = StepContext(db=db, settings=settings, subject=subject, deletion_id=uuid.uuid4())
    for step in COMPANY_STEPS:
        await step(context)
