"""Deleting one company (R-C2) reuses the account deletion's steps: its bot is unregistered at Telegram before its
data goes, and Telegram not answering keeps the company (503) until a second try goes through; afterwards no
provider (Telegram, WAHA, Gmail, n8n) holds anything of that company, and the business's other company keeps its
own. A Meta login ends with the last channel, of any company, that uses it."""

from __future__ import annotations

import uuid

import httpx

from tests.conftest import bearer, register, sql
from tests.conversations.helpers import run_jobs
from tests.deletion import account
from tests.deletion.conftest import BOT_TOKEN, Fakes
from tests.deletion.sweep import database_traces, provider_traces


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


async def test_deleting_a_company_removes_its_traces_at_every_provider_and_no_other_companys(
    api: httpx.AsyncClient, fakes: tuple[Fakes, dict[str, str]], owner_url: str, app_url: str
) -> None:
    fake = fakes[0]
    tokens = await register(api, "many@example.com")
    user_id = str((await api.get("/api/v1/auth/me", headers=bearer(tokens))).json()["id"])
    await account.any_number_of_channels(api, app_url, user_id)
    old, kept = await account.company(api, tokens, "Old Shop"), await account.company(api, tokens, "Kept Shop")
    old_channels = [await account.telegram(api, tokens, old), await account.gmail(api, tokens, old)]
    old_whatsapp, old_session = await account.whatsapp(api, tokens, old)
    kept_whatsapp, kept_session = await account.whatsapp(api, tokens, kept)
    old_keys = await account.n8n(api, fake, app_url, tokens, old)
    kept_keys = await account.n8n(api, fake, app_url, tokens, kept)
    google_tokens = [*fake.google.oauth.tokens, *fake.google.oauth.refresh_tokens]
    gone = [old, uuid.UUID(old).hex, *old_channels, old_whatsapp, old_session, *old_keys, *google_tokens, BOT_TOKEN]
    stays = [kept, kept_whatsapp, kept_session, *kept_keys]
    assert set(provider_traces(fake, gone)) == {"telegram", "n8n", "waha", "google"}

    deleted = await api.delete(f"/api/v1/companies/{old}", headers=bearer(tokens))
    assert deleted.status_code == 204, deleted.text
    await run_jobs(app_url)  # n8n's removal is queued after the company is gone

    assert f"POST /api/sessions/{old_session}/logout" in fake.waha.calls and old_session not in fake.waha.sessions
    assert fake.google.stops == 1 and not fake.google.oauth.refresh_tokens
    assert provider_traces(fake, gone) == {}
    # Here only the business's own trail names the company (its audit and activity entries, finished jobs): they
    # are the account's, and go when the account does.
    assert set(database_traces(owner_url, gone)) <= {
        "public.audit_log",
        "public.activity_log",
        "public.procrastinate_jobs",
    }
    # The business's other company keeps its WhatsApp session and its n8n objects.
    assert set(provider_traces(fake, stays)) == {"n8n", "waha"}
    assert set(provider_traces(fake, stays)["n8n"]) == {kept_whatsapp, *kept_keys}  # its ingress and key


async def test_a_meta_login_ends_with_the_last_channel_that_uses_it(
    api: httpx.AsyncClient, fakes: tuple[Fakes, dict[str, str]], app_url: str
) -> None:
    fake = fakes[0]
    tokens = await register(api, "pages@example.com")
    user_id = str((await api.get("/api/v1/auth/me", headers=bearer(tokens))).json()["id"])
    await account.any_number_of_channels(api, app_url, user_id)
    first, second = await account.company(api, tokens, "Messenger Shop"), await account.company(api, tokens, "Insta")
    await account.meta_page(api, fake, app_url, tokens, first, ("facebook",))
    await account.meta_page(api, fake, app_url, tokens, second, ("instagram",))  # the same person's login

    assert (await api.delete(f"/api/v1/companies/{first}", headers=bearer(tokens))).status_code == 204
    assert "revoke_login" not in fake.meta.calls  # the other company's Instagram still lives on that login
    assert fake.meta.page_tokens

    assert (await api.delete(f"/api/v1/companies/{second}", headers=bearer(tokens))).status_code == 204
    assert fake.meta.calls.count("revoke_login") == 1 and not fake.meta.page_tokens and not fake.meta.user_tokens
