"""GET /api/v1/installation tells the dashboard what this server offers (the dev mailbox, the assistant's engine)."""

from __future__ import annotations

import httpx

from tests.conftest import app_client
from x8.settings import Settings


async def test_a_development_server_without_smtp_has_the_dev_mailbox(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/installation")  # no token: the sign-up page asks before anyone signs in
    assert r.status_code == 200
    assert r.json() == {"dev_mailbox": True, "assistant_engine": "retrieval"}


async def test_smtp_and_an_llm_change_the_answer(settings: Settings, app_url: str) -> None:
    configured = settings.model_copy(
        update={"smtp_host": "127.0.0.1", "openai_base_url": "http://127.0.0.1:9/v1", "openai_api_key": "k"}
    )
    async with app_client(configured, app_url) as client:
        r = await client.get("/api/v1/installation")
    assert r.json() == {"dev_mailbox": False, "assistant_engine": "llm"}
