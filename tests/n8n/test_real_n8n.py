"""The bridge against a real n8n (SPEC R-N5): a real ``x8 serve`` provisions a tenant in n8n through its public
API; its Telegram channel is switched to the n8n engine; a customer's message reaches X8's Telegram webhook, X8
verifies it and hands the turn to the tenant's ingress workflow, which runs in n8n, searches the tenant's knowledge
base and answers through ``POST /api/v1/n8n/messages``; X8 sends that answer to the customer (the fake Telegram).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import bearer
from tests.fakes.telegram import FakeTelegram
from tests.n8n.helpers import bindings, shop_with_telegram, telegram_update
from tests.n8n.real import RealN8n, serving_x8
from tests.serving import artifact
from x8.integrations.n8n import N8nApi
from x8.n8n_bridge import templates


@pytest.fixture
def x8_with_n8n(real_n8n: RealN8n, fake_telegram: tuple[FakeTelegram, str]) -> Iterator[str]:
    """A real ``x8 serve`` (its own worker provisions) wired to the real n8n; n8n calls it back on its base URL."""
    env = {
        "N8N_API_URL": real_n8n.url,
        "N8N_API_KEY": real_n8n.api_key,
        "N8N_WEBHOOK_BASE_URL": real_n8n.url,
        # Telegram takes only an HTTPS webhook; n8n calls X8 on its loopback address.
        "PUBLIC_BASE_URL": "https://x8.example",
        "N8N_CALLBACK_BASE_URL": "{base}",
        "TELEGRAM_API_URL": fake_telegram[1],
        "X8_BUFFER_SECONDS": "0",
    }
    with serving_x8(env, artifact("n8n-x8-server.log")) as base:
        yield base


async def _eventually(check: Any, *, seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        found = await check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.3)


async def test_an_inbound_telegram_turn_is_answered_through_a_real_n8n_execution(
    x8_with_n8n: str, real_n8n: RealN8n, fake_telegram: tuple[FakeTelegram, str]
) -> None:
    fake, _ = fake_telegram
    async with httpx.AsyncClient(base_url=x8_with_n8n, timeout=30) as client:
        tokens, company_id, channel_id = await shop_with_telegram(client, "n8n-real@example.com")

        started = time.monotonic()
        r = await client.post("/api/v1/n8n/provision", headers=bearer(tokens), json={"company_id": company_id})
        assert r.status_code == 202, r.text

        async def provisioned() -> dict[str, dict[str, Any]] | None:
            found = await bindings(client, tokens, company_id)
            statuses = {kind: item["status"] for kind, item in found.items()}
            assert "error" not in statuses.values(), found
            return found if statuses == {"credential": "active", "bot": "active", "workflow": "active"} else None

        found = await _eventually(provisioned, seconds=60, what="the tenant's n8n objects")
        provisioning_seconds = time.monotonic() - started
        workflow_id = found["workflow"]["n8n_id"]
        api = N8nApi(real_n8n.url, real_n8n.api_key)
        workflow = await api.get_workflow(workflow_id)
        assert workflow is not None and workflow["active"] is True

        r = await client.patch(
            f"/api/v1/integrations/channels/{channel_id}", headers=bearer(tokens), json={"engine": "n8n"}
        )
        assert r.status_code == 200 and r.json()["engine"] == "n8n", r.text
        sent_before = len(fake.sent)

        # A customer writes to the bot; X8 verifies it, takes the turn and hands it to the ingress workflow.
        secret = fake.bots[next(iter(fake.bots))].webhook["secret_token"]
        r = await client.post(
            f"/api/v1/webhooks/telegram/{channel_id}",
            json=telegram_update(1, "sourdough"),
            headers={"X-Telegram-Bot-Api-Secret-Token": secret},
        )
        assert r.status_code == 200, r.text

        async def answered() -> list[dict[str, Any]]:
            return [m for m in fake.sent[sent_before:] if m["text"].startswith("Sourdough bread:")]

        [reply] = await _eventually(answered, seconds=60, what="n8n's reply to reach the customer")
        assert reply["chat_id"] == 555001
        assert fake.sent[sent_before:] == [reply]  # n8n answered the turn, the native assistant did not

        # n8n saves the execution once its last node has returned, which can be after the customer got the reply.
        async def succeeded() -> list[dict[str, Any]]:
            return await api.list_executions(workflow_id, status="success")

        await _eventually(succeeded, seconds=20, what="n8n to record a successful execution of the ingress workflow")
        print(f"provisioning took {provisioning_seconds:.2f} s against the real n8n")


async def test_every_template_is_accepted_and_activated_by_the_real_n8n(real_n8n: RealN8n) -> None:
    """Each template, rendered as provisioning renders it, is a workflow the real n8n takes, and the ones meant
    to be active activate (a Webhook node on its own path, the Main Generation call resolvable)."""
    api = N8nApi(real_n8n.url, real_n8n.api_key)
    credential = await api.create_credential(
        "X8 · template check · key", "httpHeaderAuth", {"name": "X-X8-Tenant-Key", "value": "x8tk_check"}
    )
    made: list[str] = []
    try:
        _, main_body = templates.load(templates.MAIN_GENERATION).render({})
        main = str((await api.create_workflow({**main_body, "name": "X8 · template check · Main Generation"}))["id"])
        made.append(main)
        for index, key in enumerate(k for k in templates.EVERY_TEMPLATE if k != templates.MAIN_GENERATION):
            template = templates.load(key)
            name, body = template.render(
                {
                    "COMPANY_HUMAN_ID": "X8-CHECK",
                    "COMPANY_ID": str(uuid.uuid4()),
                    "CHANNEL_ID": f"{uuid.uuid4()}-{index}",
                    "API_URL": "http://127.0.0.1:9",
                    "CREDENTIAL_ID": credential,
                    "CREDENTIAL_NAME": "X8 · template check · key",
                    "MAIN_GENERATION_ID": main,
                    "PLATFORM": "instagram",
                    "PLATFORM_TITLE": "Instagram",
                }
            )
            created = await api.create_workflow({**body, "name": name})
            made.append(str(created["id"]))
            if template.activate:
                activated = await api.activate(str(created["id"]))
                assert activated["active"] is True, key
    finally:
        for workflow_id in made:
            await api.delete_workflow(workflow_id)
        await api.delete_credential(credential)
