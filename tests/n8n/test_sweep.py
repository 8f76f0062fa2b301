"""The orphan sweep (``x8.n8n_bridge.sweep``): X8's workflows no binding records are deleted from n8n, once they are
old enough that no run can still be about to record them; recorded ones and the business's own are never touched."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.fakes.n8n import API_KEY, FakeN8n
from tests.n8n.helpers import provision, shop_with_telegram
from x8.integrations.n8n import N8nApi
from x8.kit.db import Database
from x8.n8n_bridge.sweep import sweep_orphans


@pytest.fixture
async def db(app_url: str) -> AsyncIterator[Database]:
    database = Database.connect(app_url, pool_size=2)
    yield database
    await database.dispose()


def _workflow(name: str) -> dict[str, object]:
    trigger = {"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "position": [0, 0]}
    return {"name": name, "nodes": [{**trigger, "parameters": {}}], "connections": {}, "settings": {}}


async def test_only_unrecorded_x8_workflows_old_enough_are_swept(
    client: httpx.AsyncClient, fake_n8n: tuple[FakeN8n, str], app_url: str, db: Database
) -> None:
    fake, url = fake_n8n
    tokens, company_id, _ = await shop_with_telegram(client)
    await provision(client, tokens, company_id, app_url)
    api = N8nApi(url, API_KEY)
    recorded = set(fake.workflows)
    orphan = str((await api.create_workflow(_workflow("X8 · X8-GONE · Telegram Ingress · 1")))["id"])
    theirs = str((await api.create_workflow(_workflow("Our own lead router")))["id"])

    fresh = await sweep_orphans(db, api)  # made a moment ago: a run may be about to record it
    assert fresh.deleted == [] and fresh.spared == 1 and orphan in fake.workflows

    later = await sweep_orphans(db, api, now=datetime.now(UTC) + timedelta(hours=2))
    assert later.deleted == [orphan]
    assert set(fake.workflows) == recorded | {theirs}
