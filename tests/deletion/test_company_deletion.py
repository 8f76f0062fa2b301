"""Deleting one company (R-C2) reuses the account deletion's steps: its bot is unregistered at Telegram before its
data goes, and Telegram not answering keeps the company (503) until a second try goes through."""

from __future__ import annotations

import httpx

from tests.conftest import bearer, register, sql
from tests.deletion.conftest import BOT_TOKEN, Fakes


async def test_deleting_a_company_unregisters_its_bot_first(
    api: httpx.AsyncClient, fakes: tuple[Fakes, dict[str, str]], owner_url: str
) -> None:
    fake = fakes[0]
    tokens = await register(api, "two@example.com")
    created = await api.post(
        "/api/v1/companies/",
        headers=bearer(tokens),
        json={"name": "Old Shop", "company_type": "Product", "channels": ["telegram"]},
    )
    company_id = created.json()["id"]
    bot = await api.post(
        "/api/v1/integrations/telegram/connect",
        headers=bearer(tokens),
        json={"company_id": company_id, "bot_token": BOT_TOKEN},
    )
    assert bot.status_code == 200, bot.text
    assert fake.telegram.bots[BOT_TOKEN].webhook

    def telegram_down(method: str) -> None:
        if method == "deleteWebhook":
            raise RuntimeError("Telegram is down")

    fake.telegram.during_call = telegram_down
    refused = await api.delete(f"/api/v1/companies/{company_id}", headers=bearer(tokens))
    assert refused.status_code == 503 and refused.json()["detail"].startswith("The company was not deleted:")
    assert sql(owner_url, "SELECT count(*) FROM companies WHERE id = %s", company_id) == [(1,)]
    assert fake.telegram.bots[BOT_TOKEN].webhook

    fake.telegram.during_call = None
    gone = await api.delete(f"/api/v1/companies/{company_id}", headers=bearer(tokens))
    assert gone.status_code == 204, gone.text
    assert not fake.telegram.bots[BOT_TOKEN].webhook
    assert sql(owner_url, "SELECT count(*) FROM companies WHERE id = %s", company_id) == [(0,)]
    assert sql(owner_url, "SELECT count(*) FROM vault_secrets WHERE company_id = %s", company_id) == [(0,)]
