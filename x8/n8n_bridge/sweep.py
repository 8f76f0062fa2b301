"""Removing orphans from n8n: workflows X8 made (named ``X8 · …``) that no binding records any more, left by a run
that died between making a workflow and recording it when nothing adopted it since, or by bindings deleted by hand.

Only workflows can be swept: n8n's public API cannot list credentials, which is why every credential id is recorded
before anything else relies on it. A workflow is spared while a binding still carries its name (a run that may yet
adopt it) and while it is younger than ``GRACE`` (a run may be between making it and recording it right now).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from x8.integrations.n8n import N8nApi
from x8.kit.db import Database
from x8.n8n_bridge.models import N8nBinding

PREFIX = "X8 · "
GRACE = timedelta(hours=1)


@dataclass
class Swept:
    deleted: list[str] = field(default_factory=list)
    spared: int = 0


def _updated(workflow: dict[str, object]) -> datetime | None:
    value = workflow.get("updatedAt")
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


async def sweep_orphans(db: Database, api: N8nApi, *, now: datetime | None = None) -> Swept:
    """Delete X8's workflows in n8n that no binding records (n8n calls outside any transaction)."""
    async with db.sessions() as session:
        rows = (await session.execute(select(N8nBinding.n8n_id, N8nBinding.name))).all()
    recorded = {n8n_id for n8n_id, _ in rows if n8n_id}
    names = {name for _, name in rows}
    cutoff = (now or datetime.now(UTC)) - GRACE
    swept = Swept()
    for workflow in await api.list_workflows():
        workflow_id, name = str(workflow.get("id")), str(workflow.get("name", ""))
        if not name.startswith(PREFIX) or workflow_id in recorded:
            continue
        updated = _updated(workflow)
        if name in names or updated is None or updated > cutoff:
            swept.spared += 1
            continue
        await api.delete_workflow(workflow_id)
        swept.deleted.append(workflow_id)
    return swept
